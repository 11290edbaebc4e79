"""Albums: a member's photos under a title, with an audience, a cover and captions.

Who may see an album (and so its photos, its comments and its comment form) is
keitai.privacy's rule, as for diaries: :func:`album_for` and :func:`may_view` for one
album, ``visible_clause`` inside every list (:func:`member_albums`, :func:`friends_new_albums`).
The photos are rows of keitai.photos (kind ``album``); their files are written before the rows
and removed after the transaction that deletes the rows.  Comments are in comments.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from keitai import privacy
from keitai.diary import rules as diaries
from keitai.photos import rules as photos
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.words import Refused

TITLE_MAX = 100
DESCRIPTION_MAX = 1_000
CAPTION_MAX = 100
#: Photos in one album (mixi's albums held a few dozen).
MAX_PHOTOS = 60
#: Photo fields on the add-photo form: a handset sends a few files at a time.
PHOTOS_PER_FORM = 3
DEFAULT_AUDIENCE = privacy.FRIENDS
KIND = "album"  # the photos' kind


class Draft(NamedTuple):
    """An album's title, description and audience, checked."""

    title: str
    description: str
    audience: str
    group_id: int | None


class AlbumRow(NamedTuple):
    """An album in a list: the owner's albums, friends' new albums on home."""

    id: int
    owner_id: int
    nickname: str
    title: str
    photo_count: int
    comment_count: int
    cover_id: int | None  # the cover photo (the chosen one, else the first); None while empty
    created_at: int


@dataclass
class Album:
    """One album as its viewer sees it."""

    id: int
    owner_id: int
    nickname: str
    title: str
    description: str
    audience: str
    group_id: int | None
    cover_photo_id: int | None
    photo_count: int
    comment_count: int
    created_at: int
    updated_at: int
    is_mine: bool
    group_name: str | None = None
    photos: list[dict] = field(default_factory=list)

    @property
    def cover_id(self) -> int | None:
        """The chosen cover, else the first photo."""
        ids = [p["id"] for p in self.photos]
        return self.cover_photo_id if self.cover_photo_id in ids else (ids[0] if ids else None)


# ---- checking what members write ---------------------------------------------------------

def check_draft(owner_id: int, title: str, description: str, chosen: str,
                group_raw: str | None) -> tuple[Draft, list[str]]:
    """A member's title, description and audience, cleaned; with Japanese errors if any."""
    title = " ".join(title.split())  # a title is one line
    description = description.strip("\n").rstrip()
    errors = []
    if not title:
        errors.append(Refused("albums.title_required").message)
    elif len(title) > TITLE_MAX:
        errors.append(Refused("albums.title_too_long", limit=TITLE_MAX).message)
    if len(description) > DESCRIPTION_MAX:
        errors.append(Refused("albums.description_too_long", limit=DESCRIPTION_MAX).message)
    audience, group_id, audience_errors = diaries.check_audience(owner_id, chosen, group_raw)
    return Draft(title, description, audience, group_id), errors + audience_errors


def check_caption(caption: str) -> str:
    """A photo's caption as stored (one line); raises Refused when too long."""
    caption = " ".join(caption.split())
    if len(caption) > CAPTION_MAX:
        raise Refused("albums.caption_too_long", limit=CAPTION_MAX)
    return caption


# ---- writing ---------------------------------------------------------------------------

_REFRESH_NEWEST = (
    "UPDATE members SET newest_album_id ="
    " (SELECT MAX(a.id) FROM albums a WHERE a.owner_id = ? AND a.audience <> 'private') WHERE id = ?"
)


def _refresh_newest(owner_id: int) -> None:
    """Keep members.newest_album_id (home's order of friends' albums) after any write to an album."""
    execute(_REFRESH_NEWEST, (owner_id, owner_id))


