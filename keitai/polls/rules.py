"""Community polls (アンケート): who may see, create, vote in and remove one, and when the
counts are shown.

- A poll belongs to a community and is seen by whoever may read that community's board
  (:attr:`keitai.communities.Standing.can_read`); a poll by a member on either side of a
  block with the viewer is not found, like a topic.
- Members who may open a topic create polls (the community's topic policy): a question,
  :data:`MIN_CHOICES` to :data:`MAX_CHOICES` choices and a closing day (the poll closes at
  the end of it).
- One vote per member of the community; a member changes it freely until the poll
  closes; a closed poll takes no votes (it is read-only).
- **When the counts are shown**: to a viewer who has voted, and to everyone who may read
  the poll once it has closed.  Before that the choices come without counts, so what
  others chose does not steer a member's own vote (mixi's アンケート showed results after
  voting, too).
- Votes are anonymous; each choice's count leaves out the votes of members on either side
  of a block with the viewer, as every list on the site leaves them out, so a count never
  moves with a blocked member's vote.
- The poll's creator and the community's moderators remove it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from keitai.communities.rules import Standing, may_remove_item, require
from keitai.events.rules import YEARS_AHEAD, end_of_day, parse_date, today  # one reading of typed dates
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, now
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.privacy import not_blocked_sql
from keitai.words import Refused

QUESTION_MAX = 200
CHOICE_MAX = 50
MIN_CHOICES = 2
MAX_CHOICES = 5


class Draft(NamedTuple):
    question: str
    choices: tuple[str, ...]  # as typed, empty ones included
    closes: str


class Checked(NamedTuple):
    question: str
    choices: tuple[str, ...]
    closes_at: int


def check_poll(draft: Draft) -> tuple[Checked | None, list[str]]:
    """What would be stored of ``draft``, and every problem with it."""
    errors: list[str] = []
    question = draft.question.strip()
    choices = tuple(c.strip() for c in draft.choices if c.strip())
    if not question:
        errors.append(Refused("polls.question_required").message)
    elif len(question) > QUESTION_MAX:
        errors.append(Refused("polls.too_long", field="質問", limit=QUESTION_MAX).message)
    if len(draft.choices) > MAX_CHOICES:
        errors.append(Refused("polls.too_many_choices", limit=MAX_CHOICES).message)
    elif len(choices) < MIN_CHOICES:
        errors.append(Refused("polls.few_choices", least=MIN_CHOICES).message)
    if any(len(c) > CHOICE_MAX for c in choices):
        errors.append(Refused("polls.too_long", field="選択肢", limit=CHOICE_MAX).message)
    if len(set(choices)) != len(choices):
        errors.append(Refused("polls.same_choice").message)
    start = today()
    day = parse_date(draft.closes)
    if day is None:
        errors.append(Refused("polls.bad_date").message)
    elif day < start:
        errors.append(Refused("polls.date_past").message)
    elif (day - start).days > 365 * YEARS_AHEAD:
        errors.append(Refused("polls.date_far", years=YEARS_AHEAD).message)
    if errors:
        return None, errors
    return Checked(question, choices, end_of_day(day)), []


class Choice(NamedTuple):
    id: int
    label: str
    count: int | None  # None when the viewer is not shown counts yet
    mine: bool


@dataclass(frozen=True)
class Poll:
    id: int
    community_id: int
    author_id: int
    author_nickname: str
    question: str
    closes_at: int
    created_at: int
    my_choice: int | None  # the viewer's vote
    # What the viewer may do and see (see :func:`as_seen_by`).
    open: bool = False
    may_vote: bool = False
    shows_counts: bool = False
    may_remove: bool = False


_POLL = (
    "SELECT p.id, p.community_id, p.author_id, a.nickname, p.question, p.closes_at, p.created_at,"
    " (SELECT v.choice_id FROM community_poll_votes v WHERE v.poll_id = p.id AND v.member_id = ?)"
    " FROM community_polls p JOIN members a ON a.id = p.author_id"
    f" WHERE p.id = ? AND {not_blocked_sql('p.author_id')}"
)


def get_poll(poll_id: int, viewer_id: int) -> Poll | None:
    """The poll, or None if there is none or a block stands between its creator and the viewer."""
    row = fetchone(_POLL, (viewer_id, poll_id, viewer_id, viewer_id))
    return None if row is None else Poll(*row)


def as_seen_by(standing: Standing, poll: Poll) -> Poll:
    is_open = now() <= poll.closes_at
    return replace(poll, open=is_open, may_vote=is_open and standing.is_member,
                   shows_counts=not is_open or poll.my_choice is not None,
                   may_remove=may_remove_item(standing, poll.author_id, False))


def choices(viewer_id: int, poll: Poll) -> list[Choice]:
    """The poll's choices in order, with their counts if ``poll`` (as seen by the viewer)
    shows them; a count leaves out votes of members on either side of a block with the viewer."""
    if not poll.shows_counts:
        rows = fetchall("SELECT id, label FROM community_poll_choices WHERE poll_id = ? ORDER BY position", (poll.id,))
        return [Choice(r[0], r[1], None, r[0] == poll.my_choice) for r in rows]
    rows = fetchall(
        "SELECT ch.id, ch.label, (SELECT COUNT(*) FROM community_poll_votes v WHERE v.choice_id = ch.id"
        f" AND {not_blocked_sql('v.member_id')})"
        " FROM community_poll_choices ch WHERE ch.poll_id = ? ORDER BY ch.position",
        (viewer_id, viewer_id, poll.id),
    )
    return [Choice(r[0], r[1], r[2], r[0] == poll.my_choice) for r in rows]


def create_poll(standing: Standing, checked: Checked) -> int:
    require(standing.is_member, "communities.not_member")
    require(standing.can_open_topic, "polls.admins_only")
    with db.atomic():
        poll_id = insert_id(
            "INSERT INTO community_polls (community_id, author_id, question, closes_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (standing.community.id, standing.viewer_id, checked.question, checked.closes_at, now()),
        )
        for position, label in enumerate(checked.choices, 1):
            execute("INSERT INTO community_poll_choices (poll_id, position, label) VALUES (?, ?, ?)",
                    (poll_id, position, label))
    return poll_id


def vote(standing: Standing, poll: Poll, choice_id: int | None) -> None:
    """Vote for ``choice_id``, or change one's vote to it, while the poll is open."""
    require(standing.is_member, "communities.not_member")
    require(now() <= poll.closes_at, "polls.closed")
    require(choice_id is not None and fetchone(
        "SELECT 1 FROM community_poll_choices WHERE id = ? AND poll_id = ?", (choice_id, poll.id)) is not None,
        "polls.choose")
    execute(
        "INSERT INTO community_poll_votes (poll_id, member_id, choice_id, voted_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (poll_id, member_id) DO UPDATE SET choice_id = excluded.choice_id, voted_at = excluded.voted_at",
        (poll.id, standing.viewer_id, choice_id, now()),
    )


