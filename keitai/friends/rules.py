"""Friendships: made by request and approval, kept as two rows (one per direction).

Also the lists built on them: a member's friends (as a viewer may see them),
friend requests, and "friend of your friends A, B and N more".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import peewee

from keitai.words import Refused
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor

from keitai import privacy
from keitai.notify import rules as notify
from keitai.profiles import rules as profiles

#: A member may send this many friend requests per 24 hours.
DAILY_REQUESTS = 30
MESSAGE_LIMIT = 200
#: "friend of your friends A, B and N more": names shown, and where counting stops.
MUTUAL_NAMES = 3
MUTUAL_CAP = 1000
#: Counting waiting requests stops here (home shows "99+"), so a flood costs nothing more.
REQUESTS_COUNT_CAP = 100


def are_friends(a: int, b: int) -> bool:
    return fetchone("SELECT 1 FROM friendships WHERE member_id = ? AND friend_id = ?", (a, b)) is not None


def befriend(a: int, b: int) -> bool:
    """Make ``a`` and ``b`` friends (idempotent); True if they were not already."""
    if a == b or are_friends(a, b):
        return False
    t = now()
    with db.atomic():
        execute("INSERT INTO friendships (member_id, friend_id, created_at) VALUES (?, ?, ?), (?, ?, ?)", (a, b, t, b, a, t))
        execute("UPDATE members SET friend_count = friend_count + 1 WHERE id IN (?, ?)", (a, b))
        execute("DELETE FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)", (a, b, b, a))
    return True


def unfriend(a: int, b: int) -> bool:
    with db.atomic():
        gone = execute(
            "DELETE FROM friendships WHERE (member_id = ? AND friend_id = ?) OR (member_id = ? AND friend_id = ?)",
            (a, b, b, a),
        ).rowcount
        if gone:
            execute("UPDATE members SET friend_count = friend_count - 1 WHERE id IN (?, ?)", (a, b))
            # Friend lists are lists of friends: an ex-friend leaves them.
            execute(
                "DELETE FROM friend_group_members WHERE (member_id = ? AND group_id IN (SELECT id FROM friend_groups WHERE owner_id = ?))"
                " OR (member_id = ? AND group_id IN (SELECT id FROM friend_groups WHERE owner_id = ?))",
                (b, a, a, b),
            )
    return bool(gone)


# --- requests ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FriendRequest:
    id: int
    member_id: int  # the other member: sender of a request to me, recipient of mine
    nickname: str
    message: str
    created_at: int


def standing(viewer_id: int, other_id: int) -> tuple[str, int | None]:
    """``friend``, ``sent`` (my request waits), ``received`` (theirs waits, with its id) or ``none``."""
    if are_friends(viewer_id, other_id):
        return "friend", None
    row = fetchone(
        "SELECT id, from_id FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)",
        (viewer_id, other_id, other_id, viewer_id),
    )
    if row is None:
        return "none", None
    return ("sent", row[0]) if row[1] == viewer_id else ("received", row[0])


def request(from_id: int, to_id: int, message: str = "") -> str:
    """Ask ``to_id`` to be friends.  Returns ``requested``, or ``accepted`` when they had asked first.

    Raises Refused with the reason when no request is made.  Callers make sure
    ``to_id`` is an active member the sender may see (blocks hide members entirely).
    """
    message = message.strip()
    if from_id == to_id or privacy.blocked_between(from_id, to_id):
        raise Refused("friends.not_found")
    if len(message) > MESSAGE_LIMIT:
        raise Refused("friends.message_too_long", limit=MESSAGE_LIMIT)
    state, _request_id = standing(from_id, to_id)
    if state == "friend":
        raise Refused("friends.already_friends")
    if state == "sent":
        raise Refused("friends.request_pending")
    if state == "received":
        befriend(from_id, to_id)
        return "accepted"
    if scalar("SELECT COUNT(*) FROM friend_requests WHERE from_id = ? AND created_at > ?", (from_id, now() - 86400)) >= DAILY_REQUESTS:
        raise Refused("friends.request_limit", limit=DAILY_REQUESTS)
    try:
        with db.atomic():
            execute(
                "INSERT INTO friend_requests (from_id, to_id, message, created_at) VALUES (?, ?, ?, ?)",
                (from_id, to_id, message, now()),
            )
    except peewee.IntegrityError:  # the same request from a second tab at the same moment
        raise Refused("friends.request_pending") from None
    notify.notice(to_id, "friend_request", "friends.requests_page")
    return "requested"


_REQUESTS = (
    "SELECT r.id, m.id, m.nickname, r.message, r.created_at FROM friend_requests r"
    " JOIN members m ON m.id = r.{other} AND " + privacy.active_member_sql("m.") +
    " WHERE r.{me} = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ?"
)


def incoming(member_id: int, limit: int = 50) -> list[FriendRequest]:
    """Requests waiting for my answer, newest first."""
    return [FriendRequest(*row) for row in fetchall(_REQUESTS.format(other="from_id", me="to_id"), (member_id, limit))]


def outgoing(member_id: int, limit: int = 50) -> list[FriendRequest]:
    """My requests still waiting for an answer, newest first."""
    return [FriendRequest(*row) for row in fetchall(_REQUESTS.format(other="to_id", me="from_id"), (member_id, limit))]


#: Requests waiting for the member's answer, up to REQUESTS_COUNT_CAP; every ``?`` is the member's id.
INCOMING_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM friend_requests r JOIN members m ON m.id = r.from_id"
    " WHERE r.to_id = ? AND " + privacy.active_member_sql("m.") +
    " AND NOT " + privacy.blocked_sql("r.to_id", "r.from_id") + f" LIMIT {REQUESTS_COUNT_CAP}) x"
)


def incoming_count(member_id: int) -> int:
    """Requests waiting for ``member_id``'s answer (at most REQUESTS_COUNT_CAP)."""
    return scalar(INCOMING_COUNT_SQL, (member_id,)) or 0


