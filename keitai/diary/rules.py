"""Diaries: entries with an audience, their comments and photos, members' lists, the friends' feed.

Who may read an entry is keitai.privacy's rule: :func:`entry_for` and
:func:`can_read` for one entry (and its photos and comment form), ``visible_clause``
inside every list.  Entries are created, changed and deleted only through
:func:`create_entry`, :func:`update_entry` and :func:`delete_entry`, so other features
(search, footprints) can hook one place each.

Counters are kept on write: ``comment_count``, ``photo_count``, and
``unread_comments`` (comments by others the author has not seen yet), which feed the
"new comments on your diary" notice without counting anything at read time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from keitai import words as messages
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, is_sqlite, now, scalar

from keitai.platform.text import parts

from keitai import privacy
from keitai.photos import rules as photos
from keitai.search import rules as search

TITLE_MAX = 100
BODY_MAX = 10_000
COMMENT_MAX = 2_000
MAX_PHOTOS = 3
DEFAULT_AUDIENCE = privacy.FRIENDS
#: Keyset cursor for a first page: larger than any id.
NEWEST = 2**62


class Draft(NamedTuple):
    """What a member wrote, checked: ready to be stored."""

    title: str
    body: str
    audience: str
    group_id: int | None


class EntryRow(NamedTuple):
    """An entry in a list (diary list, friends' feed)."""

    id: int
    author_id: int
    nickname: str
    title: str
    audience: str
    created_at: int
    comment_count: int
    photo_count: int


@dataclass
class Entry:
    """One entry as its reader sees it."""

    id: int
    author_id: int
    nickname: str
    title: str
    body: str
    audience: str
    group_id: int | None
    source_url: str | None
    photo_count: int
    comment_count: int
    unread_comments: int
    created_at: int
    updated_at: int
    is_mine: bool
    group_name: str | None = None
    photos: list[dict] = field(default_factory=list)


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


# ---- checking what members write ----------------------------------------------------

def _too_long(label: str, limit: int) -> str:
    return f"{label}：" + messages.FIELD_TOO_LONG.format(limit=limit)


def parse_id(value: str | None) -> int | None:
    """An id typed into a form or URL, or None (only ASCII digits: int() takes others too)."""
    if value and value.isascii() and value.isdecimal() and len(value) < 19:
        return int(value)
    return None


def own_groups(member_id: int) -> list[tuple[int, str]]:
    """The friend groups a member made, to choose as an audience: (id, name)."""
    return [tuple(r) for r in fetchall("SELECT id, name FROM friend_groups WHERE owner_id = ? ORDER BY id", (member_id,))]


def check_audience(author_id: int, chosen: str, group_raw: str | None) -> tuple[str, int | None, list[str]]:
    """An audience (and group) a member chose: (audience, group_id, errors)."""
    if chosen not in privacy.ITEM_AUDIENCES:
        return DEFAULT_AUDIENCE, None, [messages.DIARY_AUDIENCE_INVALID]
    if chosen != privacy.GROUP:
        return chosen, None, []
    group_id = parse_id(group_raw)
    if group_id is None or group_id not in {g for g, _name in own_groups(author_id)}:
        return chosen, None, [messages.DIARY_GROUP_INVALID]
    return chosen, group_id, []


def check_draft(author_id: int, title: str, body: str, chosen: str, group_raw: str | None) -> tuple[Draft, list[str]]:
    """A member's title, body and audience, cleaned; with Japanese errors if any (then nothing is stored)."""
    title = " ".join(title.split())  # a title is one line
    errors = []
    if not title:
        errors.append(messages.DIARY_TITLE_REQUIRED)
    elif len(title) > TITLE_MAX:
        errors.append(_too_long("タイトル", TITLE_MAX))
    body, body_errors = check_body(body)
    aud, group_id, aud_errors = check_audience(author_id, chosen, group_raw)
    return Draft(title, body, aud, group_id), errors + body_errors + aud_errors


def check_body(body: str) -> tuple[str, list[str]]:
    """An entry's body as it would be stored, and what is wrong with it."""
    body = body.strip("\n").rstrip()
    if not body.strip():
        return body, [messages.DIARY_BODY_REQUIRED]
    if len(body) > BODY_MAX:
        return body, [_too_long("本文", BODY_MAX)]
    return body, []


def check_comment(body: str) -> tuple[str, list[str]]:
    body = body.strip("\n").rstrip()
    if not body.strip():
        return body, [messages.COMMENT_REQUIRED]
    if len(body) > COMMENT_MAX:
        return body, [_too_long("コメント", COMMENT_MAX)]
    return body, []


# ---- writing ------------------------------------------------------------------------

def create_entry(author_id: int, draft: Draft, new_photos: list[photos.Prepared] = (),
                 source_url: str | None = None) -> int:
    """Store a new entry (with up to MAX_PHOTOS checked photos); returns its id."""
    new_photos = list(new_photos)[:MAX_PHOTOS]
    stored = photos.write_files(new_photos)
    t = now()
    try:
        with db.atomic():
            diary_id = insert_id(
                "INSERT INTO diaries (author_id, title, body, audience, group_id, source_url, photo_count,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (author_id, draft.title, draft.body, draft.audience, draft.group_id, source_url, len(stored), t, t),
            )
            photos.add_rows(author_id, "diary", diary_id, stored)
            search.index(search.DIARY, diary_id, author_id, draft.title, draft.body, draft.audience,
                         draft.group_id, updated_at=t)
            _refresh_newest(author_id)
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise
    return diary_id


def update_entry(diary_id: int, author_id: int, draft: Draft, remove_photo_ids: list[int] = (),
                 new_photos: list[photos.Prepared] = (), expected_body: str | None = None) -> bool:
    """Change an entry of ``author_id``'s: text, audience, photos removed and added.

    ``draft.body`` None leaves the body as it is.  With ``expected_body``, nothing changes
    unless the body still is that text (else :class:`keitai.platform.text.parts.Changed`).
    Photos beyond MAX_PHOTOS are not added.  False if the entry is not the author's.
    """
    existing = fetchall(
        "SELECT p.id, p.position FROM photos p JOIN diaries d ON d.id = p.ref_id"
        " WHERE p.kind = 'diary' AND p.ref_id = ? AND d.author_id = ?", (diary_id, author_id)
    )
    removing = [pid for pid, _ in existing if pid in set(remove_photo_ids)]
    room = MAX_PHOTOS - (len(existing) - len(removing))
    stored = photos.write_files(list(new_photos)[:max(room, 0)])
    next_position = max((pos for _, pos in existing), default=-1) + 1
    body_set = "" if draft.body is None else "body = ?, "
    body_value = () if draft.body is None else (draft.body,)
    expect_sql = "" if expected_body is None else " AND body = ?"
    expect_value = () if expected_body is None else (expected_body,)
    try:
        with db.atomic():
            changed = execute(
                f"UPDATE diaries SET {body_set}title = ?, audience = ?, group_id = ?, updated_at = ?,"
                f" photo_count = ? WHERE id = ? AND author_id = ?{expect_sql}",
                (*body_value, draft.title, draft.audience, draft.group_id, now(),
                 len(existing) - len(removing) + len(stored), diary_id, author_id, *expect_value),
            ).rowcount
            if not changed:
                mine = scalar("SELECT 1 FROM diaries WHERE id = ? AND author_id = ?", (diary_id, author_id))
                raise parts.Changed(diary_id) if mine and expected_body is not None else LookupError(diary_id)
            _refresh_newest(author_id)
            body = scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) if draft.body is None else draft.body
            search.index(search.DIARY, diary_id, author_id, draft.title, body, draft.audience,
                         draft.group_id, updated_at=now())
            removed_files = photos.delete_rows("diary", diary_id, removing) if removing else []
            photos.add_rows(author_id, "diary", diary_id, stored, next_position)
    except LookupError:
        photos.remove_files([name for name, _ in stored])
        return False
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise
    photos.remove_files(removed_files)
    return True


