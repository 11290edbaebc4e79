"""The query planners: which documents of a kind contain every word of a query, newest
first, and which of them a viewer is shown.

Japanese has no spaces between words, so the index is on characters, not words:
- words of 3+ characters: trigrams (SQLite FTS5 ``trigram``; PostgreSQL pg_trgm),
  exact substring matches;
- words of 1 or 2 characters, which trigrams cannot find: an index of grams, each
  character and each pair of neighbouring characters of a document
  (:mod:`keitai.platform.text.grams`; SQLite: an FTS5 table, one token per gram; PostgreSQL: GIN
  over ``search_grams(folded)``, a tsvector of them).  It answers a one- or two-character
  word exactly, and a query mixing short and long words by the grams of all of them.
  Two-character words (旅行, 京都, 山田) are the most common Japanese words, so they search
  the whole text like longer ones, rather than titles only or the newest entries only.
  The index of characters it replaced found a two-character word by its two characters,
  then read every document having both: a common pair in no document (けん) read half of
  them (bench/README.md, "search").

Audiences and blocks: every result and every count goes through
:func:`keitai.privacy.visible_clause` on the document's owner, audience and group, applied
in SQL to batches of matches read newest first (see :func:`visible_matches`).
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import NamedTuple

from keitai import privacy as audience
from keitai.platform.db.connection import db, execute, fetchall, is_sqlite
from keitai.platform.text.grams import word_grams
from keitai.search.index import MEMBER, TOPIC

_TRIGRAM = 3


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class _Match(NamedTuple):
    """The documents of one kind containing every word of a query, whoever may see them.

    SQLite: ``source`` and ``where`` read them newest first from a full-text table (its
    rowid is the document id).  PostgreSQL: ``where`` is what an index can answer and
    ``check`` the exact test, cheap enough to run row by row on the newest documents."""

    source: str
    where: str
    params: list
    check: str = ""
    check_params: tuple = ()


def _match(kind: str, found: list[str]) -> _Match:
    """How to find the documents of ``kind`` that contain every word of ``found``.

    Words of 3+ characters alone: the trigram index, exact.  With a shorter word among
    them: the grams index (keitai.platform.text.grams) with the grams of every word, which answers
    one- and two-character words exactly (but for SQLite's case folding) and longer words
    by their pairs, which may lie apart; so words of two characters or more are then
    checked against the text.  Matching by grams never reads a document that lacks a
    word's pair: けん, in no diary, costs nothing however common け and ん are."""
    short = any(len(word) < _TRIGRAM for word in found)
    wanted = sorted(set().union(*map(word_grams, found))) if short else []
    if is_sqlite():
        # CROSS JOIN keeps the full-text table first: it yields matches newest first.
        if not short:
            return _Match("search_fts t CROSS JOIN search_docs d ON d.id = t.rowid",
                          "d.kind = ? AND search_fts MATCH ?",
                          [kind, f"kind : {_phrase(kind)} AND folded : (" + " AND ".join(map(_phrase, found)) + ")"])
        checked = [word for word in found if len(word) > 1]
        return _Match("search_grams t CROSS JOIN search_docs d ON d.id = t.rowid",
                      " AND ".join(["d.kind = ?", "search_grams MATCH ?"] + ["instr(d.folded, ?) > 0"] * len(checked)),
                      [kind, " AND ".join(map(_phrase, [":" + kind] + wanted))] + checked)
    where = ["d.folded LIKE ?" for word in found if len(word) >= _TRIGRAM]
    params: list = [_like(word) for word in found if len(word) >= _TRIGRAM]
    if short:
        where.append("search_grams(d.folded) @@ CAST(? AS tsquery)")
        params.append(" & ".join(_lexeme(g) for g in wanted))
    return _Match("search_docs d", " AND ".join(where), params,
                  " AND ".join("strpos(d.folded, ?) > 0" for _ in found), tuple(found))


def _lexeme(gram: str) -> str:
    """A gram as a quoted tsquery lexeme."""
    return "'" + gram.replace("\\", "\\\\").replace("'", "''") + "'"


def _shown(viewer_id: int, kind: str, doc: str) -> tuple[str, list]:
    """SQL that is 1 when ``viewer_id`` is shown the document named ``doc`` in the query and
    0 otherwise, with its parameters: the audience rule (keitai.privacy) on the
    document's owner, audience and group, an active owner (a suspended member's writing is
    not found either; their profile documents are gone already), for members, that the
    viewer may not see the member's next narrower document (see :func:`keitai.search.index.member_parts`),
    and for community topics, that the viewer may read the topic's board (:func:`keitai.privacy.board_readable_sql`)."""
    visible, params = audience.visible_clause(viewer_id, f"{doc}.owner_id", f"{doc}.audience", f"{doc}.group_id")
    sql = visible + f" AND (SELECT {audience.active_member_sql('o.')} FROM members o WHERE o.id = {doc}.owner_id)"
    params = list(params)
    if kind == MEMBER:
        narrower, more = audience.visible_clause(viewer_id, f"{doc}.owner_id", f"{doc}.narrower")
        sql += f" AND ({doc}.narrower IS NULL OR NOT {narrower})"
        params += more
    elif kind == TOPIC:
        sql += f" AND {audience.board_readable_sql(f'(SELECT t.community_id FROM community_topics t WHERE t.id = {doc}.ref_id)')}"
        params.append(viewer_id)
    return f"CASE WHEN {sql} THEN 1 ELSE 0 END", params


def _planned_each_time(sql: str, params: list) -> list[tuple]:
    """Run a search query.  On PostgreSQL it is never a prepared statement: a plan made once
    for any words (the generic plan psycopg's prepared statements come to) reads the whole
    index for a rare word; planned with its own words it takes milliseconds."""
    if is_sqlite():
        return fetchall(sql, params)
    cursor = db.obj.cursor()
    cursor.execute(sql.replace("?", "%s"), params, prepare=False)
    return cursor.fetchall()


_FIRST_BATCH, _LAST_BATCH = 50, 20000
_NEWEST = 2**62


def _sqlite_batches(viewer_id: int, kind: str, found: list[str]) -> Callable[[int, int], Iterator[tuple]]:
    """``batch(cursor, size)``: the ``size`` newest matches older than ``cursor``, as
    (document id, ref_id, shown), in one query: SQLite's full-text tables hand over matches
    newest first, so the query stops at ``size`` however common the words are, and it is
    stepped row by row: who is shown a match is worked out only for the matches read."""
    match = _match(kind, found)
    shown, shown_params = _shown(viewer_id, kind, "d")
    sql = (f"SELECT d.id, d.ref_id, {shown} FROM {match.source} WHERE {match.where} AND t.rowid < ?"
           " ORDER BY t.rowid DESC LIMIT ?")

    def batch(cursor: int, size: int) -> Iterator[tuple]:
        rows = execute(sql, shown_params + match.params + [cursor, size])
        try:
            yield from rows
        finally:
            rows.close()

    return batch


#: PostgreSQL: how many of the newest documents the first walk reads (see _postgres_matches),
#: and the most any walk reads.
_WALK, _MAX_WALK = 2000, 50000
#: PostgreSQL: what a match read through the indexes costs, in documents walked (a walk reads
#: documents in index order and tests a substring; the indexes' matches are read from all
#: over the table, rechecked and sorted): measured 0.75 µs a document walked against 2-6 µs
#: a match read through the indexes.
_INDEX_COST = 4


def _postgres_batches(viewer_id: int, kind: str, found: list[str]) -> Callable[[int, int], Iterator[tuple]]:
    """``batch(cursor, size)`` for PostgreSQL: :func:`_postgres_matches`, then who is shown
    them, by document id (two queries: each is planned on what it can estimate)."""
    match = _match(kind, found)
    shown, shown_params = _shown(viewer_id, kind, "c")
    sql = f"SELECT c.id, c.ref_id, {shown} FROM search_docs c WHERE c.id = ANY(?) ORDER BY c.id DESC"

    def batch(cursor: int, size: int) -> Iterator[tuple]:
        ids = _postgres_matches(kind, match, cursor, size)
        if ids:
            # Prepared: its plan does not depend on the words, and planning the audience
            # rule's subqueries cost more than running them (for 200 documents, 6.7 ms a
            # query planned each time against 2.2 ms prepared, on the 100,000-member site).
            with db.obj.cursor() as statement:
                statement.execute(sql.replace("?", "%s"), shown_params + [ids], prepare=True)
                rows = statement.fetchall()
            yield from rows

    return batch


def _postgres_matches(kind: str, match: _Match, cursor: int, size: int) -> list[int]:
    """Ids of the ``size`` newest documents of ``kind`` older than ``cursor`` that match.

    PostgreSQL's indexes hand over every match unordered, and its planner, asked for the
    newest few, either walks the newest documents or collects every match from an index
    and sorts them; its estimates for LIKE and grams are off 10-100x, and a wrong choice
    costs seconds (it sorted 40,000 matches of 花火 猫 for one page; it walked all 200,000
    diaries for さくら, in none of them).  So the choice is made here, on what a walk has
    seen: walk the newest :data:`_WALK` documents, checking each; if that found too few,
    estimate from it how many matches are older, and either ask the indexes for all of
    them (:func:`_postgres_by_index`, when reading them costs less than the longer walk it
    would take to find the rest; see :data:`_INDEX_COST`) or walk on, as far as that.  So a
    rare word costs about its matches, a common one the few documents it takes to fill the
    batch, and neither more than about sqrt(documents x batch).  A word common long ago and
    rare lately is the case the estimate gets wrong (every old match is read)."""
    walk = ("SELECT d.id FROM (SELECT id, folded FROM search_docs WHERE kind = ? AND id < ? ORDER BY id DESC"
            f" LIMIT ?) d WHERE {match.check} ORDER BY d.id DESC LIMIT ?")
    floor = "SELECT id FROM search_docs WHERE kind = ? AND id < ? ORDER BY id DESC OFFSET ? LIMIT 1"
    ids: list[int] = []
    walked, window = 0, _WALK
    while True:
        ids += [r[0] for r in _planned_each_time(walk, [kind, cursor, window, *match.check_params, size - len(ids)])]
        if len(ids) >= size:
            return ids
        below = _planned_each_time(floor, [kind, cursor, window - 1])
        if not below:  # every document walked
            return ids
        cursor, walked = below[0][0], walked + window
        rate, wanted = (len(ids) + 1) / walked, size - len(ids)
        # Older documents number fewer than the oldest id: an overestimate, which favours walking.
        if _INDEX_COST * rate * cursor <= wanted / rate:
            return ids + _postgres_by_index(kind, match, cursor, wanted)
        window = min(int(wanted / rate * 1.2) + 1, _MAX_WALK)


def _postgres_by_index(kind: str, match: _Match, cursor: int, size: int) -> list[int]:
    """The newest ``size`` matches older than ``cursor``, from the text indexes: every match
    is read (a bitmap scan), then sorted.  The planner is not let walk the newest documents
    by id instead (it would, for a word it wrongly thinks common: the whole table)."""
    sql = (f"SELECT d.id FROM search_docs d WHERE d.kind = ? AND d.id < ? AND {match.where} AND {match.check}"
           " ORDER BY d.id DESC LIMIT ?")
    settings = ("SELECT set_config('enable_seqscan', ?, true), set_config('enable_indexscan', ?, true),"
                " set_config('enable_indexonlyscan', ?, true)")
    with db.atomic():
        execute(settings, ("off",) * 3)
        rows = _planned_each_time(sql, [kind, cursor, *match.params, *match.check_params, size])
        execute(settings, ("on",) * 3)
    return [r[0] for r in rows]


def visible_matches(viewer_id: int, kind: str, found: list[str], before: int | None,
                     enough: int) -> Iterator[tuple[int, int]]:
    """(document id, ref_id) of the documents of ``kind`` matching every word that
    ``viewer_id`` is shown, newest first, until ``enough`` or no more.

    Matches are read in batches, newest first, each with who is shown it.  The first
    batch is twice what is wanted; the next ones are sized by the share of matches shown so
    far (a viewer who sees a third of them needs three times as many), up to four times the
    last.  A viewer is shown at most one document per item (members have several: see
    :func:`keitai.search.index.member_parts`), so the document id is the position, as for every kind."""
    batch = (_sqlite_batches if is_sqlite() else _postgres_batches)(viewer_id, kind, found)
    cursor = _NEWEST if before is None else before
    size = max(_FIRST_BATCH, enough * 2)
    shown = read = 0
    while True:
        in_batch = 0
        with contextlib.closing(batch(cursor, size)) as rows:
            for doc_id, ref_id, ok in rows:
                in_batch, cursor = in_batch + 1, doc_id
                if ok:
                    yield doc_id, ref_id
                    shown += 1
                    if shown >= enough:
                        return
        if in_batch < size:
            return
        read += in_batch
        wanted = (enough - shown) * 2 * read // (shown + 1)
        size = max(_FIRST_BATCH, min(wanted, size * 4, _LAST_BATCH))
