"""The home page's first lines: what is waiting for the member, each a count and a link.

A small registry: each line is a counting function ``(member_id) -> int`` with a
label (keitai.messages.HOME_NOTICES) and the page it links to.  Every count is an
indexed query over the member's own rows, stopped at 100 where it could grow, so
the home page costs the same however long the member was away.  A feature adds
its line with :func:`register`.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from keitai import messages as words
from keitai.models.base import scalar

from . import communities, diaries, footprints, introductions, messages


class Notice(NamedTuple):
    label: str
    count: int
    url: str

    @property
    def shown_count(self) -> str:
        return "99+" if self.count > 99 else str(self.count)


class Counter(NamedTuple):
    key: str  # the label's key in keitai.messages.HOME_NOTICES
    count: Callable[[int], int]
    url: str  # may name ``{member_id}``


COUNTERS: list[Counter] = []


def register(key: str, count: Callable[[int], int], url: str, after: str | None = None) -> None:
    """Add a line to the home notices (after the line ``after``, else at the end)."""
    counter = Counter(key, count, url)
    keys = [c.key for c in COUNTERS]
    COUNTERS.insert(keys.index(after) + 1 if after in keys else len(COUNTERS), counter)


_FRIEND_REQUESTS = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM friend_requests r JOIN members m ON m.id = r.from_id"
    " WHERE r.to_id = ? AND m.status = 'active'"
    " AND NOT EXISTS(SELECT 1 FROM blocks b WHERE (b.blocker_id = r.to_id AND b.blocked_id = r.from_id)"
    " OR (b.blocker_id = r.from_id AND b.blocked_id = r.to_id)) LIMIT 100) x"
)


def friend_request_count(member_id: int) -> int:
    """Friend requests waiting for ``member_id``'s answer."""
    return scalar(_FRIEND_REQUESTS, (member_id,)) or 0


# In the order of the home page.
register("friend_requests", friend_request_count, "/friends/requests")
register("messages", messages.unread_count, "/messages")
register("diary_comments", diaries.new_comment_count, "/member/{member_id}/diary")
register("footprints", footprints.new_count, "/footprints")
register("introductions", introductions.pending_count, "/member/{member_id}/introductions")
register("community_requests", communities.pending_join_requests_count, "/communities/mine")


def home_notices(member_id: int) -> list[Notice]:
    """The lines to show, in order: only those with something waiting."""
    notices = []
    for counter in COUNTERS:
        count = counter.count(member_id)
        if count > 0:
            notices.append(Notice(words.HOME_NOTICES[counter.key], count, counter.url.format(member_id=member_id)))
    return notices
