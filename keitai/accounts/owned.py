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


OWNED: dict[str, Owned] = {}


def register(name: str, *, export: Callable[[int], list[dict]], delete: Callable[[int], None],
             files: Callable[[int], list[str]] | None = None) -> None:
    """Add (or replace) what feature ``name`` keeps of a member (``register("diary", export=...,
    delete=...)``).  Steps run in registration order, which is the features' install order."""
    OWNED[name] = Owned(name, export, delete, files)