def accept(member_id: int, request_id: int) -> bool:
    """Accept a request made to ``member_id``; False if there is no such request."""
    row = fetchone("SELECT from_id FROM friend_requests WHERE id = ? AND to_id = ?", (request_id, member_id))
    if row is None or privacy.blocked_between(member_id, row[0]):
        return False
    befriend(member_id, row[0])
    return True


def decline(member_id: int, request_id: int) -> bool:
    """Turn down a request made to ``member_id`` (the sender is not told)."""
    return execute("DELETE FROM friend_requests WHERE id = ? AND to_id = ?", (request_id, member_id)).rowcount == 1


def cancel_request(member_id: int, request_id: int) -> bool:
    """Take back a request ``member_id`` sent."""
    return execute("DELETE FROM friend_requests WHERE id = ? AND from_id = ?", (request_id, member_id)).rowcount == 1


# --- lists ------------------------------------------------------------------------------

class Friend(NamedTuple):
    """A member on a friend list, with the main photo the viewer may see (None: none shown)."""

    id: int
    nickname: str
    photo_id: int | None


def _friends_sql(viewer_id: int) -> tuple[str, tuple]:
    photo, photo_args = profiles.shown_photo_sql(viewer_id)
    return (
        f"SELECT m.id, m.nickname, {photo} FROM friendships f JOIN members m ON m.id = f.friend_id AND "
        + privacy.active_member_sql("m.") + " WHERE f.member_id = ? AND f.friend_id < ? AND "
        + privacy.not_blocked_sql("f.friend_id") + " ORDER BY f.friend_id DESC LIMIT ?"
    ), photo_args


def member_cursor(row) -> str:
    """The cursor of a list of rows keyset-paged by member id (their first column)."""
    return str(row[0])


def friend_list(viewer_id: int, owner_id: int, before: str | None = None, limit: int = 10) -> Page:
    """``owner_id``'s friends (:class:`Friend`), newest members first, keyset-paged by ``before``.

    Leaves out anyone the viewer has blocked or is blocked by.  Whether the viewer may
    see this list at all is :func:`keitai.privacy.friend_list_visible`.
    """
    cursor = parse_cursor(before, 1)
    sql, photo_args = _friends_sql(viewer_id)
    rows = fetchall(sql, (*photo_args, owner_id, cursor[0] if cursor else 2**62, viewer_id, viewer_id, limit + 1))
    return page_of([Friend(*row) for row in rows], limit, member_cursor)


# Mutual friends M of viewer V and owner O.  The edge O-M is shown only if the viewer could
# learn it anyway: from O's friend list (O's audience, passed in as a flag) or from M's
# (M is V's friend).
_MUTUAL_FROM = (
    " FROM friendships o JOIN friendships v ON v.member_id = ? AND v.friend_id = o.friend_id"
    " JOIN members m ON m.id = o.friend_id AND " + privacy.active_member_sql("m.") +
    " WHERE o.member_id = ? AND (? OR " + privacy.friend_list_visible_sql(privacy.A_FRIEND, "m.") + ")"
)
_MUTUAL = (
    "SELECT m.id, m.nickname" + _MUTUAL_FROM +
    " ORDER BY COALESCE(m.last_login_at, 0) DESC, m.id LIMIT ?"
)
_MUTUAL_COUNT = (
    "SELECT COUNT(*) FROM (SELECT 1" + _MUTUAL_FROM + " LIMIT ?) capped"
)


