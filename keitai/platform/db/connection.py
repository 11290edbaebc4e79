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
import logging
import select
import time
from urllib.parse import parse_qsl, unquote, urlparse

import peewee

from keitai.platform.text.grams import index_tokens

from . import replica

db = peewee.DatabaseProxy()
log = logging.getLogger("keitai.db")

#: PostgreSQL: how long connecting may take, and one statement may run, before the request
#: gets a clear error page instead of parking its thread (the URL's query may override them:
#: ``postgresql://host/keitai?connect_timeout=2&statement_timeout=5000``).
PG_CONNECT_TIMEOUT = 5  # seconds
PG_STATEMENT_TIMEOUT = 30000  # milliseconds

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


def make_database(url: str, statement_timeout: int | None = None) -> peewee.Database:
    """A peewee database for ``sqlite:///path`` or ``postgresql://user:pw@host:port/name``.

    ``statement_timeout`` (PostgreSQL, milliseconds; 0 for none) defaults to the one for
    pages; commands that may run long (seed, reindex, backup) pass 0.
    """
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
        query = dict(parse_qsl(parsed.query))
        limit = int(query.pop("statement_timeout", PG_STATEMENT_TIMEOUT))
        limit = limit if statement_timeout is None else statement_timeout
        return ReconnectingPostgresql(
            unquote(parsed.path.lstrip("/")) or "postgres",
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or None,
            port=parsed.port or None,
            connect_timeout=int(query.pop("connect_timeout", PG_CONNECT_TIMEOUT)),
            application_name=query.pop("application_name", "keitai"),
            options=f"-c statement_timeout={limit}",
            **query,
        )
    raise ValueError(f"unsupported database URL: {url!r}")


_READ = ("SELECT", "WITH", "EXPLAIN", "SHOW")


class ReconnectingPostgresql(peewee.PostgresqlDatabase):
    """PostgreSQL that replaces a connection the server has dropped (restart, failover,
    ``pg_terminate_backend``) instead of failing every later request of its thread.

    Before a statement outside a transaction, an idle connection the server has written to
    (its FATAL notice, or the end of the stream) is closed and a new one made: one ``select``
    call, no round trip.  A read that still fails because the connection was lost is run once
    more on a new connection; a write is not (it may have reached the server), nor anything
    inside a transaction: those fail, and the next statement starts afresh.
    """

    def execute_sql(self, sql, params=None):
        if not self.in_transaction() and self._lost(idle=True):
            log.warning("database connection lost while idle; connecting again")
            self._forget_connection()
        try:
            return super().execute_sql(sql, params)
        except (peewee.OperationalError, peewee.InterfaceError):
            if not self._lost(idle=False) or self.in_transaction():
                raise
            self._forget_connection()
            if not sql.lstrip().upper().startswith(_READ):
                raise
            log.warning("database connection lost; reading again on a new one")
            return super().execute_sql(sql, params)

    def _lost(self, idle: bool) -> bool:
        conn = self._state.conn
        if conn is None:
            return False
        if getattr(conn, "broken", False) or conn.closed:
            return True
        if not idle:
            return False
        try:  # an idle connection in autocommit mode is sent nothing unless it is going away
            readable, _, _ = select.select([conn.fileno()], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def _forget_connection(self) -> None:
        conn = self._state.conn
        try:
            conn.close()
        except Exception:  # already gone: closing is only tidying up
            pass
        self._state.reset()


def connect(url: str, statement_timeout: int | None = None, replica_url: str = "") -> peewee.Database:
    """Point the models at the database named by ``url`` and return it; reads that may lag
    go to the streaming replica ``replica_url`` when one is named (keitai/platform/db/replica.py)."""
    database = make_database(url, statement_timeout)
    db.initialize(database)
    if replica_url and not isinstance(database, peewee.PostgresqlDatabase):
        raise ValueError("KEITAI_DATABASE_REPLICA_URL needs a PostgreSQL KEITAI_DATABASE_URL")
    replica.configure(make_database(replica_url, statement_timeout) if replica_url else None)
    return database


def is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


@functools.lru_cache(maxsize=1024)
def _native(sql: str, param: str) -> str:
    if param == "?":
        return sql
    return sql.replace("%", "%%").replace("?", param)


def execute(sql: str, params: tuple | list = ()):
    """Run ``sql`` (written with ``?`` placeholders) on the primary and return the cursor."""
    if replica.configured() and not sql.lstrip().upper().startswith(_READ):
        replica.wrote()  # what this request reads next must include what it just wrote
    return db.execute_sql(_native(sql, db.obj.param), params)


def _read(sql: str, params: tuple | list):
    """Run a read on the replica when this request may (keitai/platform/db/replica.py), else
    on the primary; a replica that fails is set aside and the read runs on the primary."""
    primary = db.obj
    database = replica.reader(primary)
    if database is primary:
        return primary.execute_sql(_native(sql, primary.param), params)
    try:
        return database.execute_sql(_native(sql, database.param), params)
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        replica.failed(exc)
        return primary.execute_sql(_native(sql, primary.param), params)


def fetchall(sql: str, params: tuple | list = ()) -> list[tuple]:
    return _read(sql, params).fetchall()


def fetchone(sql: str, params: tuple | list = ()) -> tuple | None:
    return _read(sql, params).fetchone()


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
