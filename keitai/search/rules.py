"""Search: members, communities, diary entries and community topics, by text or by kana/romaji reading.

The rules callers use, gathered from the package's rooms:
- :mod:`keitai.search.readings`: folding and readings (kana, romaji) of text;
- :mod:`keitai.search.index`: ``search_docs``, written by :func:`index` / :func:`remove` /
  :func:`index_member`, rebuilt by :func:`reindex` from :mod:`keitai.search.sources`;
- :mod:`keitai.search.planner`: which documents match, and which a viewer is shown;
- :mod:`keitai.search.query`: a member's query, pages of hits and counts;
- :mod:`keitai.search.snippets`: the text shown around a match.

A query's words are found in the folded title, reading and body of a document; every
result and every count is one its viewer may see (:func:`keitai.privacy.visible_clause`,
applied in SQL), newest first, with keyset pagination.
"""
from __future__ import annotations

from keitai.search.index import (COLUMNS, COMMUNITY, DIARY, KINDS, MEMBER, MEMBER_NAME_FIELDS, MEMBER_SQL,
                                 MEMBER_TEXT_FIELDS, TOPIC, Doc, batches, doc_row, index, index_many, index_member,
                                 member_docs, member_parts, reindex, remove, wipe)
from keitai.search.query import (COUNT_LIMIT, MAX_QUERY, MAX_WORDS, Hit, check_query, count,
                                 results, search, words)
from keitai.search.readings import READING_CHARS, fold, reading
from keitai.search.snippets import SNIPPET_CHARS, snippet

__all__ = [
    "COLUMNS", "COMMUNITY", "DIARY", "KINDS", "MEMBER", "MEMBER_NAME_FIELDS", "MEMBER_SQL", "MEMBER_TEXT_FIELDS", "TOPIC",
    "Doc", "batches", "doc_row", "index", "index_many", "index_member", "member_docs", "member_parts", "reindex",
    "remove", "wipe",
    "COUNT_LIMIT", "MAX_QUERY", "MAX_WORDS", "Hit", "check_query", "count", "results",
    "search", "words",
    "READING_CHARS", "fold", "reading", "SNIPPET_CHARS", "snippet",
]
