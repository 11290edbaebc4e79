"""Membership: joining (at once or by request), leaving, the admins' answers, sub-admins,
handing over, removing and letting back; the lists of members, requests and bans."""
from __future__ import annotations

from typing import NamedTuple

from peewee import IntegrityError

from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.notify import rules as notify
from keitai.privacy import shown_member_sql
from keitai.words import Refused

from . import rules
from .rules import REQUEST_MESSAGE_MAX, Standing, checked_text, may_remove_member, require, require_room


def join(standing: Standing, message: str = "") -> str:
    """Join (open communities) or ask to join (approval); returns ``joined`` or ``requested``."""
    require(not standing.is_member, "communities.already_member")
    require(not standing.banned and not standing.blocked_with_owner, "communities.cannot_join")
    approval = standing.community.join_policy == "approval"
    require(not (approval and standing.requested), "communities.already_requested")
    message = checked_text(message, REQUEST_MESSAGE_MAX)
    member_id, community_id = standing.viewer_id, standing.community.id
    require_room(member_id)
    try:
        if approval:
            execute(
                "INSERT INTO community_join_requests (community_id, member_id, message, created_at) VALUES (?, ?, ?, ?)",
                (community_id, member_id, message, now()),
            )
            notify.join_requested(community_id)
            return "join_requested"
        _add_member(community_id, member_id)
    except IntegrityError:  # a second click that raced the first
        raise Refused("communities.already_requested" if approval else "communities.already_member") from None
    return "joined"


def _add_member(community_id: int, member_id: int) -> None:
    with db.atomic():
        execute(
            "INSERT INTO community_members (community_id, member_id, role, joined_at) VALUES (?, ?, 'member', ?)",
            (community_id, member_id, now()),
        )
        execute("UPDATE communities SET member_count = member_count + 1 WHERE id = ?", (community_id,))
        # A request left from when the community asked for approval is answered by joining.
        execute(
            "DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id)
        )


def _drop_member(community_id: int, member_id: int) -> bool:
    with db.atomic():
        gone = execute(
            "DELETE FROM community_members WHERE community_id = ? AND member_id = ?", (community_id, member_id)
        ).rowcount
        if gone:
            execute("UPDATE communities SET member_count = member_count - 1 WHERE id = ?", (community_id,))
    return bool(gone)


def cancel_request(standing: Standing) -> None:
    """Withdraw my request to join."""
    require(standing.requested, "communities.no_request")
    execute(
        "DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?",
        (standing.community.id, standing.viewer_id),
    )


def leave(standing: Standing) -> None:
    """Leave a community; the owner must hand it over first."""
    require(standing.is_member, "communities.not_joined")
    require(standing.can_leave, "communities.owner_cannot_leave")
    _drop_member(standing.community.id, standing.viewer_id)


