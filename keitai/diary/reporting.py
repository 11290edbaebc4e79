"""Diary entries and their comments as reportable kinds (keitai.reports): the operator sees
them whatever their audience, members report only what they may read, a takedown deletes."""
from __future__ import annotations

from keitai import privacy
from keitai.platform.db.connection import fetchone
from keitai.reports.rules import Reported

from .comments import delete_comment
from .rules import can_read, delete_entry


def find_entry(diary_id: int) -> Reported | None:
    row = fetchone("SELECT author_id, title, body FROM diaries WHERE id = ?", (diary_id,))
    return Reported(row[0], row[1], row[2], "diary.entry", {"diary_id": diary_id}) if row else None


def take_down_entry(diary_id: int, operator_id: int) -> None:
    """Delete the entry with its comments and photos."""
    delete_entry(diary_id, fetchone("SELECT author_id FROM diaries WHERE id = ?", (diary_id,))[0])


def _comment(comment_id: int):
    return fetchone("SELECT c.author_id, d.title, c.body, c.diary_id, d.author_id FROM diary_comments c"
                    " JOIN diaries d ON d.id = c.diary_id WHERE c.id = ?", (comment_id,))


def find_comment(comment_id: int) -> Reported | None:
    row = _comment(comment_id)
    return Reported(row[0], row[1], row[2], "diary.entry", {"diary_id": row[3]}) if row else None


def may_see_comment(viewer_id: int, comment_id: int) -> bool:
    """Those who may read the entry, unless a block stands between them and the comment's writer."""
    row = _comment(comment_id)
    return (row is not None and can_read(viewer_id, row[3])
            and (viewer_id == row[0] or not privacy.blocked_between(viewer_id, row[0])))


def take_down_comment(comment_id: int, operator_id: int) -> None:
    """Delete the comment (as the entry's author could)."""
    _author, _title, _body, diary_id, entry_author = _comment(comment_id)
    delete_comment(entry_author, diary_id, comment_id)
