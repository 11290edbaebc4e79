"""What お気に入り keeps of a member, for 退会 and データのダウンロード (keitai.accounts.owned)."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute

from .rules import SHOWN_MEMBER_SQL


def export(member_id: int) -> list[dict]:
    """The member's list as it shows it (no favourite the list hides)."""
    return rows(
        "SELECT 'favorite_member' AS what, m.nickname AS nickname, f.created_at AS created_at"
        " FROM favorite_members f JOIN members m ON m.id = f.favorite_id"
        f" WHERE f.member_id = ? AND {SHOWN_MEMBER_SQL} ORDER BY f.id", (member_id, member_id, member_id)
    ) + rows(
        "SELECT 'favorite_community' AS what, c.name AS name, f.created_at AS created_at"
        " FROM favorite_communities f JOIN communities c ON c.id = f.community_id WHERE f.member_id = ? ORDER BY f.id",
        (member_id,))


def delete(member_id: int) -> None:
    """The member's list, and their place in everyone else's."""
    execute("DELETE FROM favorite_members WHERE member_id = ? OR favorite_id = ?", (member_id, member_id))
    execute("DELETE FROM favorite_communities WHERE member_id = ?", (member_id,))
