"""Comments on diary entries: writing, reading in pages, deleting, and the author's
"new comments" mark.

A comment may be written by anyone who may read the entry (:func:`keitai.diary.rules.can_read`),
and is hidden from anyone its writer has blocked or been blocked by.  The entry keeps
``comment_count`` and ``unread_comments`` on every write, so the home notice counts nothing
at read time.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai import privacy
from keitai import words as messages
from keitai.notify import rules as notify
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, now, scalar
from keitai.platform.db.paging import Page, page_of

from .rules import Entry, before_id, can_read, checked_text

COMMENT_MAX = 2_000


class Comment(NamedTuple):
    id: int
    author_id: int
    nickname: str
    body: str
    created_at: int
    may_delete: bool = False  # for the viewer it was read by (comments_for)


def may_delete_comment(viewer_id: int, comment_author_id: int, entry_author_id: int) -> bool:
    """A comment may be deleted by its writer and by the entry's author."""
    return viewer_id in (comment_author_id, entry_author_id)


class UnreadEntry(NamedTuple):
    id: int
    title: str
    unread_comments: int
    last_comment_at: int


def check_comment(body: str) -> tuple[str, list[str]]:
    """A comment as it would be stored, and what is wrong with it."""
    return checked_text(body, "コメント", COMMENT_MAX, messages.COMMENT_REQUIRED)


def mark_comments_seen(entry: Entry) -> None:
    """The author has read the entry's comments: clear its "new comments" mark."""
    if entry.unread_comments:
        execute(
            "UPDATE diaries SET unread_comments = 0,"
            " seen_comment_id = (SELECT COALESCE(MAX(id), 0) FROM diary_comments WHERE diary_id = ?) WHERE id = ?",
            (entry.id, entry.id),
        )


# A comment is hidden from anyone its writer has blocked or been blocked by.
_NOT_BLOCKED = privacy.not_blocked_sql("c.author_id")
_COMMENTS = (
    "SELECT c.id, c.author_id, m.nickname, c.body, c.created_at FROM diary_comments c"
    " JOIN members m ON m.id = c.author_id"
    f" WHERE c.diary_id = ? AND c.id < ? AND {_NOT_BLOCKED} ORDER BY c.id DESC LIMIT ?"
)
_COMMENT_COUNT = f"SELECT COUNT(*) FROM diary_comments c WHERE c.diary_id = ? AND {_NOT_BLOCKED}"


def comments_for(viewer_id: int, entry: Entry, before: str | None = None, limit: int = 20) -> Page:
    """The newest ``limit`` comments before the ``before`` cursor, shown oldest first; ``next``
    is the cursor for older ones."""
    rows = fetchall(_COMMENTS, (entry.id, before_id(before), viewer_id, viewer_id, limit + 1))
    page = page_of(rows, limit, lambda row: str(row[0]))
    shown = [Comment(*r, may_delete=may_delete_comment(viewer_id, r[1], entry.author_id)) for r in reversed(page.items)]
    return page._replace(items=shown)


def comment_count(viewer_id: int, entry: Entry) -> int:
    """How many of the entry's comments the viewer is shown (blocks hide some)."""
    if not entry.comment_count:
        return 0
    return scalar(_COMMENT_COUNT, (entry.id, viewer_id, viewer_id))


def add_comment(viewer_id: int, diary_id: int, body: str) -> int | None:
    """Comment on an entry the viewer may read; None if they may not (nothing is stored)."""
    if not can_read(viewer_id, diary_id):
        return None
    t = now()
    with db.atomic():
        comment_id = insert_id(
            "INSERT INTO diary_comments (diary_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
            (diary_id, viewer_id, body, t),
        )
        # The author's own comment marks everything before it as seen; anyone else's is new to them.
        execute(
            "UPDATE diaries SET comment_count = comment_count + 1, last_comment_at = ?,"
            " unread_comments = CASE WHEN author_id = ? THEN 0 ELSE unread_comments + 1 END,"
            " seen_comment_id = CASE WHEN author_id = ? THEN ? ELSE seen_comment_id END"
            " WHERE id = ?",
            (t, viewer_id, viewer_id, comment_id, diary_id),
        )
    notify.after_comment(viewer_id, diary_id)
    return comment_id


def comment_to_delete(viewer_id: int, diary_id: int, comment_id: int) -> Comment | None:
    """The comment if ``viewer_id`` may delete it: its writer, or the entry's author."""
    row = fetchone(
        "SELECT c.id, c.author_id, m.nickname, c.body, c.created_at, d.author_id FROM diary_comments c"
        " JOIN diaries d ON d.id = c.diary_id JOIN members m ON m.id = c.author_id"
        " WHERE c.id = ? AND c.diary_id = ?", (comment_id, diary_id)
    )
    if row is None or not may_delete_comment(viewer_id, row[1], row[5]):
        return None
    return Comment(*row[:5], may_delete=True)


def delete_comment(viewer_id: int, diary_id: int, comment_id: int) -> bool:
    """Delete a comment (by its writer or the entry's author); False if not allowed."""
    comment = comment_to_delete(viewer_id, diary_id, comment_id)
    if comment is None:
        return False
    with db.atomic():
        if not execute("DELETE FROM diary_comments WHERE id = ?", (comment_id,)).rowcount:
            return False
        # An unseen comment by someone else takes its "new" mark with it.
        execute(
            "UPDATE diaries SET comment_count = comment_count - 1,"
            " unread_comments = CASE WHEN unread_comments > 0 AND seen_comment_id < ? AND author_id <> ?"
            " THEN unread_comments - 1 ELSE unread_comments END WHERE id = ?",
            (comment_id, comment.author_id, diary_id),
        )
    return True


def unread_entries(member_id: int, limit: int = 5) -> list[UnreadEntry]:
    """The member's entries with comments they have not seen, latest comment first."""
    rows = fetchall(
        "SELECT id, title, unread_comments, last_comment_at FROM diaries"
        " WHERE author_id = ? AND unread_comments > 0 ORDER BY last_comment_at DESC LIMIT ?",
        (member_id, limit),
    )
    return [UnreadEntry(*r) for r in rows]


NEW_COMMENTS_COUNT_SQL = (
    "SELECT COALESCE(SUM(unread_comments), 0) FROM diaries WHERE author_id = ? AND unread_comments > 0"
)


def new_comment_count(member_id: int) -> int:
    """Comments on the member's entries that they have not seen (for home notifications)."""
    return int(scalar(NEW_COMMENTS_COUNT_SQL, (member_id,)))

