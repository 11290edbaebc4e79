"""Community events (イベント): who may see, create, join and remove one.

- An event belongs to a community and is seen by whoever may read that community's
  board (:attr:`keitai.communities.Standing.can_read`: every member for an open board,
  its members for a closed one).  An event by a member on either side of a block with the
  viewer is not found, like a topic.
- Members who may open a topic create events (the community's topic policy), giving a
  title, 開催日 (a date, with a time or without), 場所, 募集締切 (a date no later than the
  event's; when left empty, the event's own day) and a description.  The creator takes
  part from the start.
- Members join (参加) and cancel (キャンセル) until the end of the deadline's day; after it
  the list is final.
- The participant list leaves out members on either side of a block with the viewer, and
  the count shown is the count of that same list (:func:`participant_count` runs the
  list's own condition), so a count never tells of someone the list hides.
- The event's creator changes it (the same checks as making it); the creator and the
  community's moderators remove it.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import NamedTuple
from zoneinfo import ZoneInfo

from keitai.communities.rules import Standing, may_remove_item, require
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.privacy import not_blocked_sql
from keitai.words import Refused

TOKYO = ZoneInfo("Asia/Tokyo")
TITLE_MAX = 100
PLACE_MAX = 100
BODY_MAX = 5000
#: How far ahead an event may be set.
YEARS_AHEAD = 2

_DATE = re.compile(r"^(?:(\d{4})[/\-.年])?(\d{1,2})[/\-.月](\d{1,2})日?$")
_TIME = re.compile(r"^(\d{1,2})(?:[:時](\d{1,2})分?|時)?$")


def _normal(text: str | None) -> str:
    """Full-width digits and punctuation as ASCII, spaces dropped (２０２６／１２／２４ -> 2026/12/24)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def today(at: int | None = None) -> datetime.date:
    return datetime.datetime.fromtimestamp(now() if at is None else at, TOKYO).date()


def parse_date(text: str | None, base: datetime.date | None = None) -> datetime.date | None:
    """``2026/12/24``, ``2026-12-24``, ``2026年12月24日`` or ``12/24`` (the next such day from
    ``base``, today by default); None if it is none of these or no real day."""
    found = _DATE.match(_normal(text))
    if not found:
        return None
    base = base or today()
    year, month, day = (int(found[1]) if found[1] else base.year), int(found[2]), int(found[3])
    try:
        day_ = datetime.date(year, month, day)
    except ValueError:
        return None
    if not found[1] and day_ < base:
        try:
            day_ = datetime.date(year + 1, month, day)
        except ValueError:
            return None
    return day_


def parse_time(text: str | None) -> tuple[int, int] | None:
    """``19:30``, ``19時30分``, ``19時`` or ``19``; None if none of these or no real time."""
    found = _TIME.match(_normal(text))
    if not found:
        return None
    hour, minute = int(found[1]), int(found[2] or 0)
    return (hour, minute) if hour < 24 and minute < 60 else None


def moment(day: datetime.date, hour: int = 0, minute: int = 0) -> int:
    return int(datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO).timestamp())


def end_of_day(day: datetime.date) -> int:
    """The last second of ``day`` in Tokyo (a deadline or a closing day lasts all day)."""
    return moment(day + datetime.timedelta(days=1)) - 1


def day_start(at: int) -> int:
    """The start of ``at``'s day in Tokyo."""
    return moment(today(at))


class Draft(NamedTuple):
    """An event as typed (strings), and as it would be stored."""

    title: str
    date: str
    time: str
    place: str
    deadline: str
    body: str


class Checked(NamedTuple):
    title: str
    place: str
    body: str
    starts_at: int
    has_time: bool
    deadline_at: int


def check_event(draft: Draft) -> tuple[Checked | None, list[str]]:
    """What would be stored of ``draft``, and every problem with it (at once, so the member
    fixes them in one go)."""
    errors: list[str] = []
    title, place, body = draft.title.strip(), draft.place.strip(), draft.body.strip()
    for value, limit, label in ((title, TITLE_MAX, "タイトル"), (place, PLACE_MAX, "場所"), (body, BODY_MAX, "詳細")):
        if len(value) > limit:
            errors.append(Refused("events.too_long", field=label, limit=limit).message)
    if not title:
        errors.append(Refused("events.title_required").message)
    start = today()
    day = parse_date(draft.date)
    if day is None:
        errors.append(Refused("events.bad_date").message)
    elif day < start:
        errors.append(Refused("events.date_past").message)
    elif (day - start).days > 365 * YEARS_AHEAD:
        errors.append(Refused("events.date_far", years=YEARS_AHEAD).message)
    clock = None
    if draft.time.strip():
        clock = parse_time(draft.time)
        if clock is None:
            errors.append(Refused("events.bad_time").message)
    deadline = day
    if draft.deadline.strip():
        deadline = parse_date(draft.deadline)
        if deadline is None:
            errors.append(Refused("events.bad_deadline").message)
        elif deadline < start:
            errors.append(Refused("events.deadline_past").message)
        elif day is not None and deadline > day:
            errors.append(Refused("events.deadline_after").message)
    if errors:
        return None, errors
    starts_at = moment(day, *clock) if clock else moment(day)
    deadline_at = end_of_day(deadline)
    return Checked(title, place, body, starts_at, clock is not None, deadline_at), []


