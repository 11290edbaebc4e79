"""Footprints (足あと): who looked at a member's profile or diary, and how they are connected.

One row per visitor and visited member, rewritten on every visit with the latest
time; a visit counts again only after :data:`WINDOW` seconds since the last
counted one, so reloading a page does not look like ten visits.  Recording is one
statement on the hot path (:func:`record`).

The rule, stated in settings: a member who chooses not to leave footprints cannot
see their own, and sees only visits from the time they (again) leave footprints.
Blocked members leave none on each other and never appear in each other's list.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai import config
from keitai.platform.db.connection import best_effort, db, execute, fetchall, fetchone, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor

from keitai import privacy
from keitai.profiles import rules as profiles

#: Visits within this many seconds of the last counted one are not counted again.
WINDOW = 5 * 60
#: Home shows "99+" beyond this; counting stops here so a long absence costs nothing more.
COUNT_CAP = 100
#: Pruning works through this many visited members at a time, this many rows per statement.
PRUNE_MEMBERS = 1000
PRUNE_ROWS = 2000

_RECORD = (
    "INSERT INTO footprints (visitor_id, visited_id, visited_at, counted_at, visits)"
    " SELECT v.id, ?, ?, ?, 1 FROM members v"
    " WHERE v.id = ? AND v.leaves_footprints AND NOT " + privacy.blocked_sql("?", "v.id") +
    " ON CONFLICT (visitor_id, visited_id) DO UPDATE SET"
    f" visits = footprints.visits + CASE WHEN footprints.counted_at <= excluded.visited_at - {WINDOW} THEN 1 ELSE 0 END,"
    f" counted_at = CASE WHEN footprints.counted_at <= excluded.visited_at - {WINDOW}"
    " THEN excluded.visited_at ELSE footprints.counted_at END,"
    " visited_at = excluded.visited_at"
)


def record(visitor_id: int, visited_id: int) -> None:
    """Leave ``visitor_id``'s footprint on ``visited_id`` (call when a profile or diary entry is shown).

    One statement: nothing when the visitor does not leave footprints or either has
    blocked the other; the caller has already checked the page may be shown.
    """
    if visitor_id == visited_id:
        return
    t = now()
    best_effort("footprint", _RECORD, (visited_id, t, t, visitor_id, visited_id, visited_id))


class Settings(NamedTuple):
    leaves_footprints: bool
    since: int  # visits before this are not shown (the time footprints were last switched on)
    seen_at: int  # the newest visit the member has been shown


def settings_of(member_id: int) -> Settings:
    row = fetchone(
        "SELECT leaves_footprints, footprints_since, footprints_seen_at FROM members WHERE id = ?", (member_id,)
    )
    if row is None:
        return Settings(False, 0, 0)
    return Settings(bool(row[0]), row[1], row[2])


def set_leaves_footprints(member_id: int, leaves: bool) -> None:
    """Switch footprints on or off for a member.

    Off: the footprints they left are deleted and none are recorded from now on.
    On: they see visits from now on (not those made while they were hidden).
    """
    with db.atomic():
        if leaves:
            execute(
                "UPDATE members SET leaves_footprints = ?, footprints_since = ? WHERE id = ? AND NOT leaves_footprints",
                (True, now(), member_id),
            )
        else:
            execute("UPDATE members SET leaves_footprints = ? WHERE id = ?", (False, member_id))
            execute("DELETE FROM footprints WHERE visitor_id = ?", (member_id,))


FRIEND = "friend"
FRIEND_OF_FRIEND = "friend_of_friend"
NONE = "none"


class Visit(NamedTuple):
    visitor_id: int
    nickname: str
    visited_at: int
    visits: int
    is_new: bool
    relation: str  # FRIEND, FRIEND_OF_FRIEND or NONE
    via_id: int | None  # the friend who connects, when the audiences allow naming them
    via_nickname: str | None
    photo_id: int | None  # the visitor's main photo, when its audience lets the member see it


def _page_sql(member_id: int) -> tuple[str, tuple]:
    """The page's query with the visitors' photos as ``member_id`` may see them, and the photo's parameters."""
    photo, photo_args = profiles.shown_photo_sql(member_id)
    return (
        f"SELECT f.visitor_id, m.nickname, f.visited_at, f.visits, m.aud_friends,"
        " EXISTS(SELECT 1 FROM friendships fr WHERE fr.member_id = ? AND fr.friend_id = f.visitor_id),"
        f" {photo}"
        " FROM footprints f JOIN members m ON m.id = f.visitor_id"
        " WHERE f.visited_id = ? AND f.visited_at >= ? AND (f.visited_at, f.visitor_id) < (?, ?)"
        " AND " + privacy.active_member_sql("m.") + " AND NOT " + privacy.blocked_sql("?", "f.visitor_id") +
        " ORDER BY f.visited_at DESC, f.visitor_id DESC LIMIT ?"
    ), photo_args

