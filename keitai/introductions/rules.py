"""Introductions (紹介文): what a friend writes about a member, shown on the member's profile.

A friend writes one introduction of a member (writing again replaces it); it shows
only after the member approves it, and a rewritten one waits for approval again.
Either of them may remove it.  Introductions show only while the two are friends,
to those who may see the member's friend list (an introduction says who is a
friend), and never to a member blocked by or blocking its author.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai import words
from keitai.words import Refused
from keitai.platform.db.connection import execute, fetchall, fetchone, now, scalar
from keitai.introductions.models import Introduction as IntroductionRow
from keitai.platform.db.paging import Page, page_of, parse_cursor

from keitai import privacy
from keitai.friends.rules import are_friends
from keitai.notify import rules as notify
from keitai.profiles.rules import Profile

MAX_BODY = 1000
COUNT_CAP = 100
_END = 2**62


class Introduction(NamedTuple):
    id: int
    member_id: int
    author_id: int
    author_nickname: str
    member_nickname: str
    body: str
    approved: bool
    created_at: int
    updated_at: int
    # What the member it was read for may do (as_seen_by): one of its two members.
    may_approve: bool = False
    may_rewrite: bool = False


_COLUMNS = (
    "SELECT i.id, i.member_id, i.author_id, a.nickname, t.nickname, i.body, i.approved, i.created_at, i.updated_at"
    " FROM introductions i JOIN members a ON a.id = i.author_id JOIN members t ON t.id = i.member_id"
)
# Still friends, author active, and no block between the author and the reader.
_SHOWABLE = (
    " AND " + privacy.active_member_sql("a.") +
    " AND EXISTS(SELECT 1 FROM friendships f WHERE f.member_id = i.member_id AND f.friend_id = i.author_id)"
    " AND " + privacy.not_blocked_sql("i.author_id")
)
_APPROVED = _COLUMNS + " WHERE i.member_id = ? AND i.approved AND i.id < ?" + _SHOWABLE + " ORDER BY i.id DESC LIMIT ?"
_PENDING = _COLUMNS + " WHERE i.member_id = ? AND NOT i.approved" + _SHOWABLE + " ORDER BY i.id DESC LIMIT ?"
_ONE = _COLUMNS + " WHERE i.id = ?"
_BY_AUTHOR = _COLUMNS + " WHERE i.member_id = ? AND i.author_id = ?"


def _row(row) -> Introduction:
    return Introduction(*row[:6], bool(row[6]), row[7], row[8])


def approved(viewer_id: int, member_id: int, before: str | None = None, limit: int = 10) -> Page:
    """Approved introductions of ``member_id`` that ``viewer_id`` may read, newest first.

    The caller has checked that the member's friend list is visible to the viewer
    (:func:`keitai.privacy.friend_list_visible`: it opens their introductions too).
    """
    cursor = parse_cursor(before, 1)
    rows = fetchall(_APPROVED, (member_id, cursor[0] if cursor else _END, viewer_id, viewer_id, limit + 1))
    return page_of([_row(r) for r in rows], limit, lambda intro: str(intro.id))


def for_profile(viewer_id: int, profile: Profile, limit: int = 3) -> Page | None:
    """The latest introductions for ``profile``'s page, or None if its viewer may not read them."""
    if not privacy.friend_list_visible(profile.relation, profile.member.aud_friends):
        return None
    return approved(viewer_id, profile.id, None, limit)


def pending(member_id: int, limit: int = 20) -> list[Introduction]:
    """Introductions waiting for ``member_id``'s approval, newest first."""
    return [_row(r) for r in fetchall(_PENDING, (member_id, member_id, member_id, limit))]


def written_by(author_id: int, member_id: int) -> Introduction | None:
    row = fetchone(_BY_AUTHOR, (member_id, author_id))
    return _row(row) if row else None


def get(introduction_id: int) -> Introduction | None:
    row = fetchone(_ONE, (introduction_id,))
    return _row(row) if row else None


def as_seen_by(viewer_id: int, intro: Introduction) -> Introduction:
    """``intro`` with what ``viewer_id`` may do: the member introduced approves it while it
    waits; its author rewrites it."""
    return intro._replace(may_approve=viewer_id == intro.member_id and not intro.approved,
                          may_rewrite=viewer_id == intro.author_id)


def clean(body: str) -> tuple[str, list[str]]:
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        return body, [words.INTRODUCTION_EMPTY]
    if len(body) > MAX_BODY:
        return body, [words.FIELD_TOO_LONG_NAMED.format(field="紹介文", limit=MAX_BODY)]
    return body, []


def write(author_id: int, member_id: int, body: str) -> None:
    """Write or rewrite ``author_id``'s introduction of ``member_id`` (cleaned); it waits for approval.

    Raises Refused unless the two are friends.
    """
    if author_id == member_id or not are_friends(author_id, member_id) or privacy.blocked_between(author_id, member_id):
        raise Refused("introductions.friends_only")
    t = now()
    (
        IntroductionRow.insert(member=member_id, author=author_id, body=body, approved=False, created_at=t, updated_at=t)
        .on_conflict(
            conflict_target=[IntroductionRow.member, IntroductionRow.author],
            update={IntroductionRow.body: body, IntroductionRow.approved: False, IntroductionRow.updated_at: t},
        )
        .execute()
    )
    notify.notice(member_id, "introduction", "introductions.listing", member_id=member_id)


def approve(member_id: int, introduction_id: int) -> bool:
    """``member_id`` approves an introduction of themselves; True if there was one to approve."""
    return execute(
        "UPDATE introductions SET approved = ? WHERE id = ? AND member_id = ? AND NOT approved",
        (True, introduction_id, member_id),
    ).rowcount > 0


def remove(member_id: int, introduction_id: int) -> bool:
    """The introduced member or its author removes an introduction; True if it was theirs to remove."""
    return execute(
        "DELETE FROM introductions WHERE id = ? AND (member_id = ? OR author_id = ?)",
        (introduction_id, member_id, member_id),
    ).rowcount > 0


PENDING_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM introductions i JOIN members a ON a.id = i.author_id"
    " WHERE i.member_id = ? AND NOT i.approved" + _SHOWABLE + f" LIMIT {COUNT_CAP}) x"
)


def pending_count(member_id: int) -> int:
    """Introductions waiting for ``member_id``'s approval (a partial index holds only those)."""
    return scalar(PENDING_COUNT_SQL, (member_id, member_id, member_id)) or 0
