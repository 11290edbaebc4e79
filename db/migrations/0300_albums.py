"""Albums (アルバム): a member's photos gathered under a title, with an audience and comments.

An album's photos are rows of ``photos`` (kind ``album``), with an optional caption;
``cover_photo_id`` names the cover the owner chose (NULL: the first photo).  Counts are kept
on write (``photo_count``, ``comment_count``); what a viewer is shown of the comments is the
count less the writers hidden from them (keitai.privacy.hidden_counts).
``members.newest_album_id``, each member's newest album others may see (not private), lets
home find friends' new albums from the friends' member rows (keitai/albums/rules.py).
"""


def up(m):
    m.sql("""
    CREATE TABLE albums (
        {pk},
        owner_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        title {text} NOT NULL,
        description {text} NOT NULL DEFAULT '',
        audience {text} NOT NULL,
        group_id {bigint} REFERENCES friend_groups(id) ON DELETE SET NULL,
        cover_photo_id {bigint},
        photo_count {bigint} NOT NULL DEFAULT 0,
        comment_count {bigint} NOT NULL DEFAULT 0,
        created_at {bigint} NOT NULL,
        updated_at {bigint} NOT NULL
    )""")
    # A member's albums, newest first (keyset on id); others never see private ones.
    m.sql("CREATE INDEX albums_owner ON albums (owner_id, id)")
    m.sql("CREATE INDEX albums_shared ON albums (owner_id, id) WHERE audience <> 'private'")
    m.sql("CREATE INDEX albums_group ON albums (group_id) WHERE group_id IS NOT NULL")
    m.sql("""
    CREATE TABLE album_comments (
        {pk},
        album_id {bigint} NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
        author_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        body {text} NOT NULL,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX album_comments_album ON album_comments (album_id, id)")
    m.sql("CREATE INDEX album_comments_author ON album_comments (author_id)")
    m.sql("ALTER TABLE photos ADD COLUMN caption {text} NOT NULL DEFAULT ''")
    m.sql("ALTER TABLE members ADD COLUMN newest_album_id {bigint}")
