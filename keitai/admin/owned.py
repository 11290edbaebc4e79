"""What the operators' log keeps of a member, for 退会 and データのダウンロード (keitai.accounts.owned).

The log stays (operators answer for what they did), without the member: entries about them
and entries by them (an operator who leaves) lose the name; the reason written stays."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """What operators did about the member (suspensions and their reasons), and, for an operator,
    what they did."""
    m = (member_id,)
    return (rows("SELECT 'about_you' AS what, action, note, created_at FROM admin_log WHERE member_id = ?"
                 " ORDER BY id", m)
            + rows("SELECT 'by_you' AS what, action, note, created_at FROM admin_log WHERE admin_id = ?"
                   " ORDER BY id", m))


def delete(member_id: int) -> None:
    execute("UPDATE admin_log SET member_id = NULL WHERE member_id = ?", (member_id,))
    execute("UPDATE admin_log SET admin_id = NULL WHERE admin_id = ?", (member_id,))
