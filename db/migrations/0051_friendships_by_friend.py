"""Friendships by friend: the audience rule asks "is V a friend of the owner?" as
friendships(member_id = owner, friend_id = V); over a list of results PostgreSQL answers
it once for all owners (friend_id = V), which without this index reads every friendship."""


def up(m):
    m.sql("CREATE INDEX friendships_friend ON friendships (friend_id, member_id)")
