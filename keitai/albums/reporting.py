"""Albums and their comments as reportable kinds (keitai.reports): the operator sees them
whatever their audience, members report only what they may see, a takedown deletes."""
from __future__ import annotations

from keitai import privacy
from keitai.platform.db.connection import fetchone
from keitai.reports.rules import Reported

from .comments import delete_comment
from .rules import delete_album, may_view


def find_album(album_id: int) -> Reported | None:
    row = fetchone("SELECT owner_id, title, description FROM albums WHERE id = ?", (album_id,))
    return Reported(row[0], row[1], row[2], "albums.album", {"album_id": album_id}) if row else None


def take_down_album(album_id: int, operator_id: int) -> None:
    """Delete the album with its photos and comments."""
    delete_album(album_id, fetchone("SELECT owner_id FROM albums WHERE id = ?", (album_id,))[0])


def _comment(comment_id: int):
    return fetchone("SELECT c.author_id, a.title, c.body, c.album_id, a.owner_id FROM album_comments c"
                    " JOIN albums a ON a.id = c.album_id WHERE c.id = ?", (comment_id,))


def find_comment(comment_id: int) -> Reported | None:
    row = _comment(comment_id)
    return Reported(row[0], row[1], row[2], "albums.album", {"album_id": row[3]}) if row else None


def may_see_comment(viewer_id: int, comment_id: int) -> bool:
    """Those who may see the album, unless a block stands between them and the comment's writer."""
    row = _comment(comment_id)
    return (row is not None and may_view(viewer_id, row[3])
            and (viewer_id == row[0] or not privacy.blocked_between(viewer_id, row[0])))


def take_down_comment(comment_id: int, operator_id: int) -> None:
    """Delete the comment (as the album's owner could)."""
    _author, _title, _body, album_id, owner_id = _comment(comment_id)
    delete_comment(owner_id, album_id, comment_id)
