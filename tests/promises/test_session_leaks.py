"""Sessions on URLs: a handset's sid never leaves the site (Referer, proxy caches, logs),
never works anywhere but on the handset it began on, and dies server-side at sign-out
and expiry."""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import DOCOMO_1, GATEWAY_IP, OUTSIDE_IP, PC
from keitai.platform.db.connection import execute, now, scalar
from keitai.friends import rules as friends
from keitai.platform.web.accesslog import masked_url
from sitewalk import HREF, SRC, cheap_passwords, crawl, internal, unescape  # noqa: F401


@pytest.fixture(autouse=True)
def access_log_reaches_caplog(monkeypatch):
    """run.py's logging setup (run by other tests) stops the access log propagating."""
    monkeypatch.setattr(logging.getLogger("keitai.access"), "propagate", True)

EXTERNAL = "http://blog.example.jp/sakura?from=keitai"


@pytest.fixture
def sakura(make_member, cheap_passwords):  # noqa: F811
    me = make_member("さくら", "sakura@docomo.ne.jp", about=f"ブログはこちら {EXTERNAL} です",
                     hobbies="カフェ")
    friend = make_member("たろう", "taro@ezweb.ne.jp", about="https://example.com/taro の日記")
    friends.befriend(me, friend)
    return me


def _links(body: str) -> list[str]:
    return [unescape(h) for h in HREF.findall(body) + SRC.findall(body)]


@pytest.mark.parametrize("ua", [DOCOMO_1, PC])
def test_no_page_links_to_another_site_with_a_sid_and_out_pages_carry_none(client, sakura, ua):
    member = client(ua)
    member.login("sakura@docomo.ne.jp")
    secret = member.sid or member.cookies["sid"]
    outs = []
    pages = 0
    for path, response in crawl(member):
        pages += 1
        body = member.text(response)
        for link in _links(body):
            if internal(link):
                if urlsplit(link).path == "/out":
                    assert "sid" not in parse_qs(urlsplit(link).query), (path, link)
                    outs.append(link)
                continue
            # Only the /out page itself may link off the site (its own URL has no sid).
            assert secret not in link and "sid=" not in link, (path, link)
            assert urlsplit(path).path == "/out", (path, link)
    assert pages >= 3
    assert outs, "members' links go through /out"
    for link in outs:
        page = member.get(link)  # exactly as the handset follows it: no sid
        assert secret not in member.text(page)
        assert "sid=" not in member.text(page)
        target = parse_qs(urlsplit(link).query)["url"][0]
        assert f'href="{target}"'.replace("&", "&amp;") in member.text(page)


def test_pages_carrying_a_sid_are_never_stored_by_a_proxy(client, sakura):
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    for path, response in crawl(phone):
        if phone.sid not in response.body.decode("cp932", "replace") + response.headers.get("Location", ""):
            continue
        cache = response.headers.get("Cache-Control", "")
        assert "no-store" in cache and "private" in cache, (path, cache)
        assert response.headers.get("Pragma") == "no-cache", path
        assert response.headers.get("Referrer-Policy") == "same-origin", path
    refused = phone.post(phone.with_sid("/logout"), {"csrf": "x"}, status=403)
    assert "no-store" in refused.headers["Cache-Control"]
    redirect = phone.page("/login")  # signed in already: sent home, with the sid in Location
    assert redirect.status_int == 303 and phone.sid in redirect.headers["Location"]
    assert "no-store" in redirect.headers["Cache-Control"]


def test_access_log_masks_the_sid_of_a_handset_request(client, sakura, caplog):
    phone = client(DOCOMO_1, ip=GATEWAY_IP["docomo"], headers={"X-DCMGUID": "ABCDEF1"})
    phone.login("sakura@docomo.ne.jp")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="keitai.access"):
        phone.page(f"/member/{sakura}?guid=ON")
        phone.get(f"/login?next=%2Fmember%2F{sakura}%3Fsid%3D{phone.sid}")
    lines = [r.getMessage() for r in caplog.records if r.name == "keitai.access"]
    assert len(lines) == 2
    profile = lines[0]
    assert f'"GET /member/{sakura}?guid=***&sid=*** HTTP/1.0" 200 ' in profile
    assert profile.split()[1] == GATEWAY_IP["docomo"]
    assert profile.endswith("docomo/handset")
    assert "%3Fsid%3D***" in lines[1]
    everything = caplog.text
    assert phone.sid not in everything and "ABCDEF1" not in everything


