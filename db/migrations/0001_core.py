"""Members, sessions, friends, friend lists and blocks: what every other table refers to."""


def up(m):
    m.sql("""
    CREATE TABLE members (
        {pk},
        nickname {text} NOT NULL,
        mail {text} NOT NULL UNIQUE,
        password_hash {text} NOT NULL,
        status {text} NOT NULL DEFAULT 'pending',
        is_admin {bool} NOT NULL DEFAULT {false},
        birthday {text} NOT NULL,
        gender {text} NOT NULL DEFAULT '',
        prefecture {text} NOT NULL DEFAULT '',
        hobbies {text} NOT NULL DEFAULT '',
        about {text} NOT NULL DEFAULT '',
        real_name {text} NOT NULL DEFAULT '',
        photo_id {bigint},
        aud_birthday {text} NOT NULL DEFAULT 'private',
        aud_age {text} NOT NULL DEFAULT 'friends',
        aud_gender {text} NOT NULL DEFAULT 'everyone',
        aud_prefecture {text} NOT NULL DEFAULT 'everyone',
        aud_hobbies {text} NOT NULL DEFAULT 'everyone',
        aud_about {text} NOT NULL DEFAULT 'everyone',
        aud_real_name {text} NOT NULL DEFAULT 'private',
        aud_photo {text} NOT NULL DEFAULT 'everyone',
        aud_friends {text} NOT NULL DEFAULT 'everyone',
        friend_count {bigint} NOT NULL DEFAULT 0,
        created_at {bigint} NOT NULL,
        last_login_at {bigint}
    )""")
    m.sql("""
    CREATE TABLE sessions (
        id {text} PRIMARY KEY,
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        device_key {text} NOT NULL,
        handset {bool} NOT NULL,
        created_at {bigint} NOT NULL,
        last_seen {bigint} NOT NULL,
        expires_at {bigint} NOT NULL,
        idle_seconds {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX sessions_member ON sessions (member_id)")
    m.sql("""
    CREATE TABLE friendships (
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        friend_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        created_at {bigint} NOT NULL,
        PRIMARY KEY (member_id, friend_id)
    )""")
    m.sql("""
    CREATE TABLE friend_requests (
        {pk},
        from_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        to_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        message {text} NOT NULL DEFAULT '',
        created_at {bigint} NOT NULL,
        UNIQUE (from_id, to_id)
    )""")
    m.sql("CREATE INDEX friend_requests_to ON friend_requests (to_id, created_at)")
    m.sql("""
    CREATE TABLE blocks (
        blocker_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        blocked_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        created_at {bigint} NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
    )""")
    m.sql("CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id)")
    m.sql("""
    CREATE TABLE friend_groups (
        {pk},
        owner_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        name {text} NOT NULL,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX friend_groups_owner ON friend_groups (owner_id)")
    m.sql("""
    CREATE TABLE friend_group_members (
        group_id {bigint} NOT NULL REFERENCES friend_groups(id) ON DELETE CASCADE,
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, member_id)
    )""")
