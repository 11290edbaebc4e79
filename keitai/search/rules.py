"""Search: members, communities and diary entries, by text or by kana/romaji reading.

One index, ``search_docs``, holds a document per searchable thing; features feed it
with :func:`index` / :func:`remove` when they write, and :func:`reindex` rebuilds it
from the source tables (one source function per kind, named in :data:`SOURCES`).
Only this module writes ``search_docs``; on SQLite, triggers keep its two full-text
tables in step with it (db/migrations/0050_search.py, 0053_search_grams.py).

Matching.  Title, reading and body are folded the same way as queries
(:func:`keitai.platform.text.normalize_for_search`: NFKC, so half-width kana and full-width
letters meet their usual forms; katakana to hiragana; lower case) into ``folded``.
Names and titles also get their readings at write time (pykakasi: hiragana and
romaji; the body does not: too slow for long text), so やまだ, ヤマダ, ﾔﾏﾀﾞ, yamada and 山田 all find 山田.  A query is split
into words at spaces; a document matches when it contains every word.

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
:func:`keitai.privacy.visible_clause` on the document's owner, audience and
group, applied in SQL to batches of matches read newest first (see
:func:`_visible_matches`).  A viewer is shown one document per item (members have one
per audience level of their profile: the narrowest the viewer may see), so results come
newest first by document id for every kind, with keyset pagination; counts stop at
:data:`COUNT_LIMIT`.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from keitai import words as messages
from keitai.platform.db.connection import db, execute, fetchall, fetchone, is_sqlite, now, scalar
from keitai.platform.text import normalize_for_search
from keitai.platform.text.grams import word_grams

from keitai import privacy as audience

MEMBER, COMMUNITY, DIARY = "member", "community", "diary"
#: Kinds in the order of the search page's tabs.
KINDS = (MEMBER, COMMUNITY, DIARY)

#: Where :func:`reindex` reads each kind from: ``"module:function"``; the function takes
#: no arguments and yields a :class:`Doc` per searchable item (all of them, streamed).
SOURCES: dict[str, str] = {
    MEMBER: "keitai.search.rules:member_docs",
    DIARY: "keitai.diary.rules:search_docs",
    COMMUNITY: "keitai.communities.community:search_docs",
}

MAX_QUERY = 100  # characters a member may type
MAX_WORDS = 5
COUNT_LIMIT = 100  # counts stop here ("100件以上"): counting reads a row per match
READING_CHARS = 200  # readings are for names and titles; a long title gets them for its start
SNIPPET_CHARS = 60
_TRIGRAM = 3


class QueryError(ValueError):
    """A query the page refuses, with the message to show (see keitai.words)."""


class Doc(NamedTuple):
    """One searchable document.  ``part`` tells apart several documents of one item
    (a member's profile text by audience); most kinds have one, with part ''.
    ``narrower``: the audience of the item's next narrower document, whose searchers are
    shown that one instead (see :func:`_member_parts`); None for items with one document."""

    kind: str
    ref_id: int
    owner_id: int
    title: str
    body: str
    audience: str = audience.EVERYONE
    group_id: int | None = None
    part: str = ""
    updated_at: int | None = None
    narrower: str | None = None


@dataclass
class Hit:
    kind: str
    ref_id: int
    owner_id: int
    nickname: str  # the owner's
    title: str  # for members, the nickname
    snippet: tuple[str, str, str]  # text before the match, the match, text after
    updated_at: int


class Hits(list):
    """Hits of one page; ``next_before`` is the cursor for the next page, or None."""

    next_before: int | None = None


# --- readings and folding ------------------------------------------------------

_kakasi_lock = threading.Lock()


@functools.cache
def _kakasi():
    import pykakasi  # loading its dictionaries takes ~0.4 s: once per process, on first write

    return pykakasi.kakasi()


_LONG_VOWEL = re.compile(r"ou|([aiueo])\1")


@functools.lru_cache(maxsize=4096)  # names and titles repeat, above all in a rebuild
def reading(text: str) -> str:
    """Readings of a name or title, folded: hiragana, Hepburn and Kunrei romaji, and romaji
    without long vowels (toukyou -> tokyo, raamen -> ramen), as members type them."""
    text = text[:READING_CHARS]
    if not text.strip():
        return ""
    with _kakasi_lock:  # pykakasi makes no promise about threads
        tokens = _kakasi().convert(text)
    hepburn = "".join(t["hepburn"] for t in tokens)
    variants = (
        "".join(t["hira"] for t in tokens),
        hepburn,
        "".join(t["kunrei"] for t in tokens),
        _LONG_VOWEL.sub(lambda m: m.group(1) or "o", normalize_for_search(hepburn)),
    )
    seen = {"".join(normalize_for_search(text).split())}
    out = []
    for variant in variants:
        variant = "".join(normalize_for_search(variant).split())
        if variant and variant not in seen:
            seen.add(variant)
            out.append(variant)
    return " ".join(out)


_INVISIBLE = {"Cc", "Cf"}  # controls, zero-width joiners and spaces: nobody types them on purpose


def _folded(text: str) -> str:
    """:func:`normalize_for_search` without invisible characters or emoji variation selectors."""
    text = normalize_for_search(text)
    if text.isprintable() and "\ufe0f" not in text and "\ufe0e" not in text:
        return text
    return "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE and c not in "\ufe0e\ufe0f")


def fold(title: str, reading_: str, body: str) -> str:
    """The text a document is matched on; lines keep words from running into each other."""
    return f"{_folded(title)}\n{reading_}\n{_folded(body)}"


def words(query: str) -> list[str]:
    """The query folded like documents and split at spaces, without repeats or words
    contained in another (やま やまだ -> やまだ)."""
    found: list[str] = []
    for word in _folded(query).split(" "):
        if word and word not in found:
            found.append(word)
    return [w for w in found if not any(w != other and w in other for other in found)]


def check_query(query: str) -> list[str]:
    """The words of ``query``; :class:`QueryError` if the page should refuse it."""
    if len(query) > MAX_QUERY:
        raise QueryError(messages.SEARCH_TOO_LONG.format(limit=MAX_QUERY))
    found = words(query)
    if len(found) > MAX_WORDS:
        raise QueryError(messages.SEARCH_TOO_MANY_WORDS.format(limit=MAX_WORDS))
    return found


# --- writing -------------------------------------------------------------------

#: The columns of search_docs a document fills, in the order of :func:`doc_row`.
COLUMNS = ("kind", "ref_id", "part", "owner_id", "audience", "group_id", "updated_at", "title", "reading", "body",
           "folded", "narrower")


def doc_row(doc: Doc, default_time: int | None = None) -> tuple:
    """The values of :data:`COLUMNS` for ``doc`` (bulk loaders write these rows themselves)."""
    if doc.audience not in audience.ITEM_AUDIENCES:
        raise ValueError(f"unknown audience {doc.audience!r}")
    title, body = doc.title or "", doc.body or ""
    read = reading(title)
    return (doc.kind, doc.ref_id, doc.part, doc.owner_id, doc.audience,
            doc.group_id if doc.audience == audience.GROUP else None, doc.updated_at or default_time or now(),
            title, read, body, fold(title, read, body), doc.narrower)


_UPDATE = "UPDATE search_docs SET " + ", ".join(f"{c} = ?" for c in COLUMNS[3:]) + " WHERE id = ?"
_INSERT = f"INSERT INTO search_docs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def _put(doc: Doc) -> None:
    """Insert or replace one document (call inside a transaction).  The text indexes
    follow by trigger on SQLite, by index on PostgreSQL."""
    values = doc_row(doc)
    doc_id = scalar("SELECT id FROM search_docs WHERE kind = ? AND ref_id = ? AND part = ?",
                    (doc.kind, doc.ref_id, doc.part))
    if doc_id is not None:
        execute(_UPDATE, values[3:] + (doc_id,))
    else:
        execute(_INSERT, values)


def _drop(kind: str, ref_id: int, keep_parts: Iterable[str] = ()) -> None:
    keep = list(keep_parts)
    spare = f" AND part NOT IN ({', '.join('?' * len(keep))})" if keep else ""
    execute(f"DELETE FROM search_docs WHERE kind = ? AND ref_id = ?{spare}", [kind, ref_id] + keep)


def index(kind: str, ref_id: int, owner_id: int, title: str, body: str, audience: str = audience.EVERYONE,
          group_id: int | None = None, *, updated_at: int | None = None) -> None:
    """Make item ``ref_id`` of ``kind`` findable by its title (with readings) and body, by the
    members ``audience`` allows (``group_id``: the owner's friend list, for audience 'group').
    Call on create and on every edit; it replaces what was indexed before."""
    with db.atomic():
        _put(Doc(kind, ref_id, owner_id, title, body, audience, group_id, "", updated_at))


def remove(kind: str, ref_id: int) -> None:
    """Forget item ``ref_id`` of ``kind`` (call when it is deleted)."""
    with db.atomic():
        _drop(kind, ref_id)


def index_many(docs: Iterable[Doc]) -> int:
    """Index many documents in one transaction (rebuilds, bulk loads); returns how many."""
    count = 0
    with db.atomic():
        for doc in docs:
            _put(doc)
            count += 1
    return count


# --- members -------------------------------------------------------------------

#: Profile text members are found by, each under its own audience.  Names get readings.
MEMBER_NAME_FIELDS = ("real_name",)
MEMBER_TEXT_FIELDS = ("prefecture", "hobbies", "about")
# Private fields are not indexed: only their owner could find them, and they know them.
_MEMBER_PARTS = (audience.EVERYONE, audience.FRIENDS_OF_FRIENDS, audience.FRIENDS)
_MEMBER_FIELDS = MEMBER_NAME_FIELDS + MEMBER_TEXT_FIELDS
_MEMBER_SQL = (
    "SELECT id, nickname, created_at, "
    + ", ".join(_MEMBER_FIELDS) + ", " + ", ".join(f"aud_{f}" for f in _MEMBER_FIELDS)
    + " FROM members WHERE status = 'active'"
)


def _member_parts(row: tuple) -> list[Doc]:
    """A member's documents, one per audience level that has fields of its own; each holds
    that level's fields and every less private one, so a searcher matches exactly the text
    their view of the profile shows (all of it at once: words may come from several fields).

    So a searcher is shown only the narrowest document they may see: whatever a wider one
    matches, it matches too.  Each document names the next narrower one's audience
    (``narrower``); whoever may see that one is shown that one instead.  A viewer thus sees
    one document per member, and members are paged by document like every other kind."""
    member_id, nickname, created_at = row[:3]
    n = len(_MEMBER_FIELDS)
    values = dict(zip(_MEMBER_FIELDS, row[3:3 + n]))
    audiences = dict(zip(_MEMBER_FIELDS, row[3 + n:]))
    names, texts = [nickname], []
    docs = []
    for part in _MEMBER_PARTS:  # from the widest audience to the narrowest
        own = [name for name in _MEMBER_FIELDS if audiences[name] == part and (values[name] or "").strip()]
        names += [values[name].strip() for name in own if name in MEMBER_NAME_FIELDS]
        texts += [values[name].strip() for name in own if name in MEMBER_TEXT_FIELDS]
        if own or part == audience.EVERYONE:
            docs.append(Doc(MEMBER, member_id, member_id, " ".join(names), "\n".join(texts), part, None, part,
                            created_at))
    return [doc._replace(narrower=following.part) for doc, following in zip(docs, docs[1:])] + docs[-1:]


def member_docs() -> Iterator[Doc]:
    """Every active member's documents (the member source for :func:`reindex`)."""
    last = 0
    while True:
        rows = fetchall(_MEMBER_SQL + " AND id > ? ORDER BY id LIMIT 500", (last,))
        for row in rows:
            yield from _member_parts(row)
        if len(rows) < 500:
            return
        last = rows[-1][0]


def index_member(member_id: int) -> None:
    """Bring a member's documents up to date: call after sign-up, activation, suspension, and
    any change of nickname, profile text or field audiences."""
    with db.atomic():
        row = fetchone(_MEMBER_SQL + " AND id = ?", (member_id,))
        docs = _member_parts(row) if row else []
        for doc in docs:
            _put(doc)
        _drop(MEMBER, member_id, keep_parts=[d.part for d in docs])


# --- rebuilding ----------------------------------------------------------------

def _source(kind: str) -> Callable[[], Iterable[Doc]]:
    module, _, name = SOURCES[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def _batches(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    batch: list[Doc] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def wipe(batch: int = 5000) -> None:
    """Empty the index (every kind), a batch per transaction so writers are not kept waiting."""
    if not is_sqlite():
        with db.atomic():
            execute("TRUNCATE search_docs")
        return
    while True:
        with db.atomic():  # triggers empty the full-text tables row by row
            gone = execute("DELETE FROM search_docs WHERE id IN (SELECT id FROM search_docs LIMIT ?)", (batch,)).rowcount
        if gone < batch:
            return


def reindex(progress: Callable[[str, int], None] | None = None, batch: int = 1000) -> dict[str, int]:
    """Rebuild the whole index from the sources; returns documents per kind.

    Commits every ``batch`` documents, so the site stays writable meanwhile (its own
    writes land in the index as usual); searches see a partial index until it ends.
    ``progress(kind, done)`` is called after each batch.
    """
    wipe()
    done: dict[str, int] = {}
    for kind in SOURCES:
        done[kind] = 0
        for docs in _batches(_source(kind)(), batch):
            done[kind] += index_many(docs)
            if progress:
                progress(kind, done[kind])
    return done


# --- searching -----------------------------------------------------------------

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
    not found either; their profile documents are gone already), and for members, that the
    viewer may not see the member's next narrower document (see :func:`_member_parts`)."""
    visible, params = audience.visible_clause(viewer_id, f"{doc}.owner_id", f"{doc}.audience", f"{doc}.group_id")
    sql = visible + f" AND (SELECT o.status FROM members o WHERE o.id = {doc}.owner_id) = 'active'"
    params = list(params)
    if kind == MEMBER:
        narrower, more = audience.visible_clause(viewer_id, f"{doc}.owner_id", f"{doc}.narrower")
        sql += f" AND ({doc}.narrower IS NULL OR NOT {narrower})"
        params += more
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


def _visible_matches(viewer_id: int, kind: str, found: list[str], before: int | None,
                     enough: int) -> Iterator[tuple[int, int]]:
    """(document id, ref_id) of the documents of ``kind`` matching every word that
    ``viewer_id`` is shown, newest first, until ``enough`` or no more.

    Matches are read in batches, newest first, each with who is shown it.  The first
    batch is twice what is wanted; the next ones are sized by the share of matches shown so
    far (a viewer who sees a third of them needs three times as many), up to four times the
    last.  A viewer is shown at most one document per item (members have several: see
    :func:`_member_parts`), so the document id is the position, as for every kind."""
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


def count(viewer_id: int | None, kind: str, query: str) -> int:
    """How many items of ``kind`` match ``query`` that ``viewer_id`` may see, up to
    :data:`COUNT_LIMIT` (a larger number reads as COUNT_LIMIT + 1)."""
    found = words(query)[:MAX_WORDS]
    if viewer_id is None or not found:
        return 0
    return sum(1 for _ in _visible_matches(viewer_id, kind, found, None, COUNT_LIMIT + 1))


def search(viewer_id: int | None, kind: str, query: str, before: int | None = None, limit: int = 10,
           snippet_chars: int = SNIPPET_CHARS) -> tuple[Hits, int]:
    """Items of ``kind`` matching every word of ``query`` that ``viewer_id`` may see, newest
    first: (this page of :class:`Hit`, the :func:`count` of all of them).  ``before`` is
    the ``next_before`` of the previous page.  The first page and the count come from one
    reading of the matches."""
    found = words(query)[:MAX_WORDS]
    if viewer_id is None or not found:
        return Hits(), 0
    if before is not None:
        return results(viewer_id, kind, query, before, limit, snippet_chars), count(viewer_id, kind, query)
    rows = list(_visible_matches(viewer_id, kind, found, None, max(limit, COUNT_LIMIT) + 1))
    return _hits(kind, found, rows, limit, snippet_chars), min(len(rows), COUNT_LIMIT + 1)


def results(viewer_id: int | None, kind: str, query: str, before: int | None = None, limit: int = 10,
            snippet_chars: int = SNIPPET_CHARS) -> Hits:
    """:func:`search` without the count: one page of hits."""
    found = words(query)[:MAX_WORDS]
    if viewer_id is None or not found:
        return Hits()
    return _hits(kind, found, list(_visible_matches(viewer_id, kind, found, before, limit + 1)), limit,
                 snippet_chars)


def _hits(kind: str, found: list[str], rows: list[tuple[int, int]], limit: int, snippet_chars: int) -> Hits:
    """The page of :class:`Hit` for the first ``limit`` of ``rows`` (from :func:`_visible_matches`)."""
    hits = Hits()
    if len(rows) > limit:
        rows = rows[:limit]
        hits.next_before = rows[-1][0]
    if not rows:
        return hits
    doc_ids = [doc_id for doc_id, _ref_id in rows]
    details = {row[0]: row[1:] for row in fetchall(
        "SELECT d.id, d.ref_id, d.owner_id, d.title, d.body, d.updated_at, m.nickname"
        " FROM search_docs d JOIN members m ON m.id = d.owner_id"
        f" WHERE d.id IN ({', '.join('?' * len(doc_ids))})", doc_ids)}
    for doc_id in doc_ids:
        ref_id, owner_id, title, body, updated_at, nickname = details[doc_id]
        title = nickname if kind == MEMBER else title
        hits.append(Hit(kind, ref_id, owner_id, nickname, title, snippet(body, found, snippet_chars), updated_at))
    return hits


# --- snippets ------------------------------------------------------------------

_UNIT = re.compile(r".[\u3099\u309a\uff9e\uff9f]?", re.S)  # a character with its voicing mark
#: Snippets fold their text a character at a time; the characters of a site are a few thousand.
_folded_unit = functools.lru_cache(maxsize=8192)(_folded)


def snippet(text: str, found: list[str], width: int = SNIPPET_CHARS) -> tuple[str, str, str]:
    """About ``width`` characters of ``text`` around the first word found in it, as
    (before, match, after); the start of the text when no word is in it (the match was
    in the title or reading).  Ellipses mark what was cut."""
    text = " ".join(text.split())
    units = _UNIT.findall(text)
    folded, starts = [], []  # the text folded unit by unit, and where each unit starts in it
    position = 0
    for unit in units:
        piece = " " if unit == " " else _folded_unit(unit)
        starts.append(position)
        folded.append(piece)
        position += len(piece)
    folded_text = "".join(folded)
    best = None
    for word in found:
        at = folded_text.find(word)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, at + len(word))
    if best is None:
        head = text[:width]
        return head + ("…" if len(text) > width else ""), "", ""
    # Back from folded positions to units of the original text.
    first = max(i for i, s in enumerate(starts) if s <= best[0])
    last = max(i for i, s in enumerate(starts) if s < best[1])
    before_units = max(0, min(width // 3, width - (last + 1 - first)))
    start = max(0, first - before_units)
    end = min(len(units), max(last + 1, start + width))
    before = "".join(units[start:first])
    match = "".join(units[first:last + 1])
    after = "".join(units[last + 1:end])
    return ("…" if start > 0 else "") + before, match, after + ("…" if end < len(units) else "")
