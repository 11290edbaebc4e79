"""Notice mails (keitai/notify): per member and kind, whether the member switched the mail off
(``muted``) and when one was last mailed and not yet looked at (``mailed_at``; NULL once the
member has visited the page it points to).  No row: on, nothing waiting."""


def up(m):
    m.sql("""
    CREATE TABLE notice_mail (
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        kind {text} NOT NULL,
        muted {bool} NOT NULL DEFAULT {false},
        mailed_at {bigint},
        PRIMARY KEY (member_id, kind)
    )""")