def replace_body(diary_id: int, author_id: int, old: str, new: str) -> bool:
    """Change the body of an entry of ``author_id``'s from ``old`` to ``new`` (already checked);
    False if the entry is gone or its body is no longer ``old``."""
    with db.atomic():
        t = now()
        if not execute("UPDATE diaries SET body = ?, updated_at = ? WHERE id = ? AND author_id = ? AND body = ?",
                       (new, t, diary_id, author_id, old)).rowcount:
            return False
        title, aud, group_id = fetchone("SELECT title, audience, group_id FROM diaries WHERE id = ?", (diary_id,))
        search.index(search.DIARY, diary_id, author_id, title, new, aud, group_id, updated_at=t)
    return True


def delete_entry(diary_id: int, author_id: int) -> bool:
    """Delete an entry of ``author_id``'s with its comments and photos; False if not theirs."""
    with db.atomic():
        if not execute("DELETE FROM diaries WHERE id = ? AND author_id = ?", (diary_id, author_id)).rowcount:
            return False
        search.remove(search.DIARY, diary_id)
        _refresh_newest(author_id)
        files = photos.delete_rows("diary", diary_id)
    photos.remove_files(files)
    return True


def search_docs():
    """Every entry as a search document (the diary source of ``run.py reindex``)."""
    last = 0
    while True:
        rows = fetchall(
            "SELECT id, author_id, title, body, audience, group_id, updated_at FROM diaries"
            " WHERE id > ? ORDER BY id LIMIT 500", (last,))
        for diary_id, author_id, title, body, aud, group_id, updated_at in rows:
            yield search.Doc(search.DIARY, diary_id, author_id, title, body, aud, group_id, "", updated_at)
        if len(rows) < 500:
            return
        last = rows[-1][0]


