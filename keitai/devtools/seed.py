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

from keitai.platform.db.connection import SQLITE_PRAGMAS, db, execute, fetchall, is_sqlite, now, scalar

from keitai.accounts import rules as accounts
from keitai.diary import rules as diaries_module

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
    # Content: counts; None makes them proportional to members (see :meth:`count`).
    diaries: int | None = None  # 2 per member
    comments: int | None = None  # diary comments: 3 per member
    communities: int | None = None  # 1 per 50 members, from one member to big_community
    big_community: int | None = None  # members of the biggest community: min(100,000, members)
    topics: int | None = None  # 1 per 5 members
    topic_comments: int | None = None  # numbered comments: 8 per topic
    footprints: int | None = None  # 10 per member
    messages: int | None = None  # 2 per member
    search: bool = True  # index the seeded members, diaries and communities
    seed: int = 1  # random seed: the same sizes and seed make the same site

    def count(self, name: str) -> int:
        """How many of ``name`` to make: the size given, else its share of the members."""
        given = getattr(self, name)
        if given is not None:
            return max(0, given)
        m = self.members
        return {
            "diaries": 2 * m, "comments": 3 * m, "communities": max(1, m // 50) if m else 0,
            "big_community": min(100_000, m), "topics": m // 5, "topic_comments": 8 * (m // 5),
            "footprints": 10 * m, "messages": 2 * m,
        }[name]


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
    active: list[int] = field(default_factory=list)  # indexes of active members (who write things)
    groups_of: dict[int, list[tuple[int, list[int]]]] = field(default_factory=dict)  # index -> [(group id, friend indexes)]
    blocked: set[tuple[int, int]] = field(default_factory=set)  # (blocker, blocked) indexes
    first_diary: int = 0  # ids of seeded rows start here (for the search index)
    first_community: int = 0
    _friends_of: list[list[int]] | None = None

    def friends_of(self, index: int) -> list[int]:
        """A member's friends by index (the lists are built on first use)."""
        if self._friends_of is None:
            lists: list[list[int]] = [[] for _ in range(self.n)]
            n = self.n
            for key in self.pairs:
                a, b = divmod(key, n)
                lists[a].append(b)
                lists[b].append(a)
            self._friends_of = lists
        return self._friends_of[index]

    def blocked_between(self, a: int, b: int) -> bool:
        return (a, b) in self.blocked or (b, a) in self.blocked

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
            elif status == "active":
                ctx.active.append(i)
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
            chosen = rng.sample(mine, max(1, min(len(mine), int(len(mine) * rng.uniform(0.05, 0.4)))))
            for friend in chosen:
                members.append((group_id, ctx.member_id(friend)))
            ctx.groups_of.setdefault(owner, []).append((group_id, chosen))
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
            ctx.blocked.add((a, b))
            yield ctx.member_id(a), ctx.member_id(b), rng.randint(max(ctx.joined[a], ctx.joined[b]), ctx.now)

    return bulk_insert("blocks", ("blocker_id", "blocked_id", "created_at"), rows(), ctx.progress)


# --- content: diaries, communities, footprints, messages ------------------------------

DIARY_TITLES = (
    "今日のこと", "週末の話", "ひさびさ更新", "ラーメン日記", "雨", "眠い…", "旅行記その1", "ライブ行ってきた",
    "新しい携帯", "ランチ", "お花見", "飲み会", "バイト", "誕生日でした", "映画", "ドライブ", "買い物", "カフェ",
)
COMMENTS = (
    "いいなー！", "楽しそう♪", "おつかれさま～", "今度連れてって！", "わかる(笑)", "写真見たい！", "ウケるｗ",
    "またごはん行こうね", "お大事に…", "おめでとう！！", "行ってみたい", "そこ知ってる！美味しいよね",
)
REPLIES = ("ありがとう♪", "うん、また行こう！", "ぜひぜひ(^^)", "笑", "でしょ？", "今度写真載せるね")
COMMUNITY_NAMES = {
    "area": ("{pref}に住んでる人", "{pref}ラーメン部", "{pref}の美味しい店"),
    "music": ("ロック好き集まれ", "カラオケ大好き", "着うた交換所", "ギター初心者の会"),
    "movie": ("映画館で観る派", "ジブリ好き", "ホラー映画の会"),
    "games": ("モンハン部", "ポケモン好き", "ドラクエ好き"),
    "sports": ("サッカー観戦", "野球好き", "フットサル仲間募集"),
    "food": ("ラーメン", "カレー大好き", "コンビニスイーツ", "お酒好き"),
    "animals": ("猫好き", "犬と暮らす", "ハムスター同好会"),
    "life": ("朝が弱い人", "携帯依存症", "一人暮らし", "月曜日が嫌い"),
    "hobby": ("写真部", "カフェ巡り", "温泉めぐり", "キャンプ好き"),
    "school": ("{pref}の高校出身", "大学生の集い", "元吹奏楽部"),
}
TOPIC_TITLES = (
    "自己紹介トピ", "雑談トピ", "オフ会しませんか？", "おすすめ教えて", "質問です", "今日あったこと", "イベント告知",
    "初心者です", "写真トピ", "ランキング",
)
TOPIC_REPLIES = (
    "はじめまして！よろしくお願いします", "参加したいです♪", "わかります！", "自分もです(笑)", "おすすめは駅前の店です",
    "行けたら行きます", "詳細待ってます！", "それいいですね", "ありがとうございます！", "久しぶりに来ました",
)
MESSAGE_SUBJECTS = ("こんにちは", "久しぶり！", "この前はありがとう", "質問です", "日記見たよ", "飲み会の件", "はじめまして")


def _spread_times(rng: random.Random, start: int, end: int, count: int) -> list[int]:
    """``count`` sorted times between ``start`` and ``end``."""
    return sorted(rng.randint(start, max(start, end)) for _ in range(count))


def _skewed_authors(ctx: Context, count: int, sigma: float = 1.2) -> list[int]:
    """``count`` active member indexes, some members far more often than others (a long tail)."""
    if not ctx.active or count <= 0:
        return []
    rng = ctx.rng
    cumulative, total = [], 0.0
    for _ in ctx.active:
        total += rng.lognormvariate(0, sigma)
        cumulative.append(total)
    return rng.choices(ctx.active, cum_weights=cumulative, k=count)


def _move_sequences(*tables: str) -> None:
    """PostgreSQL: ids were given explicitly, so move the tables' sequences past them."""
    if is_sqlite():
        return
    for table in tables:
        execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM {table})))")


