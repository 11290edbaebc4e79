"""peewee models, one module per domain, bound to :data:`keitai.platform.db.connection.db`."""
from keitai.platform.db.connection import BaseModel, connect, db, execute, fetchall, fetchone, is_sqlite, now, scalar

__all__ = ["BaseModel", "connect", "db", "execute", "fetchall", "fetchone", "is_sqlite", "now", "scalar"]
