"""Blocking: a blocked member can no longer see or reach the blocker anywhere, and the other way round.

Blocking ends the friendship (and so group membership) and drops friend requests
and お気に入り both ways; every page then hides the two from each other through the audience rule
(``relation().blocked``, ``visible_clause`` and ``not_blocked_clause``).
"""
from __future__ import annotations

from dataclasses import dataclass

import peewee

from keitai.platform.db.connection import db, execute, fetchall, now, scalar

from keitai.favorites import rules as favorites
from keitai.friends import rules as friends


@dataclass(frozen=True)
class Blocked:
    member_id: int
    nickname: str
    created_at: int


def block(blocker_id: int, blocked_id: int) -> bool:
    """Block ``blocked_id``; True if it is new."""
    if blocker_id == blocked_id:
        return False
    if has_blocked(blocker_id, blocked_id):
        return False
    try:
        with db.atomic():
            execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)",
                    (blocker_id, blocked_id, now()))
            friends.unfriend(blocker_id, blocked_id)
            execute(
                "DELETE FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)",
                (blocker_id, blocked_id, blocked_id, blocker_id),
            )
            favorites.forget_between(blocker_id, blocked_id)
    except peewee.IntegrityError:  # blocked in a parallel request a moment ago
        return False
    return True


def unblock(blocker_id: int, blocked_id: int) -> bool:
    """Lift one's own block (a friendship it ended does not come back)."""
    return execute("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?", (blocker_id, blocked_id)).rowcount == 1


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    return scalar("SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?", (blocker_id, blocked_id)) is not None


def blocked_by(blocker_id: int) -> list[Blocked]:
    """The members ``blocker_id`` has blocked, newest first (only the blocker sees this list)."""
    rows = fetchall(
        "SELECT m.id, m.nickname, b.created_at FROM blocks b JOIN members m ON m.id = b.blocked_id"
        " WHERE b.blocker_id = ? ORDER BY b.created_at DESC, m.id DESC",
        (blocker_id,),
    )
    return [Blocked(*row) for row in rows]
