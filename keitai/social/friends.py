"""Friendships: made by request and approval, kept as two rows (one per direction)."""
from __future__ import annotations

from keitai.models.base import db, execute, fetchone, now


def are_friends(a: int, b: int) -> bool:
    return fetchone("SELECT 1 FROM friendships WHERE member_id = ? AND friend_id = ?", (a, b)) is not None


def befriend(a: int, b: int) -> bool:
    """Make ``a`` and ``b`` friends (idempotent); True if they were not already."""
    if a == b or are_friends(a, b):
        return False
    t = now()
    with db.atomic():
        execute("INSERT INTO friendships (member_id, friend_id, created_at) VALUES (?, ?, ?), (?, ?, ?)", (a, b, t, b, a, t))
        execute("UPDATE members SET friend_count = friend_count + 1 WHERE id IN (?, ?)", (a, b))
        execute("DELETE FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)", (a, b, b, a))
    return True


def unfriend(a: int, b: int) -> bool:
    with db.atomic():
        gone = execute(
            "DELETE FROM friendships WHERE (member_id = ? AND friend_id = ?) OR (member_id = ? AND friend_id = ?)",
            (a, b, b, a),
        ).rowcount
        if gone:
            execute("UPDATE members SET friend_count = friend_count - 1 WHERE id IN (?, ?)", (a, b))
            # Friend lists are lists of friends: an ex-friend leaves them.
            execute(
                "DELETE FROM friend_group_members WHERE (member_id = ? AND group_id IN (SELECT id FROM friend_groups WHERE owner_id = ?))"
                " OR (member_id = ? AND group_id IN (SELECT id FROM friend_groups WHERE owner_id = ?))",
                (b, a, a, b),
            )
    return bool(gone)
