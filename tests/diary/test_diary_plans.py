"""The hot diary queries stay indexed on both databases: the friends' feed reads a few
entries per friend from the partial index, never the diaries table as a whole."""
from __future__ import annotations

from diary_helpers import member
from keitai.platform.db.connection import execute, fetchall, is_sqlite, now
from keitai import privacy as audience
from keitai import diary as diaries
from keitai.diary import feed as diary_feed, rules as diary_rules
from keitai.friends import rules as friends


def _plan(sql: str, params: tuple) -> str:
    prefix = "EXPLAIN QUERY PLAN " if is_sqlite() else "EXPLAIN "
    return "\n".join(str(row[-1]) for row in fetchall(prefix + sql, params))


def test_feed_list_and_unread_queries_use_their_indexes(member):
    ids = [member() for _ in range(60)]
    me = ids[0]
    for friend in ids[1:40]:
        friends.befriend(me, friend)
    t = now()
    audiences = ("everyone", "friends", "private", "friends_of_friends")
    rows = [(ids[i % 60], f"t{i}", "b", audiences[i % 4], t, t) for i in range(6000)]
    for start in range(0, len(rows), 500):
        part = rows[start:start + 500]
        execute("INSERT INTO diaries (author_id, title, body, audience, created_at, updated_at) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(part)), [v for row in part for v in row])
    execute("ANALYZE")

    _sql, params = audience.visible_clause(me, "x.author_id", "x.audience", "x.group_id")
    feed = _plan(diary_feed._feed_sql(), (diaries.NEWEST, *params, me, 10, diaries.NEWEST, *params, 11, 11))
    visible, params = audience.visible_clause(ids[5], "d.author_id", "d.audience", "d.group_id")
    listing = _plan(
        f"SELECT {diary_rules._ROW} FROM diaries d JOIN members m ON m.id = d.author_id"
        f" WHERE d.author_id = ? AND d.id < ? AND d.audience <> 'private' AND {visible} ORDER BY d.id DESC LIMIT ?",
        (me, diaries.NEWEST, *params, 11),
    )
    unread = _plan(diaries.NEW_COMMENTS_COUNT_SQL, (me, me, me))
    for plan in (feed, listing):
        assert "diaries_shared" in plan, plan
    assert "diaries_unread" in unread, unread
    for plan in (feed, listing, unread):
        if is_sqlite():
            assert "SCAN d " not in plan + " " and "SCAN x" not in plan and "SCAN diaries" not in plan, plan
        else:
            assert "Seq Scan on diaries" not in plan, plan

    # And the page itself: the newest entries the viewer may read, from friends only.
    page, _cursor = diaries.friends_feed(me, limit=10)
    assert len(page) == 10 and all(e.author_id in ids[1:40] and e.audience != "private" for e in page)
