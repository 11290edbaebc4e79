"""One shape for every list a page shows in parts: keyset paging.

A list query asks for ``limit + 1`` rows after a cursor (the ``before`` parameter the
previous page handed out); :func:`page_of` turns them into a :class:`Page` whose ``next`` is
the cursor of the following page, or None on the last.  A cursor is text in the URL
(``"1700000000_42"``: the sort key's parts); :func:`parse_cursor` reads one back and takes
anything malformed for the first page, so a hand-edited URL is never an error.
"""
from __future__ import annotations

from typing import Callable, NamedTuple


class Page(NamedTuple):
    items: list
    next: str | None  # cursor for the following page, None on the last


def page_of(rows: list, limit: int, cursor: Callable[[object], str]) -> Page:
    """``rows`` (one more than ``limit`` when there is a next page) as a Page."""
    if len(rows) > limit:
        return Page(rows[:limit], cursor(rows[limit - 1]))
    return Page(rows, None)


def parse_cursor(value: str | None, parts: int = 2) -> tuple[int, ...] | None:
    """``"1700000000_42"`` -> (1700000000, 42); anything malformed -> None (the first page)."""
    if not value:
        return None
    pieces = value.split("_")
    if len(pieces) != parts or not all(p.isdecimal() and len(p) < 19 for p in pieces):
        return None
    return tuple(int(p) for p in pieces)
