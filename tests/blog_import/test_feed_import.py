"""External blog import against a local feed server: good feeds (RSS 1.0, RSS 2.0, Atom)
become diary entries once each; broken, slow, huge and malicious ones are reported in the
member's settings and change nothing else."""
from __future__ import annotations

import dataclasses
import http.server
import threading
import time

import pytest

import run
from conftest import DOCOMO_1, PC
from diary_helpers import make_group, member
from keitai import config
from keitai.platform import net
from keitai.platform.db.connection import db, execute, fetchall, scalar
from keitai import diary as diaries
from keitai.blog_import import rules as feeds
from keitai.friends import rules as friends

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>さくらのブログ</title><link>https://blog.example.jp/</link>
{items}
</channel></rss>"""
RSS2_ITEM = """<item><title>{title}</title><link>https://blog.example.jp/{n}</link>
<guid isPermaLink="false">post-{n}</guid><pubDate>Sun, 01 Mar 2026 10:{minute:02d}:00 +0900</pubDate>
<description>要約{n}</description>
<content:encoded><![CDATA[<p>本文{n}です。<b>太字</b>&amp;記号</p><script>alert('x')</script><style>p{{}}</style>
<p onclick="evil()">二段落目<br/>改行</p><iframe src="https://evil.example/"></iframe><img src="a.png" alt="写真">]]></content:encoded>
</item>"""

RSS1 = """<?xml version="1.0" encoding="Shift_JIS"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://old.example.jp/"><title>古いブログ</title><link>https://old.example.jp/</link>
<description>d</description><items><rdf:Seq><rdf:li rdf:resource="https://old.example.jp/1"/></rdf:Seq></items></channel>
<item rdf:about="https://old.example.jp/1"><title>RSS1の記事</title><link>https://old.example.jp/1</link>
<description>シフトJISの本文です</description><dc:date>2026-03-01T10:00:00+09:00</dc:date></item>
</rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atomのブログ</title><id>urn:x</id><updated>2026-03-02T00:00:00Z</updated>
<entry><title type="html">&lt;em&gt;Atom&lt;/em&gt;の記事</title><id>urn:entry:1</id><link href="/posts/1"/>
<updated>2026-03-02T00:00:00Z</updated>
<content type="html">&lt;p&gt;Atomの本文&lt;script&gt;steal()&lt;/script&gt;&lt;/p&gt;</content></entry>
<entry><title>javascript link</title><id>urn:entry:2</id><link href="javascript:alert(1)"/>
<updated>2026-03-01T00:00:00Z</updated><summary>危ないリンクの記事</summary></entry>
</feed>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title><guid>bomb</guid></item></channel></rss>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>外部実体</title><guid>xxe</guid>
<description>&secret;</description></item></channel></rss>"""


class FeedServer:
    """A local HTTP server whose answers the tests set per path."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                answer = server.routes.get(self.path)
                if answer is None:
                    self._send(404, b"not here")
                elif callable(answer):
                    answer(self)
                else:
                    self._send(200, answer.encode("utf-8") if isinstance(answer, str) else answer,
                               {"Content-Type": "application/rss+xml; charset=utf-8"})

            def _send(self, status, body=b"", headers=None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def local_feeds(app, settings, monkeypatch):
    """Tests reach their feed server on 127.0.0.1, and wait for nobody for long."""
    config.activate(dataclasses.replace(settings, feed_allow_private=True))
    monkeypatch.setattr(feeds, "FETCH_DEADLINE", 2.0)
    monkeypatch.setattr(feeds, "SOCKET_TIMEOUT", 1.0)
    yield
    config.activate(settings)


def rss2(*numbers, titles=None) -> str:
    items = "".join(
        RSS2_ITEM.format(n=n, title=(titles or {}).get(n, f"記事{n}"), minute=n) for n in sorted(numbers, reverse=True)
    )
    return RSS2.format(items=items)


def set_feed(pc, url: str, audience: str = "friends", **fields):
    form = pc.page("/settings/feed").forms[0]
    form["url"], form["audience"] = url, audience
    for name, value in fields.items():
        form[name] = value
    return form.submit()


def test_member_imports_a_blog_and_friends_read_it_on_a_handset(client, member, feed_server, local_feeds):
    me = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう", "taro@ezweb.ne.jp")
    member("ゆき", "yuki@softbank.ne.jp")
    friends.befriend(me, friend)
    feed_server.routes["/rss"] = rss2(1, 2, 3)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    saved = set_feed(pc, feed_server.url("/rss"), "friends")
    assert saved.status_int == 303
    assert "次の取り込み" in saved.follow().text

    results = feeds.import_due()
    assert [(r.member_id, r.imported, r.error) for r in results] == [(me, 3, None)]
    rows = fetchall("SELECT title, body, audience, source_url FROM diaries ORDER BY id")
    assert [r[0] for r in rows] == ["記事1", "記事2", "記事3"]  # oldest first: ids follow the blog
    title, body, aud, source = rows[0]
    assert aud == "friends" and source == "https://blog.example.jp/1"
    assert "本文1です。太字&記号" in body and "二段落目\n改行" in body and "[写真]" in body
    for bad in ("alert", "script", "<", "evil", "p{}"):
        assert bad not in body

    settings_page = pc.page("/settings/feed")
    assert "取り込んだ記事" in settings_page.text and "3件" in settings_page.text

    # A friend reads and comments on a docomo handset; a stranger sees nothing.
    phone = client(DOCOMO_1)
    phone.login("taro@ezweb.ne.jp")
    diary_id = scalar("SELECT MIN(id) FROM diaries")
    text = phone.text(phone.page(f"/diary/{diary_id}"))
    assert "本文1です" in text and "元の記事を読む" in text
    assert "/out?url=https%3A%2F%2Fblog.example.jp%2F1" in text
    form = phone.page(f"/diary/{diary_id}").forms[0]
    form["body"] = "読んだよ"
    assert form.submit(content_type="application/x-www-form-urlencoded; charset=cp932").status_int == 303
    assert "記事3" in phone.text(phone.page("/feed"))
    stranger = client(PC)
    stranger.login("yuki@softbank.ne.jp")
    assert stranger.page(f"/diary/{diary_id}", status=404).status_int == 404


def test_each_item_is_imported_once_with_conditional_get(member, feed_server, local_feeds):
    me = member()
    state = {"body": rss2(1, 2), "etag": '"v1"'}

    def answer(handler):
        if handler.headers.get("If-None-Match") == state["etag"]:
            handler._send(304, b"", {"ETag": state["etag"]})
        else:
            handler._send(200, state["body"].encode(), {"ETag": state["etag"], "Content-Type": "application/rss+xml",
                                                        "Last-Modified": "Sun, 01 Mar 2026 01:00:00 GMT"})

    feed_server.routes["/feed"] = answer
    assert feeds.save_setting(me, feed_server.url("/feed"), "everyone", None) == []
    assert feeds.import_feed(me).imported == 2
    assert feeds.import_feed(me).imported == 0  # 304: not modified
    assert feed_server.requests[-1][1].get("If-None-Match") == '"v1"'
    assert feed_server.requests[-1][1].get("If-Modified-Since") == "Sun, 01 Mar 2026 01:00:00 GMT"
    state.update(body=rss2(1, 2, 3, titles={2: "題を直した記事2"}), etag='"v2"')
    assert feeds.import_feed(me).imported == 1  # only the new item; an edited one is not duplicated
    assert scalar("SELECT COUNT(*) FROM diaries") == 3
    # A deleted imported entry does not come back.
    execute("DELETE FROM diaries WHERE title = ?", ("記事3",))
    state["etag"] = '"v3"'
    assert feeds.import_feed(me).imported == 0
    assert scalar("SELECT COUNT(*) FROM diaries") == 2


def test_rss1_and_atom_feeds(member, feed_server, local_feeds):
    first, second = member(), member()
    feed_server.routes["/rss1"] = lambda h: h._send(200, RSS1.encode("cp932"), {"Content-Type": "application/rdf+xml"})
    feed_server.routes["/atom"] = lambda h: h._send(200, ATOM.encode(), {"Content-Type": "application/atom+xml"})
    feeds.save_setting(first, feed_server.url("/rss1"), "everyone", None)
    feeds.save_setting(second, feed_server.url("/atom"), "private", None)
    assert sorted((r.imported, r.error) for r in feeds.import_due()) == [(1, None), (2, None)]
    assert fetchall("SELECT title, body, source_url FROM diaries WHERE author_id = ?", (first,)) == [
        ("RSS1の記事", "シフトJISの本文です", "https://old.example.jp/1")]
    atom = fetchall("SELECT title, body, source_url, audience FROM diaries WHERE author_id = ? ORDER BY id", (second,))
    assert atom[0] == ("javascript link", "危ないリンクの記事", None, "private")  # no javascript: link kept
    assert atom[1] == ("Atomの記事", "Atomの本文", feed_server.url("/posts/1"), "private")


def test_first_fetch_brings_only_the_newest_few(member, feed_server, local_feeds):
    me = member()
    feed_server.routes["/many"] = rss2(*range(1, 31))
    feeds.save_setting(me, feed_server.url("/many"), "friends", None)
    assert feeds.import_feed(me).imported == feeds.FIRST_FETCH_ITEMS
    assert [r[0] for r in fetchall("SELECT title FROM diaries ORDER BY id")] == [f"記事{n}" for n in range(26, 31)]
    assert scalar("SELECT COUNT(*) FROM diary_feed_items") == 30
    feed_server.routes["/many"] = rss2(*range(1, 32))
    assert feeds.import_feed(me).imported == 1


def test_group_audience_for_imports(member, feed_server, local_feeds):
    me, friend, other = member(), member(), member()
    friends.befriend(me, friend)
    friends.befriend(me, other)
    group = make_group(me, "ブログ読者", [friend])
    feed_server.routes["/rss"] = rss2(1)
    assert feeds.save_setting(me, feed_server.url("/rss"), "group", str(group)) == []
    feeds.import_due()
    diary_id = scalar("SELECT id FROM diaries")
    assert diaries.can_read(friend, diary_id) and not diaries.can_read(other, diary_id)


@pytest.mark.parametrize("path,answer,code", [
    ("/missing", None, "http:404"),
    ("/html", lambda h: h._send(200, b"<html><body>not a feed</body></html>", {"Content-Type": "text/html"}),
     "not_feed"),
    ("/binary", lambda h: h._send(200, bytes(range(256)) * 40, {"Content-Type": "application/octet-stream"}),
     "not_feed"),
    ("/huge", lambda h: h._send(200, b"<rss>" + b" " * (3 * 1024 * 1024)), "too_large:2048"),
    ("/loop", lambda h: h._send(302, b"", {"Location": "/loop"}), "redirects"),
    ("/to-file", lambda h: h._send(302, b"", {"Location": "file:///etc/passwd"}), "redirects"),
    ("/error", lambda h: h._send(500, b"oops"), "http:500"),
])
def test_bad_feeds_are_reported_and_change_nothing(member, feed_server, local_feeds, path, answer, code):
    me = member()
    if answer is not None:
        feed_server.routes[path] = answer
    feeds.save_setting(me, feed_server.url(path), "everyone", None)
    result = feeds.import_feed(me)
    assert result.error == code and result.imported == 0
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    row = fetchall("SELECT last_error, error_count, next_fetch_at FROM diary_feeds")[0]
    assert row[0] == code and row[1] == 1 and row[2] > time.time() + 60  # retried later, with backoff


def test_huge_feed_without_a_length_is_cut_off(member, feed_server, local_feeds):
    me = member()

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(2000):
                handler.wfile.write(b"<!-- padding -->" * 1024)
        except OSError:
            pass
        handler.close_connection = True

    feed_server.routes["/endless"] = endless
    feeds.save_setting(me, feed_server.url("/endless"), "everyone", None)
    assert feeds.import_feed(me).error.startswith("too_large")


def test_slow_and_dripping_feeds_time_out(member, feed_server, local_feeds):
    me = member()

    answer = threading.Event()  # set when the test ends: the server says nothing until then

    def silent(handler):
        answer.wait(30)

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        try:
            for _ in range(40):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass
        handler.close_connection = True

    feed_server.routes["/silent"] = silent
    feed_server.routes["/drip"] = drip
    try:
        # The drip would finish after 4 s and the silent server never answers: with a 2 s deadline
        # both end as timeouts, and nothing is imported.
        for path in ("/silent", "/drip"):
            feeds.save_setting(me, feed_server.url(path), "everyone", None)
            assert feeds.import_feed(me).error == "timeout", path
    finally:
        answer.set()
    assert scalar("SELECT COUNT(*) FROM diaries") == 0


def test_malicious_xml_is_refused(member, feed_server, local_feeds):
    me = member()
    feed_server.routes["/bomb"] = BILLION_LAUGHS
    feed_server.routes["/xxe"] = XXE
    for path in ("/bomb", "/xxe"):
        feeds.save_setting(me, feed_server.url(path), "everyone", None)
        assert feeds.import_feed(me).error == "not_feed"
    assert scalar("SELECT COUNT(*) FROM diaries") == 0


def test_private_addresses_are_refused_unless_allowed(client, member, feed_server, settings):
    me = member("さくら", "sakura@docomo.ne.jp")
    feed_server.routes["/rss"] = rss2(1)
    for url in (feed_server.url("/rss"), feed_server.url("/rss").replace("127.0.0.1", "localhost"),
                "http://10.0.0.1/feed", "http://169.254.169.254/latest/meta-data/", "http://[::1]/feed",
                "http://0.0.0.0/feed"):
        feeds.save_setting(me, url, "everyone", None)
        assert feeds.import_feed(me).error == "refused_address", url
    assert feed_server.requests == [] and scalar("SELECT COUNT(*) FROM diaries") == 0
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    page = pc.page("/settings/feed")
    assert "内部のネットワーク宛て" in page.text


def test_a_public_url_redirecting_inside_is_refused(member, feed_server, settings, monkeypatch):
    """A redirect is checked like the first address: a public feed cannot point inside."""
    me = member()
    real = net.socket.getaddrinfo

    def fake_dns(host, port, *args, **kwargs):
        if host == "public.example":  # pretend this name is on the internet, served by our test server
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(net.socket, "getaddrinfo", fake_dns)
    monkeypatch.setattr(net, "is_public", lambda address: address != "10.9.9.9" and not address.startswith("::"))
    feed_server.routes["/go"] = lambda h: h._send(302, b"", {"Location": "http://10.9.9.9/admin"})
    port = feed_server.base.rsplit(":", 1)[1]
    feeds.save_setting(me, f"http://public.example:{port}/go", "everyone", None)
    assert feeds.import_feed(me).error == "refused_address"


def test_settings_page_checks_the_url_and_keeps_input(client, member, local_feeds):
    member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    for bad in ("ftp://example.jp/feed", "javascript:alert(1)", "http://user:pw@example.jp/", "not a url"):
        form = phone.page("/settings/feed").forms[0]
        form["url"] = bad
        page = form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
        assert "http:// か https://" in phone.text(page), bad
    assert scalar("SELECT COUNT(*) FROM diary_feeds") == 0
    form = phone.page("/settings/feed").forms[0]
    form["url"] = "https://blog.example.jp/feed"
    assert form.submit(content_type="application/x-www-form-urlencoded; charset=cp932").status_int == 303
    assert scalar("SELECT url FROM diary_feeds") == "https://blog.example.jp/feed"
    form = phone.page("/settings/feed").forms[0]
    form["url"] = ""
    assert form.submit(content_type="application/x-www-form-urlencoded; charset=cp932").status_int == 303
    assert scalar("SELECT COUNT(*) FROM diary_feeds") == 0


def test_one_bad_feed_does_not_stop_the_others(member, feed_server, local_feeds):
    good, bad = member(), member()
    feed_server.routes["/good"] = rss2(1)
    feeds.save_setting(bad, feed_server.url("/missing"), "everyone", None)
    feeds.save_setting(good, feed_server.url("/good"), "everyone", None)
    results = {r.member_id: r for r in feeds.import_due()}
    assert results[good].imported == 1 and results[bad].error == "http:404"
    assert feeds.import_due() == []  # neither is due again yet


def test_command_and_background_thread(member, feed_server, local_feeds, settings, monkeypatch, capsys):
    me = member()
    feed_server.routes["/rss"] = rss2(1)
    feeds.save_setting(me, feed_server.url("/rss"), "everyone", None)
    monkeypatch.setenv("KEITAI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KEITAI_FEED_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("KEITAI_MEDIA_DIR", settings.media_dir)
    monkeypatch.setenv("KEITAI_SECRET_KEY", settings.secret_key)
    assert run.main(["import-feeds"]) == 0
    assert "1 entries imported" in capsys.readouterr().out
    config.activate(dataclasses.replace(settings, feed_allow_private=True))

    feed_server.routes["/rss"] = rss2(1, 2)
    execute("UPDATE diary_feeds SET next_fetch_at = 0")
    thread = feeds.start_background(0.05)
    try:
        for _ in range(100):
            if scalar("SELECT COUNT(*) FROM diaries") == 2:
                break
            time.sleep(0.05)
    finally:
        thread.stop()
        thread.join(5)
    assert scalar("SELECT COUNT(*) FROM diaries") == 2
    assert feeds.start_background(0) is None


def test_html_to_text():
    assert feeds.html_to_text("<p>a<script>x</script>b</p><p>c &amp; d</p>") == "ab\n\nc & d"
    assert feeds.html_to_text("<div>unclosed <script>forever") == "unclosed"
    assert feeds.html_to_text("plain &lt;b&gt; text", is_html=False) == "plain <b> text"
    assert feeds.html_to_text("a\x00b\x1bc") == "abc"


def test_two_importers_at_once_import_each_item_once(member, feed_server, local_feeds):
    me = member()
    feed_server.routes["/rss"] = rss2(1, 2, 3)
    feeds.save_setting(me, feed_server.url("/rss"), "everyone", None)
    results = []

    def run():
        try:
            results.append(feeds.import_feed(me))
        finally:
            db.close()  # this thread's connection

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sum(r.imported for r in results) == 3 and all(r.error is None for r in results)
    assert scalar("SELECT COUNT(*) FROM diaries") == 3
