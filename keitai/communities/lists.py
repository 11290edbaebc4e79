"""Lists of communities (a member's, the newest, the most active, by category) and the
home page's newest topics in my communities."""
from __future__ import annotations

from typing import NamedTuple

from keitai.platform.db.connection import fetchall
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.privacy import not_blocked_sql

from .rules import activity_cursor, category_name


class CommunityRow(NamedTuple):
    id: int
    name: str
    category: str
    member_count: int
    topic_count: int
    last_activity_at: int

    @property
    def category_name(self) -> str:
        return category_name(self.category)


_ROW = "c.id, c.name, c.category, c.member_count, c.topic_count, c.last_activity_at"


# A member's communities (at most MAX_MEMBERSHIPS), read first through
# community_members_member.  MATERIALIZED keeps it first: PostgreSQL's statistics know
# only the average member, and for one in hundreds of communities it would rather walk
# every community by activity and probe each for the membership.
_JOINED = "WITH joined AS MATERIALIZED (SELECT community_id FROM community_members WHERE member_id = ?)"


def my_communities(member_id: int, limit: int = 10, before: str | None = None) -> Page:
    """The communities ``member_id`` belongs to, most recently active first."""
    return member_communities(member_id, member_id, limit, before)


def newest_communities(limit: int = 10, before: str | None = None) -> Page:
    cursor = parse_cursor(before, 1)
    sql, args = f"SELECT {_ROW} FROM communities c", ()
    if cursor:
        sql, args = sql + " WHERE c.id < ?", cursor
    rows = [CommunityRow(*r) for r in fetchall(sql + " ORDER BY c.id DESC LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda row: str(row.id))


def active_communities(limit: int = 10, before: str | None = None, category: str | None = None) -> Page:
    """Communities by latest activity (a new topic or comment); optionally of one category."""
    cursor = parse_cursor(before)
    where, args = [], ()
    if category is not None:
        where.append("c.category = ?")
        args += (category,)
    if cursor:
        where.append("(c.last_activity_at, c.id) < (?, ?)")
        args += cursor
    sql = f"SELECT {_ROW} FROM communities c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = [CommunityRow(*r) for r in fetchall(
        sql + " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, activity_cursor)


class Update(NamedTuple):
    """A topic with something new in one of my communities (home)."""

    topic_id: int
    title: str
    comment_count: int
    last_activity_at: int
    community_id: int
    community_name: str


# The newest N topics across my communities, read without touching every topic of
# every community I belong to: take my M most recently active communities (the
# newest topics are in them, since a community's last activity is its newest
# topic's), and from each only the topics at least as recent as its M-th newest
# (one short walk down community_topics_activity per community).  M = 2N leaves
# room for topics hidden from me (removed, or on either side of a block).
_HOME = (
    f"{_JOINED}, top AS ("
    " SELECT c.id, c.name FROM joined JOIN communities c ON c.id = joined.community_id"
    " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?),"
    " mine AS ("
    " SELECT top.id, top.name, COALESCE((SELECT t2.last_activity_at FROM community_topics t2"
    "  WHERE t2.community_id = top.id ORDER BY t2.last_activity_at DESC LIMIT 1 OFFSET ?), 0) AS floor"
    " FROM top)"
    " SELECT t.id, t.title, t.comment_count, t.last_activity_at, mine.id, mine.name"
    " FROM mine JOIN community_topics t ON t.community_id = mine.id AND t.last_activity_at >= mine.floor"
    f" WHERE t.deleted = FALSE AND {not_blocked_sql('t.author_id')}"
    " ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?"
)


def home_updates(member_id: int, limit: int = 5) -> list[Update]:
    """Newest topics and comments in my communities: one indexed query."""
    margin = limit * 2
    rows = fetchall(_HOME, (member_id, margin, margin - 1, member_id, member_id, limit))
    return [Update(*r) for r in rows]




# A member's communities as another member sees them (参加コミュニティ on a profile): only
# those whose member list the viewer may read (Standing.can_read: a board every member
# reads, or one the viewer is in), so a profile never tells who is in a members-only
# community.  The list and its count share the condition, so the count hides what the list does.
_SEEN_BY = (
    " FROM joined JOIN communities c ON c.id = joined.community_id"
    " WHERE (c.read_policy = 'everyone'"
    " OR EXISTS(SELECT 1 FROM community_members v WHERE v.community_id = c.id AND v.member_id = ?))"
)


def member_communities(viewer_id: int, member_id: int, limit: int = 10, before: str | None = None) -> Page:
    """The communities ``member_id`` belongs to that ``viewer_id`` may see them in, most recently active first."""
    cursor = parse_cursor(before)
    sql, args = f"{_JOINED} SELECT {_ROW}{_SEEN_BY}", (member_id, viewer_id)
    if cursor:
        sql += " AND (c.last_activity_at, c.id) < (?, ?)"
        args += cursor
    rows = [CommunityRow(*r) for r in fetchall(
        sql + " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, activity_cursor)


def member_community_count(viewer_id: int, member_id: int) -> int:
    """How many communities :func:`member_communities` lists (a member joins at most MAX_MEMBERSHIPS)."""
    return fetchall(f"{_JOINED} SELECT COUNT(*){_SEEN_BY}", (member_id, viewer_id))[0][0]
