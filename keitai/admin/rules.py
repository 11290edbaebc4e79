"""The operator's rules: finding members, suspending them, the site's switches and notice.

Every change an operator makes is written to ``admin_log`` (who, what, why, when), so a
small team can see what the others did.  Only views behind the admin check call the
functions that change anything.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai.platform.db.connection import db, execute, fetchall, fetchone, now
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.words import Refused

from keitai.search import rules as search
from keitai.admin import site

#: Longest site notice and suspension reason, in characters.
NOTICE_MAX = 500
REASON_MAX = 200
#: Members per page of the operator's list.
PAGE_SIZE = 30
HANDSET_PAGE_SIZE = 10

STATUSES = ("active", "pending", "suspended")


class AdminMember(NamedTuple):
    id: int
    nickname: str
    mail: str
    status: str
    is_admin: bool
    created_at: int
    last_login_at: int | None
    friend_count: int


class LogEntry(NamedTuple):
    id: int
    admin_id: int | None
    admin_nickname: str | None
    action: str
    member_id: int | None
    member_nickname: str | None
    note: str
    created_at: int


class SiteNotice(NamedTuple):
    text: str
    updated_at: int


_MEMBER_COLUMNS = "id, nickname, mail, status, is_admin, created_at, last_login_at, friend_count"


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with its own % and _ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_members(query: str = "", status: str = "", before: str | None = None,
                 limit: int = PAGE_SIZE) -> Page:
    """Members whose nickname or mail contains ``query`` (or whose id it is), newest first.

    One page of ``limit`` :class:`AdminMember`, below the id in ``before`` (the previous
    page's ``next``; keyset paging).  Operators search rarely, so the text match scans;
    the id order uses the primary key.
    """
    where, params = [], []
    query = query.strip()
    if query:
        pattern = _like(query)
        match = "LOWER(nickname) LIKE ? ESCAPE '\\' OR LOWER(mail) LIKE ? ESCAPE '\\'"
        params += [pattern, pattern]
        if query.isascii() and query.isdecimal() and len(query) < 12:
            match += " OR id = ?"
            params.append(int(query))
        where.append(f"({match})")
    if status in STATUSES:
        where.append("status = ?")
        params.append(status)
    cursor = parse_cursor(before, parts=1)
    if cursor is not None:
        where.append("id < ?")
        params.append(cursor[0])
    sql = f"SELECT {_MEMBER_COLUMNS} FROM members"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit + 1)
    return page_of([_member(row) for row in fetchall(sql, params)], limit, lambda found: str(found.id))


def _member(row) -> AdminMember:
    return AdminMember(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7])


def member(member_id: int) -> AdminMember | None:
    row = fetchone(f"SELECT {_MEMBER_COLUMNS} FROM members WHERE id = ?", (member_id,))
    return _member(row) if row else None


def member_counts() -> dict[str, int]:
    """How many members have each status (every status listed, zero when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in fetchall("SELECT status, COUNT(*) FROM members GROUP BY status"):
        counts[status] = count
    return counts


def _log(admin_id: int, action: str, member_id: int | None = None, note: str = "", prior: str = "") -> None:
    execute(
        "INSERT INTO admin_log (admin_id, action, member_id, note, prior_status, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (admin_id, action, member_id, note, prior, now()),
    )


_LOG = (
    "SELECT l.id, l.admin_id, a.nickname, l.action, l.member_id, m.nickname, l.note, l.created_at"
    " FROM admin_log l LEFT JOIN members a ON a.id = l.admin_id LEFT JOIN members m ON m.id = l.member_id"
)


def recent_log(limit: int = 10) -> list[LogEntry]:
    """The latest operator actions, newest first."""
    return [LogEntry(*row) for row in fetchall(_LOG + " ORDER BY l.id DESC LIMIT ?", (limit,))]


def member_log(member_id: int, limit: int = 20) -> list[LogEntry]:
    """Operator actions about one member, newest first."""
    return [LogEntry(*row) for row in fetchall(
        _LOG + " WHERE l.member_id = ? ORDER BY l.id DESC LIMIT ?", (member_id, limit))]


def suspend(admin_id: int, member_id: int, reason: str) -> None:
    """Suspend a member, or raise :class:`~keitai.words.Refused` having changed nothing.

    Suspended members cannot sign in, and an open session ends at its next request
    (sessions load only active members; the admin view also ends them at once); their earlier
    status is kept in the log so that lifting the suspension restores it.
    """
    reason = reason.strip()
    if not reason:
        raise Refused("admin.reason_required")
    if len(reason) > REASON_MAX:
        raise Refused("admin.reason_too_long", limit=REASON_MAX)
    if member_id == admin_id:
        raise Refused("admin.not_yourself")
    with db.atomic():
        found = member(member_id)
        if found is None:
            raise Refused("admin.no_such_member")
        if found.status == "suspended":
            raise Refused("admin.already_suspended")
        execute("UPDATE members SET status = 'suspended' WHERE id = ?", (member_id,))
        _log(admin_id, "suspend", member_id, reason, prior=found.status)
        search.index_member(member_id)  # a suspended member is not found


def unsuspend(admin_id: int, member_id: int) -> None:
    """Lift a suspension, giving back the status the member had (or raise Refused)."""
    with db.atomic():
        found = member(member_id)
        if found is None:
            raise Refused("admin.no_such_member")
        if found.status != "suspended":
            raise Refused("admin.not_suspended")
        prior = fetchone(
            "SELECT prior_status FROM admin_log WHERE member_id = ? AND action = 'suspend'"
            " ORDER BY id DESC LIMIT 1", (member_id,))
        restored = prior[0] if prior and prior[0] in ("active", "pending") else "active"
        execute("UPDATE members SET status = ? WHERE id = ?", (restored, member_id))
        _log(admin_id, "unsuspend", member_id, prior="suspended")
        search.index_member(member_id)


def set_invitation_only(admin_id: int, on: bool) -> None:
    with db.atomic():
        site.put("invitation_only", on)
        _log(admin_id, "invitation_only", note="on" if on else "off")


def site_notice() -> SiteNotice | None:
    """The operator's notice for every member's home page, or None."""
    row = fetchone("SELECT value, updated_at FROM site_settings WHERE name = 'notice'")
    if row is None or not row[0].strip():
        return None
    return SiteNotice(row[0], row[1])


def set_site_notice(admin_id: int, text: str) -> None:
    """Replace the notice (empty text takes it down), or raise Refused if it is too long."""
    text = text.strip().replace("\r\n", "\n")
    if len(text) > NOTICE_MAX:
        raise Refused("admin.notice_too_long", limit=NOTICE_MAX)
    with db.atomic():
        site.put("notice", text)
        _log(admin_id, "notice", note=text[:100])


REPORT_ACTIONS = ("takedown", "withdraw", "dismiss")


def act_on_report(admin_id: int, report_id: int, action: str, reason: str) -> None:
    """Answer an open report (or raise Refused having changed nothing): take the item down
    (hidden from everyone), make its author leave (退会, everything of theirs deleted), or
    dismiss it.  Each closes every open report on the item and is logged with its reason."""
    from keitai.accounts import withdraw as leaving
    from keitai.reports import rules as reports

    reason = reason.strip()
    if action not in REPORT_ACTIONS:
        raise Refused("admin.bad_action")
    if action != "dismiss" and not reason:
        raise Refused("admin.reason_required")
    if len(reason) > REASON_MAX:
        raise Refused("admin.reason_too_long", limit=REASON_MAX)
    found = reports.open_report(report_id)
    if found is None:
        raise Refused("admin.no_report")
    what = f"{found.label}「{found.item.title if found.item else ''}」"[:100]
    note = f"{what} {reason}".strip()
    if action == "takedown":
        with db.atomic():
            reports.take_down(found, admin_id)
            _log(admin_id, "takedown", found.author_id, note)
    elif action == "withdraw":
        if found.author_id is None:
            raise Refused("admin.no_such_member")
        if found.author_id == admin_id:
            raise Refused("admin.not_yourself")
        leaving.withdraw(found.author_id)  # its reports go with what it wrote
        _log(admin_id, "withdraw", None, f"{found.author_nickname}（会員番号{found.author_id}）: {note}")
    else:
        with db.atomic():
            reports.close(found.kind, found.ref_id, admin_id, "dismissed")
            _log(admin_id, "dismiss", found.author_id, note)
