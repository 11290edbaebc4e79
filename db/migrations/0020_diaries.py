"""Diaries, their comments, photos (for any kind of item), and imported blog feeds."""


def up(m):
    m.sql("""
    CREATE TABLE diaries (
        {pk},
        author_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        title {text} NOT NULL,
        body {text} NOT NULL,
        audience {text} NOT NULL,
        group_id {bigint} REFERENCES friend_groups(id) ON DELETE SET NULL,
        source_url {text},
        photo_count {bigint} NOT NULL DEFAULT 0,
        comment_count {bigint} NOT NULL DEFAULT 0,
        unread_comments {bigint} NOT NULL DEFAULT 0,
        seen_comment_id {bigint} NOT NULL DEFAULT 0,
        last_comment_at {bigint},
        created_at {bigint} NOT NULL,
        updated_at {bigint} NOT NULL
    )""")
    # A member's diary, newest first (keyset on id); the author sees every entry.
    m.sql("CREATE INDEX diaries_author ON diaries (author_id, id)")
    # Everyone else never sees private entries: lists and the friends' feed read this one,
    # so a member's hundreds of private (or privately imported) entries cost them nothing.
    m.sql("CREATE INDEX diaries_shared ON diaries (author_id, id) WHERE audience <> 'private'")
    # "New comments on your diary": only the few entries with unread comments are indexed.
    m.sql("CREATE INDEX diaries_unread ON diaries (author_id, last_comment_at) WHERE unread_comments > 0")
    m.sql("CREATE INDEX diaries_group ON diaries (group_id) WHERE group_id IS NOT NULL")
    m.sql("""
    CREATE TABLE diary_comments (
        {pk},
        diary_id {bigint} NOT NULL REFERENCES diaries(id) ON DELETE CASCADE,
        author_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        body {text} NOT NULL,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX diary_comments_diary ON diary_comments (diary_id, id)")
    m.sql("CREATE INDEX diary_comments_author ON diary_comments (author_id)")
    # Photos belong to an item of some kind (a diary now; profiles and communities later).
    # The image files live under settings.media_dir; ``file`` is their path there.
    m.sql("""
    CREATE TABLE photos (
        {pk},
        owner_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        kind {text} NOT NULL,
        ref_id {bigint} NOT NULL,
        position {bigint} NOT NULL DEFAULT 0,
        file {text} NOT NULL,
        width {bigint} NOT NULL,
        height {bigint} NOT NULL,
        bytes {bigint} NOT NULL,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX photos_item ON photos (kind, ref_id, position)")
    m.sql("CREATE INDEX photos_owner ON photos (owner_id)")
    # One external blog feed per member, and every item ever seen in it (imported once).
    m.sql("""
    CREATE TABLE diary_feeds (
        member_id {bigint} PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
        url {text} NOT NULL,
        audience {text} NOT NULL,
        group_id {bigint} REFERENCES friend_groups(id) ON DELETE SET NULL,
        etag {text},
        last_modified {text},
        fetched_once {bool} NOT NULL DEFAULT {false},
        next_fetch_at {bigint} NOT NULL DEFAULT 0,
        last_fetch_at {bigint},
        last_ok_at {bigint},
        last_error {text},
        error_count {bigint} NOT NULL DEFAULT 0,
        imported_count {bigint} NOT NULL DEFAULT 0,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX diary_feeds_due ON diary_feeds (next_fetch_at)")
    m.sql("""
    CREATE TABLE diary_feed_items (
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        item_key {text} NOT NULL,
        diary_id {bigint} REFERENCES diaries(id) ON DELETE SET NULL,
        created_at {bigint} NOT NULL,
        PRIMARY KEY (member_id, item_key)
    )""")
    m.sql("CREATE INDEX diary_feed_items_diary ON diary_feed_items (diary_id) WHERE diary_id IS NOT NULL")
