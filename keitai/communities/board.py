"""The board: topics and their numbered comments; reading, writing, closing and removing them."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import NamedTuple

from keitai.communities import models
from keitai.photos import rules as photos
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.privacy import hidden_counts, shown_member_sql
from keitai.reports import rules as reports
from keitai.search import rules as search
from keitai.words import Refused

from . import rules
from .rules import (COMMENT_MAX, TITLE_MAX, TOPIC_BODY_MAX, Standing, activity_cursor, checked_text, may_remove_item,
                    may_report_item, require)

#: Photos on the board, as on diaries: up to three with a topic and with each comment.
TOPIC_PHOTO_KIND = "topic"
COMMENT_PHOTO_KIND = "topic_comment"
MAX_PHOTOS = 3


@dataclass(frozen=True)
class Topic:
    id: int
    community_id: int
    author_id: int | None
    author_nickname: str | None
    title: str
    body: str
    numbered: int  # the last number given to a comment (removed ones and hidden ones too)
    closed: bool
    deleted: bool
    created_at: int
    last_activity_at: int
    comment_count: int = 0  # the comments the viewer is shown (see :func:`get_topic`)
    # What the viewer may do with it (see :func:`as_seen_by`).
    may_manage: bool = False  # close, reopen, delete
    may_report: bool = False
    photos: list[dict] = field(default_factory=list)


_TOPIC = (
    "SELECT t.id, t.community_id, t.author_id, a.nickname, t.title, t.body, t.comment_count, t.closed, t.deleted,"
    " t.created_at, t.last_activity_at,"
    f" NOT ({shown_member_sql('t.author_id')})"
    " FROM community_topics t LEFT JOIN members a ON a.id = t.author_id WHERE t.id = ?"
)


def shown_comment_counts(viewer_id: int, topic_counts: dict[int, int]) -> dict[int, int]:
    """Topic id -> its comments the viewer is shown, from topic id -> comments numbered: the
    comments of members hidden from the viewer (blocked, suspended) are left out, as in :func:`comments`."""
    hidden = hidden_counts(viewer_id, "community_comments", "topic_id", "author_id",
                           [t for t, n in topic_counts.items() if n])
    return {t: n - hidden.get(t, 0) for t, n in topic_counts.items()}


def get_topic(topic_id: int, viewer_id: int) -> Topic | None:
    """The topic, or None if there is none, a block stands between its author and the viewer,
    or its author is suspended."""
    row = fetchone(_TOPIC, (viewer_id, viewer_id, topic_id))
    if row is None or row[11]:
        return None
    shown = 0 if row[8] else shown_comment_counts(viewer_id, {row[0]: row[6]})[row[0]]
    return Topic(*row[:7], bool(row[7]), bool(row[8]), row[9], row[10], shown,
                 photos=[] if row[8] else photos.photos_of(TOPIC_PHOTO_KIND, row[0]))


def may_read_topic(viewer_id: int, topic_id: int) -> bool:
    """May ``viewer_id`` read this topic (and see its photos)?  Not removed, its writer shown to
    the viewer (no block either way, active), and the board's read policy lets them read it."""
    topic = get_topic(topic_id, viewer_id)
    return topic is not None and not topic.deleted and rules.standing(topic.community_id, viewer_id).can_read


def may_read_comment(viewer_id: int, comment_id: int) -> bool:
    """May ``viewer_id`` read this comment (and see its photos)?  Not removed, its writer shown
    to the viewer, and its topic readable (:func:`may_read_topic`)."""
    found = get_comment(comment_id, viewer_id)
    return found is not None and not found[0].deleted and may_read_topic(viewer_id, found[1])


def _stored_photos(new_photos) -> list:
    """The files of up to MAX_PHOTOS checked photos, written before the rows that will name them."""
    return photos.write_files(list(new_photos)[:MAX_PHOTOS])