def create_album(owner_id: int, draft: Draft) -> int:
    """Store a new, empty album; returns its id."""
    t = now()
    with db.atomic():
        album_id = insert_id(
            "INSERT INTO albums (owner_id, title, description, audience, group_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (owner_id, draft.title, draft.description, draft.audience, draft.group_id, t, t))
        _refresh_newest(owner_id)
    return album_id


def update_album(album_id: int, owner_id: int, draft: Draft) -> bool:
    """Change an album of ``owner_id``'s title, description and audience; False if not theirs."""
    with db.atomic():
        changed = execute(
            "UPDATE albums SET title = ?, description = ?, audience = ?, group_id = ?, updated_at = ?"
            " WHERE id = ? AND owner_id = ?",
            (draft.title, draft.description, draft.audience, draft.group_id, now(), album_id, owner_id)).rowcount
        if changed:
            _refresh_newest(owner_id)
    return bool(changed)


def add_photos(album_id: int, owner_id: int, new_photos: list[tuple[photos.Prepared, str]]) -> int:
    """Add checked photos (each with its checked caption) to an album of ``owner_id``'s; returns
    how many.  Raises Refused("albums.full") when they would not all fit, LookupError if not theirs."""
    count = scalar("SELECT photo_count FROM albums WHERE id = ? AND owner_id = ?", (album_id, owner_id))
    if count is None:
        raise LookupError(album_id)
    if count + len(new_photos) > MAX_PHOTOS:
        raise Refused("albums.full", limit=MAX_PHOTOS, room=max(MAX_PHOTOS - count, 0))
    stored = photos.write_files([image for image, _caption in new_photos])
    try:
        with db.atomic():
            position = scalar("SELECT COALESCE(MAX(position), -1) + 1 FROM photos WHERE kind = ? AND ref_id = ?",
                              (KIND, album_id))
            photos.add_rows(owner_id, KIND, album_id, stored, position)
            for offset, (_image, caption) in enumerate(new_photos):
                execute("UPDATE photos SET caption = ? WHERE kind = ? AND ref_id = ? AND position = ?",
                        (caption, KIND, album_id, position + offset))
            execute("UPDATE albums SET photo_count = photo_count + ?, updated_at = ? WHERE id = ?",
                    (len(stored), now(), album_id))
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise
    return len(stored)


def delete_photo(album_id: int, owner_id: int, photo_id: int) -> bool:
    """Delete one photo of an album of ``owner_id``'s (its file too); False if not theirs."""
    with db.atomic():
        if not scalar("SELECT 1 FROM albums WHERE id = ? AND owner_id = ?", (album_id, owner_id)):
            return False
        files = photos.delete_rows(KIND, album_id, [photo_id])
        if not files:
            return False
        execute("UPDATE albums SET photo_count = photo_count - 1,"
                " cover_photo_id = CASE WHEN cover_photo_id = ? THEN NULL ELSE cover_photo_id END WHERE id = ?",
                (photo_id, album_id))
    photos.remove_files(files)
    return True


def set_cover(album_id: int, owner_id: int, photo_id: int) -> bool:
    """Make one of the album's photos its cover; False if the album or the photo is not theirs."""
    return bool(execute(
        "UPDATE albums SET cover_photo_id = ? WHERE id = ? AND owner_id = ?"
        " AND EXISTS(SELECT 1 FROM photos p WHERE p.id = ? AND p.kind = 'album' AND p.ref_id = albums.id)",
        (photo_id, album_id, owner_id, photo_id)).rowcount)


def delete_album(album_id: int, owner_id: int) -> bool:
    """Delete an album of ``owner_id``'s with its photos (files too) and comments; False if not theirs."""
    with db.atomic():
        if not execute("DELETE FROM albums WHERE id = ? AND owner_id = ?", (album_id, owner_id)).rowcount:
            return False
        _refresh_newest(owner_id)
        files = photos.delete_rows(KIND, album_id)
    photos.remove_files(files)
    return True


# ---- reading one album ------------------------------------------------------------------

_ALBUM = (
    "SELECT a.id, a.owner_id, m.nickname, a.title, a.description, a.audience, a.group_id, a.cover_photo_id,"
    " a.photo_count, a.comment_count, a.created_at, a.updated_at, m.status"
    " FROM albums a JOIN members m ON m.id = a.owner_id WHERE a.id = ?"
)


def album_for(viewer_id: int | None, album_id: int) -> Album | None:
    """The album, with its photos, if ``viewer_id`` may see it; else None (as if it did not exist)."""
    row = fetchone(_ALBUM, (album_id,))
    if row is None or not privacy.is_active(row[-1]):
        return None
    album = Album(*row[:-1], is_mine=row[1] == viewer_id)
    if not privacy.can_see(viewer_id, album.owner_id, album.audience, album.group_id):
        return None
    album.photos = album_photos(album.id)
    if album.is_mine and album.group_id is not None:
        album.group_name = scalar("SELECT name FROM friend_groups WHERE id = ?", (album.group_id,))
    return album


def may_view(viewer_id: int | None, album_id: int) -> bool:
    """May ``viewer_id`` see this album (its photos, its comments, its comment form)?"""
    row = fetchone("SELECT a.owner_id, a.audience, a.group_id, m.status FROM albums a"
                   " JOIN members m ON m.id = a.owner_id WHERE a.id = ?", (album_id,))
    return row is not None and privacy.is_active(row[3]) and privacy.can_see(viewer_id, row[0], row[1], row[2])


def album_photos(album_id: int) -> list[dict]:
    """An album's photos in the order they were added, with their captions (the caller has
    checked the album's audience)."""
    rows = fetchall("SELECT id, caption, width, height FROM photos WHERE kind = ? AND ref_id = ?"
                    " ORDER BY position, id", (KIND, album_id))
    return [{"id": r[0], "caption": r[1], "width": r[2], "height": r[3], "number": n}
            for n, r in enumerate(rows, 1)]


def photo_in(album: Album, photo_id: int) -> tuple[dict, dict | None, dict | None] | None:
    """One photo of an album the viewer may see, with the ones before and after it."""
    for i, photo in enumerate(album.photos):
        if photo["id"] == photo_id:
            before = album.photos[i - 1] if i else None
            after = album.photos[i + 1] if i + 1 < len(album.photos) else None
            return photo, before, after
    return None


# ---- lists -------------------------------------------------------------------------------

#: A list row: the cover is the chosen one while it is still in the album, else the first photo.
_ROW = (
    "a.id, a.owner_id, m.nickname, a.title, a.photo_count, a.comment_count,"
    " COALESCE((SELECT p.id FROM photos p WHERE p.id = a.cover_photo_id AND p.kind = 'album' AND p.ref_id = a.id),"
    " (SELECT p.id FROM photos p WHERE p.kind = 'album' AND p.ref_id = a.id ORDER BY p.position, p.id LIMIT 1)),"
    " a.created_at"
)
NEWEST = 2**62


def _before_id(before: str | None) -> int:
    cursor = parse_cursor(before, 1)
    return cursor[0] if cursor and cursor[0] else NEWEST


def album_page(viewer_id: int, rows: list, limit: int) -> Page:
    """Album rows as a Page of AlbumRow, each ``comment_count`` the number of comments the viewer
    is shown on the album's page (the count kept on write, less hidden writers' comments)."""
    page = page_of([AlbumRow(*r) for r in rows], limit, lambda row: str(row.id))
    hidden = privacy.hidden_counts(viewer_id, "album_comments", "album_id", "author_id",
                                   [r.id for r in page.items if r.comment_count])
    return page._replace(items=[r._replace(comment_count=r.comment_count - hidden.get(r.id, 0))
                                for r in page.items])


def album_owner(viewer_id: int, member_id: int) -> str | None:
    """The nickname of a member whose albums the viewer may open (active, no block between)."""
    return diaries.diary_owner(viewer_id, member_id)


def member_albums(viewer_id: int, owner_id: int, before: str | None = None, limit: int = 10) -> Page:
    """A page of a member's albums the viewer may see, newest first."""
    visible, params = privacy.visible_clause(viewer_id, "a.owner_id", "a.audience", "a.group_id")
    shared = "" if viewer_id == owner_id else " AND a.audience <> 'private'"  # lets the planner use albums_shared
    rows = fetchall(
        f"SELECT {_ROW} FROM albums a JOIN members m ON m.id = a.owner_id"
        f" WHERE a.owner_id = ?{shared} AND {visible} AND a.id < ? ORDER BY a.id DESC LIMIT ?",
        (owner_id, *params, _before_id(before), limit + 1))
    return album_page(viewer_id, rows, limit)


def _friends_new_albums_sql() -> str:
    """Friends' newest albums the viewer may see, newest first, in one query.

    ``heads``: the friends whose newest shared album is newest, from their member rows
    (members.newest_album_id), at most ``?`` of them.  No other friend has a shared album
    as new as the last of those (``cut``; 0 when fewer friends have albums), so the newest
    albums the viewer may see from the cut up are all among these friends' albums.  The
    cost follows the number of friends' member rows read, never the number of albums.
    """
    visible, _params = privacy.visible_clause(0, "a.owner_id", "a.audience", "a.group_id")
    return (
        "WITH heads AS MATERIALIZED ("
        " SELECT fm.id AS owner_id, fm.newest_album_id AS newest FROM friendships f JOIN members fm ON fm.id = f.friend_id"
        " WHERE f.member_id = ? AND " + privacy.active_member_sql("fm.") + " AND fm.newest_album_id IS NOT NULL"
        " ORDER BY fm.newest_album_id DESC LIMIT ?"
        "), cut AS MATERIALIZED ("
        " SELECT CASE WHEN COUNT(*) < ? THEN 0 ELSE MIN(newest) END AS id FROM heads)"
        f" SELECT {_ROW} FROM heads h CROSS JOIN cut JOIN albums a ON a.owner_id = h.owner_id AND a.id >= cut.id"
        f" AND a.audience <> 'private' JOIN members m ON m.id = a.owner_id WHERE {visible}"
        " ORDER BY a.id DESC LIMIT ?"
    )


_FRIENDS_NEW_ALBUMS: dict[int, str] = {}
#: How many friends home reads albums of: a few more than it shows, for albums some cannot see.
HEADS = 20


def friends_new_albums(viewer_id: int, limit: int = 5) -> list[AlbumRow]:
    """Friends' newest albums the viewer may see, newest first (for home)."""
    sql = _FRIENDS_NEW_ALBUMS.setdefault(0, _friends_new_albums_sql())
    _sql, visible = privacy.visible_clause(viewer_id, "a.owner_id", "a.audience", "a.group_id")
    rows = fetchall(sql, (viewer_id, HEADS, HEADS, *visible, limit))
    return album_page(viewer_id, rows, limit).items
