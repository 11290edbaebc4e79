"""Writes that come with reading a page (footprints, read marks, sign-in and last-seen times)
never fail the page, on the real server: not while another writer holds the database's lock,
not when the write itself fails (as on a full disk).  The failure is logged; the page is served.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
import pytest

from conftest import PC
from keitai.diary import rules as diaries
from keitai.diary import comments
from keitai.footprints import rules as footprints
from keitai.messages import rules as messages
from keitai.platform.db import connection as base
from keitai.platform.db.connection import scalar
from promises.test_scale_out import Browser, serve_processes


@pytest.fixture
def site(app, migrated, tmp_path, make_member):
    """さくら wrote a diary that たろう commented on, たろう visited her profile, and she sent him a
    message he has not read; both are signed in on a PC of the real server."""
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    diary = diaries.create_entry(sakura, diaries.Draft("春の日記", "桜が咲きました", "everyone", None))
    comments.add_comment(taro, diary, "きれいですね")
    footprints.record(taro, sakura)
    message = messages.send(sakura, taro, "こんにちは", "週末に会いましょう")
    with serve_processes(1, migrated, tmp_path) as (server,):
        browsers = {}
        for name, mail in (("sakura", "sakura@docomo.ne.jp"), ("taro", "taro@docomo.ne.jp")):
            browsers[name] = Browser(PC, cookies=True)
            browsers[name].sign_in(server, mail)
        yield dict(server=server, log=tmp_path / "serve-0.log", sakura_id=sakura, diary=diary, message=message,
                   **browsers)


def _read_everything(site) -> None:
    """Each page that writes something on the side is served whole."""
    server, sakura, taro = site["server"], site["sakura"], site["taro"]
    pages = [
        (taro, f"/diary/{site['diary']}", "桜が咲きました"),  # leaves a footprint
        (taro, f"/member/{site['sakura_id']}", "さくら"),  # leaves a footprint
        (taro, f"/message/{site['message']}", "週末に会いましょう"),  # marks the message read
        (sakura, "/footprints", "たろう"),  # marks the visits seen
        (sakura, f"/diary/{site['diary']}", "きれいですね"),  # marks the comments read
    ]
    for browser, path, shown in pages:
        status, _, page = browser.request(server + path)
        assert status == 200 and shown in page, (path, status, page[:300])


def _nothing_written(site) -> None:
    assert scalar("SELECT read_at FROM messages WHERE id = ?", (site["message"],)) is None
    assert scalar("SELECT unread_comments FROM diaries WHERE id = ?", (site["diary"],)) == 1
    assert scalar("SELECT footprints_seen_at FROM members WHERE id = ?", (site["sakura_id"],)) == 0
    log = site["log"].read_text(errors="replace")
    for what in ("footprint", "message read mark", "footprints read mark", "diary comments read mark"):
        assert re.search(rf"WARNING keitai\.db: {what} not written", log), what
    assert "Traceback" not in log


@contextmanager
def _writer_holding_the_lock(site):
    """Another writer holds what the side writes need, and keeps it until the pages are read.

    SQLite: the database's one write lock.  PostgreSQL: the tables' write locks, and the two
    members' rows (a sign-in's own session insert still goes through)."""
    url = base.db.obj.database if base.is_sqlite() else None
    if url is not None:
        holder = sqlite3.connect(url, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        from conftest import DATABASE_URL

        holder = psycopg.connect(DATABASE_URL)
        holder.execute("LOCK TABLE footprints, messages, diaries IN EXCLUSIVE MODE")
        holder.execute("SELECT 1 FROM members FOR NO KEY UPDATE")
    try:
        yield
    finally:
        holder.rollback() if url is None else holder.execute("ROLLBACK")
        holder.close()


def test_pages_are_served_while_another_writer_holds_the_lock(site):
    with _writer_holding_the_lock(site):
        _read_everything(site)
        if not base.is_sqlite():  # SQLite's one lock holds the session's own insert too
            again = Browser(PC, cookies=True)
            again.sign_in(site["server"], "taro@docomo.ne.jp")
            status, _, home = again.request(site["server"] + "/")
            assert status == 200 and "たろうさんのホーム" in home
    _nothing_written(site)
    # With the lock gone, reading the message again marks it read.
    site["taro"].request(f"{site['server']}/message/{site['message']}")
    assert scalar("SELECT read_at FROM messages WHERE id = ?", (site["message"],)) is not None


_EVENTS = {
    "footprints_insert": ("INSERT ON footprints", "footprints"),
    "footprints_update": ("UPDATE ON footprints", "footprints"),
    "members": ("UPDATE OF last_login_at, footprints_seen_at ON members", "members"),
    "messages": ("UPDATE OF read_at ON messages", "messages"),
    "diaries": ("UPDATE OF unread_comments ON diaries", "diaries"),
}


@contextmanager
def _side_writes_failing():
    """Every footprint, read mark and sign-in time fails as a full disk fails it."""
    if base.is_sqlite():
        for name, (event, _table) in _EVENTS.items():
            base.execute(f"CREATE TRIGGER full_disk_{name} BEFORE {event}"
                         " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    else:
        base.execute("CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS"
                     " $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$")
        for name, (event, _table) in _EVENTS.items():
            base.execute(f"CREATE TRIGGER full_disk_{name} BEFORE {event} FOR EACH ROW EXECUTE FUNCTION full_disk()")
    try:
        yield
    finally:
        for name, (_event, table) in _EVENTS.items():
            base.execute(f"DROP TRIGGER full_disk_{name}" + ("" if base.is_sqlite() else f" ON {table}"))
        if not base.is_sqlite():
            base.execute("DROP FUNCTION full_disk()")


def test_pages_are_served_when_their_side_writes_fail(site):
    with _side_writes_failing():
        _read_everything(site)
        again = Browser(PC, cookies=True)  # signing in writes the sign-in time
        again.sign_in(site["server"], "taro@docomo.ne.jp")
        status, _, home = again.request(site["server"] + "/")
        assert status == 200 and "たろうさんのホーム" in home
    _nothing_written(site)
    assert "sign-in time not written" in site["log"].read_text(errors="replace")
