"""The home page's first lines: what is waiting for the member, each a count and a link.

A small registry: each line is a count, as an SQL query whose every ``?`` is the
member's id, with a label (keitai.words.HOME_NOTICES, whose order is the lines' order)
and the route of the page it links to.  Every count is an indexed query over the member's
own rows, stopped at 100 where it could grow, so the home page costs the same however long
the member was away; all of them go to the database as one statement (one round trip on
PostgreSQL).  A feature adds its line with :func:`register`, from its ``install(app)``.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

from keitai import words
from keitai.platform.db.connection import fetchone
from keitai.platform.web.routes import path_for


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
    route: str  # the page it links to; a ``member_id`` in it is the member's own
    route_args: dict  # the route's other wildcards


COUNTERS: list[Counter] = []


def register(key: str, sql: str, route: str, **route_args) -> None:
    """Add (or replace) the home notices' line ``key``, placed as its label in
    keitai.words.HOME_NOTICES (a key not there goes last).

    ``sql`` counts what waits for the member: a query of one number whose every ``?`` is
    the member's id (the feature's own count function should run the same query).  The line
    links to ``route`` (``register("messages", ..., "messages.inbox")``)."""
    order = list(words.HOME_NOTICES)
    counters = [c for c in COUNTERS if c.key != key] + [Counter(key, sql, route, route_args)]
    COUNTERS[:] = sorted(counters, key=lambda c: order.index(c.key) if c.key in order else len(order))


@functools.lru_cache(maxsize=4)
def _all_counts(counts: tuple[str, ...]) -> tuple[str, int]:
    """Every count as one statement, and how many times it names the member."""
    return "SELECT " + ", ".join(f"({sql})" for sql in counts), sum(sql.count("?") for sql in counts)


def home_notices(member_id: int, without: tuple[str, ...] = ()) -> list[Notice]:
    """The lines to show, in order: only those with something waiting (and none of the
    keys ``without``, which the page says another way)."""
    counters = [c for c in COUNTERS if c.key not in without]
    if not counters:
        return []
    sql, uses = _all_counts(tuple(c.sql for c in counters))
    counts = fetchone(sql, (member_id,) * uses)
    return [
        Notice(words.HOME_NOTICES[counter.key], int(count),
               path_for(counter.route, {"member_id": member_id, **counter.route_args})[0])
        for counter, count in zip(counters, counts) if count and count > 0
    ]