def seed_diaries(ctx: Context) -> int:
    """Diary entries (audiences mixed, some to a friend list) and comments by those who may
    read them; comment_count, last_comment_at and the author's unread comments agree with
    the comments as if each had been added through :func:`keitai.diary.rules.add_comment`.
    Entries have no photos (no image files are made), so photo_count is 0."""
    rng, sizes = ctx.rng, ctx.sizes
    authors = _skewed_authors(ctx, sizes.count("diaries"))
    audience_of = _weighted(rng, ("everyone", "friends_of_friends", "friends", "private"), (50, 15, 30, 5))
    entries = []  # (created_at, author, audience, group id, group members)
    for author in authors:
        chosen, group_id, readers = audience_of(), None, None
        groups = ctx.groups_of.get(author)
        if groups and rng.random() < 0.15:  # members with friend lists write some entries to one
            chosen = "group"
            group_id, readers = rng.choice(groups)
        created = ctx.now - int((ctx.now - ctx.joined[author]) * rng.random() ** 2)  # more recent than not
        entries.append((created, author, chosen, group_id, readers))
    entries.sort(key=lambda e: e[0])  # ids in time order: lists are newest first by id
    first_diary = (scalar("SELECT MAX(id) FROM diaries") or 0) + 1
    first_comment = (scalar("SELECT MAX(id) FROM diary_comments") or 0) + 1
    ctx.first_diary = first_diary
    # Comments per entry: most get none or a few, popular ones dozens; never on private entries.
    open_entries = [i for i, e in enumerate(entries) if e[2] != "private"]
    per_entry = [0] * len(entries)
    for i in (rng.choices(open_entries, cum_weights=list(_cumulative(rng, len(open_entries))), k=sizes.count("comments"))
              if open_entries else ()):
        per_entry[i] += 1
    comments: list[tuple] = []
    diaries: list[tuple] = []
    next_comment = first_comment
    for i, (created, author, chosen, group_id, readers) in enumerate(entries):
        diary_id = first_diary + i
        count = per_entry[i]
        seen, unread, last_at = 0, 0, None
        if count:
            pool = readers if chosen == "group" else ctx.friends_of(author)
            pool = [p for p in pool if p not in ctx.pending] or [author]
            times = _spread_times(rng, min(created + 60, ctx.now), min(ctx.now, created + 30 * 86400), count)
            for t in times:
                writer = author if rng.random() < 0.3 else rng.choice(pool)
                own = writer == author
                body = rng.choice(REPLIES if own else COMMENTS)
                if rng.random() < 0.3:
                    body += rng.choice(EMOJI)
                comments.append((next_comment, diary_id, ctx.member_id(writer), body, t))
                if own:  # writing on one's own entry marks its comments seen
                    seen, unread = next_comment, 0
                else:
                    unread += 1
                next_comment += 1
            last_at = times[-1]
            # Authors read their comments, except on the newest few days' entries now and then.
            if unread and (last_at < ctx.now - 3 * 86400 or rng.random() < 0.5):
                seen, unread = next_comment - 1, 0
        title = rng.choice(DIARY_TITLES) + (rng.choice(EMOJI) if rng.random() < 0.3 else "")
        body = paragraph(rng, rng.randint(1, 6))
        diaries.append((diary_id, ctx.member_id(author), title, body, chosen, group_id, 0, count, unread, seen,
                        last_at, created, created))
    columns = ("id", "author_id", "title", "body", "audience", "group_id", "photo_count", "comment_count",
               "unread_comments", "seen_comment_id", "last_comment_at", "created_at", "updated_at")
    made = bulk_insert("diaries", columns, diaries, ctx.progress, len(diaries))
    del diaries
    bulk_insert("diary_comments", ("id", "diary_id", "author_id", "body", "created_at"), comments, ctx.progress,
                len(comments))
    _move_sequences("diaries", "diary_comments")
    execute(diaries_module.REFRESH_ALL_NEWEST)
    return made