# A friend of the page's owner may be named as the connection when the owner may see
# that friend's friend list; the visitor's side is checked in Python (their aud_friends
# comes with the page).
def _connections_sql(count: int) -> str:
    marks = ", ".join("?" * count)
    return (
        "SELECT x.visitor_id, x.via_id, c.nickname FROM ("
        " SELECT b.member_id AS visitor_id,"
        " MIN(CASE WHEN " + privacy.active_member_sql("c.")
        + " AND " + privacy.friend_list_visible_sql(privacy.A_FRIEND, "c.")
        + " AND NOT " + privacy.blocked_sql("?", "c.id") + " THEN c.id END) AS via_id"
        " FROM friendships a"
        " JOIN friendships b ON b.friend_id = a.friend_id"
        " JOIN members c ON c.id = a.friend_id"
        f" WHERE a.member_id = ? AND b.member_id IN ({marks})"
        " GROUP BY b.member_id"
        ") x LEFT JOIN members c ON c.id = x.via_id"
    )


def _connections(member_id: int, visitor_ids: list[int]) -> dict[int, tuple[int | None, str | None]]:
    """visitor id -> (connecting friend's id, nickname) for those who share a friend with ``member_id``."""
    if not visitor_ids:
        return {}
    rows = fetchall(_connections_sql(len(visitor_ids)), (member_id, member_id, member_id, *visitor_ids))
    return {visitor: (via, nickname) for visitor, via, nickname in rows}


def page(member_id: int, before: str | None = None, limit: int = 10) -> Page | None:
    """``member_id``'s visitors (Visits), newest first; None if they do not leave footprints (so see none).

    Two queries for the visits and their labels, whatever the page size; the first
    page marks the visits shown as seen.
    """
    own = settings_of(member_id)
    if not own.leaves_footprints:
        return None
    cursor = parse_cursor(before)
    before_at, before_visitor = cursor or (2**62, 2**62)
    sql, photo_args = _page_sql(member_id)
    rows = fetchall(sql, (member_id, *photo_args, member_id, own.since, before_at, before_visitor,
                          member_id, member_id, limit + 1))
    next_page = page_of(rows, limit, lambda row: f"{row[2]}_{row[0]}").next  # visited_at_visitor_id
    rows = rows[:limit]
    strangers = [row[0] for row in rows if not row[5]]
    connected = _connections(member_id, strangers)
    visits = []
    for visitor_id, nickname, visited_at, count, aud_friends, is_friend, photo_id in rows:
        via_id = via_nickname = None
        if is_friend:
            relation = FRIEND
        elif visitor_id in connected:
            relation = FRIEND_OF_FRIEND
            # Naming the connection shows a friend of the visitor's: only if their list is visible too.
            if privacy.friend_list_visible(privacy.A_FRIEND_OF_FRIEND, aud_friends):
                via_id, via_nickname = connected[visitor_id]
        else:
            relation = NONE
        visits.append(Visit(visitor_id, nickname, visited_at, count, visited_at > own.seen_at,
                            relation, via_id, via_nickname, photo_id))
    if cursor is None and visits and visits[0].visited_at > own.seen_at:
        best_effort("footprints read mark", "UPDATE members SET footprints_seen_at = ? WHERE id = ?",
                    (visits[0].visited_at, member_id))
    return Page(visits, next_page)


NEW_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM members me"
    " JOIN footprints f ON f.visited_id = me.id AND f.visited_at > me.footprints_seen_at"
    " AND f.visited_at >= me.footprints_since"
    " JOIN members m ON m.id = f.visitor_id"
    " WHERE me.id = ? AND me.leaves_footprints AND " + privacy.active_member_sql("m.")
    + " AND NOT " + privacy.blocked_sql("?", "f.visitor_id") + f" LIMIT {COUNT_CAP}) x"
)


def new_count(member_id: int) -> int:
    """Visitors since the member last looked (0 if they do not leave footprints); at most COUNT_CAP."""
    return scalar(NEW_COUNT_SQL, (member_id, member_id, member_id)) or 0


_PRUNE = (
    "DELETE FROM footprints WHERE (visitor_id, visited_id) IN (SELECT visitor_id, visited_id FROM footprints"
    " WHERE visited_id >= ? AND visited_id < ? AND visited_at < ? LIMIT ?)"
)


def prune(days: int | None = None, members_per_batch: int = PRUNE_MEMBERS, rows_per_batch: int = PRUNE_ROWS) -> int:
    """Delete footprints older than ``days`` (settings.footprint_days); returns how many.

    Works through visited members in id ranges along the (visited_id, visited_at)
    index, deleting at most ``rows_per_batch`` rows per statement (each its own
    short transaction), so readers and writers go on meanwhile.  No index on time
    alone is kept just for this: every visit writes one index less.
    """
    days = config.get().footprint_days if days is None else days
    cutoff = now() - days * 86400
    top = scalar("SELECT MAX(id) FROM members") or 0
    total = 0
    for start in range(0, top + 1, members_per_batch):
        while True:
            gone = execute(_PRUNE, (start, start + members_per_batch, cutoff, rows_per_batch)).rowcount
            total += gone
            if gone < rows_per_batch:
                break
    return total
