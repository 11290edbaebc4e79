"""Comments on diary entries: writing, reading in pages, deleting, and the author's
"new comments" mark.

A comment may be written by anyone who may read the entry (:func:`keitai.diary.rules.can_read`),
and is hidden from anyone its writer has blocked or been blocked by, and from everyone while
its writer is suspended (:func:`keitai.privacy.shown_member_sql`), on every page: the entry,
the delete page, every count.  The entry keeps ``comment_count`` and ``unread_comments`` on
every write; what a viewer is shown is those less the hidden writers' comments.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai import privacy
from keitai import words as messages
from keitai.notify import rules as notify
from keitai.platform.db.connection import best_effort, db, execute, fetchall, fetchone, insert_id, now, scalar
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
        best_effort(
            "diary comments read mark",
            "UPDATE diaries SET unread_comments = 0,"
            " seen_comment_id = (SELECT COALESCE(MAX(id), 0) FROM diary_comments WHERE diary_id = ?) WHERE id = ?",
            (entry.id, entry.id),
        )


# A comment is hidden from anyone its writer has blocked or been blocked by, and while its writer is suspended.
_SHOWN = privacy.shown_member_sql("c.author_id")
_COMMENTS = (
    "SELECT c.id, c.author_id, m.nickname, c.body, c.created_at FROM diary_comments c"
    " JOIN members m ON m.id = c.author_id"
    f" WHERE c.diary_id = ? AND c.id < ? AND {_SHOWN} ORDER BY c.id DESC LIMIT ?"
)


def comments_for(viewer_id: int, entry: Entry, before: str | None = None, limit: int = 20) -> Page:
    """The newest ``limit`` comments before the ``before`` cursor, shown oldest first; ``next``
    is the cursor for older ones."""
    rows = fetchall(_COMMENTS, (entry.id, before_id(before), viewer_id, viewer_id, limit + 1))
    page = page_of(rows, limit, lambda row: str(row[0]))
    shown = [Comment(*r, may_delete=may_delete_comment(viewer_id, r[1], entry.author_id)) for r in reversed(page.items)]
    return page._replace(items=shown)


def comment_count(viewer_id: int, entry: Entry) -> int:
    """How many of the entry's comments the viewer is shown (blocks and suspensions hide some):
    the count kept on write, less the hidden ones, as a diary list counts them."""
    if not entry.comment_count:
        return 0
    hidden = privacy.hidden_counts(viewer_id, "diary_comments", "diary_id", "author_id", [entry.id],
                                   rows=entry.comment_count)
    return entry.comment_count - hidden.get(entry.id, 0)


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
    """The comment if ``viewer_id`` may delete it: its writer, or the entry's author, and only
    a comment the entry shows them (one hidden by a block is not found by its id either)."""
    row = fetchone(
        "SELECT c.id, c.author_id, m.nickname, c.body, c.created_at, d.author_id FROM diary_comments c"
        " JOIN diaries d ON d.id = c.diary_id JOIN members m ON m.id = c.author_id"
        f" WHERE c.id = ? AND c.diary_id = ? AND {_SHOWN}", (comment_id, diary_id, viewer_id, viewer_id)
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


# Comments on entry ``d`` its author has not seen and is shown: ``unread_comments`` counts
# them all on write (and is 0 when there are none), a block or a suspension hides some.
_UNSEEN = (
    "FROM diary_comments c WHERE c.diary_id = d.id AND c.id > d.seen_comment_id AND c.author_id <> d.author_id"
    f" AND {_SHOWN}"
)
_UNREAD = (
    f"SELECT d.id, d.title, (SELECT COUNT(*) {_UNSEEN}), d.last_comment_at FROM diaries d"
    f" WHERE d.author_id = ? AND d.unread_comments > 0 AND EXISTS(SELECT 1 {_UNSEEN})"
    " ORDER BY d.last_comment_at DESC LIMIT ?"
)


def unread_entries(member_id: int, limit: int = 5) -> list[UnreadEntry]:
    """The member's entries with comments they have not seen (and are shown), latest comment first."""
    rows = fetchall(_UNREAD, (member_id,) * 5 + (limit,))
    return [UnreadEntry(*r) for r in rows]


#: The home notice: the same comments as :func:`unread_entries` lists, counted up to 100.
NEW_COMMENTS_COUNT_SQL = (
    f"SELECT COUNT(*) FROM (SELECT 1 FROM diaries d JOIN diary_comments c ON c.diary_id = d.id"
    " AND c.id > d.seen_comment_id AND c.author_id <> d.author_id"
    f" WHERE d.author_id = ? AND d.unread_comments > 0 AND {_SHOWN} LIMIT 100) capped"
)


def new_comment_count(member_id: int) -> int:
    """Comments on the member's entries that they have not seen (for home notifications)."""
    return int(scalar(NEW_COMMENTS_COUNT_SQL, (member_id,) * 3))



# ---- コメント記入履歴: the entries a member commented on ---------------------------------

class Commented(NamedTuple):
    """An item the member commented on, as コメント記入履歴 lists it (diaries and topics alike)."""

    at: int  # the member's latest comment there
    kind: int  # 1 diary entry, 0 community topic (the cursor's tie-breaker)
    ref_id: int
    title: str
    place: str  # whose diary, or which community
    place_id: int
    body: str  # the member's latest comment there
    newer: int  # comments since it, by members the viewer is shown

    @property
    def cursor(self) -> str:
        return f"{self.at}_{self.kind}_{self.ref_id}"


def commented_entries(viewer_id: int, cursor: tuple[int, int, int] | None, limit: int) -> list[Commented]:
    """Entries the viewer commented on and may still read, by their latest comment there, newest
    first, below ``cursor`` (at, kind, id); each with how many comments came after theirs."""
    visible, visible_args = privacy.visible_clause(viewer_id, "d.author_id", "d.audience", "d.group_id")
    having, having_args = "", ()
    if cursor:
        having, having_args = " HAVING (MAX(c.created_at), 1, c.diary_id) < (?, ?, ?)", cursor
    rows = fetchall(
        "WITH mine AS (SELECT MAX(c.created_at) AS at, MAX(c.id) AS last_id, c.diary_id FROM diary_comments c"
        " JOIN diaries d ON d.id = c.diary_id JOIN members m ON m.id = d.author_id"
        f" WHERE c.author_id = ? AND {privacy.active_member_sql('m.')} AND {visible}"
        f" GROUP BY c.diary_id{having} ORDER BY at DESC, c.diary_id DESC LIMIT ?)"
        " SELECT mine.at, 1, mine.diary_id, d.title, m.nickname, d.author_id, mine_c.body,"
        " (SELECT COUNT(*) FROM diary_comments n WHERE n.diary_id = mine.diary_id AND n.id > mine.last_id"
        f"  AND {privacy.not_blocked_sql('n.author_id')})"
        " FROM mine JOIN diaries d ON d.id = mine.diary_id JOIN members m ON m.id = d.author_id"
        " JOIN diary_comments mine_c ON mine_c.id = mine.last_id ORDER BY mine.at DESC, mine.diary_id DESC",
        (viewer_id, *visible_args, *having_args, limit, viewer_id, viewer_id))
    return [Commented(*row) for row in rows]
