"""Handsets registered for easy sign-in: a keyed hash of the subscriber id, never the id itself."""


def up(m):
    m.sql("""
    CREATE TABLE handsets (
        member_id {bigint} PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
        subscriber_hash {text} NOT NULL UNIQUE,
        carrier {text} NOT NULL,
        model {text} NOT NULL DEFAULT '',
        created_at {bigint} NOT NULL
    )""")
