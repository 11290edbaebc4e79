"""お気に入り: the members and communities a member keeps a private list of.  Adding one is
never told to the member or community added; ``id`` orders a list newest first."""


def up(m):
    m.sql("""
    CREATE TABLE favorite_members (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        favorite_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        created_at {bigint} NOT NULL,
        UNIQUE (member_id, favorite_id)
    )""")
    # 退会 and blocking delete the rows where a member is the favourite.
    m.sql("CREATE INDEX favorite_members_favorite ON favorite_members (favorite_id)")
    m.sql("""
    CREATE TABLE favorite_communities (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        created_at {bigint} NOT NULL,
        UNIQUE (member_id, community_id)
    )""")
    # A deleted community takes its rows with it (the cascade looks them up by community).
    m.sql("CREATE INDEX favorite_communities_community ON favorite_communities (community_id)")
