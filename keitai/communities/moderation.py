"""Moderation: the reports on a board's topics and comments (made with the one 通報 form of
keitai.reports, in its one table) as the community's admins see and answer them; counts for
the admins' notices."""
from __future__ import annotations

from typing import NamedTuple

from keitai.platform.db.connection import fetchall, fetchone, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.privacy import shown_member_sql
from keitai.reports import rules as reports

from . import board
from .rules import Standing, require


class ReportRow(NamedTuple):
    id: int
    community_id: int
    community_name: str
    topic_id: int
    topic_title: str
    comment_id: int | None
    comment_number: int | None
    author_id: int | None
    author_nickname: str | None
    body: str  # what was reported: the comment's words, or the topic's
    reason: str
    note: str
    reporter_id: int
    reporter_nickname: str
    created_at: int

    @property
    def reason_name(self) -> str:
        return reports.REASONS.get(self.reason, reports.REASONS["other"])


# A report on a topic or on one of its comments, with its community.
_REPORTS = (
    "SELECT r.id, c.id, c.name, t.id, t.title, cm.id, cm.number,"
    " COALESCE(cm.author_id, t.author_id), a.nickname, COALESCE(cm.body, t.body), r.reason, r.note,"
    " r.reporter_id, rp.nickname, r.created_at"
    " FROM reports r LEFT JOIN community_comments cm ON r.kind = 'topic_comment' AND cm.id = r.ref_id"
    " JOIN community_topics t ON t.id = CASE WHEN r.kind = 'topic' THEN r.ref_id ELSE cm.topic_id END"
    " JOIN communities c ON c.id = t.community_id"
    " LEFT JOIN members a ON a.id = COALESCE(cm.author_id, t.author_id)"
    " JOIN members rp ON rp.id = r.reporter_id"
    " WHERE r.resolved_at IS NULL AND r.kind IN ('topic', 'topic_comment')"
)


_SHOWN_AUTHOR = shown_member_sql("COALESCE(cm.author_id, t.author_id)")


def community_reports(standing: Standing, limit: int = 10, before: str | None = None) -> Page:
    """Open reports in this community, newest first, for its moderators.

    Items by a member on either side of a block with the viewing admin, or suspended, are
    left for the other admins and the site's (:func:`open_report_count` counts the same).
    """
    if not standing.can_moderate:
        return Page([], None)
    cursor = parse_cursor(before, 1)
    v = standing.viewer_id
    sql = _REPORTS + f" AND c.id = ? AND {_SHOWN_AUTHOR}"
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND r.id < ?"
        args += cursor
    rows = [ReportRow(*r) for r in fetchall(sql + " ORDER BY r.id DESC LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda row: str(row.id))


def resolve_report(standing: Standing, report_id: int, remove: bool) -> None:
    """Act on a report: remove what was reported, or judge it fine (closes every open report on it)."""
    require(standing.can_moderate, "communities.not_admin")
    row = fetchone(_REPORTS + " AND r.id = ? AND c.id = ?", (report_id, standing.community.id))
    require(row is not None, "communities.no_report")
    topic_id, comment_id = row[3], row[5]
    if remove and comment_id is None:
        board.remove_topic(topic_id, standing.viewer_id)
    elif remove:
        board.remove_comment(comment_id, standing.viewer_id)
    elif comment_id is None:
        reports.close("topic", topic_id, standing.viewer_id, "dismissed")
    else:
        reports.close("topic_comment", comment_id, standing.viewer_id, "dismissed")


# ---------------------------------------------------------------------------
# Counts for notices: capped, so a backlog costs no more than a glance


COUNT_CAP = 100


def _capped_count(sql: str, args: tuple) -> int:
    return scalar(f"SELECT COUNT(*) FROM ({sql} LIMIT {COUNT_CAP}) capped", args)


def open_report_count(standing: Standing) -> int:
    """Open reports in this community that :func:`community_reports` lists for this admin (at most COUNT_CAP)."""
    v = standing.viewer_id
    return _capped_count(_REPORTS + f" AND c.id = ? AND {_SHOWN_AUTHOR}", (standing.community.id, v, v))


def open_request_count(standing: Standing) -> int:
    """Requests waiting in this community (at most COUNT_CAP)."""
    return _capped_count("SELECT 1 FROM community_join_requests WHERE community_id = ?", (standing.community.id,))


PENDING_JOIN_REQUESTS_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM community_join_requests WHERE community_id IN ("
    " SELECT id FROM communities WHERE owner_id = ?"
    " UNION SELECT community_id FROM community_members WHERE member_id = ? AND role = 'subadmin')"
    f" LIMIT {COUNT_CAP}) capped"
)


def pending_join_requests_count(admin_member_id: int) -> int:
    """Requests waiting in the communities this member owns or sub-administers (at most COUNT_CAP).

    For the home notifications.
    """
    return scalar(PENDING_JOIN_REQUESTS_COUNT_SQL, (admin_member_id, admin_member_id))


