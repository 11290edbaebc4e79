"""Where :func:`keitai.search.index.reindex` reads each kind from, listed here and nowhere else:
each function takes no arguments and yields a :class:`keitai.search.index.Doc` per searchable
item (all of them, streamed).  A new searchable kind adds its function here."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from keitai import communities
from keitai.diary import rules as diary
from keitai.search.index import COMMUNITY, DIARY, MEMBER, TOPIC, Doc, member_docs

SOURCES: dict[str, Callable[[], Iterable[Doc]]] = {
    MEMBER: member_docs,
    DIARY: diary.search_docs,
    COMMUNITY: communities.search_docs,
    TOPIC: communities.topic_search_docs,
}