def _photos_under(topics: str, args: tuple) -> list[tuple[int, str]]:
    """(id, file) of the photos of the topics matching ``topics`` (a condition on ``t``) and of their comments."""
    return fetchall(
        "SELECT p.id, p.file FROM photos p JOIN community_topics t ON p.kind = ? AND p.ref_id = t.id"
        f" WHERE {topics} UNION ALL"
        " SELECT p.id, p.file FROM photos p JOIN community_comments cm ON p.kind = ? AND p.ref_id = cm.id"
        f" JOIN community_topics t ON t.id = cm.topic_id WHERE {topics}",
        (TOPIC_PHOTO_KIND, *args, COMMENT_PHOTO_KIND, *args))


def delete_photos_under(topics: str, args: tuple) -> list[str]:
    """Delete the photos of the topics matching ``topics`` and of their comments (before the
    rows they belong to go); returns their files, to remove after the commit."""
    rows = _photos_under(topics, args)
    for start in range(0, len(rows), 500):
        ids = [photo_id for photo_id, _file in rows[start:start + 500]]
        execute(f"DELETE FROM photos WHERE id IN ({', '.join('?' * len(ids))})", ids)
    return [name for _id, name in rows]


def photo_files_under(topics: str, args: tuple, except_owner: int | None = None) -> list[str]:
    """The files of the photos :func:`delete_photos_under` would delete, less those of ``except_owner``."""
    if except_owner is None:
        return [name for _id, name in _photos_under(topics, args)]
    owned = {r[0] for r in fetchall("SELECT id FROM photos WHERE owner_id = ?", (except_owner,))}
    return [name for photo_id, name in _photos_under(topics, args) if photo_id not in owned]


def create_topic(standing: Standing, title: str, body: str, new_photos: list[photos.Prepared] = ()) -> int:
    """Open a topic in the community, with up to MAX_PHOTOS checked photos; return its id."""
    require(standing.is_member, "communities.not_member")
    require(standing.can_open_topic, "communities.admins_only_topics")
    title = checked_text(title, TITLE_MAX, "communities.title_required")
    body = checked_text(body, TOPIC_BODY_MAX, "communities.body_required")
    t = now()
    stored = _stored_photos(new_photos)
    try:
        with db.atomic():
            topic_id = models.Topic.insert(
                community=standing.community.id, author=standing.viewer_id, title=title, body=body,
                created_at=t, last_activity_at=t,
            ).execute()
            execute(
                "UPDATE communities SET topic_count = topic_count + 1, last_activity_at = ? WHERE id = ?",
                (t, standing.community.id),
            )
            photos.add_rows(standing.viewer_id, TOPIC_PHOTO_KIND, topic_id, stored)
            # Found by those who may read the board (keitai.privacy.board_readable_sql, in the search planner).
            search.index(search.TOPIC, topic_id, standing.viewer_id, title, body, updated_at=t)
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise
    return topic_id


def may_manage_topic(standing: Standing, topic: Topic) -> bool:
    """Close, reopen or delete: the poster and the moderators."""
    return may_remove_item(standing, topic.author_id, topic.deleted)


def as_seen_by(standing: Standing, topic: Topic) -> Topic:
    """The topic with what ``standing``'s viewer may do with it."""
    return replace(topic, may_manage=may_manage_topic(standing, topic),
                   may_report=may_report_item(standing, topic.author_id, topic.deleted))


def set_closed(standing: Standing, topic: Topic, closed: bool) -> None:
    """Close a topic to new comments, or open it again."""
    require(may_manage_topic(standing, topic), "communities.not_yours")
    execute("UPDATE community_topics SET closed = ? WHERE id = ? AND deleted = FALSE", (closed, topic.id))


def delete_topic(standing: Standing, topic: Topic) -> None:
    """Remove a topic: its title, body and comments go; a marker stays at its address."""
    require(may_manage_topic(standing, topic), "communities.not_yours")
    remove_topic(topic.id, standing.viewer_id)


