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

import random
import time
from typing import Callable

from keitai.devtools.seed.content import seed_communities, seed_diaries, seed_footprints, seed_messages
from keitai.devtools.seed.people import (seed_blocks, seed_friend_groups, seed_friend_requests, seed_friendships,
                                         seed_members)
from keitai.devtools.seed.search_index import seed_search_index
from keitai.devtools.seed.site import SEED_PASSWORD, Context, Progress, Sizes
from keitai.devtools.seed.text import EMOJI
from keitai.platform.db.connection import SQLITE_PRAGMAS, db, is_sqlite, now

__all__ = ["EMOJI", "SEED_PASSWORD", "SEEDERS", "Sizes", "seed_site"]

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
