"""A large, realistic site for benchmarks and trying things at scale (``run.py seed --members N``).

One function per content kind, run in order; each writes its rows in bulk (executemany
in large transactions on SQLite, COPY on PostgreSQL) and prints progress.  A feature
adds its content by adding a seeder to :data:`SEEDERS` and, if it needs one, a size to
:class:`Sizes` (and a flag in keitai/commands/seed.py).

The shape follows what mixi-like sites looked like: friend counts with a long tail
(median about 30, a few members with thousands), friends mostly from the same circle
(so friends of friends are many and overlapping), Japanese text with emoji, most
profile fields visible to everyone and real names private.

Every seeded member's password is :data:`SEED_PASSWORD`; it is hashed once and the
hash reused, since hashing with argon2 per member would take longer than the rest.
"""
from __future__ import annotations

import bisect
import math
import random
import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

from keitai.models.base import SQLITE_PRAGMAS, db, execute, is_sqlite, now, scalar

from . import accounts

SEED_PASSWORD = "keitai-seed"
#: Seeded mail addresses are ``s<id>@<domain>``: the benchmark finds members by them.
MAIL_DOMAINS = (
    ("docomo.ne.jp", 40), ("ezweb.ne.jp", 25), ("softbank.ne.jp", 15), ("i.softbank.jp", 8),
    ("willcom.com", 2), ("gmail.com", 6), ("yahoo.co.jp", 4),
)
BATCH = 100_000
YEAR = 365 * 24 * 3600

Progress = Callable[[str], None]


@dataclass
class Sizes:
    """How much to make.  Rates are per member unless said otherwise."""

    members: int
    friends: int = 30  # median friend count
    hubs: float = 0.001  # share of members with 1,000-5,000 friends
    requests: float = 0.3  # pending friend requests
    groups: float = 0.2  # share of members who made friend lists (1-3 each)
    blocks: float = 0.005  # share of members who blocked someone
    seed: int = 1  # random seed: the same sizes and seed make the same site


@dataclass
class Context:
    """What the seeders share: sizes, randomness, the members made, the friend graph."""

    sizes: Sizes
    rng: random.Random
    progress: Progress
    now: int
    first_id: int = 0  # members made are first_id .. first_id + sizes.members - 1
    joined: list[int] = field(default_factory=list)  # created_at of each, by index
    pairs: set[int] = field(default_factory=set)  # friendships as lo * n + hi over member indexes
    pending: set[int] = field(default_factory=set)  # indexes of members who never verified their mail

    @property
    def n(self) -> int:
        return self.sizes.members

    def member_id(self, index: int) -> int:
        return self.first_id + index

    def are_friends(self, a: int, b: int) -> bool:
        """By member index."""
        return (a * self.n + b if a < b else b * self.n + a) in self.pairs


# --- Japanese text -------------------------------------------------------------------

EMOJI = "☀☁⛄⚡🎵❤😊✨🍺🍜🚃📷🎉💦😢🌸🐱🍰♨"
GIVEN = (
    "さくら", "ゆき", "たろう", "けん", "まなみ", "ひろ", "なお", "りょう", "あや", "しょう", "みき",
    "だいすけ", "ゆう", "まい", "こうじ", "えり", "たく", "ちひろ", "もも", "はるか", "ケンジ", "アキ",
    "ミホ", "ユウタ", "ハル", "ナナ", "リサ", "ソウタ", "太郎", "花子", "健太", "美咲", "翔", "愛",
    "大輔", "直子", "拓也", "由美", "Yuki", "taku", "Mika", "kenji",
)
NICK_SUFFIX = ("", "", "", "", "☆", "♪", "ちゃん", "くん", "(^^)", "＠東京", "＠大阪", "_", "★", "さん")
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "松本", "井上")
GIVEN_KANJI = ("健太", "美咲", "翔太", "愛", "大輔", "直子", "拓也", "由美", "陽子", "誠", "彩", "亮", "恵", "聡")
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
# Big prefectures have more members.
PREFECTURE_WEIGHTS = tuple(20 if p in ("東京都", "大阪府", "神奈川県", "愛知県") else
                           8 if p in ("埼玉県", "千葉県", "兵庫県", "福岡県", "北海道") else 2 for p in PREFECTURES)
