"""The home page's first lines: what is waiting for the member, each a count and a link.

A small registry: each line is a count, as an SQL query whose every ``?`` is the
member's id, with a label (keitai.words.HOME_NOTICES) and the page it links to.
Every count is an indexed query over the member's own rows, stopped at 100 where it
could grow, so the home page costs the same however long the member was away; all of
them go to the database as one statement (one round trip on PostgreSQL).  A feature
adds its line with :func:`register`.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

from keitai import words
from keitai.platform.db.connection import fetchone

from keitai import communities
from keitai.diary import rules as diaries
from keitai.friends import rules as friends
from keitai.footprints import rules as footprints
from keitai.introductions import rules as introductions
from keitai.messages import rules as messages


class Notice(NamedTuple):
    label: str
    count: int
    url: str

    @property
    def shown_count(self) -> str:
        return "99+" if self.count > 99 else str(self.count)


class Counter(NamedTuple):
    key: str  # the label's key in keitai.words.HOME_NOTICES
    sql: str  # one number; every ``?`` is the member's id
    url: str  # may name ``{member_id}``


COUNTERS: list[Counter] = []


def register(key: str, sql: str, url: str, after: str | None = None) -> None:
    """Add a line to the home notices (after the line ``after``, else at the end).

    ``sql`` counts what waits for the member: a query of one number whose every ``?`` is
    the member's id (the feature's own count function should run the same query)."""
    counter = Counter(key, sql, url)
    keys = [c.key for c in COUNTERS]
    COUNTERS.insert(keys.index(after) + 1 if after in keys else len(COUNTERS), counter)


# In the order of the home page.
register("friend_requests", friends.INCOMING_COUNT_SQL, "/friends/requests")
register("messages", messages.UNREAD_COUNT_SQL, "/messages")
register("diary_comments", diaries.NEW_COMMENTS_COUNT_SQL, "/member/{member_id}/diary")
register("footprints", footprints.NEW_COUNT_SQL, "/footprints")
register("introductions", introductions.PENDING_COUNT_SQL, "/member/{member_id}/introductions")
register("community_requests", communities.PENDING_JOIN_REQUESTS_COUNT_SQL, "/communities/mine")


@functools.lru_cache(maxsize=4)
def _all_counts(counters: tuple[Counter, ...]) -> tuple[str, int]:
    """Every count as one statement, and how many times it names the member."""
    return "SELECT " + ", ".join(f"({c.sql})" for c in counters), sum(c.sql.count("?") for c in counters)


def home_notices(member_id: int) -> list[Notice]:
    """The lines to show, in order: only those with something waiting."""
    if not COUNTERS:
        return []
    sql, uses = _all_counts(tuple(COUNTERS))
    counts = fetchone(sql, (member_id,) * uses)
    return [
        Notice(words.HOME_NOTICES[counter.key], int(count), counter.url.format(member_id=member_id))
        for counter, count in zip(COUNTERS, counts) if count and count > 0
    ]
