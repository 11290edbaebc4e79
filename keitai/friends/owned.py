"""What friends keeps of a member, for 退会 and データのダウンロード (keitai.accounts.owned)."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """Friends (by nickname, since when), requests sent and received, friend lists, blocks."""
    m = (member_id,)
    return (
        rows("SELECT 'friend' AS what, m.nickname, f.created_at FROM friendships f JOIN members m ON m.id = f.friend_id"
             " WHERE f.member_id = ? ORDER BY f.created_at", m)
        + rows("SELECT 'request_sent' AS what, m.nickname, r.message, r.created_at FROM friend_requests r"
               " JOIN members m ON m.id = r.to_id WHERE r.from_id = ? ORDER BY r.id", m)
        + rows("SELECT 'request_received' AS what, m.nickname, r.message, r.created_at FROM friend_requests r"
               " JOIN members m ON m.id = r.from_id WHERE r.to_id = ? ORDER BY r.id", m)
        + rows("SELECT 'friend_list' AS what, g.name, m.nickname FROM friend_groups g"
               " LEFT JOIN friend_group_members gm ON gm.group_id = g.id LEFT JOIN members m ON m.id = gm.member_id"
               " WHERE g.owner_id = ? ORDER BY g.id, m.id", m)
        + rows("SELECT 'blocked' AS what, m.nickname, b.created_at FROM blocks b JOIN members m ON m.id = b.blocked_id"
               " WHERE b.blocker_id = ? ORDER BY b.created_at", m)
    )


def delete(member_id: int) -> None:
    """Friendships both ways (each friend's count drops by one), requests, blocks either way,
    the member's friend lists and their place in others'."""
    m = member_id
    execute("UPDATE members SET friend_count = friend_count - 1"
            " WHERE id IN (SELECT friend_id FROM friendships WHERE member_id = ?)", (m,))
    execute("DELETE FROM friendships WHERE member_id = ? OR friend_id = ?", (m, m))
    execute("DELETE FROM friend_requests WHERE from_id = ? OR to_id = ?", (m, m))
    execute("DELETE FROM blocks WHERE blocker_id = ? OR blocked_id = ?", (m, m))
    execute("DELETE FROM friend_group_members WHERE member_id = ?"
            " OR group_id IN (SELECT id FROM friend_groups WHERE owner_id = ?)", (m, m))
    execute("DELETE FROM friend_groups WHERE owner_id = ?", (m,))
