"""When each writer (a member) last wrote: with a read replica, their pages read the primary for a
few seconds after (keitai/platform/db/replica.py).  One row per writer, overwritten."""


def up(m):
    m.sql("""
    CREATE TABLE recent_writes (
        writer {text} PRIMARY KEY,
        at {bigint} NOT NULL
    )""")