@dataclass(frozen=True)
class Event:
    id: int
    community_id: int
    author_id: int
    author_nickname: str
    title: str
    place: str
    body: str
    starts_at: int
    has_time: bool
    deadline_at: int
    created_at: int
    joined: bool  # the viewer takes part
    # What the viewer may do (see :func:`as_seen_by`).
    open: bool = False  # still taking participants
    may_join: bool = False
    may_cancel: bool = False
    may_edit: bool = False
    may_remove: bool = False

    def as_draft(self) -> Draft:
        """The event as its form shows it for editing."""
        start, deadline = datetime.datetime.fromtimestamp(self.starts_at, TOKYO), today(self.deadline_at)
        return Draft(self.title, f"{start.year}/{start.month}/{start.day}",
                     f"{start.hour}:{start.minute:02d}" if self.has_time else "", self.place,
                     f"{deadline.year}/{deadline.month}/{deadline.day}", self.body)


_EVENT = (
    "SELECT e.id, e.community_id, e.author_id, a.nickname, e.title, e.place, e.body, e.starts_at, e.has_time,"
    " e.deadline_at, e.created_at,"
    " EXISTS(SELECT 1 FROM community_event_participants p WHERE p.event_id = e.id AND p.member_id = ?)"
    " FROM community_events e JOIN members a ON a.id = e.author_id"
    f" WHERE e.id = ? AND {not_blocked_sql('e.author_id')}"
)


def get_event(event_id: int, viewer_id: int) -> Event | None:
    """The event, or None if there is none or a block stands between its creator and the viewer
    (whether the viewer may read its community is the standing's to say)."""
    row = fetchone(_EVENT, (viewer_id, event_id, viewer_id, viewer_id))
    if row is None:
        return None
    return Event(*row[:8], bool(row[8]), row[9], row[10], bool(row[11]))


def as_seen_by(standing: Standing, event: Event) -> Event:
    """The event with what ``standing``'s viewer may do with it."""
    is_open = now() <= event.deadline_at
    return replace(event, open=is_open,
                   may_join=is_open and standing.is_member and not event.joined,
                   may_cancel=is_open and event.joined,
                   may_edit=event.author_id == standing.viewer_id,
                   may_remove=may_remove_item(standing, event.author_id, False))


def create_event(standing: Standing, checked: Checked) -> int:
    """Make the event (its creator takes part); returns its id."""
    require(standing.is_member, "communities.not_member")
    require(standing.can_open_topic, "events.admins_only")
    t = now()
    with db.atomic():
        event_id = insert_id(
            "INSERT INTO community_events (community_id, author_id, title, place, body, starts_at, has_time,"
            " deadline_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (standing.community.id, standing.viewer_id, checked.title, checked.place, checked.body,
             checked.starts_at, checked.has_time, checked.deadline_at, t),
        )
        execute("INSERT INTO community_event_participants (event_id, member_id, joined_at) VALUES (?, ?, ?)",
                (event_id, standing.viewer_id, t))
    return event_id


def update_event(standing: Standing, event: Event, checked: Checked) -> None:
    """Change the event's details: its creator may."""
    require(event.author_id == standing.viewer_id, "events.not_yours")
    execute("UPDATE community_events SET title = ?, place = ?, body = ?, starts_at = ?, has_time = ?, deadline_at = ?"
            " WHERE id = ?", (checked.title, checked.place, checked.body, checked.starts_at, checked.has_time,
                              checked.deadline_at, event.id))


def join(standing: Standing, event: Event) -> None:
    """Take part (参加), until the deadline: members of the event's community only."""
    require(standing.is_member, "communities.not_member")
    require(now() <= event.deadline_at, "events.closed")
    require(not event.joined, "events.already_joined")
    execute("INSERT INTO community_event_participants (event_id, member_id, joined_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING", (event.id, standing.viewer_id, now()))


def cancel(standing: Standing, event: Event) -> None:
    """Stop taking part (キャンセル), until the deadline."""
    require(event.joined, "events.not_joined")
    require(now() <= event.deadline_at, "events.closed")
    execute("DELETE FROM community_event_participants WHERE event_id = ? AND member_id = ?",
            (event.id, standing.viewer_id))


def remove(standing: Standing, event: Event) -> None:
    """Remove the event and its list of participants: its creator and the moderators."""
    require(may_remove_item(standing, event.author_id, False), "communities.not_yours")
    execute("DELETE FROM community_events WHERE id = ?", (event.id,))


# ---------------------------------------------------------------------------
# Participants: the list and its count share one condition


class Participant(NamedTuple):
    id: int
    nickname: str
    joined_at: int


