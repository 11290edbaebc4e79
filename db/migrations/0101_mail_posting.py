"""Posting by mail (keitai.mailpost): each member's two secret addresses (diary, profile
photo) with the audience of diary entries posted by mail, and a record of what each mail
posted (for the daily limit and the member's archive)."""


def up(m):
    m.sql("""
    CREATE TABLE mail_post_addresses (
        member_id {bigint} PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
        diary_secret {text} NOT NULL UNIQUE,
        photo_secret {text} NOT NULL UNIQUE,
        audience {text} NOT NULL DEFAULT 'friends',
        group_id {bigint} REFERENCES friend_groups(id) ON DELETE SET NULL,
        renewed_at {bigint} NOT NULL
    )""")
    m.sql("""
    CREATE TABLE mail_posts (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        kind {text} NOT NULL,
        diary_id {bigint} REFERENCES diaries(id) ON DELETE SET NULL,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX mail_posts_member ON mail_posts (member_id, created_at)")
