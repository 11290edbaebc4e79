"""Community polls (アンケート): a question, its choices, a closing time, one vote per member.

A member's vote is one row (changed in place until the poll closes).  Counts per choice
are read at vote time with the viewer's blocks applied, like every list of the site.
"""


def up(m):
    m.sql("""
    CREATE TABLE community_polls (
        {pk},
        community_id {bigint} NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
        author_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        question {text} NOT NULL,
        closes_at {bigint} NOT NULL,
        created_at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX community_polls_community ON community_polls (community_id, id)")
    m.sql("CREATE INDEX community_polls_author ON community_polls (author_id)")

    m.sql("""
    CREATE TABLE community_poll_choices (
        {pk},
        poll_id {bigint} NOT NULL REFERENCES community_polls(id) ON DELETE CASCADE,
        position {bigint} NOT NULL,
        label {text} NOT NULL
    )""")
    m.sql("CREATE INDEX community_poll_choices_poll ON community_poll_choices (poll_id, position)")

    m.sql("""
    CREATE TABLE community_poll_votes (
        poll_id {bigint} NOT NULL REFERENCES community_polls(id) ON DELETE CASCADE,
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        choice_id {bigint} NOT NULL REFERENCES community_poll_choices(id) ON DELETE CASCADE,
        voted_at {bigint} NOT NULL,
        PRIMARY KEY (poll_id, member_id)
    )""")
    m.sql("CREATE INDEX community_poll_votes_member ON community_poll_votes (member_id)")
    m.sql("CREATE INDEX community_poll_votes_choice ON community_poll_votes (poll_id, choice_id)")