_REFRESH_NEWEST = (
    "UPDATE members SET newest_diary_id ="
    " (SELECT MAX(d.id) FROM diaries d WHERE d.author_id = ? AND d.audience <> 'private') WHERE id = ?"
)


#: The same for every member (bulk loads).
REFRESH_ALL_NEWEST = (
    "UPDATE members SET newest_diary_id ="
    " (SELECT MAX(d.id) FROM diaries d WHERE d.author_id = members.id AND d.audience <> 'private')"
)


def _refresh_newest(author_id: int) -> None:
    """Keep members.newest_diary_id (the feed's order of friends) after any write to an entry."""
    execute(_REFRESH_NEWEST, (author_id, author_id))


# ---- reading one entry ------------------------------------------------------------------

_ENTRY = (
    "SELECT d.id, d.author_id, m.nickname, d.title, d.body, d.audience, d.group_id, d.source_url,"
    " d.photo_count, d.comment_count, d.unread_comments, d.created_at, d.updated_at, m.status"
    " FROM diaries d JOIN members m ON m.id = d.author_id WHERE d.id = ?"
)


def entry_for(viewer_id: int | None, diary_id: int) -> Entry | None:
    """The entry if ``viewer_id`` may read it, else None (as if it did not exist)."""
    row = fetchone(_ENTRY, (diary_id,))
    if row is None or not privacy.is_active(row[-1]):
        return None
    entry = Entry(*row[:-1], is_mine=row[1] == viewer_id)
    if not privacy.can_see(viewer_id, entry.author_id, entry.audience, entry.group_id):
        return None
    if entry.photo_count:
        entry.photos = photos.photos_of("diary", entry.id)
    if entry.is_mine and entry.group_id is not None:
        entry.group_name = scalar("SELECT name FROM friend_groups WHERE id = ?", (entry.group_id,))
    return entry


def can_read(viewer_id: int | None, diary_id: int) -> bool:
    """May ``viewer_id`` read this entry (and so see its photos and comment on it)?"""
    row = fetchone(
        "SELECT d.author_id, d.audience, d.group_id, m.status FROM diaries d JOIN members m ON m.id = d.author_id"
        " WHERE d.id = ?", (diary_id,)
    )
    return row is not None and privacy.is_active(row[3]) and privacy.can_see(viewer_id, row[0], row[1], row[2])


def mark_comments_seen(entry: Entry) -> None:
    """The author has read the entry's comments: clear its "new comments" mark."""
    if entry.unread_comments:
        execute(
            "UPDATE diaries SET unread_comments = 0,"
            " seen_comment_id = (SELECT COALESCE(MAX(id), 0) FROM diary_comments WHERE diary_id = ?) WHERE id = ?",
            (entry.id, entry.id),
        )


