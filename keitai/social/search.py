"""Search: members, communities and diary entries, by text or by kana/romaji reading.

One index, ``search_docs``, holds a document per searchable thing; features feed it
with :func:`index` / :func:`remove` when they write, and :func:`reindex` rebuilds it
from the source tables (one source function per kind, named in :data:`SOURCES`).
Only this module writes ``search_docs``; on SQLite, triggers keep the trigram index in
step with it and this module fills the character index.

Matching.  Title, reading and body are folded the same way as queries
(:func:`keitai.text.normalize_for_search`: NFKC, so half-width kana and full-width
letters meet their usual forms; katakana to hiragana; lower case) into ``folded``.
Names and titles also get their readings at write time (pykakasi: hiragana and
romaji; the body does not: too slow for long text), so やまだ, ヤマダ, ﾔﾏﾀﾞ, yamada and 山田 all find 山田.  A query is split
into words at spaces; a document matches when it contains every word.

Japanese has no spaces between words, so the index is on characters, not words:
- words of 3+ characters: trigrams (SQLite FTS5 ``trigram``; PostgreSQL pg_trgm),
  exact substring matches;
- words of 1 or 2 characters, which trigrams cannot find: an index of the distinct
  characters of each document (SQLite: an FTS5 table, one token per character;
  PostgreSQL: GIN over ``string_to_array(folded, NULL)``).  A one-character
  word is answered by the index alone; a two-character word by its two characters,
  then checked against the text.  Two-character words (旅行, 京都, 山田) are the most
  common Japanese words, so they search the whole text like longer ones, rather than
  titles only or the newest entries only; a character index costs a fraction of a
  bigram index (a document has far fewer distinct characters than distinct pairs).

Audiences and blocks: every result and every count goes through
:func:`keitai.social.audience.visible_clause` on the document's owner, audience and
group, applied in SQL to batches of matches read newest first (see
:func:`_visible_matches`).  Results come newest first (by document id; members by member
id) with keyset pagination; counts stop at :data:`COUNT_LIMIT`.
"""
from __future__ import annotations

import functools
import importlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from keitai import messages
from keitai.models.base import db, execute, fetchall, fetchone, is_sqlite, now, scalar
from keitai.text import normalize_for_search

from . import audience

MEMBER, COMMUNITY, DIARY = "member", "community", "diary"
#: Kinds in the order of the search page's tabs.
KINDS = (MEMBER, COMMUNITY, DIARY)

#: Where :func:`reindex` reads each kind from: ``"module:function"``; the function takes
#: no arguments and yields a :class:`Doc` per searchable item (all of them, streamed).
SOURCES: dict[str, str] = {
    MEMBER: "keitai.social.search:member_docs",
    DIARY: "keitai.social.diaries:search_docs",
    COMMUNITY: "keitai.social.communities:search_docs",
}

MAX_QUERY = 100  # characters a member may type
MAX_WORDS = 5
COUNT_LIMIT = 100  # counts stop here ("100件以上"): counting reads a row per match
READING_CHARS = 200  # readings are for names and titles; a long title gets them for its start
SNIPPET_CHARS = 60
_TRIGRAM = 3


class QueryError(ValueError):
    """A query the page refuses, with the message to show (see keitai.messages)."""


class Doc(NamedTuple):
    """One searchable document.  ``part`` tells apart several documents of one item
    (a member's profile text by audience); most kinds have one, with part ''."""

    kind: str
    ref_id: int
    owner_id: int
    title: str
    body: str
    audience: str = audience.EVERYONE
    group_id: int | None = None
    part: str = ""
    updated_at: int | None = None


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

def _chars_tokens(kind: str, folded: str) -> str:
    """What search_chars holds for a document: its kind, then each distinct character."""
    return f":{kind} " + " ".join(sorted(set(folded) - {" ", "\n"}))


def _index_chars(doc_id: int, kind: str, folded: str) -> None:
    """SQLite: the character index of a document (its trigram index follows by trigger)."""
    if is_sqlite():
        execute("INSERT INTO search_chars (rowid, chars) VALUES (?, ?)", (doc_id, _chars_tokens(kind, folded)))


