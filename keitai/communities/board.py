"""The board: topics and their numbered comments; reading, writing, closing and removing them."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from keitai.communities import models
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.privacy import not_blocked_sql
from keitai.search import rules as search
from keitai.words import Refused

from . import rules
from .rules import (COMMENT_MAX, TITLE_MAX, TOPIC_BODY_MAX, Standing, activity_cursor, checked_text, may_remove_item,
                    may_report_item, require)


@dataclass(frozen=True)
class Topic:
    id: int
    community_id: int
    author_id: int | None
    author_nickname: str | None
    title: str
    body: str
    comment_count: int
    closed: bool
    deleted: bool
    created_at: int
    last_activity_at: int
    # What the viewer may do with it (see :func:`as_seen_by`).
    may_manage: bool = False  # close, reopen, delete
    may_report: bool = False


_TOPIC = (
    "SELECT t.id, t.community_id, t.author_id, a.nickname, t.title, t.body, t.comment_count, t.closed, t.deleted,"
    " t.created_at, t.last_activity_at,"
    f" NOT ({not_blocked_sql('t.author_id')})"
    " FROM community_topics t LEFT JOIN members a ON a.id = t.author_id WHERE t.id = ?"
)


def get_topic(topic_id: int, viewer_id: int) -> Topic | None:
    """The topic, or None if there is none or a block stands between its author and the viewer."""
    row = fetchone(_TOPIC, (viewer_id, viewer_id, topic_id))
    if row is None or row[11]:
        return None
    return Topic(*row[:7], bool(row[7]), bool(row[8]), row[9], row[10])


def create_topic(standing: Standing, title: str, body: str) -> int:
    """Open a topic in the community; return its id."""
    require(standing.is_member, "communities.not_member")
    require(standing.can_open_topic, "communities.admins_only_topics")
    title = checked_text(title, TITLE_MAX, "communities.title_required")
    body = checked_text(body, TOPIC_BODY_MAX, "communities.body_required")
    t = now()
    with db.atomic():
        topic_id = models.Topic.insert(
            community=standing.community.id, author=standing.viewer_id, title=title, body=body,
            created_at=t, last_activity_at=t,
        ).execute()
        execute(
            "UPDATE communities SET topic_count = topic_count + 1, last_activity_at = ? WHERE id = ?",
            (t, standing.community.id),
        )
        # Found by those who may read the board (keitai.privacy.board_readable_sql, in the search planner).
        search.index(search.TOPIC, topic_id, standing.viewer_id, title, body, updated_at=t)
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
        execute(
            "UPDATE community_reports SET resolved_at = ?, resolved_by = ?, outcome = 'removed'"
            " WHERE topic_id = ? AND resolved_at IS NULL",
            (now(), by, topic_id),
        )
        execute("DELETE FROM community_comments WHERE topic_id = ?", (topic_id,))
        search.remove(search.TOPIC, topic_id)


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


class CommentPage(NamedTuple):
    """Comments read both ways by number (from the first onward, or back from the latest), so a
    page links to both sides: unlike paging.Page, whose lists go one way."""

    items: list[Comment]
    older: int | None  # ``before`` for the page of earlier comments, if any
    newer: int | None  # ``after`` for the page of later comments, if any


_COMMENTS = (
    "SELECT cm.id, cm.number, cm.author_id, a.nickname, cm.body, cm.deleted, cm.created_at"
    " FROM community_comments cm LEFT JOIN members a ON a.id = cm.author_id"
    f" WHERE cm.topic_id = ? AND {not_blocked_sql('cm.author_id')}"
)


def comments(topic: Topic, viewer_id: int, limit: int = 10,
             before: int | None = None, after: int | None = None) -> CommentPage:
    """A page of a topic's comments in number order: after ``after``, or else the last ones before ``before``.

    Comments by members on either side of a block with the viewer are left out;
    removed ones stay (with ``deleted``) so the numbering has no holes.
    """
    if topic.deleted:
        return CommentPage([], None, None)
    args = (topic.id, viewer_id, viewer_id)
    if after is not None:
        rows = fetchall(_COMMENTS + " AND cm.number > ? ORDER BY cm.number LIMIT ?", args + (after, limit + 1))
        more_newer = len(rows) > limit
        rows = rows[:limit]
    else:
        upper = before if before is not None else topic.comment_count + 1
        rows = fetchall(_COMMENTS + " AND cm.number < ? ORDER BY cm.number DESC LIMIT ?", args + (upper, limit + 1))
        more_older = len(rows) > limit
        rows = rows[:limit][::-1]
    items = [Comment(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]
    if not items:
        return CommentPage([], None, None)
    first, last = items[0].number, items[-1].number
    if after is not None:
        older = first if first > 1 else None
        newer = last if more_newer else None
    else:
        older = first if more_older else None
        newer = last if last < topic.comment_count else None
    return CommentPage(items, older, newer)


def comment_page(standing: Standing, topic: Topic, limit: int = 10,
                 before: int | None = None, after: int | None = None) -> CommentPage:
    """:func:`comments` for ``standing``'s viewer, each with what they may do with it."""
    page = comments(topic, standing.viewer_id, limit, before, after)
    items = [replace(c, may_delete=may_delete_comment(standing, c),
                     may_report=may_report_item(standing, c.author_id, c.deleted)) for c in page.items]
    return page._replace(items=items)


def add_comment(standing: Standing, topic: Topic, body: str) -> int:
    """Write a comment; returns its number in the topic."""
    require(standing.is_member, "communities.not_member")
    require(not topic.deleted, "communities.topic_deleted")
    require(not topic.closed, "communities.closed")
    body = checked_text(body, COMMENT_MAX, "communities.comment_required")
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
        f" WHERE cm.id = ? AND {not_blocked_sql('cm.author_id')}",
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
    with db.atomic():
        execute("UPDATE community_comments SET deleted = TRUE, body = '' WHERE id = ?", (comment_id,))
        execute(
            "UPDATE community_reports SET resolved_at = ?, resolved_by = ?, outcome = 'removed'"
            " WHERE comment_id = ? AND resolved_at IS NULL",
            (now(), by, comment_id),
        )


class TopicRow(NamedTuple):
    id: int
    title: str
    comment_count: int
    closed: bool
    last_activity_at: int
    author_nickname: str | None


def topics(standing: Standing, limit: int = 10, before: str | None = None) -> Page:
    """The community's topics, latest activity first, without those of blocked members."""
    if not standing.can_read:
        return Page([], None)
    cursor = parse_cursor(before)
    v = standing.viewer_id
    sql = (
        "SELECT t.id, t.title, t.comment_count, t.closed, t.last_activity_at, a.nickname"
        " FROM community_topics t LEFT JOIN members a ON a.id = t.author_id"
        f" WHERE t.community_id = ? AND t.deleted = FALSE AND {not_blocked_sql('t.author_id')}"
    )
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND (t.last_activity_at, t.id) < (?, ?)"
        args += cursor
    rows = fetchall(sql + " ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?", args + (limit + 1,))
    rows = [TopicRow(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]
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
