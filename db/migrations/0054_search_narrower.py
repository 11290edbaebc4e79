"""Search: ``search_docs.narrower``, the audience of an item's next narrower document.

A member has a document per audience level of their profile (everyone, friends of
friends, friends), each holding its level's fields and every wider one's.  A viewer is
shown the narrowest one they may see, and ``narrower`` tells a document's searchers who
would be shown another (keitai.search.rules._member_parts).  NULL for every other kind.
"""


def up(m):
    m.sql("ALTER TABLE search_docs ADD COLUMN narrower {text}")
    # The next narrower part of each member document that has one, from the parts that
    # exist now (only those rows are written: the others stay NULL).
    m.sql("""
    UPDATE search_docs SET narrower = CASE
        WHEN part = 'everyone' AND EXISTS(SELECT 1 FROM search_docs n WHERE n.kind = 'member'
                                          AND n.ref_id = search_docs.ref_id AND n.part = 'friends_of_friends')
        THEN 'friends_of_friends' ELSE 'friends' END
    WHERE kind = 'member' AND part IN ('everyone', 'friends_of_friends')
      AND EXISTS(SELECT 1 FROM search_docs n WHERE n.kind = 'member' AND n.ref_id = search_docs.ref_id
                 AND (n.part = 'friends' OR (n.part = 'friends_of_friends' AND search_docs.part = 'everyone')))""")
