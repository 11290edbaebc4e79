"""Diary entries: what a member writes, with an audience and photos, and who may read them.

Who may read an entry is keitai.privacy's rule: :func:`entry_for` and
:func:`can_read` for one entry (and its photos and comment form), ``visible_clause``
inside every list (:func:`member_diary` here, the friends' feed in feed.py).  Entries are
created, changed and deleted only through :func:`create_entry`, :func:`update_entry` and
:func:`delete_entry`, so other features (search, footprints) can hook one place each.
Comments are in comments.py.

Counters are kept on write: ``comment_count``, ``photo_count``, and
``unread_comments`` (comments by others the author has not seen yet), which feed the
"new comments on your diary" notice without counting anything at read time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from keitai import words as messages
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor

from keitai.platform.text import parts

from keitai import privacy
from keitai.photos import rules as photos
from keitai.search import rules as search

TITLE_MAX = 100
BODY_MAX = 10_000
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


# ---- checking what members write ----------------------------------------------------

def field_too_long(label: str, limit: int) -> str:
    """"<label>：N文字以内で…": a field over its limit."""
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
        errors.append(field_too_long("タイトル", TITLE_MAX))
    body, body_errors = check_body(body)
    aud, group_id, aud_errors = check_audience(author_id, chosen, group_raw)
    return Draft(title, body, aud, group_id), errors + body_errors + aud_errors


def checked_text(text: str, label: str, limit: int, required: str) -> tuple[str, list[str]]:
    """A body of text as it would be stored (no blank lines around it), and what is wrong with it."""
    text = text.strip("\n").rstrip()
    if not text.strip():
        return text, [required]
    if len(text) > limit:
        return text, [field_too_long(label, limit)]
    return text, []


def check_body(body: str) -> tuple[str, list[str]]:
    """An entry's body as it would be stored, and what is wrong with it."""
    return checked_text(body, "本文", BODY_MAX, messages.DIARY_BODY_REQUIRED)



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


# ---- lists ----------------------------------------------------------------------------

def diary_owner(viewer_id: int, member_id: int) -> str | None:
    """The nickname of a member whose diary the viewer may open (active, no block between)."""
    nickname = scalar("SELECT nickname FROM members WHERE id = ? AND " + privacy.active_member_sql(), (member_id,))
    if nickname is None or (viewer_id != member_id and privacy.blocked_between(viewer_id, member_id)):
        return None
    return nickname


_ROW = "d.id, d.author_id, m.nickname, d.title, d.audience, d.created_at, d.comment_count, d.photo_count"


def before_id(before: str | None) -> int:
    """The id a list goes on below: the ``before`` cursor of a URL (an entry's or comment's
    id), or for a first page (none, 0 or anything malformed) a number above every id."""
    cursor = parse_cursor(before, 1)
    return cursor[0] if cursor and cursor[0] else NEWEST


def entry_page(viewer_id: int, rows: list, limit: int) -> Page:
    """Entry rows (``limit + 1`` when there is more) as a Page of EntryRow; ``next`` is the last shown id.

    Each row's ``comment_count`` is the number of comments the viewer is shown on its page
    (the count kept on write, less the comments of writers hidden from the viewer).
    """
    page = page_of([EntryRow(*r) for r in rows], limit, lambda row: str(row.id))
    hidden = privacy.hidden_counts(viewer_id, "diary_comments", "diary_id", "author_id",
                                   [r.id for r in page.items if r.comment_count],
                                   rows=sum(r.comment_count for r in page.items))
    return page._replace(items=[r._replace(comment_count=r.comment_count - hidden.get(r.id, 0))
                                for r in page.items])


def readable_entries(viewer_id: int, author_id: int) -> tuple[str, tuple]:
    """SQL condition (on ``diaries d``) and its parameters: the entries of ``author_id`` that
    ``viewer_id`` may read.  The member's diary list, its months and their counts all use it."""
    visible, params = privacy.visible_clause(viewer_id, "d.author_id", "d.audience", "d.group_id")
    # Others never see private entries; saying so lets the planner use the index without them.
    shared = "" if viewer_id == author_id else " AND d.audience <> 'private'"
    return f"d.author_id = ?{shared} AND {visible}", (author_id, *params)


def member_diary(viewer_id: int, author_id: int, before: str | None = None, limit: int = 10) -> Page:
    """A page of a member's entries the viewer may read, newest first."""
    where, params = readable_entries(viewer_id, author_id)
    rows = fetchall(
        f"SELECT {_ROW} FROM diaries d JOIN members m ON m.id = d.author_id"
        f" WHERE {where} AND d.id < ? ORDER BY d.id DESC LIMIT ?",
        (*params, before_id(before), limit + 1),
    )
    return entry_page(viewer_id, rows, limit)