def _cumulative(rng: random.Random, count: int, sigma: float = 1.5) -> Iterator[float]:
    """Cumulative log-normal weights: a few items draw most of the picks."""
    total = 0.0
    for _ in range(count):
        total += rng.lognormvariate(0, sigma)
        yield total


def _community_name(rng: random.Random, category: str) -> str:
    name = rng.choice(COMMUNITY_NAMES.get(category) or COMMUNITY_NAMES["life"])
    return name.format(pref=rng.choice(PREFECTURES))


def seed_communities(ctx: Context) -> int:
    """Communities whose sizes fall off like a power law, from ``big_community`` members down to
    one; topics (more in bigger ones) with numbered comments.  member_count, topic_count,
    comment_count (the last number) and last_activity_at agree with the rows."""
    rng, sizes = ctx.rng, ctx.sizes
    count = sizes.count("communities") if ctx.active else 0
    if not count:
        return 0
    active = ctx.active
    big = max(1, min(sizes.count("big_community"), len(active)))
    # Zipf-like, steep enough that the last one has a single member (its owner).
    steep = math.log(big) / math.log(count) if count > 1 else 1.0
    member_counts = [max(1, round(big / (rank + 1) ** steep)) for rank in range(count)]
    first_community = (scalar("SELECT MAX(id) FROM communities") or 0) + 1
    first_topic = (scalar("SELECT MAX(id) FROM community_topics") or 0) + 1
    first_comment = (scalar("SELECT MAX(id) FROM community_comments") or 0) + 1
    ctx.first_community = first_community
    categories = tuple(COMMUNITY_NAMES)
    # Creation order: shuffled, so the biggest is not always the oldest.
    order = list(range(count))
    rng.shuffle(order)
    created_of = sorted(_spread_times(rng, ctx.now - 5 * YEAR, ctx.now - 86400, count))
    memberships: list[list[int]] = []
    communities, members_rows = [], []
    for rank, slot in enumerate(order):
        community_id = first_community + slot
        who = rng.sample(active, member_counts[rank])
        owner = who[0]
        created = max(created_of[slot], ctx.joined[owner])
        memberships.append(who)
        subadmins = set(who[1:1 + (rng.randint(0, 3) if len(who) > 20 else 0)])
        for member in who:
            since = max(created, ctx.joined[member])
            joined = created if member == owner else rng.randint(since, max(since, ctx.now))
            members_rows.append((community_id, ctx.member_id(member),
                                 "subadmin" if member in subadmins else "member", joined))
        category = rng.choice(categories)
        description = f"{_community_name(rng, category)}のコミュです。" + paragraph(rng, rng.randint(0, 2))
        communities.append([community_id, _community_name(rng, category), category, description,
                            "approval" if rng.random() < 0.1 else "open",
                            "members" if rng.random() < 0.05 else "everyone", "members",
                            ctx.member_id(owner), len(who), 0, created, created])
    communities.sort(key=lambda c: c[0])
    members_rows.sort(key=lambda r: (r[0], r[1]))  # primary key order: fast inserts
    # Topics: spread over communities by size (bigger, busier boards), then comments.
    weights = [member_counts[rank] ** 0.8 for rank in range(count)]
    topic_rows, comment_rows = [], []
    topic_places = rng.choices(range(count), weights=weights, k=sizes.count("topics"))
    topics_total = len(topic_places)
    per_topic = [0] * topics_total
    for t in (rng.choices(range(topics_total), cum_weights=list(_cumulative(rng, topics_total, 1.0)),
                          k=sizes.count("topic_comments")) if topics_total else ()):
        per_topic[t] += 1
    raw = []
    for t, rank in enumerate(topic_places):
        slot = order[rank]
        community = communities[slot]
        start = community[10]
        raw.append((rng.randint(start, max(start, ctx.now - 3600)), rank, min(per_topic[t], 1000)))
    raw.sort()
    comment_id = first_comment
    for t, (created, rank, comments) in enumerate(raw):
        topic_id = first_topic + t
        community = communities[order[rank]]
        who = memberships[rank]
        author = rng.choice(who)
        times = _spread_times(rng, min(created + 60, ctx.now), min(ctx.now, created + 60 * 86400), comments)
        for number, at in enumerate(times, 1):
            deleted = rng.random() < 0.01
            body = "" if deleted else rng.choice(TOPIC_REPLIES) + (rng.choice(EMOJI) if rng.random() < 0.3 else "")
            comment_rows.append((comment_id, topic_id, number, ctx.member_id(rng.choice(who)), body, deleted, at))
            comment_id += 1
        last = times[-1] if times else created
        closed = rng.random() < 0.03
        topic_rows.append((topic_id, community[0], ctx.member_id(author), rng.choice(TOPIC_TITLES),
                           paragraph(rng, rng.randint(1, 3)), comments, closed, False, created, last))
        community[9] += 1
        community[11] = max(community[11], last)
    columns = ("id", "name", "category", "description", "join_policy", "read_policy", "topic_policy", "owner_id",
               "member_count", "topic_count", "created_at", "last_activity_at")
    made = bulk_insert("communities", columns, (tuple(c) for c in communities), ctx.progress, count)
    bulk_insert("community_members", ("community_id", "member_id", "role", "joined_at"), members_rows,
                ctx.progress, len(members_rows))
    del members_rows
    bulk_insert("community_topics", ("id", "community_id", "author_id", "title", "body", "comment_count", "closed",
                                     "deleted", "created_at", "last_activity_at"), topic_rows, ctx.progress,
                len(topic_rows))
    bulk_insert("community_comments", ("id", "topic_id", "number", "author_id", "body", "deleted", "created_at"),
                comment_rows, ctx.progress, len(comment_rows))
    _move_sequences("communities", "community_topics", "community_comments")
    return made


