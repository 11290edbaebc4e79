"""What kept texts keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned)."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    return rows("SELECT note, body, created_at FROM kept_texts WHERE member_id = ? ORDER BY id", (member_id,))


def delete(member_id: int) -> None:
    execute("DELETE FROM kept_texts WHERE member_id = ?", (member_id,))
