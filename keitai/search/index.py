"""The index, ``search_docs``: a document per searchable thing.  Features feed it with
:func:`index` / :func:`remove` when they write, and :func:`reindex` rebuilds it from the
sources listed in :mod:`keitai.search.sources`.  Only this package writes ``search_docs``;
on SQLite, triggers keep its two full-text tables in step with it
(db/migrations/0050_search.py, 0053_search_grams.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from keitai import privacy as audience
from keitai.platform.db.connection import db, execute, fetchall, fetchone, is_sqlite, now, scalar
from keitai.search.readings import fold, reading

MEMBER, COMMUNITY, DIARY, TOPIC = "member", "community", "diary", "topic"
#: Kinds in the order of the search page's tabs.
KINDS = (MEMBER, COMMUNITY, DIARY, TOPIC)


class Doc(NamedTuple):
    """One searchable document.  ``part`` tells apart several documents of one item
    (a member's profile text by audience); most kinds have one, with part ''.
    ``narrower``: the audience of the item's next narrower document, whose searchers are
    shown that one instead (see :func:`member_parts`); None for items with one document."""

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
MEMBER_SQL = (
    "SELECT id, nickname, created_at, "
    + ", ".join(_MEMBER_FIELDS) + ", " + ", ".join(f"aud_{f}" for f in _MEMBER_FIELDS)
    + " FROM members WHERE " + audience.active_member_sql()
)


def member_parts(row: tuple) -> list[Doc]:
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
        rows = fetchall(MEMBER_SQL + " AND id > ? ORDER BY id LIMIT 500", (last,))
        for row in rows:
            yield from member_parts(row)
        if len(rows) < 500:
            return
        last = rows[-1][0]


def index_member(member_id: int) -> None:
    """Bring a member's documents up to date: call after sign-up, activation, suspension, and
    any change of nickname, profile text or field audiences."""
    with db.atomic():
        row = fetchone(MEMBER_SQL + " AND id = ?", (member_id,))
        docs = member_parts(row) if row else []
        for doc in docs:
            _put(doc)
        _drop(MEMBER, member_id, keep_parts=[d.part for d in docs])


# --- rebuilding ----------------------------------------------------------------

def batches(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    """``docs`` in lists of ``size``."""
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
    # Imported here: the features whose sources these are import this package to index their writes.
    from keitai.search.sources import SOURCES

    wipe()
    done: dict[str, int] = {}
    for kind, source in SOURCES.items():
        done[kind] = 0
        for docs in batches(source(), batch):
            done[kind] += index_many(docs)
            if progress:
                progress(kind, done[kind])
    return done
