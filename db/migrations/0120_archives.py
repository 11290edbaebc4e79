"""データのダウンロード: a member's archive of what they wrote, asked for from the settings.

Built at once for a small account, else by ``run.py archives`` (a job: ``status`` goes
waiting, building, ready); its zip file lives under the media folder until ``expires_at``.
"""


def up(m):
    m.sql("""
    CREATE TABLE archives (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        status {text} NOT NULL DEFAULT 'waiting',
        file {text},
        bytes {bigint} NOT NULL DEFAULT 0,
        created_at {bigint} NOT NULL,
        started_at {bigint},
        ready_at {bigint},
        expires_at {bigint}
    )""")
    m.sql("CREATE INDEX archives_member ON archives (member_id, id)")
    m.sql("CREATE INDEX archives_waiting ON archives (id) WHERE status = 'waiting'")
