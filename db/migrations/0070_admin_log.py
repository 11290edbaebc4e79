"""What operators did (suspensions, site switches, the notice): who, when, why."""


def up(m):
    m.sql("""
    CREATE TABLE admin_log (
        {pk},
        admin_id {bigint} REFERENCES members(id) ON DELETE SET NULL,
        action {text} NOT NULL,
        member_id {bigint} REFERENCES members(id) ON DELETE SET NULL,
        note {text} NOT NULL DEFAULT '',
        prior_status {text} NOT NULL DEFAULT '',
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX admin_log_member ON admin_log (member_id, id)")
