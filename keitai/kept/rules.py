"""Kept texts (預かった文章): what a member wrote that the site could neither save nor show back.

A handset's page holds a few kilobytes: when a form comes back with an error and the
member's text no longer fits the page, or a save is refused because the text changed
elsewhere meanwhile, the text is kept here instead of being dropped.  The member reads it
over as many pages as it needs, edits it, reuses it in the form it came from (``resume``),
or deletes it.  Only its writer ever sees it.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai.platform.db.connection import execute, fetchall, fetchone, insert_id, now

#: Kept texts older than this go at the next ``run.py prune`` (the pages say so).
KEEP_DAYS = 30


class Kept(NamedTuple):
    id: int
    note: str      # what it was and why it is kept (Japanese, for the member)
    resume: str    # the form it came from (a path), or '' if it goes back nowhere
    body: str
    created_at: int


_COLUMNS = "id, note, resume, body, created_at"


def keep(member_id: int, note: str, body: str, resume: str = "") -> int:
    """Keep ``body`` for ``member_id``; returns its id."""
    return insert_id("INSERT INTO kept_texts (member_id, note, resume, body, created_at) VALUES (?, ?, ?, ?, ?)",
                     (member_id, note, resume, body, now()))


def get(member_id: int, kept_id: int | None) -> Kept | None:
    """One of ``member_id``'s kept texts; None if there is no such text of theirs."""
    if kept_id is None:
        return None
    row = fetchone(f"SELECT {_COLUMNS} FROM kept_texts WHERE id = ? AND member_id = ?", (kept_id, member_id))
    return Kept(*row) if row else None


def for_member(member_id: int) -> list[Kept]:
    """The member's kept texts, newest first."""
    return [Kept(*r) for r in fetchall(
        f"SELECT {_COLUMNS} FROM kept_texts WHERE member_id = ? ORDER BY id DESC", (member_id,))]


def replace(member_id: int, kept_id: int, old: str, new: str) -> bool:
    """Change a kept text from ``old`` to ``new``; False if it is gone or no longer ``old``."""
    return execute("UPDATE kept_texts SET body = ? WHERE id = ? AND member_id = ? AND body = ?",
                   (new, kept_id, member_id, old)).rowcount == 1


def delete(member_id: int, kept_id: int) -> bool:
    return execute("DELETE FROM kept_texts WHERE id = ? AND member_id = ?", (kept_id, member_id)).rowcount == 1


def prune(days: int = KEEP_DAYS) -> int:
    """Delete kept texts older than ``days``; returns how many."""
    return execute("DELETE FROM kept_texts WHERE created_at < ?", (now() - days * 86400,)).rowcount