def mutual_friends(viewer_id: int, owner_id: int, owner_list_visible: bool) -> tuple[list[tuple[int, str]], int]:
    """My friends who are also friends of ``owner_id``: up to three (id, nickname) and how many in all.

    The count stops at MUTUAL_CAP, so members with thousands of friends cost the same.
    """
    flag = bool(owner_list_visible)
    names = fetchall(_MUTUAL, (viewer_id, owner_id, flag, MUTUAL_NAMES))
    if len(names) < MUTUAL_NAMES:
        return names, len(names)
    return names, scalar(_MUTUAL_COUNT, (viewer_id, owner_id, flag, MUTUAL_CAP))


@dataclass(frozen=True)
class Ties:
    """How the viewer stands to a profile's owner, for the profile page."""

    standing: str  # self, friend, sent, received or none
    request_id: int | None  # the waiting request, when sent or received
    list_visible: bool  # may the viewer open the owner's friend list?
    mutual: list[tuple[int, str]]  # up to three of the viewer's friends who are the owner's friends
    mutual_total: int
    friend_count: int = 0  # the owner's friends the viewer finds on the owner's friend list

    @property
    def more_mutual(self) -> int:
        """How many mutual friends beyond the names shown."""
        return max(self.mutual_total - len(self.mutual), 0)

    @property
    def mutual_capped(self) -> bool:
        """True when counting stopped at MUTUAL_CAP (show "N+")."""
        return self.mutual_total >= MUTUAL_CAP


def ties(viewer_id: int, profile) -> Ties:
    """Everything the profile page says about friendship with ``profile``'s owner."""
    rel = profile.relation
    list_visible = privacy.friend_list_visible(rel, profile.member.aud_friends)
    count = shown_friend_count(viewer_id, profile.id, profile.member.friend_count) if list_visible else 0
    if rel.is_self:
        return Ties("self", None, list_visible, [], 0, count)
    if rel.is_friend:
        return Ties("friend", None, list_visible, [], 0, count)
    state, request_id = standing(viewer_id, profile.id)
    mutual, total = ([], 0)
    if rel.is_friend_of_friend:
        mutual, total = mutual_friends(viewer_id, profile.id, list_visible)
    return Ties(state, request_id, list_visible, mutual, total, count)


def shown_friend_count(viewer_id: int, member_id: int, stored: int) -> int:
    """How many of ``member_id``'s friends (``stored``: the count kept on write) the viewer finds
    on their friend list, which leaves out members blocked either way with the viewer and suspended ones."""
    if not stored:
        return 0
    hidden = privacy.hidden_counts(viewer_id, "friendships", "member_id", "friend_id", [member_id], rows=stored)
    return stored - hidden.get(member_id, 0)


#: Home's grid of friends, as mixi's マイミクシィ: three by three on a PC; handsets list fewer.
HOME_FRIENDS = 9


class GridFriend(NamedTuple):
    """A friend in home's grid: the main photo the viewer may see and how many friends the
    viewer finds on their friend list (None when its audience hides the list from a friend)."""

    id: int
    nickname: str
    photo_id: int | None
    friend_count: int | None


def home_friends(viewer_id: int, limit: int = HOME_FRIENDS) -> list[GridFriend]:
    """The first ``limit`` friends of the viewer's friend list (newest members first, as
    ``/friends`` lists them), for home's grid.  One query along the (member_id, friend_id) key,
    stopping at ``limit``, whatever the number of friends: each friend's count is their
    counter less the members hidden from the viewer (:func:`shown_friend_count` in SQL)."""
    photo, photo_args = profiles.shown_photo_sql(viewer_id)
    hidden = privacy.hidden_count_sql("friendships", "member_id", "m.id", "friend_id")
    rows = fetchall(
        f"SELECT m.id, m.nickname, {photo},"
        f" CASE WHEN {privacy.friend_list_visible_sql(privacy.A_FRIEND, 'm.')} THEN m.friend_count - {hidden} END"
        " FROM friendships f JOIN members m ON m.id = f.friend_id AND " + privacy.active_member_sql("m.")
        + " WHERE f.member_id = ? AND " + privacy.not_blocked_sql("f.friend_id") + " ORDER BY f.friend_id DESC LIMIT ?",
        (*photo_args, viewer_id, viewer_id, viewer_id, viewer_id, viewer_id, limit),
    )
    return [GridFriend(*row) for row in rows]


def home_summary(viewer_id: int) -> dict:
    """What the home page says about friends: how many (waiting requests are a home notice)."""
    stored = scalar("SELECT friend_count FROM members WHERE id = ?", (viewer_id,))
    return {"friends": shown_friend_count(viewer_id, viewer_id, stored)}