def remove_topic(topic_id: int, by: int) -> None:
    """Remove a topic's words, its comments and every photo of both (files after the commit)."""
    files: list[str] = []
    with db.atomic():
        gone = execute(
            "UPDATE community_topics SET deleted = TRUE, closed = TRUE, title = '', body = ''"
            " WHERE id = ? AND deleted = FALSE",
            (topic_id,),
        ).rowcount
        if not gone:
            return
        community_id = scalar("SELECT community_id FROM community_topics WHERE id = ?", (topic_id,))
        execute("UPDATE communities SET topic_count = topic_count - 1 WHERE id = ?", (community_id,))
        reports.close("topic", topic_id, by, "removed")
        for (comment_id,) in fetchall(
                "SELECT DISTINCT ref_id FROM reports WHERE kind = 'topic_comment' AND resolved_at IS NULL"
                " AND ref_id IN (SELECT id FROM community_comments WHERE topic_id = ?)", (topic_id,)):
            reports.close("topic_comment", comment_id, by, "removed")
        files = delete_photos_under("t.id = ?", (topic_id,))
        execute("DELETE FROM community_comments WHERE topic_id = ?", (topic_id,))
        search.remove(search.TOPIC, topic_id)
    photos.remove_files(files)


@dataclass(frozen=True)
class Comment:
    id: int
    number: int
    author_id: int | None
    author_nickname: str | None
    body: str
    deleted: bool
    created_at: int
    may_delete: bool = False  # for the viewer (see :func:`comment_page`)
    may_report: bool = False
    photos: list[dict] = field(default_factory=list)


class CommentPage(NamedTuple):
    """Comments read both ways by number (from the first onward, or back from the latest), so a
    page links to both sides: unlike paging.Page, whose lists go one way."""

    items: list[Comment]
    older: int | None  # ``before`` for the page of earlier comments, if any
    newer: int | None  # ``after`` for the page of later comments, if any


_COMMENTS = (
    "SELECT cm.id, cm.number, cm.author_id, a.nickname, cm.body, cm.deleted, cm.created_at"
    " FROM community_comments cm LEFT JOIN members a ON a.id = cm.author_id"
    f" WHERE cm.topic_id = ? AND {shown_member_sql('cm.author_id')}"
)


def comments(topic: Topic, viewer_id: int, limit: int = 10,
             before: int | None = None, after: int | None = None) -> CommentPage:
    """A page of a topic's comments in number order: after ``after``, or else the last ones before ``before``.

    Comments by members on either side of a block with the viewer, or suspended, are left
    out (their numbers are skipped); removed ones stay (with ``deleted``), shown as removed.
    """
    if topic.deleted:
        return CommentPage([], None, None)
    args = (topic.id, viewer_id, viewer_id)
    if after is not None:
        rows = fetchall(_COMMENTS + " AND cm.number > ? ORDER BY cm.number LIMIT ?", args + (after, limit + 1))
        more_newer = len(rows) > limit
        rows = rows[:limit]
    else:
        upper = before if before is not None else topic.numbered + 1
        rows = fetchall(_COMMENTS + " AND cm.number < ? ORDER BY cm.number DESC LIMIT ?", args + (upper, limit + 1))
        more_older = len(rows) > limit
        rows = rows[:limit][::-1]
    pictured = photos.photos_of_many(COMMENT_PHOTO_KIND, [r[0] for r in rows if not r[5]])
    items = [Comment(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], photos=pictured.get(r[0], [])) for r in rows]
    if not items:
        return CommentPage([], None, None)
    first, last = items[0].number, items[-1].number
    if after is not None:
        earlier = fetchone(_COMMENTS + " AND cm.number < ? LIMIT 1", args + (first,)) if first > 1 else None
        older = first if earlier else None
        newer = last if more_newer else None
    else:
        older = first if more_older else None
        later = fetchone(_COMMENTS + " AND cm.number > ? LIMIT 1", args + (last,)) if last < topic.numbered else None
        newer = last if later else None
    return CommentPage(items, older, newer)


