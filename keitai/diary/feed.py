"""The friends' feed: friends' newest entries the viewer may read, newest first, in one
query whose cost follows the number of friends, never the number of entries."""
from __future__ import annotations

from keitai import privacy
from keitai.platform.db.connection import fetchall, is_sqlite
from keitai.platform.db.paging import Page

from .comments import unread_entries
from .rules import _ROW, NEWEST, before_id, entry_page


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


def friends_feed(viewer_id: int, before: str | None = None, limit: int = 10) -> Page:
    """A page of friends' entries the viewer may read, newest first (one query)."""
    _sql, visible = privacy.visible_clause(viewer_id, "x.author_id", "x.audience", "x.group_id")
    wanted = limit + 1
    cursor = before_id(before)
    if cursor == NEWEST:  # the home page and the feed's first page
        rows = fetchall(_cached("heads", _heads_feed_sql), (viewer_id, wanted, wanted, *visible, wanted, wanted))
        if len(rows) == wanted:
            return entry_page(viewer_id, rows, limit)
    rows = fetchall(_cached("feed", _feed_sql),
                    (cursor, *visible, viewer_id, limit, cursor, *visible, wanted, wanted))
    return entry_page(viewer_id, rows, limit)


def home_section(viewer_id: int, limit: int = 5) -> dict:
    """What home shows of diaries: friends' newest entries and my entries with new comments."""
    page = friends_feed(viewer_id, limit=limit)
    return {"feed": page.items, "more": page.next is not None, "unread": unread_entries(viewer_id)}
