"""Communities: boards with topics and numbered comments, membership, join requests, bans, reports.

Counters are kept on write (members, topics, comment numbers, last activity) so no list
counts rows.  The owner (管理人) is ``communities.owner_id``; sub-admins are the
``community_members`` rows with role ``subadmin``.
"""


def up(m):
    m.sql("""
    CREATE TABLE communities (
        {pk},
        name {text} NOT NULL,
        category {text} NOT NULL,
        description {text} NOT NULL DEFAULT '',
        photo_id {bigint},
        join_policy {text} NOT NULL DEFAULT 'open',
        read_policy {text} NOT NULL DEFAULT 'everyone',
        topic_policy {text} NOT NULL DEFAULT 'members',
        owner_id {bigint} NOT NULL REFERENCES members(id),
        member_count {bigint} NOT NULL DEFAULT 0,
        topic_count {bigint} NOT NULL DEFAULT 0,
        created_at {bigint} NOT NULL,
        last_activity_at {bigint} NOT NULL
    )""")
    # "Most active" and a category's list, newest activity first, keyset on (time, id).
    m.sql("CREATE INDEX communities_activity ON communities (last_activity_at, id)")
    m.sql("CREATE INDEX communities_category ON communities (category, last_activity_at, id)")
    m.sql("CREATE INDEX communities_owner ON communities (owner_id)")

    m.sql("""
    CREATE TABLE community_members (
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        role {text} NOT NULL DEFAULT 'member',
        joined_at {bigint} NOT NULL,
        PRIMARY KEY (community_id, member_id)
    )""")
    # My communities (home, /communities); a community's members, newest first.
    m.sql("CREATE INDEX community_members_member ON community_members (member_id, community_id)")
    m.sql("CREATE INDEX community_members_joined ON community_members (community_id, joined_at, member_id)")
    # A community's sub-admins without reading its 100,000 member rows.  Not a partial
    # index, and with joined_at: otherwise SQLite, whose statistics know only averages
    # (a member or two per community), walks community_members_joined instead.
    m.sql("CREATE INDEX community_members_role ON community_members (community_id, role, joined_at)")

    m.sql("""
    CREATE TABLE community_join_requests (
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        message {text} NOT NULL DEFAULT '',
        created_at {bigint} NOT NULL,
        PRIMARY KEY (community_id, member_id)
    )""")
    m.sql("CREATE INDEX community_join_requests_list ON community_join_requests (community_id, created_at, member_id)")
    m.sql("CREATE INDEX community_join_requests_member ON community_join_requests (member_id)")

    m.sql("""
    CREATE TABLE community_bans (
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        created_at {bigint} NOT NULL,
        PRIMARY KEY (community_id, member_id)
    )""")
    m.sql("CREATE INDEX community_bans_member ON community_bans (member_id)")

    m.sql("""
    CREATE TABLE community_topics (
        {pk},
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        author_id {bigint} REFERENCES members(id) ON DELETE SET NULL,
        title {text} NOT NULL,
        body {text} NOT NULL,
        comment_count {bigint} NOT NULL DEFAULT 0,
        closed {bool} NOT NULL DEFAULT {false},
        deleted {bool} NOT NULL DEFAULT {false},
        created_at {bigint} NOT NULL,
        last_activity_at {bigint} NOT NULL
    )""")
    # A community's topics by latest activity; home joins my memberships to this.
    m.sql("CREATE INDEX community_topics_activity ON community_topics (community_id, last_activity_at, id)")
    m.sql("CREATE INDEX community_topics_author ON community_topics (author_id)")

    m.sql("""
    CREATE TABLE community_comments (
        {pk},
        topic_id {bigint} NOT NULL REFERENCES community_topics(id) ON DELETE CASCADE,
        number {bigint} NOT NULL,
        author_id {bigint} REFERENCES members(id) ON DELETE SET NULL,
        body {text} NOT NULL,
        deleted {bool} NOT NULL DEFAULT {false},
        created_at {bigint} NOT NULL,
        UNIQUE (topic_id, number)
    )""")
    m.sql("CREATE INDEX community_comments_author ON community_comments (author_id)")

    m.sql("""
    CREATE TABLE community_reports (
        {pk},
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        topic_id {bigint} NOT NULL REFERENCES community_topics(id) ON DELETE CASCADE,
        comment_id {bigint} REFERENCES community_comments(id) ON DELETE CASCADE,
        reporter_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        reason {text} NOT NULL,
        note {text} NOT NULL DEFAULT '',
        created_at {bigint} NOT NULL,
        resolved_at {bigint},
        resolved_by {bigint} REFERENCES members(id) ON DELETE SET NULL,
        outcome {text} NOT NULL DEFAULT ''
    )""")
    # Open reports: a community's (its admins) and all of them (site admins).
    m.sql("CREATE INDEX community_reports_community ON community_reports (community_id, resolved_at, id)")
    m.sql("CREATE INDEX community_reports_open_all ON community_reports (id) WHERE resolved_at IS NULL")
    m.sql("CREATE INDEX community_reports_topic ON community_reports (topic_id)")
    m.sql("CREATE INDEX community_reports_comment ON community_reports (comment_id)")
    m.sql("CREATE INDEX community_reports_reporter ON community_reports (reporter_id)")
