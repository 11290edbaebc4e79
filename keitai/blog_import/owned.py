"""What blog import keeps of a member, for 退会 and データのダウンロード (keitai.accounts.owned).
(The imported entries are diary entries, the diary's.)"""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """The feed the member imports, with its settings and record."""
    return rows("SELECT url, audience, created_at, last_ok_at, imported_count FROM diary_feeds WHERE member_id = ?",
                (member_id,))


def delete(member_id: int) -> None:
    execute("DELETE FROM diary_feed_items WHERE member_id = ?", (member_id,))
    execute("DELETE FROM diary_feeds WHERE member_id = ?", (member_id,))