_PARTICIPANTS_FROM = (
    " FROM community_event_participants p JOIN members m ON m.id = p.member_id"
    f" WHERE p.event_id = ? AND {not_blocked_sql('p.member_id')}"
)


def participants(viewer_id: int, event: Event, limit: int = 20, before: str | None = None) -> Page:
    """Who takes part, in the order they joined, without members on either side of a block
    with the viewer."""
    cursor = parse_cursor(before)
    sql = "SELECT m.id, m.nickname, p.joined_at" + _PARTICIPANTS_FROM
    args: tuple = (event.id, viewer_id, viewer_id)
    if cursor:
        sql += " AND (p.joined_at, p.member_id) > (?, ?)"
        args += cursor
    rows = [Participant(*r) for r in fetchall(sql + " ORDER BY p.joined_at, p.member_id LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda row: f"{row.joined_at}_{row.id}")


def participant_count(viewer_id: int, event: Event) -> int:
    """How many the viewer's :func:`participants` list holds."""
    return scalar("SELECT COUNT(*)" + _PARTICIPANTS_FROM, (event.id, viewer_id, viewer_id))


# ---------------------------------------------------------------------------
# Lists of events


class EventRow(NamedTuple):
    id: int
    community_id: int
    title: str
    place: str
    starts_at: int
    has_time: bool
    deadline_at: int
    joined: bool
    community_name: str = ""


_ROW = ("e.id, e.community_id, e.title, e.place, e.starts_at, e.has_time, e.deadline_at,"
        " EXISTS(SELECT 1 FROM community_event_participants p WHERE p.event_id = e.id AND p.member_id = ?)")


def _rows(rows) -> list[EventRow]:
    return [EventRow(*r[:5], bool(r[5]), r[6], bool(r[7]), *r[8:]) for r in rows]


def community_events(standing: Standing, past: bool = False, limit: int = 10, before: str | None = None) -> Page:
    """The community's events: those from today on, soonest first; or (``past``) those
    before today, latest first.  Events by members on either side of a block with the
    viewer are left out; none at all for a viewer who may not read the community."""
    if not standing.can_read:
        return Page([], None)
    v = standing.viewer_id
    cursor = parse_cursor(before)
    sql = (f"SELECT {_ROW} FROM community_events e WHERE e.community_id = ? AND {not_blocked_sql('e.author_id')}"
           f" AND e.starts_at {'<' if past else '>='} ?")
    args: tuple = (v, standing.community.id, v, v, day_start(now()))
    if cursor:
        sql += f" AND (e.starts_at, e.id) {'<' if past else '>'} (?, ?)"
        args += cursor
    order = "DESC" if past else ""
    rows = _rows(fetchall(sql + f" ORDER BY e.starts_at {order}, e.id {order} LIMIT ?", args + (limit + 1,)))
    return page_of(rows, limit, lambda row: f"{row.starts_at}_{row.id}")


def upcoming_for(member_id: int, limit: int = 5) -> list[EventRow]:
    """Events from today on in the communities ``member_id`` belongs to, soonest first
    (for home), with whether they take part; none by members on either side of a block."""
    sql = (
        "WITH joined AS MATERIALIZED (SELECT community_id FROM community_members WHERE member_id = ?)"
        f" SELECT {_ROW}, c.name FROM joined JOIN community_events e ON e.community_id = joined.community_id"
        " JOIN communities c ON c.id = e.community_id"
        f" WHERE e.starts_at >= ? AND {not_blocked_sql('e.author_id')}"
        " ORDER BY e.starts_at, e.id LIMIT ?"
    )
    return _rows(fetchall(sql, (member_id, member_id, day_start(now()), member_id, member_id, limit)))


# ---------------------------------------------------------------------------
# What a member owns (keitai.accounts.owned)


def export_member(member_id: int) -> list[dict]:
    """The events ``member_id`` created, and those they take part in."""
    made = fetchall(
        "SELECT id, community_id, title, place, body, starts_at, has_time, deadline_at, created_at"
        " FROM community_events WHERE author_id = ? ORDER BY id", (member_id,))
    keys = ("id", "community_id", "title", "place", "body", "starts_at", "has_time", "deadline_at", "created_at")
    rows = [dict(zip(keys, r), created_by_me=True) for r in made]
    for event_id, title, joined_at in fetchall(
            "SELECT e.id, e.title, p.joined_at FROM community_event_participants p"
            " JOIN community_events e ON e.id = p.event_id WHERE p.member_id = ? ORDER BY p.joined_at, p.event_id",
            (member_id,)):
        rows.append({"id": event_id, "title": title, "joined_at": joined_at, "created_by_me": False})
    return rows


def delete_member(member_id: int) -> None:
    """Remove the events ``member_id`` created (with their lists) and their place in others'."""
    execute("DELETE FROM community_event_participants WHERE member_id = ?", (member_id,))
    execute("DELETE FROM community_events WHERE author_id = ?", (member_id,))
