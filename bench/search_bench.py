#!/usr/bin/env python3
"""Search latency at scale: 1,000,000 diary entries in the search index, on SQLite or PostgreSQL.

    python bench/search_bench.py --database sqlite:////tmp/search-bench.sqlite3
    python bench/search_bench.py --database postgresql://postgres@127.0.0.1:5432/NAME

Builds members (with friendships, friend lists and blocks, so the audience rule has real
work to do) and diary documents written straight into the index in bulk (the diaries
table is not needed for search), then times ``keitai.search.rules.search`` (a page of
results and its count, as /search runs it) for several kinds of query, by many viewers,
and prints median and p99 in milliseconds.  ``--reuse`` measures an index built before.
Not part of the test suite; results are recorded in bench/README.md ("search").
PostgreSQL: the database's public schema is dropped and made again.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keitai.platform.db import connection as base
from keitai.platform.db import migrations  # noqa: E402
from keitai import privacy as audience
from keitai.search import rules as search  # noqa: E402

SURNAMES = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 清水 山崎 森 池田 橋本 阿部 石川".split()
GIVEN = "太郎 花子 さくら ゆき けん ひろし 美咲 翔太 陽菜 大輔 あおい 蓮 優子 健太 ナナ ミキ 拓也 愛 真一 恵".split()
PLACES = "東京 大阪 京都 北海道 沖縄 福岡 名古屋 横浜 神戸 仙台 広島 奈良 金沢 鎌倉 箱根 札幌".split()
THINGS = ("ラーメン カフェ 映画 旅行 温泉 猫 犬 仕事 会社 電車 雨 桜 花火 お祭り ライブ 音楽 本 漫画 ゲーム 料理 "
          "ケーキ 焼肉 寿司 お弁当 ビール 日本酒 コーヒー 紅茶 海 山 公園 買い物 洋服 携帯 写真 散歩 ドライブ "
          "友達 家族 子供 彼氏 彼女 先輩 後輩 上司 試験 バイト 飲み会 誕生日 クリスマス お正月 夏休み").split()
RARE = "プラネタリウム 鰻 ふぐ料理 ｽﾉｰﾎﾞｰﾄﾞ 天体観測 盆栽".split()
VERBS = ("行きました 食べました 見ました 買いました 楽しかった 疲れた 眠い 最高でした 微妙でした 雨でした "
         "会いました 話しました 作りました 歩きました 寝ました 笑った 泣いた 頑張った").split()
PARTICLES = "は が を に で と も へ".split()
TIMES = "今日 昨日 週末 朝 夜 午後 さっき 久しぶりに 先週 来週".split()
#: Share of diary entries per audience (a mixi-like mix: most to everyone or friends).
AUDIENCES = [(audience.EVERYONE, 55), (audience.FRIENDS, 25), (audience.FRIENDS_OF_FRIENDS, 12),
             (audience.GROUP, 4), (audience.PRIVATE, 4)]

#: A word in ~100 entries spread over the years (the vocabulary's rare words are in ~3,000).
RARE_SENTENCE, RARE_ENTRIES = "ハレー彗星を見た。", 100

QUERIES = {
    "3+ chars": [(search.DIARY, q) for q in ("ラーメン", "プラネタリウム", "ハレー彗星", "京都 ラーメン", "最高でした",
                                             "ぱぴぷぺぽ")],
    "1-2 chars": [(search.DIARY, q) for q in ("猫", "旅行", "鰻", "彗", "京都", "花火 猫")],
    "reading": ([(search.DIARY, q) for q in ("kyoto", "りょこう", "hanabi")]
                + [(search.MEMBER, q) for q in ("やまだ", "yamada", "sakura")]),
}


def sentence(rng: random.Random) -> str:
    thing = rng.choice(THINGS) if rng.random() > 0.002 else rng.choice(RARE)
    place = rng.choice(PLACES)
    return (f"{rng.choice(TIMES)}{rng.choice(PARTICLES)}{place}{rng.choice(PARTICLES)}{thing}"
            f"{rng.choice(PARTICLES)}{rng.choice(VERBS)}。")


def body(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(3, 18)):  # 60-500 characters, ~250 on average
        lines.append(sentence(rng))
        if rng.random() < 0.3:
            lines.append("\n")
    return "".join(lines)


def title(rng: random.Random) -> str:
    return rng.choice((f"{rng.choice(PLACES)}{rng.choice(THINGS)}", f"{rng.choice(TIMES)}の{rng.choice(THINGS)}",
                       rng.choice(THINGS), f"{rng.choice(PLACES)}へ"))


def fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        database = base.make_database(url)
        database.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
        database.close()
    base.connect(url)
    migrations.migrate(log=None)


def build_members(rng: random.Random, count: int) -> list[int]:
    """Members with ~20 friends each, a friend list each, and a block per 100 members."""
    t = base.now()
    db = base.db.obj
    with db.atomic():
        cursor = db.cursor()
        rows = []
        for n in range(1, count + 1):
            nickname = rng.choice(SURNAMES) + rng.choice(GIVEN) if rng.random() < 0.6 else rng.choice(GIVEN) + str(n)
            rows.append((n, nickname, f"m{n}@docomo.ne.jp", "x", "active", "1990-01-01", rng.choice(PLACES),
                         rng.choice(THINGS), f"{rng.choice(THINGS)}が好きです。", t))
        cursor.executemany(_native("INSERT INTO members (id, nickname, mail, password_hash, status, birthday, prefecture,"
                                   " hobbies, about, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), rows)
        pairs = set()
        for a in range(1, count + 1):
            for _ in range(10):
                b = rng.randint(1, count)
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
        cursor.executemany(_native("INSERT INTO friendships (member_id, friend_id, created_at) VALUES (?, ?, ?)"),
                           [(a, b, t) for a, b in pairs] + [(b, a, t) for a, b in pairs])
        cursor.executemany(_native("INSERT INTO friend_groups (id, owner_id, name, created_at) VALUES (?, ?, ?, ?)"),
                           [(n, n, "親しい友人", t) for n in range(1, count + 1)])
        cursor.executemany(_native("INSERT INTO friend_group_members (group_id, member_id) VALUES (?, ?)"),
                           sorted({(a, b) for a, b in pairs if rng.random() < 0.4}))
        cursor.executemany(_native("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)"),
                           sorted({(rng.randint(1, count), rng.randint(1, count), t) for _ in range(count // 100)}
                                  - {(n, n, t) for n in range(1, count + 1)}))
        if not base.is_sqlite():
            for table in ("members", "friend_groups"):
                base.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    for start in range(1, count + 1, 1000):
        search.index_many(doc for n in range(start, min(start + 1000, count + 1))
                          for doc in search.member_parts(base.fetchone(search.MEMBER_SQL + " AND id = ?", (n,))))
    return list(range(1, count + 1))


def _native(sql: str) -> str:
    return sql if base.is_sqlite() else sql.replace("?", "%s")


def diary_rows(rng: random.Random, members: list[int], count: int, first_id: int):
    readings: dict[str, str] = {}
    weights = [w for _a, w in AUDIENCES]
    names = [a for a, _w in AUDIENCES]
    t0 = base.now() - count * 30
    for i in range(count):
        owner = rng.choice(members)
        aud = rng.choices(names, weights)[0]
        text_title, text_body = title(rng), body(rng)
        read = readings.get(text_title)
        if read is None:
            read = readings[text_title] = search.reading(text_title)
        folded = search.fold(text_title, read, text_body)
        yield (first_id + i, search.DIARY, i + 1, "", owner, aud, owner if aud == audience.GROUP else None,
               t0 + i * 30, text_title, read, text_body, folded)


COLUMNS = "id, kind, ref_id, part, owner_id, audience, group_id, updated_at, title, reading, body, folded"


def build_diaries(rng: random.Random, members: list[int], count: int) -> None:
    """Write ``count`` diary documents in bulk, then build the text indexes over them."""
    db = base.db.obj
    first_id = (base.scalar("SELECT MAX(id) FROM search_docs") or 0) + 1
    started = time.perf_counter()
    if base.is_sqlite():
        insert = f"INSERT INTO search_docs ({COLUMNS}) VALUES ({', '.join('?' * 12)})"
        batch = []
        for n, row in enumerate(diary_rows(rng, members, count, first_id), 1):
            batch.append(row)
            if len(batch) == 20000:
                _sqlite_batch(db, insert, batch)
                batch = []
                print(f"  {n:,} documents ({time.perf_counter() - started:.0f} s)", flush=True)
        if batch:
            _sqlite_batch(db, insert, batch)
        base.execute("ANALYZE")
    else:
        # Bulk load the PostgreSQL way: COPY without indexes, then build them (as migrated).
        definitions = [row[0] for row in base.fetchall(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'search_docs' AND indexname NOT LIKE '%pkey'"
            " AND indexname NOT LIKE '%key'")]
        names = [row[0] for row in base.fetchall(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_docs' AND indexname NOT LIKE '%pkey'"
            " AND indexname NOT LIKE '%key'")]
        with db.atomic():
            for name in names:
                base.execute(f"DROP INDEX {name}")
        connection = db.connection()
        with db.atomic():
            with connection.cursor().copy(f"COPY search_docs ({COLUMNS}) FROM STDIN") as copy:
                for n, row in enumerate(diary_rows(rng, members, count, first_id), 1):
                    copy.write_row(row)
                    if n % 100000 == 0:
                        print(f"  {n:,} documents ({time.perf_counter() - started:.0f} s)", flush=True)
        base.execute("SET maintenance_work_mem = '1GB'")
        for definition in definitions:
            print(f"  {definition}", flush=True)
            base.execute(definition)
        base.execute("SELECT setval(pg_get_serial_sequence('search_docs', 'id'), (SELECT MAX(id) FROM search_docs))")
        base.execute("VACUUM ANALYZE search_docs")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def sprinkle_rare_word(rng: random.Random, count: int) -> None:
    """Edit ``count`` entries picked across the whole index to mention a rare word, the way
    search.index does on an edit (documents keep their place)."""
    top = base.scalar("SELECT MAX(ref_id) FROM search_docs WHERE kind = 'diary'")
    for ref_id in rng.sample(range(1, top + 1), count):
        owner, aud, group, doc_title, doc_body, at = base.fetchone(
            "SELECT owner_id, audience, group_id, title, body, updated_at FROM search_docs"
            " WHERE kind = 'diary' AND ref_id = ?", (ref_id,))
        search.index(search.DIARY, ref_id, owner, doc_title, doc_body + RARE_SENTENCE, aud, group, updated_at=at)


def _sqlite_batch(db, insert: str, rows: list[tuple]) -> None:
    """Documents as search.index_many writes them (the full-text tables follow by trigger),
    without its per-document round trips."""
    with db.atomic():
        db.cursor().executemany(insert, rows)


def size_report() -> str:
    if base.is_sqlite():
        pages = base.scalar("PRAGMA page_count") * base.scalar("PRAGMA page_size")
        return f"database file {pages / 2**30:.2f} GiB"
    rows = base.fetchall(
        "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
        " WHERE c.relname LIKE 'search_docs%' AND c.relkind IN ('r', 'i') ORDER BY 2 DESC")
    return ", ".join(f"{name} {size / 2**30:.2f} GiB" for name, size in rows)


def page_work(viewer: int, kind: str, query: str) -> None:
    """What /search does: a count for each tab and a page of results."""
    for k in search.KINDS:
        search.count(viewer, k, query)
    search.results(viewer, kind, query)


def timed(call, viewers: list[int], repeat: int) -> list[float]:
    timings = []
    for i in range(repeat):
        start = time.perf_counter()
        call(viewers[i % len(viewers)])
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def p99(timings: list[float]) -> float:
    return timings[max(0, int(len(timings) * 0.99) - 1)]


def measure(members: list[int], repeat: int, rng: random.Random) -> None:
    viewers = rng.sample(members, min(len(members), 200))
    print("\nsearch() = a page of 10 results + its count; page = /search's work (3 tab counts + results)")
    print(f"{'query':<30}{'results':>8}{'count':>7}{'median ms':>11}{'p99 ms':>9}{'page median':>13}{'page p99':>10}")
    for label, queries in QUERIES.items():
        every, pages = [], []
        for kind, query in queries:
            hits, total = search.search(viewers[0], kind, query)
            timings = timed(lambda v: search.search(v, kind, query), viewers, repeat)
            page = timed(lambda v: page_work(v, kind, query), viewers, max(repeat // 4, 10))
            every += timings
            pages += page
            print(f"  {kind} {query!r:<22}{len(hits.items):>8}{total:>7}{statistics.median(timings):>11.1f}"
                  f"{p99(timings):>9.1f}{statistics.median(page):>13.1f}{p99(page):>10.1f}")
        every.sort()
        pages.sort()
        print(f"{label:<30}{'':>15}{statistics.median(every):>11.1f}{p99(every):>9.1f}"
              f"{statistics.median(pages):>13.1f}{p99(pages):>10.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("KEITAI_DATABASE_URL", "sqlite:////tmp/keitai-search-bench.sqlite3"))
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per query")
    parser.add_argument("--reuse", action="store_true", help="measure the index built by an earlier run")
    parser.add_argument("--sprinkle", action="store_true", help="with --reuse: add the rare word first")
    args = parser.parse_args()
    rng = random.Random(7)
    if args.reuse:
        base.connect(args.database)
        migrations.migrate(log=None)
        members = [row[0] for row in base.fetchall("SELECT id FROM members")]
        if args.sprinkle:
            sprinkle_rare_word(rng, RARE_ENTRIES)
    else:
        print(f"building {args.members:,} members and {args.docs:,} diary documents in {args.database}", flush=True)
        fresh_database(args.database)
        members = build_members(rng, args.members)
        build_diaries(rng, members, args.docs)
        sprinkle_rare_word(rng, RARE_ENTRIES)
    docs = base.scalar("SELECT COUNT(*) FROM search_docs WHERE kind = 'diary'")
    print(f"{docs:,} diary documents, {len(members):,} members; {size_report()}")
    for _ in range(3):  # warm the caches the way a running site has them
        for queries in QUERIES.values():
            for kind, query in queries:
                search.search(members[0], kind, query)
    measure(members, args.repeat, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
