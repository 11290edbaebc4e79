"""通報 (reports) of any kind of member content, in one queue for the operators.

``reports``: what a member reported (``kind`` as registered by its feature with
keitai.reports.rules.register_kind, ``ref_id`` the item), its author at the time (for a
forced 退会), why, and the operator's answer.  Community reports (``community_reports``:
topics and their comments) move into it as kinds ``topic`` and ``topic_comment``, so
operators have one queue, not two.
"""


def up(m):
    m.sql("""
    CREATE TABLE reports (
        {pk},
        kind {text} NOT NULL,
        ref_id {bigint} NOT NULL,
        author_id {bigint} REFERENCES members(id) ON DELETE CASCADE,
        reporter_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        reason {text} NOT NULL,
        note {text} NOT NULL DEFAULT '',
        created_at {bigint} NOT NULL,
        resolved_at {bigint},
        resolved_by {bigint} REFERENCES members(id) ON DELETE SET NULL,
        outcome {text} NOT NULL DEFAULT ''
    )""")
    # The operator's queue (open ones, oldest first), one item's reports, a member's.
    m.sql("CREATE INDEX reports_open ON reports (id) WHERE resolved_at IS NULL")
    m.sql("CREATE INDEX reports_item ON reports (kind, ref_id)")
    m.sql("CREATE INDEX reports_reporter ON reports (reporter_id)")
    m.sql("CREATE INDEX reports_author ON reports (author_id)")
    m.sql("CREATE INDEX reports_resolved_by ON reports (resolved_by)")
    m.sql("""
    INSERT INTO reports (kind, ref_id, author_id, reporter_id, reason, note, created_at, resolved_at, resolved_by,
                         outcome)
    SELECT CASE WHEN r.comment_id IS NULL THEN 'topic' ELSE 'topic_comment' END,
           COALESCE(r.comment_id, r.topic_id),
           CASE WHEN r.comment_id IS NULL THEN t.author_id ELSE c.author_id END,
           r.reporter_id, r.reason, r.note, r.created_at, r.resolved_at, r.resolved_by, r.outcome
    FROM community_reports r JOIN community_topics t ON t.id = r.topic_id
    LEFT JOIN community_comments c ON c.id = r.comment_id
    ORDER BY r.id""")
    m.sql("DROP TABLE community_reports")
