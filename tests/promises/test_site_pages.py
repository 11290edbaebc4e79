"""The PC and smartphone layout (stylesheet, menu, one column on phones) and /health."""
from __future__ import annotations

import json
import re

import peewee
import pytest

from conftest import IPHONE, PC
from keitai.platform.db import connection as base


def test_pc_pages_link_a_cacheable_stylesheet_and_carry_no_inline_style(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    home = pc.login("sakura@docomo.ne.jp")
    href = re.search(r'<link rel="stylesheet" href="([^"]+)">', home.text).group(1)
    assert re.fullmatch(r"/static/site\.css\?v=[0-9a-f]{10}", href)
    assert "<style" not in home.text and "<script" not in home.text
    css = pc.get(href)
    assert css.headers["Content-Type"].startswith("text/css")
    assert "immutable" in css.headers["Cache-Control"] and "max-age=31536000" in css.headers["Cache-Control"]
    assert "Set-Cookie" not in css.headers
    assert "@media (max-width: 720px)" in css.text  # one column on phones
    again = pc.get(href, headers={"If-None-Match": css.headers["ETag"]}, status=304)
    assert again.body == b""
    assert "max-age=3600" in pc.get("/static/site.css").headers["Cache-Control"]


def test_static_files_stay_inside_their_folder(client):
    pc = client(PC)
    for path in ["/static/../keitai/config.py", "/static/%2e%2e/keitai/config.py", "/static/nothing.css"]:
        assert pc.get(path, status="*").status_int in (403, 404), path


@pytest.mark.parametrize("ua", [PC, IPHONE])
def test_the_menu_links_every_section_from_one_list(client, make_member, ua):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    browser = client(ua)
    home = browser.login("sakura@docomo.ne.jp")
    menu = re.search(r'<ul class="menu">(.*?)</ul>', home.text, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', menu)
    assert links == [
        ("/", "ホーム"), (f"/member/{me}", "プロフィール"), ("/friends", "友人"), (f"/member/{me}/diary", "日記"),
        (f"/member/{me}/albums", "アルバム"), ("/communities", "コミュニティ"), ("/messages", "メッセージ"), ("/footprints", "足あと"),
        ("/favorites", "お気に入り"), ("/search", "検索"), ("/settings", "設定"),
    ]
    assert 'name="viewport"' in home.text


def test_visitors_see_the_sign_in_page_without_the_menu(client):
    page = client(PC).get("/")
    assert 'class="menu"' not in page.text and 'name="password"' in page.text


def test_health_says_ok_when_the_database_answers_and_is_migrated(client):
    response = client(PC).get("/health")
    assert response.status_int == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    assert json.loads(response.text) == {"status": "ok", "database": "ok", "migrations": "up to date", "pending": []}
    assert client(PC).head("/health").status_int == 200


def test_health_is_503_when_a_migration_is_pending(client):
    name = base.scalar("SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1")
    applied_at = base.scalar("SELECT applied_at FROM schema_migrations WHERE name = ?", (name,))
    base.execute("DELETE FROM schema_migrations WHERE name = ?", (name,))
    try:
        response = client(PC).get("/health", status=503)
        assert json.loads(response.text)["pending"] == [name]
    finally:
        base.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, applied_at))


def test_health_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def down(*args, **kwargs):
        raise peewee.OperationalError("connection refused")

    monkeypatch.setattr(base.db.obj, "execute_sql", down)  # every statement, read or write
    response = client(PC).get("/health", status=503)
    assert json.loads(response.text) == {"status": "unavailable", "database": "unreachable"}


# Menu entries whose pages are built on other branches this round.  The lead removes each
# as its branch merges; from then on this crawl holds it to a 200 like every other page.
PENDING = {"/search"}  # pages on branches not merged yet


def test_every_page_reachable_on_a_pc_answers_and_shares_the_layout(client, make_member):
    """Walk every page an admin on a PC can reach by links: no dead links, one layout."""
    from collections import deque
    from urllib.parse import urlsplit

    me = make_member("さくら", "sakura@docomo.ne.jp", is_admin=True, about="https://example.com/ を見てね")
    other = make_member("たろう", "taro@ezweb.ne.jp")
    from keitai.admin import rules as admin
    from keitai.friends import rules as friends
    friends.befriend(me, other)
    admin.set_site_notice(me, "お知らせです")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    pending = {path.format(me=me) for path in PENDING}

    queue, seen, dead = deque(["/"]), set(), []
    while queue and len(seen) < 80:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = pc.get(path, status="*")
        if urlsplit(path).path in pending and response.status_int == 404:
            continue
        if response.status_int != 200:
            dead.append((path, response.status_int))
            continue
        if path.startswith("/static/") or path.startswith("/out"):
            continue
        assert response.headers["Content-Type"] == "text/html; charset=UTF-8", path
        assert '<html lang="ja">' in response.text and "<script" not in response.text, path
        assert 'rel="stylesheet" href="/static/site.css?v=' in response.text, path
        for href in re.findall(r'href="([^"]+)"', response.text):
            href = href.replace("&amp;", "&")
            internal = href.startswith("/") and not href.startswith("//")
            # The handset preview links every page again; one visit of it is enough.
            if internal and not (href.startswith("/tools/") and path != "/"):
                queue.append(href)
    assert not dead, dead
    assert {"/", f"/member/{me}", "/admin", "/admin/members", "/admin/site", "/admin/gateways"} <= {
        urlsplit(p).path for p in seen}
