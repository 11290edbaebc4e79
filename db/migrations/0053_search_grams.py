"""Search: one- and two-character words by an index of grams (each character and each pair
of neighbouring characters of a document) instead of its characters alone.

With characters only, a two-character word was found by its two characters and then
checked against the text: けん, whose characters are in half of all documents, read them
all to find none (377 ms on the 100,000-member site).  A pair is a key of its own, so
the index answers a two-character word exactly, and a word of any length by its pairs.

SQLite: ``search_grams``, FTS5, detail=none (no positions: a gram is a whole key).  SQL
cannot split text into characters, so the triggers call ``search_grams(kind, folded)``, a
Python function every connection registers (keitai.platform.db.connection), and give FTS5 the grams
to index; to delete a document FTS5 needs the same tokens again, and the triggers compute
them from the old row.  The grams are not stored (they would take more room than the
text): the table's content is search_docs' folded text, like search_fts's, so it can be
scanned and counted like any table (backups count it), while its index holds the grams of
that text, not its words.  So it is written by these triggers alone: never DELETE from it
or 'rebuild' it (that would index the words), rebuild search_docs instead
(keitai.search.rules.reindex).  Its 'integrity-check' fails for the same reason.

PostgreSQL: a GIN index over ``search_grams(folded)``, a tsvector of the grams (a tsvector's
lexemes compare as bytes: the same grams as a text[] took twice as long to index).  The
pairs come from two regexp passes, at even and at odd offsets; pairs across a space are
kept (no query asks for them).  Both replace the character index.
"""

_TOKENIZER = "tokenize=\"unicode61 remove_diacritics 0 categories 'L* M* N* P* S* C*'\""


def up(m):
    if m.is_sqlite:
        for trigger in ("search_docs_insert", "search_docs_delete", "search_docs_update"):
            m.sql(f"DROP TRIGGER {trigger}")
        m.sql("DROP TABLE search_chars")
        m.sql("CREATE VIRTUAL TABLE search_grams USING fts5(folded, content='search_docs', content_rowid='id',"
              f" detail=none, columnsize=0, {_TOKENIZER})")
        m.sql("INSERT INTO search_grams (rowid, folded) SELECT id, search_grams(kind, folded) FROM search_docs")
        m.sql("""
        CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
            INSERT INTO search_fts (rowid, kind, folded) VALUES (new.id, new.kind, new.folded);
            INSERT INTO search_grams (rowid, folded) VALUES (new.id, search_grams(new.kind, new.folded));
        END""")
        m.sql("""
        CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
            INSERT INTO search_fts (search_fts, rowid, kind, folded) VALUES ('delete', old.id, old.kind, old.folded);
            INSERT INTO search_grams (search_grams, rowid, folded)
                VALUES ('delete', old.id, search_grams(old.kind, old.folded));
        END""")
        # Only a change of the text touches the text indexes (an audience change does not).
        m.sql("""
        CREATE TRIGGER search_docs_update AFTER UPDATE OF kind, folded ON search_docs BEGIN
            INSERT INTO search_fts (search_fts, rowid, kind, folded) VALUES ('delete', old.id, old.kind, old.folded);
            INSERT INTO search_fts (rowid, kind, folded) VALUES (new.id, new.kind, new.folded);
            INSERT INTO search_grams (search_grams, rowid, folded)
                VALUES ('delete', old.id, search_grams(old.kind, old.folded));
            INSERT INTO search_grams (rowid, folded) VALUES (new.id, search_grams(new.kind, new.folded));
        END""")
    else:
        m.sql(r"""
        CREATE FUNCTION search_grams(folded text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT array_to_tsvector(array_remove(
                string_to_array(folded, NULL)
                || string_to_array(regexp_replace(folded, '(..)', E'\\1\x01', 'g'), E'\x01')
                || string_to_array(regexp_replace(substr(folded, 2), '(..)', E'\\1\x01', 'g'), E'\x01'),
                ''))
        $$""")
        m.sql("DROP INDEX search_docs_chars")
        m.sql("SET LOCAL maintenance_work_mem = '256MB'")
        m.sql("CREATE INDEX search_docs_grams ON search_docs USING gin (kind, search_grams(folded))")
        # How common each gram is, so the planner can tell a rare one from a common one.
        m.sql("ALTER INDEX search_docs_grams ALTER COLUMN 2 SET STATISTICS 1000")
