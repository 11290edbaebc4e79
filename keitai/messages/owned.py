"""What messages keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned).

Every message the member sent or received goes, for both sides: a conversation with a
member who has left cannot be answered, and what they sent is theirs."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """The messages the member still has: sent ones they kept, received ones they kept."""
    m = (member_id,)
    return (
        rows("SELECT 'sent' AS what, r.nickname AS other, s.subject, s.body, s.created_at FROM messages s"
             " JOIN members r ON r.id = s.recipient_id WHERE s.sender_id = ? AND NOT s.sender_deleted ORDER BY s.id", m)
        + rows("SELECT 'received' AS what, f.nickname AS other, s.subject, s.body, s.created_at FROM messages s"
               " JOIN members f ON f.id = s.sender_id WHERE s.recipient_id = ? AND NOT s.recipient_deleted"
               " ORDER BY s.id", m)
    )


def delete(member_id: int) -> None:
    execute("DELETE FROM messages WHERE sender_id = ? OR recipient_id = ?", (member_id, member_id))