def remove(standing: Standing, poll: Poll) -> None:
    require(may_remove_item(standing, poll.author_id, False), "communities.not_yours")
    execute("DELETE FROM community_polls WHERE id = ?", (poll.id,))


class PollRow(NamedTuple):
    id: int
    question: str
    closes_at: int
    voted: bool

    @property
    def closed(self) -> bool:
        return now() > self.closes_at


def community_polls(standing: Standing, limit: int = 10, before: str | None = None) -> Page:
    """The community's polls, newest first, without those by members on either side of a
    block with the viewer; none for a viewer who may not read the community."""
    if not standing.can_read:
        return Page([], None)
    v = standing.viewer_id
    cursor = parse_cursor(before, 1)
    sql = ("SELECT p.id, p.question, p.closes_at,"
           " EXISTS(SELECT 1 FROM community_poll_votes v WHERE v.poll_id = p.id AND v.member_id = ?)"
           f" FROM community_polls p WHERE p.community_id = ? AND {not_blocked_sql('p.author_id')}")
    args: tuple = (v, standing.community.id, v, v)
    if cursor:
        sql += " AND p.id < ?"
        args += cursor
    rows = [PollRow(r[0], r[1], r[2], bool(r[3]))
            for r in fetchall(sql + " ORDER BY p.id DESC LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda row: str(row.id))


# ---------------------------------------------------------------------------
# What a member owns (keitai.accounts.owned)


def export_member(member_id: int) -> list[dict]:
    """The polls ``member_id`` created (with their choices) and their votes."""
    rows = []
    for poll_id, community_id, question, closes_at, created_at in fetchall(
            "SELECT id, community_id, question, closes_at, created_at FROM community_polls WHERE author_id = ?"
            " ORDER BY id", (member_id,)):
        labels = [r[0] for r in fetchall(
            "SELECT label FROM community_poll_choices WHERE poll_id = ? ORDER BY position", (poll_id,))]
        rows.append({"id": poll_id, "community_id": community_id, "question": question, "choices": labels,
                     "closes_at": closes_at, "created_at": created_at, "created_by_me": True})
    for poll_id, question, label, voted_at in fetchall(
            "SELECT p.id, p.question, ch.label, v.voted_at FROM community_poll_votes v"
            " JOIN community_polls p ON p.id = v.poll_id JOIN community_poll_choices ch ON ch.id = v.choice_id"
            " WHERE v.member_id = ? ORDER BY v.voted_at", (member_id,)):
        rows.append({"id": poll_id, "question": question, "my_vote": label, "voted_at": voted_at,
                     "created_by_me": False})
    return rows


def delete_member(member_id: int) -> None:
    """Remove the polls ``member_id`` created and their votes in others'."""
    execute("DELETE FROM community_poll_votes WHERE member_id = ?", (member_id,))
    execute("DELETE FROM community_polls WHERE author_id = ?", (member_id,))