def test_access_log_line_for_a_pc_and_an_error(client, sakura, caplog):
    pc = client(PC)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="keitai.access"):
        pc.get("/no/such/page?password=hunter2", status=404)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "keitai.access"]
    assert '"GET /no/such/page?password=*** HTTP/1.0" 404 ' in line
    assert line.endswith("-/pc") and "hunter2" not in line
    assert re.fullmatch(r"[0-9]+\.[0-9]ms", line.split()[-2])  # the time it took, in milliseconds


@pytest.mark.parametrize("path, query, logged", [
    ("/", "sid=AbC-123_x", "/?sid=***"),
    ("/member/3", "pg=2&sid=AbC&csrf=zz", "/member/3?pg=2&sid=***&csrf=***"),
    ("/login", "next=%2Fdiary%2F4%3Fsid%3DSeCrEt-1", "/login?next=%2Fdiary%2F4%3Fsid%3D***"),
    ("/login", "next=/diary/4?x=1%26sid%3DSeCrEt", "/login?next=/diary/4?x=1%26sid%3D***"),
    ("/join/Zx81kQ_pLm-2aa9w", "", "/join/***"),
    ("/verify/3kd93KD-sl_20dkeLQ", "uid=NULLGWDOCOMO", "/verify/***?uid=***"),
    ("/settings", "new_password=x&reset_token=y", "/settings?new_password=***&reset_token=***"),
    ("/search", "q=%E3%81%95", "/search?q=%E3%81%95"),
])
def test_masked_url(path, query, logged):
    assert masked_url(path, query) == logged


def test_sign_out_ends_the_session_on_the_server(client, sakura):
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    old = phone.sid
    assert "カフェ" in phone.text(phone.page(f"/member/{sakura}"))
    phone.submit(phone.page("/logout"))
    assert scalar("SELECT COUNT(*) FROM sessions") == 0
    replay = client(DOCOMO_1).get(f"/member/{sakura}?sid={old}")
    assert "カフェ" not in replay.body.decode("cp932")
    assert "ﾛｸﾞｲﾝ" in replay.body.decode("cp932") or "ログイン" in replay.body.decode("cp932")


@pytest.mark.parametrize("column", ["expires_at", "last_seen"])
def test_expired_session_is_refused_and_deleted(client, sakura, column):
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    execute(f"UPDATE sessions SET {column} = ?", (now() - 30 * 24 * 3600,))
    assert "カフェ" not in phone.text(phone.page(f"/member/{sakura}"))
    assert scalar("SELECT COUNT(*) FROM sessions") == 0


def test_sid_begun_at_the_gateway_is_refused_from_anywhere_else(client, sakura):
    phone = client(DOCOMO_1, ip=GATEWAY_IP["docomo"])
    phone.login("sakura@docomo.ne.jp")
    assert "カフェ" in phone.text(phone.page(f"/member/{sakura}"))
    # Same user agent, same sid, a forged subscriber header, but not through docomo's gateway.
    thief = client(DOCOMO_1, ip=OUTSIDE_IP, headers={"X-DCMGUID": "ABCDEF1"})
    thief.sid = phone.sid
    assert "カフェ" not in thief.text(thief.page(f"/member/{sakura}"))
    # The member's own handset still works: the refusal ended nothing.
    assert "カフェ" in phone.text(phone.page(f"/member/{sakura}"))


def test_sid_bound_to_a_docomo_subscriber_refuses_another(client, sakura):
    phone = client(DOCOMO_1, ip=GATEWAY_IP["docomo"], headers={"X-DCMGUID": "AAAAAA1"})
    phone.login("sakura@docomo.ne.jp")
    other = client(DOCOMO_1, ip=GATEWAY_IP["docomo"], headers={"X-DCMGUID": "BBBBBB2"})
    other.sid = phone.sid
    assert "カフェ" not in other.text(other.page(f"/member/{sakura}"))
    assert "カフェ" in phone.text(phone.page(f"/member/{sakura}"))


def test_sid_in_a_pc_cookie_from_a_handset_url_opens_nothing(client, sakura):
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    pc = client(PC)
    pc.set_cookie("sid", phone.sid)
    assert "カフェ" not in pc.get(f"/member/{sakura}").text
