"""What a member owns, feature by feature.

退会 (deleting an account) and データのダウンロード (a member's archive of what they wrote) both
walk this registry, so a feature's rows are never forgotten by either: each feature says,
from its ``install(app)``, how to export one member's rows and how to delete them.
"""
from __future__ import annotations

from typing import Callable, NamedTuple


class Owned(NamedTuple):
    name: str  # the archive's section and the deletion step's name, e.g. "diary"
    export: Callable[[int], list[dict]]  # one member's rows, as plain JSON-able dicts
    delete: Callable[[int], None]  # remove (or anonymise) them; runs inside the deletion's transaction
    files: Callable[[int], list[str]] | None  # media files to remove after the transaction commits
    attach: Callable[[int], list[tuple[str, str]]] | None  # files for the archive: (name in it, path)


OWNED: dict[str, Owned] = {}


def register(name: str, *, export: Callable[[int], list[dict]], delete: Callable[[int], None],
             files: Callable[[int], list[str]] | None = None,
             attach: Callable[[int], list[tuple[str, str]]] | None = None) -> None:
    """Add (or replace) what feature ``name`` keeps of a member (``register("diary", export=...,
    delete=...)``).  Steps run in registration order, which is the features' install order.

    ``files(member_id)``: the files 退会 removes once the rows are gone (their paths, read
    before the deletion); ``attach(member_id)``: files the archive carries beside the rows,
    as (name inside the archive, path); an exported row names its file by that name."""
    OWNED[name] = Owned(name, export, delete, files, attach)


def rows(sql: str, params: tuple | list = ()) -> list[dict]:
    """A query's rows as dicts named by its columns (what an ``export`` returns)."""
    from keitai.platform.db.connection import execute

    cursor = execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def export_all(member_id: int) -> dict[str, list[dict]]:
    """Every feature's rows of one member, by section name, in registration order (empty ones left out)."""
    sections = {}
    for owned in OWNED.values():
        found = owned.export(member_id)
        if found:
            sections[owned.name] = found
    return sections
