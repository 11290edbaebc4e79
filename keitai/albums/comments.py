"""Comments on albums: writing, reading in pages, deleting.

Anyone who may see the album may comment (:func:`keitai.albums.rules.may_view`).  A comment is
hidden from anyone its writer has blocked or been blocked by, and from everyone while its
writer is suspended (:func:`keitai.privacy.shown_member_sql`), on every page: the album, the
delete page, every count.  The album keeps ``comment_count`` on write; what a viewer is shown
is that less the hidden writers' comments.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai import privacy
from keitai.diary.rules import checked_text
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, now, scalar
from keitai.platform.db.paging import Page, page_of
from keitai.words import COMMENT_REQUIRED

from .rules import Album, _before_id, may_view

COMMENT_MAX = 2_000


class Comment(NamedTuple):
    id: int
    author_id: int
    nickname: str
    body: str
    created_at: int
    may_delete: bool = False  # for the viewer it was read by


def may_delete_comment(viewer_id: int, comment_author_id: int, album_owner_id: int) -> bool:
    """A comment may be deleted by its writer and by the album's owner."""
    return viewer_id in (comment_author_id, album_owner_id)


def check_comment(body: str) -> tuple[str, list[str]]:
    """A comment as it would be stored, and what is wrong with it."""
    return checked_text(body, "コメント", COMMENT_MAX, COMMENT_REQUIRED)


# Hidden from anyone its writer has blocked or been blocked by, and while its writer is suspended.
_SHOWN = privacy.shown_member_sql("c.author_id")
_COMMENTS = (
    "SELECT c.id, c.author_id, m.nickname, c.body, c.created_at FROM album_comments c"
    " JOIN members m ON m.id = c.author_id"
    f" WHERE c.album_id = ? AND c.id < ? AND {_SHOWN} ORDER BY c.id DESC LIMIT ?"
)
_COMMENT_COUNT = f"SELECT COUNT(*) FROM album_comments c WHERE c.album_id = ? AND {_SHOWN}"


def comments_for(viewer_id: int, album: Album, before: str | None = None, limit: int = 20) -> Page:
    """The newest ``limit`` comments before the ``before`` cursor, shown oldest first."""
    rows = fetchall(_COMMENTS, (album.id, _before_id(before), viewer_id, viewer_id, limit + 1))
    page = page_of(rows, limit, lambda row: str(row[0]))
    shown = [Comment(*r, may_delete=may_delete_comment(viewer_id, r[1], album.owner_id)) for r in reversed(page.items)]
    return page._replace(items=shown)


def comment_count(viewer_id: int, album: Album) -> int:
    """How many of the album's comments the viewer is shown (blocks and suspensions hide some)."""
    if not album.comment_count:
        return 0
    return scalar(_COMMENT_COUNT, (album.id, viewer_id, viewer_id))


def add_comment(viewer_id: int, album_id: int, body: str) -> int | None:
    """Comment on an album the viewer may see; None if they may not (nothing is stored)."""
    if not may_view(viewer_id, album_id):
        return None
    with db.atomic():
        comment_id = insert_id(
            "INSERT INTO album_comments (album_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
            (album_id, viewer_id, body, now()))
        execute("UPDATE albums SET comment_count = comment_count + 1 WHERE id = ?", (album_id,))
    return comment_id


def comment_to_delete(viewer_id: int, album_id: int, comment_id: int) -> Comment | None:
    """The comment if ``viewer_id`` may delete it (its writer or the album's owner), and only a
    comment the album shows them (one hidden by a block is not found by its id either)."""
    row = fetchone(
        "SELECT c.id, c.author_id, m.nickname, c.body, c.created_at, a.owner_id FROM album_comments c"
        " JOIN albums a ON a.id = c.album_id JOIN members m ON m.id = c.author_id"
        f" WHERE c.id = ? AND c.album_id = ? AND {_SHOWN}", (comment_id, album_id, viewer_id, viewer_id))
    if row is None or not may_delete_comment(viewer_id, row[1], row[5]):
        return None
    return Comment(*row[:5], may_delete=True)


def delete_comment(viewer_id: int, album_id: int, comment_id: int) -> bool:
    """Delete a comment (by its writer or the album's owner); False if not allowed."""
    if comment_to_delete(viewer_id, album_id, comment_id) is None:
        return False
    with db.atomic():
        if not execute("DELETE FROM album_comments WHERE id = ?", (comment_id,)).rowcount:
            return False
        execute("UPDATE albums SET comment_count = comment_count - 1 WHERE id = ?", (album_id,))
    return True