# ---- comments ---------------------------------------------------------------------------

# A comment is hidden from anyone its writer has blocked or been blocked by.
_NOT_BLOCKED = privacy.not_blocked_sql("c.author_id")
_COMMENTS = (
    "SELECT c.id, c.author_id, m.nickname, c.body, c.created_at FROM diary_comments c"
    " JOIN members m ON m.id = c.author_id"
    f" WHERE c.diary_id = ? AND c.id < ? AND {_NOT_BLOCKED} ORDER BY c.id DESC LIMIT ?"
)
_COMMENT_COUNT = f"SELECT COUNT(*) FROM diary_comments c WHERE c.diary_id = ? AND {_NOT_BLOCKED}"


def comments_for(viewer_id: int, entry: Entry, before: int | None = None, limit: int = 20) -> tuple[list[Comment], int | None, int]:
    """The newest ``limit`` comments before ``before`` (oldest first), the cursor for older ones
    (or None), and how many comments the viewer may see in all."""
    rows = fetchall(_COMMENTS, (entry.id, before or NEWEST, viewer_id, viewer_id, limit + 1))
    older = rows[limit - 1][0] if len(rows) > limit else None
    shown = [Comment(*r, may_delete=may_delete_comment(viewer_id, r[1], entry.author_id))
             for r in reversed(rows[:limit])]
    count = entry.comment_count
    if count:  # blocks hide some comments: count what this viewer is shown
        count = scalar(_COMMENT_COUNT, (entry.id, viewer_id, viewer_id))
    return shown, older, count


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


# ---- lists ----------------------------------------------------------------------------

def diary_owner(viewer_id: int, member_id: int) -> str | None:
    """The nickname of a member whose diary the viewer may open (active, no block between)."""
    nickname = scalar("SELECT nickname FROM members WHERE id = ? AND " + privacy.active_member_sql(), (member_id,))
    if nickname is None or (viewer_id != member_id and privacy.blocked_between(viewer_id, member_id)):
        return None
    return nickname


_ROW = "d.id, d.author_id, m.nickname, d.title, d.audience, d.created_at, d.comment_count, d.photo_count"


def _page(rows: list, limit: int) -> tuple[list[EntryRow], int | None]:
    entries = [EntryRow(*r) for r in rows[:limit]]
    return entries, (entries[-1].id if len(rows) > limit else None)


def member_diary(viewer_id: int, author_id: int, before: int | None = None, limit: int = 10) -> tuple[list[EntryRow], int | None]:
    """A member's entries the viewer may read, newest first, and the cursor for the next page."""
    visible, params = privacy.visible_clause(viewer_id, "d.author_id", "d.audience", "d.group_id")
    # Others never see private entries; saying so lets the planner use the index without them.
    shared = "" if viewer_id == author_id else " AND d.audience <> 'private'"
    rows = fetchall(
        f"SELECT {_ROW} FROM diaries d JOIN members m ON m.id = d.author_id"
        f" WHERE d.author_id = ? AND d.id < ?{shared} AND {visible} ORDER BY d.id DESC LIMIT ?",
        (author_id, before or NEWEST, *params, limit + 1),
    )
    return _page(rows, limit)


def _readable(*more: str) -> str:
    """SQL: entry ``x`` is one the viewer may read (the rule's ``?``s after ``more``'s)."""
    visible, _params = privacy.visible_clause(0, "x.author_id", "x.audience", "x.group_id")
    return " AND ".join(["x.audience <> 'private'", *more, visible])


def _entries_from_cut(readable: str) -> str:
    """SQL joining, to each friend ``l``, their newest ``?`` readable entries from ``cut.id`` up."""
    per_friend = (
        "SELECT {cols} FROM diaries x WHERE x.author_id = l.author_id AND x.id >= cut.id AND "
        + readable + " ORDER BY x.id DESC LIMIT ?"
    )
    if is_sqlite():
        return "JOIN diaries d ON d.id IN (" + per_friend.format(cols="x.id") + ")"
    return "CROSS JOIN LATERAL (" + per_friend.format(cols="x.*") + ") d"