def _put(doc: Doc) -> None:
    """Insert or replace one document (call inside a transaction)."""
    if doc.audience not in audience.ITEM_AUDIENCES:
        raise ValueError(f"unknown audience {doc.audience!r}")
    title, body = doc.title or "", doc.body or ""
    read = reading(title)
    folded = fold(title, read, body)
    values = (doc.owner_id, doc.audience, doc.group_id if doc.audience == audience.GROUP else None,
              doc.updated_at or now(), title, read, body, folded)
    doc_id = scalar("SELECT id FROM search_docs WHERE kind = ? AND ref_id = ? AND part = ?",
                    (doc.kind, doc.ref_id, doc.part))
    if doc_id is not None:
        execute("UPDATE search_docs SET owner_id = ?, audience = ?, group_id = ?, updated_at = ?,"
                " title = ?, reading = ?, body = ?, folded = ? WHERE id = ?", values + (doc_id,))
    else:
        doc_id = scalar("INSERT INTO search_docs (kind, ref_id, part, owner_id, audience, group_id, updated_at,"
                        " title, reading, body, folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        (doc.kind, doc.ref_id, doc.part) + values)
    _index_chars(doc_id, doc.kind, folded)


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
    their view of the profile shows (all of it at once: words may come from several fields)."""
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
    return docs


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


def _matching(kind: str, found: list[str]) -> tuple[str, str, list, str]:
    """(FROM, WHERE, params, position column) for the documents of ``kind`` that contain
    every word, whoever may see them; newest first is descending position."""
    long = [w for w in found if len(w) >= _TRIGRAM]
    short = [w for w in found if len(w) < _TRIGRAM]
    chars = sorted(set("".join(short)))
    where: list[str] = ["d.kind = ?"]
    params: list = [kind]
    if is_sqlite():
        # CROSS JOIN keeps the full-text table first: it yields matches newest first.
        if long:
            source = "search_fts t CROSS JOIN search_docs d ON d.id = t.rowid"
            where.append("search_fts MATCH ?")
            params.append(f"kind : {_phrase(kind)} AND folded : (" + " AND ".join(map(_phrase, long)) + ")")
            checked = short
        else:
            source = "search_chars t CROSS JOIN search_docs d ON d.id = t.rowid"
            where.append("search_chars MATCH ?")
            params.append(" AND ".join([_phrase(":" + kind)] + [_phrase(c) for c in chars]))
            checked = [w for w in short if len(w) > 1]
        for word in checked:
            where.append("instr(d.folded, ?) > 0")
            params.append(word)
        position = "t.rowid"
    else:
        source = "search_docs d"
        # Every word as LIKE (exact, and cheap to test row by row when the newest documents
        # are walked); short words also by their characters, which the GIN index can find.
        for word in found:
            where.append("d.folded LIKE ?")
            params.append(_like(word))
        if chars:
            where.append("string_to_array(d.folded, NULL) @> CAST(? AS text[])")
            params.append(chars)
        position = "d.id"
    return source, " AND ".join(where), params, "d.ref_id" if kind == MEMBER else position


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
#: PostgreSQL: how many of the newest documents are read row by row before the index is
#: asked for older matches (see _visible_matches).
_WALK = 10000


def _visible_matches(viewer_id: int, kind: str, found: list[str], before: int | None,
                     enough: int) -> Iterator[tuple[int, int, int]]:
    """(position, ref_id, doc_id) of matching documents ``viewer_id`` may see, newest first,
    one per item (members have several documents), until ``enough`` or no more.

    Matches are read in growing batches, newest first, and the audience rule is applied to
    each batch apart from the match, whose query is then planned on what can be estimated.
    SQLite's full-text tables hand over matches newest first whatever their number.
    PostgreSQL chooses between walking the newest documents and collecting every match
    from its indexes and sorting them, and its estimates for several LIKEs and character
    sets are off by 10-100x (it sorted 40,000 matches of 花火 猫 for one page: seconds).  So
    each batch first walks at most the newest :data:`_WALK` documents (bounded work, enough
    for any common word), and asks the indexes only for what is older than that, where the
    words are rare by then.
    """
    source, where, params, position = _matching(kind, found)
    visible, visible_params = audience.visible_clause(viewer_id, "c.owner_id", "c.audience", "c.group_id")
    outer = (
        f"SELECT c.pos, c.ref_id, c.id, CASE WHEN {visible}"
        # A suspended member's writing is not found either (their profile documents are gone already).
        " AND (SELECT o.status FROM members o WHERE o.id = c.owner_id) = 'active' THEN 1 ELSE 0 END"
        " FROM (SELECT {position} AS pos, d.ref_id, d.id, d.owner_id, d.audience, d.group_id"
        " FROM {source} WHERE {where} AND {position} < ? ORDER BY {position} DESC LIMIT ?) c ORDER BY c.pos DESC"
    )
    by_index = outer.format(position=position, source=source, where=where)
    walking = not is_sqlite() and kind != MEMBER  # members have few documents
    walk = outer.format(position=position, where=where, source=(
        "(SELECT * FROM search_docs WHERE kind = ? AND id < ? ORDER BY id DESC LIMIT ?) d"))

    def run(sql: str, extra: list, upto: int, limit: int) -> list[tuple]:
        return _planned_each_time(sql, list(visible_params) + extra + params + [upto, limit])

    seen: set[int] = set()
    cursor = _NEWEST if before is None else before
    batch = max(_FIRST_BATCH, enough * 2)
    while True:
        if walking:
            rows = run(walk, [kind, cursor, _WALK], cursor, batch)
            if len(rows) < batch:  # the walk ended first: older matches are rare, ask the index
                floor = scalar("SELECT id FROM search_docs WHERE kind = ? AND id < ? ORDER BY id DESC"
                               " LIMIT 1 OFFSET ?", (kind, cursor, _WALK - 1))
                if floor is not None:
                    rows += run(by_index, [], floor, batch - len(rows))
        else:
            rows = run(by_index, [], cursor, batch)
        for pos, ref_id, doc_id, ok in rows:
            if ok and ref_id not in seen:
                seen.add(ref_id)
                yield pos, ref_id, doc_id
                if len(seen) >= enough:
                    return
        if len(rows) < batch:
            return
        # A member's documents share a position: read the last member's again in full.
        cursor = rows[-1][0] + 1 if kind == MEMBER else rows[-1][0]
        batch = min(batch * 4, _LAST_BATCH)


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
    the ``next_before`` of the previous page."""
    hits = results(viewer_id, kind, query, before, limit, snippet_chars)
    total = len(hits) if before is None and hits.next_before is None else count(viewer_id, kind, query)
    return hits, total


def results(viewer_id: int | None, kind: str, query: str, before: int | None = None, limit: int = 10,
            snippet_chars: int = SNIPPET_CHARS) -> Hits:
    """:func:`search` without the count: one page of hits."""
    hits = Hits()
    found = words(query)[:MAX_WORDS]
    if viewer_id is None or not found:
        return hits
    rows = list(_visible_matches(viewer_id, kind, found, before, limit + 1))
    if len(rows) > limit:
        rows = rows[:limit]
        hits.next_before = rows[-1][0]
    if not rows:
        return hits
    doc_ids = [doc_id for _pos, _ref_id, doc_id in rows]
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


def snippet(text: str, found: list[str], width: int = SNIPPET_CHARS) -> tuple[str, str, str]:
    """About ``width`` characters of ``text`` around the first word found in it, as
    (before, match, after); the start of the text when no word is in it (the match was
    in the title or reading).  Ellipses mark what was cut."""
    text = " ".join(text.split())
    units = _UNIT.findall(text)
    folded, starts = [], []  # the text folded unit by unit, and where each unit starts in it
    position = 0
    for unit in units:
        piece = " " if unit == " " else _folded(unit)
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
