"""Schema migrations: ``db/migrations/NNNN_name.py``, applied in order, each once.

A migration module defines ``up(m)``; ``m`` is a :class:`Migrator`, whose ``sql``
runs a statement after filling in the few words SQLite and PostgreSQL spell
differently::

    m.sql("CREATE TABLE note ({pk}, body {text} NOT NULL, done {bool} NOT NULL DEFAULT {false})")

Applied names are kept in ``schema_migrations``; running them again does nothing.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from keitai.config import DB_DIR

from keitai.platform.db import connection as base

MIGRATIONS_DIR = DB_DIR / "migrations"

_WORDS = {
    "sqlite": {
        "pk": "id INTEGER PRIMARY KEY AUTOINCREMENT",
        "bigint": "INTEGER",
        "bool": "INTEGER",
        "text": "TEXT",
        "blob": "BLOB",
        "true": "1",
        "false": "0",
    },
    "postgres": {
        "pk": "id BIGSERIAL PRIMARY KEY",
        "bigint": "BIGINT",
        "bool": "BOOLEAN",
        "text": "TEXT",
        "blob": "BYTEA",
        "true": "TRUE",
        "false": "FALSE",
    },
}


class Migrator:
    def __init__(self, database):
        self.db = database
        self.dialect = "sqlite" if base.is_sqlite() else "postgres"

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgres"

    def sql(self, statement: str, params: tuple = ()) -> None:
        self.db.execute_sql(statement.format(**_WORDS[self.dialect]), params)


def available(directory: Path = MIGRATIONS_DIR) -> list[tuple[str, Path]]:
    return sorted((p.stem, p) for p in directory.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"keitai_migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def applied() -> set[str]:
    database = base.db.obj
    database.execute_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"
    )
    return {row[0] for row in database.execute_sql("SELECT name FROM schema_migrations").fetchall()}


def pending(directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Names of migrations not applied yet (reads only: for health checks)."""
    done = {row[0] for row in base.fetchall("SELECT name FROM schema_migrations")}
    return [name for name, _path in available(directory) if name not in done]


def migrate(directory: Path = MIGRATIONS_DIR, log=print) -> list[str]:
    """Bring the bound database to the latest schema; return the names applied now."""
    database = base.db.obj
    done = applied()
    ran = []
    for name, path in available(directory):
        if name in done:
            continue
        module = _load(name, path)
        with database.atomic():
            if not base.is_sqlite():  # building an index on a large site takes longer than a page may
                base.execute("SET LOCAL statement_timeout = 0")
            module.up(Migrator(database))
            base.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, base.now()))
        ran.append(name)
        if log:
            log(f"applied {name}")
    return ran