def comment_page(standing: Standing, topic: Topic, limit: int = 10,
                 before: int | None = None, after: int | None = None) -> CommentPage:
    """:func:`comments` for ``standing``'s viewer, each with what they may do with it."""
    page = comments(topic, standing.viewer_id, limit, before, after)
    items = [replace(c, may_delete=may_delete_comment(standing, c),
                     may_report=may_report_item(standing, c.author_id, c.deleted)) for c in page.items]
    return page._replace(items=items)


def add_comment(standing: Standing, topic: Topic, body: str, new_photos: list[photos.Prepared] = ()) -> int:
    """Write a comment, with up to MAX_PHOTOS checked photos; returns its number in the topic."""
    require(standing.is_member, "communities.not_member")
    require(not topic.deleted, "communities.topic_deleted")
    require(not topic.closed, "communities.closed")
    body = checked_text(body, COMMENT_MAX, "communities.comment_required")
    stored = _stored_photos(new_photos)
    try:
        return _add_comment(standing, topic, body, stored)
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise


def _add_comment(standing: Standing, topic: Topic, body: str, stored: list) -> int:
    t = now()
    with db.atomic():
        # The write comes first: it locks the topic row (PostgreSQL) or the database
        # (SQLite) until commit, so the number read next is this transaction's alone.
        counted = execute(
            "UPDATE community_topics SET comment_count = comment_count + 1, last_activity_at = ?"
            " WHERE id = ? AND closed = FALSE AND deleted = FALSE AND comment_count < ?",
            (t, topic.id, rules.MAX_COMMENTS),
        ).rowcount
        if not counted:
            raise _why_not_open(topic.id)
        number = scalar("SELECT comment_count FROM community_topics WHERE id = ?", (topic.id,))
        execute(
            "INSERT INTO community_comments (topic_id, number, author_id, body, deleted, created_at)"
            " VALUES (?, ?, ?, ?, FALSE, ?)",
            (topic.id, number, standing.viewer_id, body, t),
        )
        if stored:
            comment_id = scalar("SELECT id FROM community_comments WHERE topic_id = ? AND number = ?", (topic.id, number))
            photos.add_rows(standing.viewer_id, COMMENT_PHOTO_KIND, comment_id, stored)
        execute("UPDATE communities SET last_activity_at = ? WHERE id = ?", (t, topic.community_id))
    return number


def _why_not_open(topic_id: int) -> Refused:
    row = fetchone("SELECT closed, deleted FROM community_topics WHERE id = ?", (topic_id,))
    if row is None or row[1]:
        return Refused("communities.topic_deleted")
    if row[0]:
        return Refused("communities.closed")
    return Refused("communities.topic_full", limit=rules.MAX_COMMENTS)


def get_comment(comment_id: int, viewer_id: int) -> tuple[Comment, int] | None:
    """A comment and its topic's id; None if missing or a block stands between author and viewer."""
    row = fetchone(
        "SELECT cm.id, cm.number, cm.author_id, a.nickname, cm.body, cm.deleted, cm.created_at, cm.topic_id"
        " FROM community_comments cm LEFT JOIN members a ON a.id = cm.author_id"
        f" WHERE cm.id = ? AND {shown_member_sql('cm.author_id')}",
        (comment_id, viewer_id, viewer_id),
    )
    if row is None:
        return None
    return Comment(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6]), row[7]


def may_delete_comment(standing: Standing, comment: Comment) -> bool:
    return may_remove_item(standing, comment.author_id, comment.deleted)


def delete_comment(standing: Standing, comment: Comment) -> None:
    """Remove a comment's words; its row and number stay, shown as removed."""
    require(may_delete_comment(standing, comment), "communities.not_yours")
    remove_comment(comment.id, standing.viewer_id)


def remove_comment(comment_id: int, by: int) -> None:
    """Remove a comment's words and photos (files after the commit); its number stays."""
    with db.atomic():
        execute("UPDATE community_comments SET deleted = TRUE, body = '' WHERE id = ?", (comment_id,))
        reports.close("topic_comment", comment_id, by, "removed")
        files = photos.delete_rows(COMMENT_PHOTO_KIND, comment_id)
    photos.remove_files(files)


