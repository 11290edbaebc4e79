"""Moderation: members' reports and the admins' answers; counts for the admins' notices."""
from __future__ import annotations

from typing import NamedTuple

from keitai.platform.db.connection import execute, fetchall, fetchone, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.privacy import shown_member_sql

from . import board
from .rules import REPORT_NOTE_MAX, REPORT_REASONS, Standing, checked_text, require
from .board import Comment, Topic


def report(standing: Standing, topic: Topic, comment: Comment | None, reason: str, note: str = "") -> None:
    """A member tells the admins a topic or comment breaks the rules."""
    require(standing.can_read, "communities.members_only")
    require(not topic.deleted, "communities.topic_deleted")
    require(not (comment and comment.deleted), "communities.comment_deleted")
    require(reason in REPORT_REASONS, "communities.bad_reason")
    note = checked_text(note, REPORT_NOTE_MAX)
    comment_id = comment.id if comment else None
    same = "comment_id = ?" if comment_id else "comment_id IS NULL"
    already = fetchone(
        f"SELECT 1 FROM community_reports WHERE topic_id = ? AND {same} AND reporter_id = ? AND resolved_at IS NULL",
        (topic.id, *((comment_id,) if comment_id else ()), standing.viewer_id),
    )
    require(already is None, "communities.already_reported")
    execute(
        "INSERT INTO community_reports (community_id, topic_id, comment_id, reporter_id, reason, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (topic.community_id, topic.id, comment_id, standing.viewer_id, reason, note, now()),
    )


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
        return REPORT_REASONS.get(self.reason, REPORT_REASONS["other"])


_REPORTS = (
    "SELECT r.id, r.community_id, c.name, r.topic_id, t.title, r.comment_id, cm.number,"
    " COALESCE(cm.author_id, t.author_id), a.nickname, COALESCE(cm.body, t.body), r.reason, r.note,"
    " r.reporter_id, rp.nickname, r.created_at"
    " FROM community_reports r JOIN communities c ON c.id = r.community_id"
    " JOIN community_topics t ON t.id = r.topic_id"
    " LEFT JOIN community_comments cm ON cm.id = r.comment_id"
    " LEFT JOIN members a ON a.id = COALESCE(cm.author_id, t.author_id)"
    " JOIN members rp ON rp.id = r.reporter_id"
    " WHERE r.resolved_at IS NULL"
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
    sql = _REPORTS + f" AND r.community_id = ? AND {_SHOWN_AUTHOR}"
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND r.id < ?"
        args += cursor
    rows = [ReportRow(*r) for r in fetchall(sql + " ORDER BY r.id DESC LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda row: str(row.id))


def open_reports(limit: int = 50, before: str | None = None) -> Page:
    """Open reports across all communities, newest first (for the site's admin pages).

    Each row names its community; ``/community/<community_id>/reports`` is where a
    site admin acts on it.
    """
    cursor = parse_cursor(before, 1)
    sql, args = _REPORTS, ()
    if cursor:
        sql, args = sql + " AND r.id < ?", cursor
    rows = [ReportRow(*r) for r in fetchall(sql + " ORDER BY r.id DESC LIMIT ?", args + (limit + 1,))]
    return page_of(rows, limit, lambda row: str(row.id))


def resolve_report(standing: Standing, report_id: int, remove: bool) -> None:
    """Act on a report: remove what was reported, or judge it fine (closes every open report on it)."""
    require(standing.can_moderate, "communities.not_admin")
    row = fetchone(
        "SELECT topic_id, comment_id FROM community_reports WHERE id = ? AND community_id = ? AND resolved_at IS NULL",
        (report_id, standing.community.id),
    )
    require(row is not None, "communities.no_report")
    topic_id, comment_id = row
    if remove and comment_id is None:
        board.remove_topic(topic_id, standing.viewer_id)
    elif remove:
        board.remove_comment(comment_id, standing.viewer_id)
    else:
        same = "comment_id = ?" if comment_id else "comment_id IS NULL"
        execute(
            "UPDATE community_reports SET resolved_at = ?, resolved_by = ?, outcome = 'dismissed'"
            f" WHERE topic_id = ? AND {same} AND resolved_at IS NULL",
            (now(), standing.viewer_id, topic_id, *((comment_id,) if comment_id else ())),
        )


# ---------------------------------------------------------------------------
# Counts for notices: capped, so a backlog costs no more than a glance


COUNT_CAP = 100


def _capped_count(sql: str, args: tuple) -> int:
    return scalar(f"SELECT COUNT(*) FROM ({sql} LIMIT {COUNT_CAP}) capped", args)


def open_report_count(standing: Standing) -> int:
    """Open reports in this community that :func:`community_reports` lists for this admin (at most COUNT_CAP)."""
    v = standing.viewer_id
    return _capped_count(
        "SELECT 1 FROM community_reports r JOIN community_topics t ON t.id = r.topic_id"
        " LEFT JOIN community_comments cm ON cm.id = r.comment_id"
        f" WHERE r.community_id = ? AND r.resolved_at IS NULL AND {_SHOWN_AUTHOR}", (standing.community.id, v, v)
    )


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


