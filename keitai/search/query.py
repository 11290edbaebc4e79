"""Queries: a member's words checked and folded, and the pages of hits /search shows.

A query is split into words at spaces; a document matches when it contains every word.
A viewer is shown one document per item (members have one per audience level of their
profile: the narrowest the viewer may see), so results come newest first by document id
for every kind, with keyset pagination; counts stop at :data:`COUNT_LIMIT`.
"""
from __future__ import annotations

from dataclasses import dataclass

from keitai.platform.db.connection import fetchall
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.words import Refused
from keitai.search.index import MEMBER
from keitai.search.planner import visible_matches
from keitai.search.readings import folded
from keitai.search.snippets import SNIPPET_CHARS, snippet

MAX_QUERY = 100  # characters a member may type
MAX_WORDS = 5
COUNT_LIMIT = 100  # counts stop here ("100件以上"): counting reads a row per match


@dataclass
class Hit:
    kind: str
    ref_id: int
    owner_id: int
    nickname: str  # the owner's
    title: str  # for members, the nickname
    snippet: tuple[str, str, str]  # text before the match, the match, text after
    updated_at: int


def words(query: str) -> list[str]:
    """The query folded like documents and split at spaces, without repeats or words
    contained in another (やま やまだ -> やまだ)."""
    found: list[str] = []
    for word in folded(query).split(" "):
        if word and word not in found:
            found.append(word)
    return [w for w in found if not any(w != other and w in other for other in found)]


def check_query(query: str) -> list[str]:
    """The words of ``query``; :class:`~keitai.words.Refused` if the page should refuse it."""
    if len(query) > MAX_QUERY:
        raise Refused("search.too_long", limit=MAX_QUERY)
    found = words(query)
    if len(found) > MAX_WORDS:
        raise Refused("search.too_many_words", limit=MAX_WORDS)
    return found


def count(viewer_id: int | None, kind: str, query: str) -> int:
    """How many items of ``kind`` match ``query`` that ``viewer_id`` may see, up to
    :data:`COUNT_LIMIT` (a larger number reads as COUNT_LIMIT + 1)."""
    found = words(query)[:MAX_WORDS]
    if viewer_id is None or not found:
        return 0
    return sum(1 for _ in visible_matches(viewer_id, kind, found, None, COUNT_LIMIT + 1))


def search(viewer_id: int | None, kind: str, query: str, before: str | None = None, limit: int = 10,
           snippet_chars: int = SNIPPET_CHARS) -> tuple[Page, int]:
    """Items of ``kind`` matching every word of ``query`` that ``viewer_id`` may see, newest
    first: (this :class:`~keitai.platform.db.paging.Page` of :class:`Hit`, the :func:`count`
    of all of them).  ``before`` is the previous page's ``next`` (a document id; anything
    malformed is the first page).  The first page and the count come from one reading of
    the matches."""
    found = words(query)[:MAX_WORDS]
    if viewer_id is None or not found:
        return Page([], None), 0
    if parse_cursor(before, parts=1) is not None:
        return results(viewer_id, kind, query, before, limit, snippet_chars), count(viewer_id, kind, query)
    rows = list(visible_matches(viewer_id, kind, found, None, max(limit, COUNT_LIMIT) + 1))
    return _hits(kind, found, rows, limit, snippet_chars), min(len(rows), COUNT_LIMIT + 1)


def results(viewer_id: int | None, kind: str, query: str, before: str | None = None, limit: int = 10,
            snippet_chars: int = SNIPPET_CHARS) -> Page:
    """:func:`search` without the count: one page of hits."""
    found = words(query)[:MAX_WORDS]
    if viewer_id is None or not found:
        return Page([], None)
    cursor = parse_cursor(before, parts=1)
    matches = visible_matches(viewer_id, kind, found, cursor and cursor[0], limit + 1)
    return _hits(kind, found, list(matches), limit, snippet_chars)


def _hits(kind: str, found: list[str], rows: list[tuple[int, int]], limit: int, snippet_chars: int) -> Page:
    """The page of :class:`Hit` for the first ``limit`` of ``rows`` (from :func:`visible_matches`);
    the next page's cursor is the last document id shown."""
    rows, cursor = page_of(rows, limit, lambda row: str(row[0]))
    if not rows:
        return Page([], cursor)
    doc_ids = [doc_id for doc_id, _ref_id in rows]
    hits = []
    details = {row[0]: row[1:] for row in fetchall(
        "SELECT d.id, d.ref_id, d.owner_id, d.title, d.body, d.updated_at, m.nickname"
        " FROM search_docs d JOIN members m ON m.id = d.owner_id"
        f" WHERE d.id IN ({', '.join('?' * len(doc_ids))})", doc_ids)}
    for doc_id in doc_ids:
        ref_id, owner_id, title, body, updated_at, nickname = details[doc_id]
        title = nickname if kind == MEMBER else title
        hits.append(Hit(kind, ref_id, owner_id, nickname, title, snippet(body, found, snippet_chars), updated_at))
    return Page(hits, cursor)
