"""Topics by community and author, covering: a board's topic count for a viewer subtracts the
topics of members the viewer is not shown (keitai.privacy.hidden_counts), which this answers
with one index probe per hidden member instead of reading every topic row of the community
(a profile page lists its owner's communities with their topic counts)."""


def up(m):
    m.sql("CREATE INDEX community_topics_by_author ON community_topics (community_id, author_id, deleted)")
