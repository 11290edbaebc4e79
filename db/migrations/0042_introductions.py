"""Introductions (紹介文): a friend's words about a member, shown once the member approves."""


def up(m):
    m.sql("""
    CREATE TABLE introductions (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        author_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        body {text} NOT NULL,
        approved {bool} NOT NULL DEFAULT {false},
        created_at {bigint} NOT NULL,
        updated_at {bigint} NOT NULL,
        UNIQUE (member_id, author_id)
    )""")
    m.sql("CREATE INDEX introductions_author ON introductions (author_id)")
    # Pending ones for the home page's notice.
    m.sql("CREATE INDEX introductions_pending ON introductions (member_id) WHERE NOT approved")
