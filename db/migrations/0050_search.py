"""The search index: one row per searchable thing (member, community, diary entry), fed by
keitai.search.rules, with the text indexes each database offers for Japanese.

``folded`` is title + reading + body normalised for matching (NFKC, hiragana, lower case).
SQLite: ``search_fts`` (FTS5 trigram over ``folded``, external content: exact substring
search for words of 3+ characters) and ``search_chars`` (FTS5, detail=none: the distinct
characters of each document, for 1- and 2-character words).  PostgreSQL: pg_trgm and a GIN index over
the document's characters, both led by ``kind`` (btree_gin) so one tab never wades through
another's matches.  Small columns come first: the audience check reads them without the text.
"""


def up(m):
    m.sql("""
    CREATE TABLE search_docs (
        {pk},
        kind {text} NOT NULL,
        ref_id {bigint} NOT NULL,
        part {text} NOT NULL DEFAULT '',
        owner_id {bigint} NOT NULL,
        audience {text} NOT NULL,
        group_id {bigint},
        updated_at {bigint} NOT NULL,
        title {text} NOT NULL,
        reading {text} NOT NULL,
        body {text} NOT NULL,
        folded {text} NOT NULL,
        UNIQUE (kind, ref_id, part)
    )""")
    m.sql("CREATE INDEX search_docs_kind ON search_docs (kind, id)")
    if m.is_sqlite:
        m.sql("CREATE VIRTUAL TABLE search_fts USING fts5("
              "kind, folded, content='search_docs', content_rowid='id', tokenize='trigram')")
        # One token per character: only whitespace separates tokens.  A table with its own
        # content (a few hundred bytes a document), so a row is deleted by rowid alone.
        m.sql("CREATE VIRTUAL TABLE search_chars USING fts5("
              "chars, detail=none, tokenize=\"unicode61 remove_diacritics 0 categories 'L* M* N* P* S* C*'\")")
        # The trigram index follows its content table whoever writes it; search_chars is
        # filled by keitai.search.rules (SQL cannot split text into characters) and emptied here.
        m.sql("""
        CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
            INSERT INTO search_fts (rowid, kind, folded) VALUES (new.id, new.kind, new.folded);
        END""")
        m.sql("""
        CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
            INSERT INTO search_fts (search_fts, rowid, kind, folded) VALUES ('delete', old.id, old.kind, old.folded);
            DELETE FROM search_chars WHERE rowid = old.id;
        END""")
        m.sql("""
        CREATE TRIGGER search_docs_update AFTER UPDATE ON search_docs BEGIN
            INSERT INTO search_fts (search_fts, rowid, kind, folded) VALUES ('delete', old.id, old.kind, old.folded);
            INSERT INTO search_fts (rowid, kind, folded) VALUES (new.id, new.kind, new.folded);
            DELETE FROM search_chars WHERE rowid = old.id;
        END""")
    else:
        m.sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        m.sql("CREATE EXTENSION IF NOT EXISTS btree_gin")
        m.sql("CREATE INDEX search_docs_trgm ON search_docs USING gin (kind, folded gin_trgm_ops)")
        m.sql("CREATE INDEX search_docs_chars ON search_docs USING gin (kind, string_to_array(folded, NULL))")
        # Statistics on each character's frequency, enough to tell a rare one (a few hundred
        # documents: read them through the index) from a common one (walk the newest documents).
        m.sql("ALTER INDEX search_docs_chars ALTER COLUMN 2 SET STATISTICS 1000")
