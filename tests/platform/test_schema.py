"""The migrations are the schema; every peewee model must match the table they make.

A fresh database is migrated and each model is compared with what the database itself
reports (PRAGMA table_info on SQLite, information_schema on PostgreSQL): the same columns,
the same nullability, compatible types, the same defaults.  A migration that adds a
column the model lacks, or a model that names a column the table lacks, fails here.
Every model in the package is checked: each ``keitai`` module is imported to find them.
"""
from __future__ import annotations

import importlib
import pkgutil
import re

import peewee
import pytest

import keitai
from keitai.platform.db import connection as base
from keitai.platform.db.connection import BaseModel

# Column types as each database reports them, and the kinds of peewee field that may map them.
# SQLite has no boolean: the migrations' {bool} is an INTEGER there.
COMPATIBLE = {
    "sqlite": {"INTEGER": {"integer", "boolean"}, "TEXT": {"text"}, "BLOB": {"bytes"}},
    "postgres": {"bigint": {"integer"}, "integer": {"integer"}, "boolean": {"boolean"},
                 "text": {"text"}, "bytea": {"bytes"}},
}


def _models() -> list[type[BaseModel]]:
    for module in pkgutil.walk_packages(keitai.__path__, "keitai."):
        importlib.import_module(module.name)
    found, todo = [], list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return sorted(found, key=lambda model: model._meta.table_name)


MODELS = _models()


class Column:
    def __init__(self, type_: str, nullable: bool, default):
        self.type, self.nullable, self.default = type_, nullable, default

    def __repr__(self):
        return f"Column({self.type}, nullable={self.nullable}, default={self.default!r})"


def _default(text: str | None):
    """A column default as the database spells it, as a value (None: none, or a sequence)."""
    if text is None or text.startswith("nextval("):
        return None
    text = re.sub(r"::[a-z ]+$", "", text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return int(text == "true")
    return int(text)


def _columns(table: str) -> dict[str, Column]:
    if base.is_sqlite():
        rows = base.fetchall(f'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)', (table,))
        # An INTEGER PRIMARY KEY is the rowid: never NULL, though SQLite reports notnull = 0.
        return {name: Column(type_.upper(), not (notnull or pk), _default(dflt))
                for name, type_, notnull, dflt, pk in rows}
    rows = base.fetchall(
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ?", (table,))
    return {name: Column(type_, nullable == "YES", _default(dflt)) for name, type_, nullable, dflt in rows}


def _kind(field: peewee.Field) -> str:
    if isinstance(field, peewee.ForeignKeyField):
        return _kind(field.rel_field)
    if isinstance(field, peewee.BooleanField):
        return "boolean"
    if isinstance(field, peewee.IntegerField):
        return "integer"
    if isinstance(field, (peewee.TextField, peewee.CharField)):
        return "text"
    if isinstance(field, peewee.BlobField):
        return "bytes"
    return type(field).__name__


def _model_default(field: peewee.Field):
    default = field.default
    return int(default) if isinstance(default, bool) else default


def test_there_are_models_to_check():
    # The discovery itself: if it found nothing, every comparison below would pass vacuously.
    assert "members" in {model._meta.table_name for model in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.table_name)
def test_model_matches_the_migrated_table(migrated, model):
    table = model._meta.table_name
    columns = _columns(table)
    assert columns, f"{model.__name__} names table {table}, which no migration creates"
    fields = {field.column_name: field for field in model._meta.sorted_fields}

    assert sorted(set(columns) - set(fields)) == [], f"columns of {table} that {model.__name__} lacks"
    assert sorted(set(fields) - set(columns)) == [], f"{model.__name__} fields that {table} lacks"

    dialect = "sqlite" if base.is_sqlite() else "postgres"
    wrong = {}
    for name, column in columns.items():
        field = fields[name]
        if _kind(field) not in COMPATIBLE[dialect].get(column.type, ()):
            wrong[name] = f"{type(field).__name__} for a {column.type} column"
        if field.null != column.nullable:
            wrong[name] = f"null={field.null} for a column that is {'' if column.nullable else 'NOT '}NULL"
        if not field.primary_key and _model_default(field) != column.default:
            wrong[name] = f"default {field.default!r}, the table's is {column.default!r}"
    assert wrong == {}, f"{model.__name__} disagrees with {table}"
