"""Each member's newest entry that others may read (not private): the friends' feed orders
friends by it and reads entries of only the few at the top, instead of probing every
friend's entries (keitai.diary.rules.friends_feed).  Kept by diaries.py on every write."""

REFRESH_ALL = (
    "UPDATE members SET newest_diary_id ="
    " (SELECT MAX(d.id) FROM diaries d WHERE d.author_id = members.id AND d.audience <> 'private')"
)


def up(m):
    m.sql("ALTER TABLE members ADD COLUMN newest_diary_id {bigint}")
    m.sql(REFRESH_ALL)
