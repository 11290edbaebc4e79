"""Reads from a PostgreSQL streaming replica, when ``KEITAI_DATABASE_REPLICA_URL`` names one.

A site that has outgrown one database server reads far more than it writes.  With a replica
configured, a GET request's reads (:func:`keitai.platform.db.connection.fetchall`, ``fetchone``,
``scalar``) go to the replica, unless:

- the writer it serves (a member) wrote anything in the last :data:`READ_YOUR_WRITES` seconds:
  the pages right after a post read the primary, so a member always sees what they just wrote;
- the request itself has written (a footprint, a read mark): its later reads go to the primary;
- a transaction is open: it reads what it will write, on the primary;
- the replica is more than :data:`LAG_LIMIT` behind, or down: checked at most every
  :data:`CHECK_EVERY` seconds per process, by comparing the replica's replayed WAL position
  with the primary's position a second ago; a replica that failed is left alone for
  :data:`DOWN_RETRY` seconds.  Reads then go to the primary, and come back by themselves.

Writes, sessions, and everything outside a request's view always use the primary.  Nothing
here knows what a member is: the caller names the writer with any key.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections import deque

import peewee

log = logging.getLogger("keitai.db.replica")

#: The lag a page read from the replica may show, in seconds.
LAG_LIMIT = 1.0
#: How often one process asks the replica how far it has come.
CHECK_EVERY = 0.25
#: After the replica failed, how long before it is tried again.
DOWN_RETRY = 5.0
#: How long after a writer's last write their reads stay on the primary.
READ_YOUR_WRITES = 10

_database: peewee.Database | None = None
_reading = contextvars.ContextVar("keitai_replica_reads", default=False)


class _Health:
    """Is the replica close enough behind the primary to read from?  One per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = 0.0
        self.ok = False
        self.down_until = 0.0
        self.primary_positions: deque[tuple[float, int]] = deque(maxlen=64)

    def reset(self) -> None:
        with self.lock:
            self.checked_at, self.ok, self.down_until = 0.0, False, 0.0
            self.primary_positions.clear()

    def usable(self, primary: peewee.Database) -> bool:
        t = time.monotonic()
        if t < self.down_until:
            return False
        if t - self.checked_at < CHECK_EVERY:
            return self.ok
        if not self.lock.acquire(blocking=False):
            return self.ok  # another thread is asking: use its last answer
        try:
            self.ok = self._check(primary, t)
            self.checked_at = t
        finally:
            self.lock.release()
        return self.ok

    def _check(self, primary: peewee.Database, t: float) -> bool:
        try:
            position = _lsn(primary.execute_sql("SELECT pg_current_wal_lsn()").fetchone()[0])
        except peewee.DatabaseError:
            return False  # the primary's own trouble is not the replica's: the request will see it
        self.primary_positions.append((t, position))
        try:
            replayed = _database.execute_sql("SELECT pg_last_wal_replay_lsn()").fetchone()[0]
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            self.mark_down(f"replica unreachable: {exc}".strip())
            return False
        if replayed is None:  # not a standby at all
            self.mark_down("the replica URL names a server that is not in recovery")
            return False
        # Where the primary was LAG_LIMIT ago (or the oldest position we know, at first):
        # a replica that has replayed that far is at most LAG_LIMIT behind.
        due = next((p for at, p in reversed(self.primary_positions) if at <= t - LAG_LIMIT),
                   self.primary_positions[0][1])
        return _lsn(replayed) >= due

    def mark_down(self, why: str) -> None:
        if time.monotonic() >= self.down_until:
            log.warning("reading from the primary for %s s: %s", DOWN_RETRY, why)
        self.down_until = time.monotonic() + DOWN_RETRY
        self.ok = False


_health = _Health()


def _lsn(text: str) -> int:
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def configure(database: peewee.Database | None) -> None:
    """Use ``database`` (made from KEITAI_DATABASE_REPLICA_URL) for reads, or no replica (None)."""
    global _database
    _database = database
    _health.reset()


def configured() -> bool:
    return _database is not None


def reader(primary: peewee.Database) -> peewee.Database:
    """The database this read should go to: the replica when this request may read it."""
    if _database is None or not _reading.get() or primary.in_transaction():
        return primary
    return _database if _health.usable(primary) else primary


def wrote() -> None:
    """This request has written: its later reads see its writes on the primary."""
    if _reading.get():
        _reading.set(False)


def failed(exc: Exception) -> None:
    """A read on the replica failed: stop reading it for a while (the caller reads the primary)."""
    _health.mark_down(f"a read failed: {exc}".strip())


@contextlib.contextmanager
def reads_for(may_read_replica: bool):
    """Within the block, reads go to the replica if ``may_read_replica`` and it is healthy."""
    token = _reading.set(bool(may_read_replica and _database is not None))
    try:
        yield
    finally:
        _reading.reset(token)


# Read-your-writes across requests and processes: when each writer last wrote, on the primary
# (the replica needs PostgreSQL, so this SQL is PostgreSQL's).
def wrote_recently(primary: peewee.Database, writer: str) -> bool:
    row = primary.execute_sql("SELECT at FROM recent_writes WHERE writer = %s", (writer,)).fetchone()
    return row is not None and row[0] > time.time() - READ_YOUR_WRITES


def record_write(primary: peewee.Database, writer: str) -> None:
    primary.execute_sql("INSERT INTO recent_writes (writer, at) VALUES (%s, %s)"
                        " ON CONFLICT (writer) DO UPDATE SET at = EXCLUDED.at", (writer, int(time.time())))
