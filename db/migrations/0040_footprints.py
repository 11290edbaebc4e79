"""Footprints (足あと): one row per visitor and visited member; members' footprint and message settings."""


def up(m):
    # Whether a member leaves footprints (and so may see their own), since when they have
    # (they see visits from then on), and when they last looked at their footprints.
    m.sql("ALTER TABLE members ADD COLUMN leaves_footprints {bool} NOT NULL DEFAULT {true}")
    m.sql("ALTER TABLE members ADD COLUMN footprints_since {bigint} NOT NULL DEFAULT 0")
    m.sql("ALTER TABLE members ADD COLUMN footprints_seen_at {bigint} NOT NULL DEFAULT 0")
    # A mail to the member's address when a message arrives (no content in it).
    m.sql("ALTER TABLE members ADD COLUMN message_mail {bool} NOT NULL DEFAULT {true}")
    # visited_at: the latest visit; counted_at: the visit last counted in ``visits``
    # (visits within a few minutes of it do not count again).  On SQLite the table
    # is its primary key's b-tree (WITHOUT ROWID): one b-tree less to write per view.
    m.sql("""
    CREATE TABLE footprints (
        visitor_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        visited_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        visited_at {bigint} NOT NULL,
        counted_at {bigint} NOT NULL,
        visits {bigint} NOT NULL DEFAULT 1,
        PRIMARY KEY (visitor_id, visited_id)
    )""" + (" WITHOUT ROWID" if m.is_sqlite else ""))
    # "Who visited me, newest first", "how many since I last looked" and pruning by member range.
    m.sql("CREATE INDEX footprints_visited ON footprints (visited_id, visited_at, visitor_id)")