def answer_request(standing: Standing, member_id: int, approve: bool) -> None:
    """Approve or turn down ``member_id``'s request to join (the community's admins)."""
    require(standing.is_admin, "communities.not_admin")
    community_id = standing.community.id
    require(fetchone(
        "SELECT 1 FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id)
    ) is not None, "communities.no_request")
    if not approve:
        execute("DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id))
        return
    require_room(member_id, "communities.their_too_many")
    try:
        _add_member(community_id, member_id)
    except IntegrityError:  # already in (approved twice at once): the request is answered
        execute("DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id))


def _role_of(community_id: int, member_id: int) -> str | None:
    return scalar(
        "SELECT role FROM community_members WHERE community_id = ? AND member_id = ?", (community_id, member_id)
    )


def set_subadmin(standing: Standing, member_id: int, subadmin: bool) -> None:
    """Name a member sub-admin (副管理人), or take it back (the owner may)."""
    require(standing.can_appoint, "communities.not_owner")
    community_id = standing.community.id
    require(member_id != standing.community.owner_id and _role_of(community_id, member_id) is not None,
            "communities.not_a_member")
    if subadmin:
        count = scalar(
            "SELECT COUNT(*) FROM community_members WHERE community_id = ? AND role = 'subadmin'", (community_id,)
        )
        require(count < rules.MAX_SUBADMINS, "communities.too_many_subadmins", limit=rules.MAX_SUBADMINS)
    execute(
        "UPDATE community_members SET role = ? WHERE community_id = ? AND member_id = ?",
        ("subadmin" if subadmin else "member", community_id, member_id),
    )


def hand_over(standing: Standing, member_id: int) -> None:
    """Make ``member_id`` the owner; the old owner stays on as an ordinary member."""
    require(standing.can_appoint, "communities.not_owner")
    community_id = standing.community.id
    require(member_id != standing.viewer_id and _role_of(community_id, member_id) is not None,
            "communities.not_a_member")
    with db.atomic():
        execute("UPDATE communities SET owner_id = ? WHERE id = ?", (member_id, community_id))
        execute(
            "UPDATE community_members SET role = 'member' WHERE community_id = ? AND member_id = ?",
            (community_id, member_id),
        )


def remove_member(standing: Standing, member_id: int) -> None:
    """Remove a member and keep them from coming back (強制退会).

    Who may remove whom is :func:`rules.may_remove_member`.
    """
    require(standing.can_moderate, "communities.not_admin")
    community_id = standing.community.id
    role = _role_of(community_id, member_id)
    require(role is not None, "communities.not_a_member")
    role = "owner" if member_id == standing.community.owner_id else role
    require(may_remove_member(standing, role), "communities.cannot_remove_admin")
    with db.atomic():
        _drop_member(community_id, member_id)
        execute(
            "INSERT INTO community_bans (community_id, member_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (community_id, member_id, now()),
        )


def unban(standing: Standing, member_id: int) -> None:
    """Let a removed member join again."""
    require(standing.can_moderate, "communities.not_admin")
    execute("DELETE FROM community_bans WHERE community_id = ? AND member_id = ?", (standing.community.id, member_id))


class MemberRow(NamedTuple):
    id: int
    nickname: str
    role: str  # owner | subadmin | member
    joined_at: int
    may_manage: bool = False  # the viewer may open their page in the community's admin


def members(standing: Standing, limit: int = 20, before: str | None = None) -> Page:
    """Members, newest first (those on either side of a block with the viewer, and suspended ones, left out)."""
    if not standing.can_read:
        return Page([], None)
    cursor = parse_cursor(before)
    v = standing.viewer_id
    sql = (
        "SELECT m.id, m.nickname, cm.role, cm.joined_at FROM community_members cm JOIN members m ON m.id = cm.member_id"
        f" WHERE cm.community_id = ? AND {shown_member_sql('cm.member_id')}"
    )
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND (cm.joined_at, cm.member_id) < (?, ?)"
        args += cursor
    rows = fetchall(sql + " ORDER BY cm.joined_at DESC, cm.member_id DESC LIMIT ?", args + (limit + 1,))
    owner = standing.community.owner_id
    rows = [MemberRow(r[0], r[1], "owner" if r[0] == owner else r[2], r[3], standing.can_moderate and r[0] != v)
            for r in rows]
    return page_of(rows, limit, lambda row: f"{row.joined_at}_{row.id}")


class PersonRow(NamedTuple):
    id: int
    nickname: str
    role: str | None
    joined_at: int | None
    banned: bool
    may_remove: bool  # the viewing admin may remove them


def member_in(standing: Standing, member_id: int) -> PersonRow | None:
    """A member as this community's admins see them (member, banned, or None if neither)."""
    row = fetchone(
        "SELECT m.id, m.nickname, cm.role, cm.joined_at,"
        " EXISTS(SELECT 1 FROM community_bans WHERE community_id = ? AND member_id = m.id)"
        " FROM members m LEFT JOIN community_members cm ON cm.community_id = ? AND cm.member_id = m.id"
        " WHERE m.id = ?",
        (standing.community.id, standing.community.id, member_id),
    )
    if row is None or (row[2] is None and not row[4]):
        return None
    role = "owner" if row[0] == standing.community.owner_id else row[2]
    return PersonRow(row[0], row[1], role, row[3], bool(row[4]), may_remove_member(standing, role))


def subadmins(standing: Standing) -> list[MemberRow]:
    rows = fetchall(
        "SELECT m.id, m.nickname, cm.role, cm.joined_at FROM community_members cm JOIN members m ON m.id = cm.member_id"
        " WHERE cm.community_id = ? AND cm.role = 'subadmin' ORDER BY cm.joined_at",
        (standing.community.id,),
    )
    return [MemberRow(*r) for r in rows]


def banned_members(standing: Standing, limit: int = 50) -> list[MemberRow]:
    rows = fetchall(
        "SELECT m.id, m.nickname, 'banned', b.created_at FROM community_bans b JOIN members m ON m.id = b.member_id"
        " WHERE b.community_id = ? ORDER BY b.created_at DESC LIMIT ?",
        (standing.community.id, limit),
    )
    return [MemberRow(*r) for r in rows]


class RequestRow(NamedTuple):
    member_id: int
    nickname: str
    message: str
    created_at: int


def join_requests(standing: Standing, limit: int = 20, before: str | None = None) -> Page:
    """Requests waiting for this community's admins, oldest first."""
    if not standing.is_admin:
        return Page([], None)
    cursor = parse_cursor(before)
    sql = (
        "SELECT r.member_id, m.nickname, r.message, r.created_at FROM community_join_requests r"
        " JOIN members m ON m.id = r.member_id WHERE r.community_id = ?"
    )
    args: tuple = (standing.community.id,)
    if cursor:
        sql += " AND (r.created_at, r.member_id) > (?, ?)"
        args += cursor
    rows = [RequestRow(*r) for r in fetchall(
        sql + " ORDER BY r.created_at, r.member_id LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda row: f"{row.created_at}_{row.member_id}")