def seed_footprints(ctx: Context) -> int:
    """Footprints of the last weeks: mostly friends and friends' friends visiting, some
    strangers; one row per (visitor, visited), never between members who blocked each other."""
    rng, n = ctx.rng, ctx.n
    wanted = min(ctx.sizes.count("footprints"), len(ctx.active) * max(len(ctx.active) - 1, 0))
    if not wanted:
        return 0
    visited_by = _skewed_authors(ctx, wanted * 2, sigma=1.0)  # popular members get most visits
    keys: set[int] = set()
    active = ctx.active
    for visited in visited_by:
        if len(keys) >= wanted:
            break
        friends = ctx.friends_of(visited)
        roll = rng.random()
        if friends and roll < 0.6:
            visitor = rng.choice(friends)
        elif friends and roll < 0.8:
            near = ctx.friends_of(rng.choice(friends))
            visitor = rng.choice(near) if near else rng.choice(active)
        else:
            visitor = rng.choice(active)
        if visitor == visited or visitor in ctx.pending or ctx.blocked_between(visitor, visited):
            continue
        keys.add(visitor * n + visited)

    def rows() -> Iterator[tuple]:
        for key in sorted(keys):  # primary key order
            visitor, visited = divmod(key, n)
            at = ctx.now - int(rng.expovariate(1 / (7 * 86400)))
            at = max(at, ctx.joined[visitor], ctx.joined[visited])
            yield ctx.member_id(visitor), ctx.member_id(visited), at, at, 1 + int(rng.expovariate(1 / 2))

    return bulk_insert("footprints", ("visitor_id", "visited_id", "visited_at", "counted_at", "visits"), rows(),
                       ctx.progress, len(keys))


