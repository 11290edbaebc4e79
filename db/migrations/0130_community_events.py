"""Community events (イベント): a date, a place, a deadline for joining, and who takes part.

Who may see an event is its community's read policy (keitai/communities/rules.py); only
members create events and take part.  Participants are counted at read time, with the
list's own blocks applied, so the count shown never tells more than the list.
"""


def up(m):
    m.sql("""
    CREATE TABLE community_events (
        {pk},
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        author_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        title {text} NOT NULL,
        place {text} NOT NULL DEFAULT '',
        body {text} NOT NULL DEFAULT '',
        starts_at {bigint} NOT NULL,
        has_time {bool} NOT NULL DEFAULT {false},
        deadline_at {bigint} NOT NULL,
        created_at {bigint} NOT NULL
    )""")
    # A community's events by date (upcoming first, then past), keyset on (starts_at, id).
    m.sql("CREATE INDEX community_events_community ON community_events (community_id, starts_at, id)")
    m.sql("CREATE INDEX community_events_author ON community_events (author_id)")

    m.sql("""
    CREATE TABLE community_event_participants (
        event_id {bigint} NOT NULL REFERENCES community_events(id) ON DELETE CASCADE,
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        joined_at {bigint} NOT NULL,
        PRIMARY KEY (event_id, member_id)
    )""")
    m.sql("CREATE INDEX community_event_participants_member ON community_event_participants (member_id, event_id)")
