"""What sign-up keeps of a member, for 退会 and データのダウンロード (keitai.accounts.owned)."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """The invitations the member sent."""
    return rows("SELECT mail, message, created_at, used_at, cancelled_at FROM invitations WHERE inviter_id = ?"
                " ORDER BY id", (member_id,))


def delete(member_id: int) -> None:
    """Their invitations, the one they joined by (it holds their address) and their mail tokens."""
    execute("DELETE FROM invitations WHERE inviter_id = ? OR used_by = ?", (member_id, member_id))
    execute("DELETE FROM mail_tokens WHERE member_id = ?", (member_id,))
