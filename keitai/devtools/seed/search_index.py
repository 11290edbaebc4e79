"""The search index of the seeded site: through the index's own writes (SQLite) or by COPY of
the same rows (PostgreSQL)."""
from __future__ import annotations

import time
from typing import Iterator

from keitai.platform.db.connection import db, execute, fetchall, is_sqlite

from keitai.devtools.seed.site import Context, bulk_insert


def seed_search_index(ctx: Context) -> int:
    """Index the seeded members, diaries and communities for search, in batches, with progress."""
    from keitai.search import rules as search  # noqa: PLC0415 - pykakasi loads only when the index is built

    if not ctx.sizes.search:
        return 0
    first, last = ctx.first_id, ctx.first_id + ctx.n - 1

    def members() -> Iterator:
        after = first - 1
        while rows := fetchall(search.MEMBER_SQL + " AND id > ? AND id <= ? ORDER BY id LIMIT 1000", (after, last)):
            for row in rows:
                yield from search.member_parts(row)
            after = rows[-1][0]

    def seeded(ids: range, columns: str, table: str) -> Iterator[tuple]:
        """The seeded rows of ``table`` (not those members wrote meanwhile: the site indexed them)."""
        after = ids.start - 1
        while ids and (rows := fetchall(
                f"SELECT id, {columns} FROM {table} WHERE id > ? AND id < ? ORDER BY id LIMIT 1000",
                (after, ids.stop))):
            yield from rows
            after = rows[-1][0]

    def diaries() -> Iterator:
        for diary_id, author_id, title, body, aud, group_id, updated_at in seeded(
                ctx.diary_ids, "author_id, title, body, audience, group_id, updated_at", "diaries"):
            yield search.Doc(search.DIARY, diary_id, author_id, title, body, aud, group_id, "", updated_at)

    def communities() -> Iterator:
        for community_id, owner_id, name, description, updated_at in seeded(
                ctx.community_ids, "owner_id, name, description, last_activity_at", "communities"):
            yield search.Doc(search.COMMUNITY, community_id, owner_id, name, description, updated_at=updated_at)

    kinds = (("members", members()), ("diaries", diaries()), ("communities", communities()))
    if not is_sqlite():
        return _copy_search_docs(ctx, kinds)
    total = 0
    for kind, docs in kinds:
        started = last_shown = time.monotonic()
        done = 0
        for batch in search.batches(docs, 2000):
            done += search.index_many(batch)
            if time.monotonic() - last_shown >= 2:
                last_shown = time.monotonic()
                ctx.progress(f"  search index, {kind}: {done:,} documents")
        ctx.progress(f"search index, {kind}: {done:,} documents in {time.monotonic() - started:.1f} s")
        total += done
    return total


def _copy_search_docs(ctx: Context, kinds: tuple) -> int:
    """PostgreSQL: the documents by COPY, with the rows :func:`keitai.search.rules.index`
    would write, and the trigram and grams GIN indexes built once afterwards (as
    pg_restore does): kept up row by row they make indexing a few hundred documents a second."""
    from keitai.search import rules as search  # noqa: PLC0415

    gin = fetchall("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_docs'"
                   " AND indexdef LIKE '%USING gin%'")
    for name, _definition in gin:
        execute(f'DROP INDEX "{name}"')
    total = 0
    try:
        for kind, docs in kinds:
            rows = (search.doc_row(doc, ctx.now) for doc in docs)
            total += bulk_insert("search_docs", search.COLUMNS,
                                 rows, ctx.progress, label=f"search index, {kind}")
    finally:
        for name, definition in gin:
            started = time.monotonic()
            with db.atomic():
                execute("SET LOCAL maintenance_work_mem = '256MB'")
                execute(definition)
            ctx.progress(f"search index: {name} built in {time.monotonic() - started:.1f} s")
    return total