def seed_messages(ctx: Context) -> int:
    """Conversations between members (mostly friends): a first message and replies, each
    reply pointing at the one before and at the thread's first; all but the newest
    messages read, some deleted by one side."""
    rng = ctx.rng
    wanted = ctx.sizes.count("messages")
    if not wanted or len(ctx.active) < 2:
        return 0
    senders = _skewed_authors(ctx, wanted, sigma=1.0)
    planned = []  # (time, conversation, position, sender, recipient)
    conversation = 0
    made = 0
    for sender in senders:
        if made >= wanted:
            break
        friends = ctx.friends_of(sender)
        recipient = rng.choice(friends) if friends and rng.random() < 0.85 else rng.choice(ctx.active)
        if recipient == sender or recipient in ctx.pending or ctx.blocked_between(sender, recipient):
            continue
        length = min(1 + int(rng.expovariate(1 / 1.5)), wanted - made)
        start = max(ctx.joined[sender], ctx.joined[recipient])
        t = ctx.now - int((ctx.now - start) * rng.random() ** 3)
        for position in range(length):
            planned.append((t, conversation, position, sender, recipient))
            sender, recipient = recipient, sender
            t += int(rng.expovariate(1 / 7200)) + 60
        conversation += 1
        made += length
    planned.sort()
    first_id = (scalar("SELECT MAX(id) FROM messages") or 0) + 1
    ids: dict[tuple[int, int], int] = {}
    for offset, (_t, conv, position, _s, _r) in enumerate(planned):
        ids[(conv, position)] = first_id + offset
    last_of = {}
    for _t, conv, position, _s, _r in planned:
        last_of[conv] = max(last_of.get(conv, 0), position)

    def rows() -> Iterator[tuple]:
        for offset, (t, conv, position, sender, recipient) in enumerate(planned):
            t = min(t, ctx.now)
            replied = position < last_of[conv]  # a reply came: the message was read
            unread = not replied and t > ctx.now - 14 * 86400 and rng.random() < 0.4
            read_at = None if unread else min(ctx.now, t + int(rng.expovariate(1 / 3600)))
            subject = rng.choice(MESSAGE_SUBJECTS)
            if position:
                subject = "Re: " + subject
            body = paragraph(rng, rng.randint(1, 3))
            yield (first_id + offset, ctx.member_id(sender), ctx.member_id(recipient), subject, body,
                   ids[(conv, position - 1)] if position else None, ids[(conv, 0)] if position else None,
                   t, read_at, rng.random() < 0.03, read_at is not None and rng.random() < 0.05)

    done = bulk_insert("messages", ("id", "sender_id", "recipient_id", "subject", "body", "reply_to_id", "thread_id",
                                    "created_at", "read_at", "sender_deleted", "recipient_deleted"),
                       rows(), ctx.progress, len(planned))
    _move_sequences("messages")
    return done


