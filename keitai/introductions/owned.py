"""What introductions keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned)."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """The introductions the member wrote, and those friends wrote about them."""
    m = (member_id,)
    return (
        rows("SELECT 'written' AS what, m.nickname AS friend, i.body, i.approved, i.updated_at FROM introductions i"
             " JOIN members m ON m.id = i.member_id WHERE i.author_id = ? ORDER BY i.id", m)
        + rows("SELECT 'received' AS what, m.nickname AS friend, i.body, i.approved, i.updated_at FROM introductions i"
               " JOIN members m ON m.id = i.author_id WHERE i.member_id = ? ORDER BY i.id", m)
    )


def delete(member_id: int) -> None:
    """Both: what they wrote about friends, and what was written about them."""
    execute("DELETE FROM introductions WHERE author_id = ? OR member_id = ?", (member_id, member_id))
