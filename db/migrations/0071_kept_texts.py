"""Texts a member wrote that could not be saved or shown back whole (a handset's page too
small, or the text changed elsewhere meanwhile): kept for the member to read and reuse."""


def up(m):
    m.sql("""
    CREATE TABLE kept_texts (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        note {text} NOT NULL,
        resume {text} NOT NULL DEFAULT '',
        body {text} NOT NULL,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX kept_texts_member ON kept_texts (member_id, id)")
