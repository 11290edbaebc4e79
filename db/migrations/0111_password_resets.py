"""Password reset links: only a SHA-256 of each token is kept; a link works once, for a short
time, and every outstanding link of a member ends when one of them is used."""


def up(m):
    m.sql("""
    CREATE TABLE password_resets (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        token_hash {text} NOT NULL UNIQUE,
        created_at {bigint} NOT NULL,
        expires_at {bigint} NOT NULL,
        used_at {bigint}
    )""")
    m.sql("CREATE INDEX password_resets_member ON password_resets (member_id)")