class TopicRow(NamedTuple):
    id: int
    title: str
    comment_count: int
    closed: bool
    last_activity_at: int
    author_nickname: str | None


def topics(standing: Standing, limit: int = 10, before: str | None = None) -> Page:
    """The community's topics, latest activity first, without those of members hidden from the
    viewer (blocked either way, suspended); each with the count of comments the viewer is shown."""
    if not standing.can_read:
        return Page([], None)
    cursor = parse_cursor(before)
    v = standing.viewer_id
    sql = (
        "SELECT t.id, t.title, t.comment_count, t.closed, t.last_activity_at, a.nickname"
        " FROM community_topics t LEFT JOIN members a ON a.id = t.author_id"
        f" WHERE t.community_id = ? AND t.deleted = FALSE AND {shown_member_sql('t.author_id')}"
    )
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND (t.last_activity_at, t.id) < (?, ?)"
        args += cursor
    rows = fetchall(sql + " ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?", args + (limit + 1,))
    shown = shown_comment_counts(v, {r[0]: r[2] for r in rows})
    rows = [TopicRow(r[0], r[1], shown[r[0]], bool(r[3]), r[4], r[5]) for r in rows]
    return page_of(rows, limit, activity_cursor)


def topic_search_docs():
    """Every topic not removed as a search document (the topic source of ``run.py reindex``)."""
    last = 0
    while True:
        rows = fetchall(
            "SELECT id, author_id, title, body, created_at FROM community_topics"
            " WHERE id > ? AND deleted = FALSE AND author_id IS NOT NULL ORDER BY id LIMIT 500",
            (last,),
        )
        for topic_id, author_id, title, body, created_at in rows:
            yield search.Doc(search.TOPIC, topic_id, author_id, title, body, updated_at=created_at)
        if len(rows) < 500:
            return
        last = rows[-1][0]


# ---------------------------------------------------------------------------
# コメント記入履歴: the topics a member commented on


def commented_topics(viewer_id: int, cursor: tuple[int, int, int] | None, limit: int) -> list[tuple]:
    """Topics the viewer commented on and may still read (a board open to every member, or one
    they belong to; not removed; no block with its writer), by their latest comment there, newest
    first, below ``cursor`` (at, kind 0, id).  Rows in the shape of keitai.diary's ``Commented``:
    (at, 0, topic id, title, community name, community id, their latest comment, comments since)."""
    having, having_args = "", ()
    if cursor:
        having, having_args = " HAVING (MAX(cm.created_at), 0, cm.topic_id) < (?, ?, ?)", cursor
    return fetchall(
        "WITH mine AS (SELECT MAX(cm.created_at) AS at, MAX(cm.id) AS last_id, cm.topic_id FROM community_comments cm"
        " JOIN community_topics t ON t.id = cm.topic_id JOIN communities c ON c.id = t.community_id"
        " WHERE cm.author_id = ? AND cm.deleted = FALSE AND t.deleted = FALSE"
        " AND (c.read_policy = 'everyone'"
        "  OR EXISTS(SELECT 1 FROM community_members r WHERE r.community_id = c.id AND r.member_id = ?))"
        f" AND {shown_member_sql('t.author_id')}"
        f" GROUP BY cm.topic_id{having} ORDER BY at DESC, cm.topic_id DESC LIMIT ?)"
        " SELECT mine.at, 0, mine.topic_id, t.title, c.name, c.id, last.body,"
        " (SELECT COUNT(*) FROM community_comments n WHERE n.topic_id = mine.topic_id AND n.id > mine.last_id"
        f"  AND n.deleted = FALSE AND {shown_member_sql('n.author_id')})"
        " FROM mine JOIN community_topics t ON t.id = mine.topic_id JOIN communities c ON c.id = t.community_id"
        " JOIN community_comments last ON last.id = mine.last_id ORDER BY mine.at DESC, mine.topic_id DESC",
        (viewer_id, viewer_id, viewer_id, viewer_id, *having_args, limit, viewer_id, viewer_id))