def seed_search_index(ctx: Context) -> int:
    """Index the seeded members, diaries and communities for search, in batches, with progress."""
    from keitai.search import rules as search  # noqa: PLC0415 - pykakasi loads only when the index is built

    if not ctx.sizes.search:
        return 0
    first, last = ctx.first_id, ctx.first_id + ctx.n - 1

    def members() -> Iterator:
        after = first - 1
        while rows := fetchall(search.MEMBER_SQL + " AND id > ? AND id <= ? ORDER BY id LIMIT 1000", (after, last)):
            for row in rows:
                yield from search.member_parts(row)
            after = rows[-1][0]

    def diaries() -> Iterator:
        after = ctx.first_diary - 1 if ctx.first_diary else None
        while after is not None and (rows := fetchall(
                "SELECT id, author_id, title, body, audience, group_id, updated_at FROM diaries"
                " WHERE id > ? ORDER BY id LIMIT 1000", (after,))):
            for diary_id, author_id, title, body, aud, group_id, updated_at in rows:
                yield search.Doc(search.DIARY, diary_id, author_id, title, body, aud, group_id, "", updated_at)
            after = rows[-1][0]

    def communities() -> Iterator:
        after = ctx.first_community - 1 if ctx.first_community else None
        while after is not None and (rows := fetchall(
                "SELECT id, owner_id, name, description, last_activity_at FROM communities"
                " WHERE id > ? ORDER BY id LIMIT 1000", (after,))):
            for community_id, owner_id, name, description, updated_at in rows:
                yield search.Doc(search.COMMUNITY, community_id, owner_id, name, description, updated_at=updated_at)
            after = rows[-1][0]

    kinds = (("members", members()), ("diaries", diaries()), ("communities", communities()))
    if not is_sqlite():
        return _copy_search_docs(ctx, kinds)
    total = 0
    for kind, docs in kinds:
        started = last_shown = time.monotonic()
        done = 0
        for batch in search.batches(docs, 2000):
            done += search.index_many(batch)
            if time.monotonic() - last_shown >= 2:
                last_shown = time.monotonic()
                ctx.progress(f"  search index, {kind}: {done:,} documents")
        ctx.progress(f"search index, {kind}: {done:,} documents in {time.monotonic() - started:.1f} s")
        total += done
    return total


def _copy_search_docs(ctx: Context, kinds: tuple) -> int:
    """PostgreSQL: the documents by COPY, with the rows :func:`keitai.search.rules.index`
    would write, and the trigram and grams GIN indexes built once afterwards (as
    pg_restore does): kept up row by row they make indexing a few hundred documents a second."""
    from keitai.search import rules as search  # noqa: PLC0415

    gin = fetchall("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_docs'"
                   " AND indexdef LIKE '%USING gin%'")
    for name, _definition in gin:
        execute(f'DROP INDEX "{name}"')
    total = 0
    try:
        for kind, docs in kinds:
            rows = (search.doc_row(doc, ctx.now) for doc in docs)
            total += bulk_insert("search_docs", search.COLUMNS,
                                 rows, ctx.progress, label=f"search index, {kind}")
    finally:
        for name, definition in gin:
            started = time.monotonic()
            with db.atomic():
                execute("SET LOCAL maintenance_work_mem = '256MB'")
                execute(definition)
            ctx.progress(f"search index: {name} built in {time.monotonic() - started:.1f} s")
    return total


#: (name, seeder) in the order they run; later kinds may use what earlier ones left in the context.
SEEDERS: list[tuple[str, Callable[[Context], int]]] = [
    ("members", seed_members),
    ("friendships", seed_friendships),
    ("friend_requests", seed_friend_requests),
    ("friend_groups", seed_friend_groups),
    ("blocks", seed_blocks),
    ("diaries", seed_diaries),
    ("communities", seed_communities),
    ("footprints", seed_footprints),
    ("messages", seed_messages),
    ("search_docs", seed_search_index),
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
