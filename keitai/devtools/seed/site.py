"""What the seeders share: the sizes asked for, the context they fill, bulk writing."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable

from keitai.platform.db.connection import db, execute, is_sqlite, scalar


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
    diary_ids: range = range(0)  # the ids of the seeded rows (for the search index)
    community_ids: range = range(0)
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



def spread_times(rng: random.Random, start: int, end: int, count: int) -> list[int]:
    """``count`` sorted times between ``start`` and ``end``."""
    return sorted(rng.randint(start, max(start, end)) for _ in range(count))


def skewed_authors(ctx: Context, count: int, sigma: float = 1.2) -> list[int]:
    """``count`` active member indexes, some members far more often than others (a long tail)."""
    if not ctx.active or count <= 0:
        return []
    rng = ctx.rng
    cumulative, total = [], 0.0
    for _ in ctx.active:
        total += rng.lognormvariate(0, sigma)
        cumulative.append(total)
    return rng.choices(ctx.active, cum_weights=cumulative, k=count)


def reserve_ids(table: str, count: int) -> range:
    """``count`` consecutive ids of ``table`` that nothing else will take, while the site may be
    serving: the table's own id allocator (SQLite's ``sqlite_sequence``, PostgreSQL's sequence)
    is moved past them in one short transaction, so members signing up or writing meanwhile
    get the ids after them.  Taking ``MAX(id) + 1`` instead collides with the first of those.
    """
    if count <= 0:
        return range(0)
    with db.atomic():  # SQLite: BEGIN IMMEDIATE, no other writer until it commits
        if is_sqlite():
            top = max(scalar("SELECT MAX(id) FROM " + table) or 0,
                      scalar("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)) or 0)
            if execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (top + count, table)).rowcount == 0:
                execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, top + count))
            first = top + 1
        else:
            # An insert takes its id from the sequence after locking the table for writing:
            # held out for this transaction, none takes an id between nextval and setval.
            execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            first = max(scalar("SELECT nextval(pg_get_serial_sequence(?, 'id'))", (table,)),
                        (scalar(f"SELECT MAX(id) FROM {table}") or 0) + 1)
            execute("SELECT setval(pg_get_serial_sequence(?, 'id'), ?)", (table, first + count - 1))
    return range(first, first + count)