HOBBIES = (
    "カフェ巡り", "釣り", "キャンプ", "スノーボード", "ラーメン", "音楽", "映画鑑賞", "読書", "ゲーム",
    "カラオケ", "写真", "旅行", "料理", "サッカー", "野球観戦", "ドライブ", "ネイル", "アニメ", "ギター", "温泉",
)
JOBS = ("会社員", "学生", "フリーター", "看護師", "エンジニア", "主婦", "公務員", "美容師", "営業", "デザイナー")
OPENERS = ("今日は", "昨日は", "週末は", "久しぶりに", "仕事帰りに", "朝から", "夜に", "連休は", "さっき")
PLACES = ("渋谷", "新宿", "梅田", "天神", "札幌駅", "近所のカフェ", "実家", "海", "山", "駅前のラーメン屋", "友達の家", "会社")
DOINGS = (
    "で友達とごはんを食べました", "に行ってきました", "でのんびりしました", "で写真をたくさん撮りました",
    "で偶然中学の同級生に会いました", "で新しいお店を見つけました", "でずっと雨でした", "で買い物をしました",
)
THOUGHTS = (
    "また行きたいな", "疲れたけど楽しかった", "明日からまた頑張ります", "みんなは何してた？", "眠いです",
    "ちょっと食べすぎたかも", "写真はまた今度載せます", "最高の一日でした", "来週も楽しみ",
)
ENDINGS = ("。", "！", "♪", "…", "(笑)", "ｗ", "。。", "！！")
GROUP_NAMES = ("親友", "会社", "地元", "大学", "家族", "サークル", "ゲーム仲間", "ママ友", "飲み友達")
REQUEST_MESSAGES = (
    "はじめまして！マイミクになってください。", "日記いつも読んでます！よろしくお願いします♪",
    "同じコミュの者です。よろしくです", "", "", "久しぶり！覚えてる？",
)
AUDIENCES = ("everyone", "friends_of_friends", "friends", "private")


def sentence(rng: random.Random) -> str:
    """A line of the kind members wrote: 今日は渋谷で…。また行きたいな♪😊"""
    text = rng.choice(OPENERS) + rng.choice(PLACES) + rng.choice(DOINGS) + rng.choice(ENDINGS)
    if rng.random() < 0.7:
        text += rng.choice(THOUGHTS) + rng.choice(ENDINGS)
    if rng.random() < 0.4:
        text += rng.choice(EMOJI)
    return text


def paragraph(rng: random.Random, sentences: int) -> str:
    return "\n".join(sentence(rng) for _ in range(sentences))


def nickname(rng: random.Random) -> str:
    name = rng.choice(GIVEN) + rng.choice(NICK_SUFFIX)
    if name.endswith("_"):
        name += str(rng.randint(1, 99))
    if rng.random() < 0.1:
        name += rng.choice(EMOJI)
    return name


def _weighted(rng: random.Random, choices: tuple, weights: tuple) -> Callable[[], object]:
    cumulative, total = [], 0
    for w in weights:
        total += w
        cumulative.append(total)
    return lambda: choices[bisect.bisect_right(cumulative, rng.random() * total)]


# --- bulk writing --------------------------------------------------------------------

