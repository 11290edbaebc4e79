"""Friendships: made by request and approval, kept as two rows (one per direction).

Also the lists built on them: a member's friends (as a viewer may see them),
friend requests, and "friend of your friends A, B and N more".
"""
from __future__ import annotations

from dataclasses import dataclass

import peewee

from keitai import words as messages
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar

from keitai import privacy as audience

#: A member may send this many friend requests per 24 hours.
DAILY_REQUESTS = 30
MESSAGE_LIMIT = 200
#: "friend of your friends A, B and N more": names shown, and where counting stops.
MUTUAL_NAMES = 3
MUTUAL_CAP = 1000


class FriendError(Exception):
    """A friend request that was not made; the message says why, in Japanese."""


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

    Raises FriendError with the reason when no request is made.  Callers make sure
    ``to_id`` is an active member the sender may see (blocks hide members entirely).
    """
    message = message.strip()
    if from_id == to_id or audience.blocked_between(from_id, to_id):
        raise FriendError(messages.ERRORS[404])
    if len(message) > MESSAGE_LIMIT:
        raise FriendError(messages.FIELD_NAMES["message"] + ": " + messages.FIELD_TOO_LONG.format(limit=MESSAGE_LIMIT))
    state, _request_id = standing(from_id, to_id)
    if state == "friend":
        raise FriendError(messages.FRIEND_ALREADY)
    if state == "sent":
        raise FriendError(messages.FRIEND_REQUEST_PENDING)
    if state == "received":
        befriend(from_id, to_id)
        return "accepted"
    if scalar("SELECT COUNT(*) FROM friend_requests WHERE from_id = ? AND created_at > ?", (from_id, now() - 86400)) >= DAILY_REQUESTS:
        raise FriendError(messages.FRIEND_REQUEST_LIMIT.format(limit=DAILY_REQUESTS))
    try:
        with db.atomic():
            execute(
                "INSERT INTO friend_requests (from_id, to_id, message, created_at) VALUES (?, ?, ?, ?)",
                (from_id, to_id, message, now()),
            )
    except peewee.IntegrityError:  # the same request from a second tab at the same moment
        raise FriendError(messages.FRIEND_REQUEST_PENDING) from None
    return "requested"


_REQUESTS = (
    "SELECT r.id, m.id, m.nickname, r.message, r.created_at FROM friend_requests r"
    " JOIN members m ON m.id = r.{other} AND m.status = 'active'"
    " WHERE r.{me} = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ?"
)


def incoming(member_id: int, limit: int = 50) -> list[FriendRequest]:
    """Requests waiting for my answer, newest first."""
    return [FriendRequest(*row) for row in fetchall(_REQUESTS.format(other="from_id", me="to_id"), (member_id, limit))]


def outgoing(member_id: int, limit: int = 50) -> list[FriendRequest]:
    """My requests still waiting for an answer, newest first."""
    return [FriendRequest(*row) for row in fetchall(_REQUESTS.format(other="to_id", me="from_id"), (member_id, limit))]


def incoming_count(member_id: int) -> int:
    return scalar(
        "SELECT COUNT(*) FROM friend_requests r JOIN members m ON m.id = r.from_id AND m.status = 'active' WHERE r.to_id = ?",
        (member_id,),
    )


def accept(member_id: int, request_id: int) -> bool:
    """Accept a request made to ``member_id``; False if there is no such request."""
    row = fetchone("SELECT from_id FROM friend_requests WHERE id = ? AND to_id = ?", (request_id, member_id))
    if row is None or audience.blocked_between(member_id, row[0]):
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

_FRIENDS = (
    "SELECT m.id, m.nickname FROM friendships f JOIN members m ON m.id = f.friend_id AND m.status = 'active'"
    " WHERE f.member_id = ? AND f.friend_id < ? AND " + audience.not_blocked_sql("f.friend_id") +
    " ORDER BY f.friend_id DESC LIMIT ?"
)


def friend_list(viewer_id: int, owner_id: int, before: int | None = None, limit: int = 10) -> list[tuple[int, str]]:
    """(id, nickname) of ``owner_id``'s friends, newest members first, keyset-paged by ``before``.

    Leaves out anyone the viewer has blocked or is blocked by.  Whether the viewer may
    see this list at all is the owner's ``aud_friends`` audience: see :func:`may_see_list`.
    """
    upper = before if before is not None else 2**62
    return fetchall(_FRIENDS, (owner_id, upper, viewer_id, viewer_id, limit))


def may_see_list(rel: audience.Relation, aud_friends: str) -> bool:
    """May the viewer see the owner's friend list?  (The owner's audience for it.)"""
    return audience.may_see(rel, aud_friends)


# Mutual friends M of viewer V and owner O.  The edge O-M is shown only if the viewer could
# learn it anyway: from O's friend list (O's audience, passed in as a flag) or from M's
# (M is V's friend, so anything but private).
_MUTUAL = (
    "SELECT m.id, m.nickname FROM friendships o JOIN friendships v ON v.member_id = ? AND v.friend_id = o.friend_id"
    " JOIN members m ON m.id = o.friend_id AND m.status = 'active'"
    " WHERE o.member_id = ? AND (? OR m.aud_friends <> 'private')"
    " ORDER BY COALESCE(m.last_login_at, 0) DESC, m.id LIMIT ?"
)
_MUTUAL_COUNT = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM friendships o JOIN friendships v ON v.member_id = ? AND v.friend_id = o.friend_id"
    " JOIN members m ON m.id = o.friend_id AND m.status = 'active'"
    " WHERE o.member_id = ? AND (? OR m.aud_friends <> 'private') LIMIT ?) capped"
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
    list_visible = may_see_list(rel, profile.member.aud_friends)
    if rel.is_self:
        return Ties("self", None, list_visible, [], 0)
    if rel.is_friend:
        return Ties("friend", None, list_visible, [], 0)
    state, request_id = standing(viewer_id, profile.id)
    mutual, total = ([], 0)
    if rel.is_friend_of_friend:
        mutual, total = mutual_friends(viewer_id, profile.id, list_visible)
    return Ties(state, request_id, list_visible, mutual, total)


_HOME = (
    "SELECT m.friend_count, (SELECT COUNT(*) FROM friend_requests r JOIN members s ON s.id = r.from_id"
    " AND s.status = 'active' WHERE r.to_id = ?) FROM members m WHERE m.id = ?"
)


def home_summary(viewer_id: int) -> dict:
    """What the home page says about friends: waiting requests, and how many friends."""
    friend_count, waiting = fetchone(_HOME, (viewer_id, viewer_id))
    return {"requests": waiting, "friends": friend_count}


#: The home notice's count: requests waiting for the member's answer, from active members
#: with no block either way, stopped at 100.
PENDING_REQUESTS_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM friend_requests r JOIN members m ON m.id = r.from_id"
    " WHERE r.to_id = ? AND m.status = 'active'"
    " AND NOT EXISTS(SELECT 1 FROM blocks b WHERE (b.blocker_id = r.to_id AND b.blocked_id = r.from_id)"
    " OR (b.blocker_id = r.from_id AND b.blocked_id = r.to_id)) LIMIT 100) x"
)