def _feed_sql() -> str:
    """Friends' newest readable entries, newest first, in one query of two steps.

    1. ``latest``: each friend's newest entry the viewer may read (one index probe each).
    2. The page holds at most ``k`` entries, so none is older than the k-th newest of
       those (``cut``): only the friends at or above it are read, each at most ``k``
       entries from the index.  The cost follows the number of friends, never the
       number of entries, and stays small when a few friends write a lot.
    """
    readable = _readable("x.id < ?")
    joined = _entries_from_cut(readable)
    return (
        "WITH latest AS MATERIALIZED ("
        f" SELECT f.friend_id AS author_id, (SELECT x.id FROM diaries x WHERE x.author_id = f.friend_id AND {readable}"
        "  ORDER BY x.id DESC LIMIT 1) AS newest"
        " FROM friendships f JOIN members fm ON fm.id = f.friend_id AND " + privacy.active_member_sql("fm.")
        + " WHERE f.member_id = ?"
        "), cut AS MATERIALIZED ("
        " SELECT COALESCE((SELECT newest FROM latest WHERE newest IS NOT NULL ORDER BY newest DESC LIMIT 1 OFFSET ?), 0)"
        " AS id)"
        f" SELECT {_ROW} FROM latest l CROSS JOIN cut JOIN members m ON m.id = l.author_id {joined}"
        " WHERE l.newest >= cut.id ORDER BY d.id DESC LIMIT ?"
    )


def _heads_feed_sql() -> str:
    """The first page of the feed from members.newest_diary_id, without a probe per friend.

    ``heads``: the ``k`` friends whose newest shared entry is newest, from their member rows.
    No other friend has an entry as new as the k-th of those (``cut``, or 0 when fewer
    friends have entries), so the page is among these friends' readable entries from the
    cut up.  A head may be unreadable to this viewer (an entry for a friend list they are
    not in): then fewer than ``k`` come back and :func:`friends_feed` asks :func:`_feed_sql`.
    """
    joined = _entries_from_cut(_readable())
    return (
        "WITH heads AS MATERIALIZED ("
        " SELECT fm.id AS author_id, fm.newest_diary_id AS newest FROM friendships f JOIN members fm ON fm.id = f.friend_id"
        " WHERE f.member_id = ? AND " + privacy.active_member_sql("fm.") + " AND fm.newest_diary_id IS NOT NULL"
        " ORDER BY fm.newest_diary_id DESC LIMIT ?"
        "), cut AS MATERIALIZED ("
        " SELECT CASE WHEN COUNT(*) < ? THEN 0 ELSE MIN(newest) END AS id FROM heads)"
        f" SELECT {_ROW} FROM heads l CROSS JOIN cut JOIN members m ON m.id = l.author_id {joined}"
        " ORDER BY d.id DESC LIMIT ?"
    )


_feed_cache: dict[tuple[str, bool], str] = {}


def _cached(name: str, make) -> str:
    key = (name, is_sqlite())
    sql = _feed_cache.get(key)
    if sql is None:
        sql = _feed_cache[key] = make()
    return sql


def friends_feed(viewer_id: int, before: int | None = None, limit: int = 10) -> tuple[list[EntryRow], int | None]:
    """Friends' entries the viewer may read, newest first (one query), and the next page's cursor."""
    _sql, visible = privacy.visible_clause(viewer_id, "x.author_id", "x.audience", "x.group_id")
    wanted = limit + 1
    if before is None:  # the home page and the feed's first page
        rows = fetchall(_cached("heads", _heads_feed_sql), (viewer_id, wanted, wanted, *visible, wanted, wanted))
        if len(rows) == wanted:
            return _page(rows, limit)
    cursor = before or NEWEST
    rows = fetchall(_cached("feed", _feed_sql),
                    (cursor, *visible, viewer_id, limit, cursor, *visible, wanted, wanted))
    return _page(rows, limit)


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


def home_section(viewer_id: int, limit: int = 5) -> dict:
    """What home shows of diaries: friends' newest entries and my entries with new comments."""
    feed, more = friends_feed(viewer_id, limit=limit)
    return {"feed": feed, "more": more is not None, "unread": unread_entries(viewer_id)}