def bulk_insert(table: str, columns: tuple[str, ...], rows: Iterable[tuple], progress: Progress,
                total: int | None = None, label: str | None = None) -> int:
    """Insert ``rows`` in large transactions: executemany on SQLite, COPY on PostgreSQL."""
    label = label or table
    started = last = time.monotonic()
    done = 0
    names = ", ".join(columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        with db.atomic():
            if is_sqlite():
                db.cursor().executemany(sql, batch)
            else:
                with db.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
        done += len(batch)
        if time.monotonic() - last >= 2:
            last = time.monotonic()
            of = f"/{total:,}" if total else ""
            progress(f"  {label}: {done:,}{of} rows")
    progress(f"{label}: {done:,} rows in {time.monotonic() - started:.1f} s")
    return done


# --- the seeders, in order -------------------------------------------------------------

def seed_members(ctx: Context) -> int:
    """Members: carrier mail addresses, Japanese nicknames and profiles, mixed audiences."""
    rng, n = ctx.rng, ctx.n
    ctx.first_id = (scalar("SELECT MAX(id) FROM members") or 0) + 1
    password_hash = accounts.hash_password(SEED_PASSWORD)  # once: argon2 per member would dominate
    domain = _weighted(rng, tuple(d for d, _ in MAIL_DOMAINS), tuple(w for _, w in MAIL_DOMAINS))
    prefecture = _weighted(rng, PREFECTURES, PREFECTURE_WEIGHTS)
    field_audience = _weighted(rng, AUDIENCES, (70, 12, 15, 3))
    start = ctx.now - 5 * YEAR
    ctx.joined = [min(start + (5 * YEAR * i) // max(n, 1) + rng.randrange(3600), ctx.now) for i in range(n)]

    def rows() -> Iterator[tuple]:
        for i in range(n):
            member_id = ctx.member_id(i)
            roll = rng.random()
            status = "active" if roll < 0.985 else "pending" if roll < 0.997 else "suspended"
            if status == "pending":
                ctx.pending.add(i)
            age = rng.randint(18, 60) if rng.random() < 0.9 else rng.randint(18, 25)
            birthday = f"{time.gmtime(ctx.now).tm_year - age}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            hobbies = "・".join(rng.sample(HOBBIES, rng.randint(0, 3)))
            pref = prefecture()
            about = ""
            if rng.random() < 0.8:
                about = f"はじめまして！{pref}在住の{rng.choice(JOBS)}です。" + paragraph(rng, rng.randint(0, 3))
            real_name = rng.choice(FAMILY) + " " + rng.choice(GIVEN_KANJI) if rng.random() < 0.3 else ""
            last_login = ctx.now - int(rng.expovariate(1 / (5 * 86400))) if status == "active" else None
            yield (
                member_id, nickname(rng), f"s{member_id}@{domain()}", password_hash, status, False, birthday,
                rng.choice(("female", "male", "female", "male", "")), pref, hobbies, about, real_name,
                rng.choice(("private", "private", "friends", "everyone")),  # birthday
                rng.choice(("friends", "everyone", "everyone", "private")),  # age
                field_audience(), field_audience(), field_audience(), field_audience(),
                "private" if rng.random() < 0.9 else "friends",  # real name
                field_audience(), field_audience(),  # photo, friends list
                ctx.joined[i], max(last_login, ctx.joined[i]) if last_login else None,
            )

    columns = (
        "id", "nickname", "mail", "password_hash", "status", "is_admin", "birthday", "gender", "prefecture",
        "hobbies", "about", "real_name", "aud_birthday", "aud_age", "aud_gender", "aud_prefecture", "aud_hobbies",
        "aud_about", "aud_real_name", "aud_photo", "aud_friends", "created_at", "last_login_at",
    )
    made = bulk_insert("members", columns, rows(), ctx.progress, n)
    if not is_sqlite():  # ids were given explicitly: move the sequence past them
        execute("SELECT setval(pg_get_serial_sequence('members', 'id'), (SELECT MAX(id) FROM members))")
    return made


def friend_degrees(rng: random.Random, n: int, median: int, hubs: float) -> list[int]:
    """How many friends each member is meant to have: log-normal around ``median``, plus hubs."""
    if n < 2:
        return [0] * n
    mu = math.log(max(median, 1))
    cap = n - 1
    degrees = [min(int(rng.lognormvariate(mu, 0.8)) + 1, cap) for _ in range(n)]
    if n >= 1000:
        for hub in rng.sample(range(n), max(1, int(n * hubs))):
            degrees[hub] = min(rng.randint(1000, 5000), n // 4)
    return degrees


def friend_pairs(rng: random.Random, degrees: list[int]) -> set[int]:
    """Friendships as ``lo * n + hi`` over member indexes, near the wanted degrees.

    Half of each member's friends come from their own circle (members who joined about
    the same time, as classmates or colleagues would), the rest from anywhere; hubs'
    friends come from anywhere.  Pairs are matched like a configuration model; the few
    self-pairs and repeats are dropped.
    """
    n = len(degrees)
    local: list[int] = []
    anywhere: list[int] = []
    for member, degree in enumerate(degrees):
        near = degree // 2 if degree < 1000 else 0
        local.extend([member] * near)
        anywhere.extend([member] * (degree - near))
    circle = 4096  # stubs per circle: about 200 members
    for start in range(0, len(local), circle):
        chunk = local[start:start + circle]
        rng.shuffle(chunk)
        local[start:start + circle] = chunk
    rng.shuffle(anywhere)
    pairs: set[int] = set()
    for stubs in (local, anywhere):
        it = iter(stubs)
        for a, b in zip(it, it):
            if a != b:
                pairs.add(a * n + b if a < b else b * n + a)
    return pairs


def seed_friendships(ctx: Context) -> int:
    """Friendships (two rows each, in key order for fast inserts), then friend_count."""
    rng, n = ctx.rng, ctx.n
    started = time.monotonic()
    degrees = friend_degrees(rng, n, ctx.sizes.friends, ctx.sizes.hubs)
    for i in ctx.pending:  # an unverified member has made no friends yet
        degrees[i] = 0
    ctx.pairs = friend_pairs(rng, degrees)
    directed = []
    for key in ctx.pairs:
        a, b = divmod(key, n)
        directed.append(key)
        directed.append(b * n + a)
    directed.sort()
    ctx.progress(f"  friend graph: {len(ctx.pairs):,} friendships in {time.monotonic() - started:.1f} s")
    joined, first, t_now = ctx.joined, ctx.first_id, ctx.now

    def rows() -> Iterator[tuple]:
        for key in directed:
            a, b = divmod(key, n)
            lo, hi = (a, b) if a < b else (b, a)
            since = max(joined[a], joined[b])
            # The same time for both directions, spread between the later join and now.
            spread = ((lo * 2654435761 + hi * 40503) % 1_000_003) / 1_000_003
            yield first + a, first + b, since + int((t_now - since) * spread)

    made = bulk_insert("friendships", ("member_id", "friend_id", "created_at"), rows(), ctx.progress, len(directed))
    last = first + n - 1
    if is_sqlite():
        execute(
            "UPDATE members SET friend_count = (SELECT COUNT(*) FROM friendships f WHERE f.member_id = members.id)"
            " WHERE id BETWEEN ? AND ?", (first, last))
    else:
        execute(
            "UPDATE members m SET friend_count = c.n FROM (SELECT member_id, COUNT(*) AS n FROM friendships"
            " WHERE member_id BETWEEN ? AND ? GROUP BY member_id) c WHERE m.id = c.member_id", (first, last))
    return made


def _strangers(ctx: Context, count: int) -> Iterator[tuple[int, int]]:
    """``count`` distinct (a, b) member indexes who are not friends and not the same."""
    seen: set[tuple[int, int]] = set()
    rng, n = ctx.rng, ctx.n
    if n < 2:
        return
    attempts = 0
    while len(seen) < count and attempts < count * 5:
        attempts += 1
        a, b = rng.randrange(n), rng.randrange(n)
        if a == b or (a, b) in seen or (b, a) in seen or ctx.are_friends(a, b):
            continue
        seen.add((a, b))
        yield a, b


def seed_friend_requests(ctx: Context) -> int:
    """Pending friend requests, mostly recent, some with a message."""
    rng = ctx.rng

    def rows() -> Iterator[tuple]:
        for a, b in _strangers(ctx, int(ctx.n * ctx.sizes.requests)):
            since = max(ctx.joined[a], ctx.joined[b], ctx.now - 60 * 86400)
            yield ctx.member_id(a), ctx.member_id(b), rng.choice(REQUEST_MESSAGES), rng.randint(since, ctx.now)

    return bulk_insert("friend_requests", ("from_id", "to_id", "message", "created_at"), rows(), ctx.progress)


def seed_friend_groups(ctx: Context) -> int:
    """Friend lists (親友, 会社, ...) of some members, each holding some of their friends."""
    rng, n = ctx.rng, ctx.n
    owners = set(rng.sample(range(n), int(n * ctx.sizes.groups))) if n else set()
    friends_of: dict[int, list[int]] = {o: [] for o in owners}
    for key in ctx.pairs:
        a, b = divmod(key, n)
        if a in friends_of:
            friends_of[a].append(b)
        if b in friends_of:
            friends_of[b].append(a)
    group_id = (scalar("SELECT MAX(id) FROM friend_groups") or 0) + 1
    groups, members = [], []
    for owner in sorted(owners):
        mine = friends_of[owner]
        if not mine:
            continue
        for name in rng.sample(GROUP_NAMES, rng.randint(1, 3)):
            groups.append((group_id, ctx.member_id(owner), name, rng.randint(ctx.joined[owner], ctx.now)))
            for friend in rng.sample(mine, max(1, min(len(mine), int(len(mine) * rng.uniform(0.05, 0.4))))):
                members.append((group_id, ctx.member_id(friend)))
            group_id += 1
    made = bulk_insert("friend_groups", ("id", "owner_id", "name", "created_at"), groups, ctx.progress)
    if not is_sqlite() and groups:
        execute("SELECT setval(pg_get_serial_sequence('friend_groups', 'id'), (SELECT MAX(id) FROM friend_groups))")
    bulk_insert("friend_group_members", ("group_id", "member_id"), members, ctx.progress)
    return made


def seed_blocks(ctx: Context) -> int:
    """A few members have blocked someone (never a friend: blocking ends a friendship)."""
    rng = ctx.rng

    def rows() -> Iterator[tuple]:
        for a, b in _strangers(ctx, int(ctx.n * ctx.sizes.blocks)):
            yield ctx.member_id(a), ctx.member_id(b), rng.randint(max(ctx.joined[a], ctx.joined[b]), ctx.now)

    return bulk_insert("blocks", ("blocker_id", "blocked_id", "created_at"), rows(), ctx.progress)


#: (name, seeder) in the order they run; later kinds may use what earlier ones left in the context.
SEEDERS: list[tuple[str, Callable[[Context], int]]] = [
    ("members", seed_members),
    ("friendships", seed_friendships),
    ("friend_requests", seed_friend_requests),
    ("friend_groups", seed_friend_groups),
    ("blocks", seed_blocks),
]


def seed_site(sizes: Sizes, progress: Progress = print) -> dict[str, int]:
    """Make a site of ``sizes`` in the bound database; returns rows made per kind."""
    ctx = Context(sizes=sizes, rng=random.Random(sizes.seed), progress=progress, now=now())
    started = time.monotonic()
    made = {}
    sqlite = is_sqlite()
    # The seeders make consistent rows, and a seed that crashes is simply run again: skip
    # the per-commit fsync and the per-row foreign key checks (on PostgreSQL the FK
    # triggers, as pg_restore does; that needs a superuser, else the checks stay).
    checks_off = True
    if sqlite:
        db.execute_sql("PRAGMA synchronous = OFF")
        db.execute_sql("PRAGMA foreign_keys = OFF")
        db.execute_sql("PRAGMA cache_size = -262144")  # 256 MB while loading: the indexes stay in memory
    else:
        try:
            with db.atomic():
                db.execute_sql("SET session_replication_role = replica")
        except Exception:  # noqa: BLE001 - not a superuser: load with the checks on
            checks_off = False
    try:
        for name, seeder in SEEDERS:
            made[name] = seeder(ctx)
    finally:
        if sqlite:
            db.execute_sql("PRAGMA synchronous = NORMAL")
            db.execute_sql("PRAGMA foreign_keys = ON")
            db.execute_sql(f"PRAGMA cache_size = {SQLITE_PRAGMAS['cache_size']}")
        elif checks_off:
            db.execute_sql("SET session_replication_role = DEFAULT")
    if sqlite:
        db.execute_sql("ANALYZE")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        db.execute_sql("ANALYZE")
    progress(f"seeded in {time.monotonic() - started:.1f} s")
    return made
