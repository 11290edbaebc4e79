"""The database binding: one peewee database for the process, SQLite or PostgreSQL.

Models bind to :data:`db` (a proxy) and :func:`connect` points it at the database
named by a URL.  Connections stay open per thread (peewee keeps one per thread),
because connecting per request costs a fifth of the throughput on SQLite.

Hot read paths use :func:`fetchall` / :func:`fetchone` with SQL written once, with
``?`` placeholders whatever the database: building a query with peewee costs 10-25 times
what running it costs (ARCHITECTURE.md, measurements).
"""
from __future__ import annotations

import functools
import time
from urllib.parse import unquote, urlparse

import peewee

from keitai.platform.text.grams import index_tokens

db = peewee.DatabaseProxy()

# SQLite tuned for a one-box site: WAL lets readers run beside the one writer,
# synchronous=NORMAL is durable across process crashes in WAL mode, and the busy
# timeout turns "database is locked" into a short wait.
#
# Transactions (``db.atomic()``) begin IMMEDIATE, taking the write lock at BEGIN.  A
# deferred transaction that reads first and writes later cannot wait for the lock: if
# another connection committed in between, its snapshot is stale and SQLite answers
# "database is locked" at once, whatever the busy timeout (SQLITE_BUSY_SNAPSHOT).
# bench/soak.py shows it under load with any read-then-write transaction.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -16000,  # 16 MB per connection
    "mmap_size": 256 * 1024 * 1024,
    "temp_store": "memory",
}


def now() -> int:
    """Seconds since the epoch: every timestamp in the database is one of these."""
    return int(time.time())


def make_database(url: str) -> peewee.Database:
    """A peewee database for ``sqlite:///path`` or ``postgresql://user:pw@host:port/name``."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them.
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        database = peewee.SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE")
        # The search index's triggers call it (SQL cannot split text into characters), so
        # every connection that writes search_docs must have it: this is the one place
        # connections are made.  See db/migrations/0053_search_grams.py.
        database.register_function(index_tokens, "search_grams", 2, deterministic=True)
        return database
    if parsed.scheme in ("postgres", "postgresql"):
        return peewee.PostgresqlDatabase(
            unquote(parsed.path.lstrip("/")) or "postgres",
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or None,
            port=parsed.port or None,
        )
    raise ValueError(f"unsupported database URL: {url!r}")


def connect(url: str) -> peewee.Database:
    """Point the models at the database named by ``url`` and return it."""
    database = make_database(url)
    db.initialize(database)
    return database


def is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


@functools.lru_cache(maxsize=1024)
def _native(sql: str, param: str) -> str:
    if param == "?":
        return sql
    return sql.replace("%", "%%").replace("?", param)


def execute(sql: str, params: tuple | list = ()):
    """Run ``sql`` (written with ``?`` placeholders) and return the cursor."""
    return db.execute_sql(_native(sql, db.obj.param), params)


def fetchall(sql: str, params: tuple | list = ()) -> list[tuple]:
    return execute(sql, params).fetchall()


def fetchone(sql: str, params: tuple | list = ()) -> tuple | None:
    return execute(sql, params).fetchone()


def scalar(sql: str, params: tuple | list = ()):
    row = fetchone(sql, params)
    return None if row is None else row[0]


def insert_id(sql: str, params: tuple | list = ()) -> int:
    """Run an INSERT into a table with an ``id`` key and return the new row's id."""
    if is_sqlite():
        return execute(sql, params).lastrowid
    return execute(sql + " RETURNING id", params).fetchone()[0]


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False
