"""通報: members report content that breaks the rules; operators judge it in one queue.

A kind of content is reportable once its feature registers it from its ``install(app)``
(:func:`register_kind`): how to find an item whatever its audience (the operator has to see
it to judge it), whether a member may see it (only what one may see may be reported), and
how to take it down (hidden from everyone).  Kinds now: ``profile``, ``diary``,
``diary_comment``, ``community``, ``topic``, ``topic_comment``, ``message``.

A report names the item's author at the time, for a forced 退会.  The operator takes the item
down, makes its author leave, or dismisses the report; each closes every open report on the
item and is written to the operators' log with its reason (keitai/admin does the logging).
A community's own admins see and answer the reports on their board's topics and comments
(keitai.communities.moderation): the same rows, so nothing is judged twice.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from keitai.platform.db.connection import execute, fetchall, fetchone, now
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.words import Refused

#: Why a member reports something: key -> what the operators (and a board's admins) see.
REASONS = {
    "abuse": "誹謗中傷・嫌がらせ",
    "spam": "宣伝・スパム",
    "obscene": "わいせつな内容",
    "personal": "個人情報の書き込み",
    "other": "その他",
}
NOTE_MAX = 500


class Reported(NamedTuple):
    """A reported item as a kind's ``find`` describes it."""

    author_id: int | None
    title: str  # a short heading: the entry's title, the member's nickname...
    body: str  # what was written
    route: str  # its page, for those who may see it
    args: dict


class Kind(NamedTuple):
    label: str  # what members call it: 日記, 日記のコメント...
    find: Callable[[int], Reported | None]
    may_see: Callable[[int, int], bool]  # (viewer_id, ref_id)
    take_down: Callable[[int, int], None]  # (ref_id, operator_id)


KINDS: dict[str, Kind] = {}


def register_kind(kind: str, *, label: str, find: Callable[[int], Reported | None],
                  may_see: Callable[[int, int], bool], take_down: Callable[[int, int], None]) -> None:
    """Make items of ``kind`` reportable (from the feature's ``install(app)``)::

        register_kind("diary", label="日記", find=find_entry, may_see=can_read, take_down=remove_entry)

    ``find(ref_id)``: the item whatever its audience, or None when it is gone;
    ``may_see(viewer_id, ref_id)``: the item's own audience rule; ``take_down(ref_id,
    operator_id)``: hide it from everyone (delete it, or mark it removed)."""
    KINDS[kind] = Kind(label, find, may_see, take_down)


def require(condition: bool, code: str, **values) -> None:
    if not condition:
        raise Refused(code, **values)


def reportable(viewer_id: int, kind: str, ref_id: int) -> tuple[Kind, Reported] | None:
    """The kind and item if ``viewer_id`` may report it (it exists and they may see it)."""
    found = KINDS.get(kind)
    item = found.find(ref_id) if found else None
    if item is None or not found.may_see(viewer_id, ref_id):
        return None
    return found, item


def file_report(viewer_id: int, kind: str, ref_id: int, reason: str, note: str = "") -> None:
    """A member reports an item they may see (not their own, once until it is answered)."""
    found = reportable(viewer_id, kind, ref_id)
    require(found is not None, "reports.not_found")
    _kind, item = found
    require(item.author_id != viewer_id, "reports.own")
    require(reason in REASONS, "reports.bad_reason")
    note = note.strip().replace("\r\n", "\n")
    require(len(note) <= NOTE_MAX, "reports.note_too_long", limit=NOTE_MAX)
    require(fetchone("SELECT 1 FROM reports WHERE kind = ? AND ref_id = ? AND reporter_id = ? AND resolved_at IS NULL",
                     (kind, ref_id, viewer_id)) is None, "reports.already")
    execute("INSERT INTO reports (kind, ref_id, author_id, reporter_id, reason, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (kind, ref_id, item.author_id, viewer_id, reason, note, now()))


def close(kind: str, ref_id: int, by: int | None, outcome: str) -> int:
    """Close every open report on an item (taken down, dismissed, or removed by its board's
    admins); returns how many."""
    return execute("UPDATE reports SET resolved_at = ?, resolved_by = ?, outcome = ?"
                   " WHERE kind = ? AND ref_id = ? AND resolved_at IS NULL",
                   (now(), by, outcome, kind, ref_id)).rowcount


class QueueItem(NamedTuple):
    """An open report as the operators' queue shows it, with the item itself."""

    id: int
    kind: str
    label: str
    ref_id: int
    reason: str
    note: str
    created_at: int
    reporter_id: int
    reporter_nickname: str
    author_id: int | None
    author_nickname: str | None
    item: Reported | None  # None: gone meanwhile
    others: int  # other open reports on the same item

    @property
    def reason_name(self) -> str:
        return REASONS.get(self.reason, REASONS["other"])


_QUEUE = (
    "SELECT r.id, r.kind, r.ref_id, r.reason, r.note, r.created_at, r.reporter_id, rp.nickname, r.author_id,"
    " a.nickname, (SELECT COUNT(*) FROM reports o WHERE o.kind = r.kind AND o.ref_id = r.ref_id AND o.id <> r.id"
    "  AND o.resolved_at IS NULL)"
    " FROM reports r JOIN members rp ON rp.id = r.reporter_id LEFT JOIN members a ON a.id = r.author_id"
    " WHERE r.resolved_at IS NULL"
)


def _queue_item(row) -> QueueItem:
    report_id, kind, ref_id, reason, note, created_at, reporter_id, reporter, author_id, author, others = row
    found = KINDS.get(kind)
    return QueueItem(report_id, kind, found.label if found else kind, ref_id, reason, note, created_at, reporter_id,
                     reporter, author_id, author, found.find(ref_id) if found else None, others)


def queue(limit: int = 20, before: str | None = None) -> Page:
    """Open reports, oldest first (the longest waiting is judged first), for the operators."""
    cursor = parse_cursor(before, 1)
    sql, args = _QUEUE, ()
    if cursor:
        sql, args = sql + " AND r.id > ?", cursor
    rows = [_queue_item(r) for r in fetchall(sql + " ORDER BY r.id LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda item: str(item.id))


def open_report(report_id: int) -> QueueItem | None:
    row = fetchone(_QUEUE + " AND r.id = ?", (report_id,))
    return _queue_item(row) if row else None


def open_count() -> int:
    return fetchone("SELECT COUNT(*) FROM reports WHERE resolved_at IS NULL")[0]


def take_down(report: QueueItem, operator_id: int) -> None:
    """Hide the reported item from everyone and close its reports (in the caller's transaction)."""
    found = KINDS.get(report.kind)
    require(found is not None and report.item is not None, "reports.gone")
    found.take_down(report.ref_id, operator_id)
    close(report.kind, report.ref_id, operator_id, "removed")


# --- what reports keep of a member (keitai.accounts.owned) ---------------------------------

def export(member_id: int) -> list[dict]:
    """The reports the member made (not who reported them: that stays the operators')."""
    from keitai.accounts.owned import rows

    return rows("SELECT kind, reason, note, created_at, outcome FROM reports WHERE reporter_id = ? ORDER BY id",
                (member_id,))


def delete(member_id: int) -> None:
    """Reports they made, and reports on what they wrote (it is gone with them)."""
    execute("DELETE FROM reports WHERE reporter_id = ? OR author_id = ?", (member_id, member_id))
    execute("UPDATE reports SET resolved_by = NULL WHERE resolved_by = ?", (member_id,))
