"""What diaries keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned).

Their comments on others' entries go with them (a diary's comments are a conversation on
its writer's page, and the entry keeps no numbering that a gap would break); the entries'
counts and "new comments" marks are counted again.  Their photos and search documents are
the photos and search features' (by owner).
"""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute, fetchall


def export(member_id: int) -> list[dict]:
    """The member's entries, then every comment they wrote (on any entry)."""
    m = (member_id,)
    return (
        rows("SELECT 'entry' AS what, id AS diary_id, title, body, audience, source_url, created_at, updated_at"
             " FROM diaries WHERE author_id = ? ORDER BY id", m)
        + rows("SELECT 'comment' AS what, diary_id, body, created_at FROM diary_comments WHERE author_id = ?"
               " ORDER BY id", m)
    )


def delete(member_id: int) -> None:
    m = member_id
    touched = [r[0] for r in fetchall(
        "SELECT DISTINCT c.diary_id FROM diary_comments c JOIN diaries d ON d.id = c.diary_id"
        " WHERE c.author_id = ? AND d.author_id <> ?", (m, m))]
    execute("DELETE FROM diary_comments WHERE author_id = ?", (m,))
    for diary_id in touched:
        execute(
            "UPDATE diaries SET"
            " comment_count = (SELECT COUNT(*) FROM diary_comments c WHERE c.diary_id = diaries.id),"
            " unread_comments = (SELECT COUNT(*) FROM diary_comments c WHERE c.diary_id = diaries.id"
            "   AND c.id > diaries.seen_comment_id AND c.author_id <> diaries.author_id),"
            " last_comment_at = (SELECT MAX(c.created_at) FROM diary_comments c WHERE c.diary_id = diaries.id)"
            " WHERE id = ?", (diary_id,))
    execute("DELETE FROM diaries WHERE author_id = ?", (m,))  # their comments' rows go with them
