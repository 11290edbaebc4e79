"""peewee models, one module per domain, bound to :data:`keitai.models.base.db`."""
from .base import BaseModel, connect, db, execute, fetchall, fetchone, is_sqlite, now, scalar

__all__ = ["BaseModel", "connect", "db", "execute", "fetchall", "fetchone", "is_sqlite", "now", "scalar"]
