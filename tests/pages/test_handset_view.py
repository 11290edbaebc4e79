"""``/tools/handset``: a page as a docomo, au or SoftBank handset receives it, seen from a PC."""
from __future__ import annotations

import re

import pytest

from conftest import DOCOMO_1, DOCOMO_1_5K, PC
from keitai.platform.db.connection import scalar
from keitai.platform.web import preview


@pytest.fixture
def sakura(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp", about="晴れの日は散歩☀\n" + "カフェで日記を書きます。" * 250)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    return pc, me


def sizes(page) -> list[int]:
    return [int(n) for n in re.findall(r'<meter min="0" max="\d+" high="\d+" value="(\d+)"', page.text)]


def test_a_long_profile_as_a_5k_docomo_handset_matches_what_the_handset_gets(sakura, client):
    pc, me = sakura
    sessions_before = scalar("SELECT COUNT(*) FROM sessions")
    page = pc.get("/tools/handset", params={"path": f"/member/{me}", "carrier": "docomo"})
    assert page.status_int == 200 and page.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "text/html; charset=Shift_JIS" in page.text
    assert "5,120 バイト" in page.text

    # The same member on a real docomo 1.0 handset: the same pages, byte for byte in size.
    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    first = phone.page(f"/member/{me}")
    count = int(re.search(r"\(1/(\d+)\)", first.body.decode("cp932")).group(1))
    real = [len(first.body)] + [len(phone.page(f"/member/{me}?pg={n}").body) for n in range(2, count + 1)]
    assert count > 1
    assert sizes(page) == real
    assert all(size <= 5120 for size in real)

    # No session was made for the preview, and the sid in its source is a placeholder.
    assert scalar("SELECT COUNT(*) FROM sessions") == sessions_before + 1  # the phone's own
    assert preview.PLACEHOLDER_SID in page.text
    assert "☀" in page.text  # the docomo emoji, shown as a Unicode emoji on the PC


def test_links_in_the_preview_stay_in_the_preview_and_forms_send_nothing(sakura):
    pc, me = sakura
    page = pc.get("/tools/handset", params={"path": "/", "carrier": "docomo"})
    screen = re.search(r'<div class="handset-screen">(.*?)</div>\n<details>', page.text, re.S).group(1)
    hrefs = re.findall(r'href="([^"]+)"', screen)
    assert hrefs and all(h.startswith("/tools/handset?path=") and "carrier=docomo" in h for h in hrefs), hrefs
    assert preview.PLACEHOLDER_SID not in "".join(hrefs)
    assert f"/tools/handset?path=%2Fmember%2F{me}&amp;carrier=docomo" in screen
    assert "<form" not in screen
    followed = pc.get(hrefs[0].replace("&amp;", "&"))
    assert followed.status_int == 200 and "Shift_JIS" in followed.text


def test_au_keeps_its_session_in_a_cookie_so_no_sid_in_links(sakura):
    pc, me = sakura
    page = pc.get("/tools/handset", params={"path": f"/member/{me}", "carrier": "au"})
    assert "KDDI-SA31" in page.text
    assert preview.PLACEHOLDER_SID not in page.text


def test_the_outer_page_keeps_its_own_response_and_session(sakura):
    pc, me = sakura
    page = pc.get("/tools/handset", params={"path": f"/member/{me}", "carrier": "softbank"})
    assert "Set-Cookie" not in page.headers
    assert "no-cache" in page.headers["Cache-Control"]
    assert "charset=utf-8" in page.text.lower()  # SoftBank 3G gets UTF-8
    assert pc.get("/").status_int == 200 and "さくらさんのホーム" in pc.get("/").text


def test_a_redirect_shows_where_it_leads(sakura):
    pc, _me = sakura
    page = pc.get("/tools/handset", params={"path": "/login", "carrier": "docomo"})
    assert "303" in page.text
    assert 'href="/tools/handset?path=%2F&amp;carrier=docomo"' in page.text


def test_missing_pages_show_the_handsets_error_page(sakura):
    pc, _me = sakura
    page = pc.get("/tools/handset", params={"path": "/member/999999", "carrier": "docomo"})
    assert "404" in page.text and "見つかりません" in page.text


@pytest.mark.parametrize("path", ["http://example.com/", "//example.com/", "member/1", "/tools/handset"])
def test_only_pages_of_this_site_can_be_viewed(sakura, path):
    pc, _me = sakura
    page = pc.get("/tools/handset", params={"path": path, "carrier": "docomo"})
    assert "/ で始まるもの" in page.text
    assert "<meter" not in page.text


def test_every_pc_page_links_the_preview_of_itself(sakura):
    pc, me = sakura
    profile = pc.get(f"/member/{me}")
    assert f'href="/tools/handset?path=%2Fmember%2F{me}"' in profile.text


def test_visitors_sign_in_first_and_handsets_are_sent_to_a_pc(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    assert 'name="password"' in client(PC).get("/tools/handset?path=/").text
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    page = phone.page("/tools/handset?path=/")
    assert "PCかｽﾏｰﾄﾌｫﾝ" in phone.text(page)
    assert page.headers["Content-Type"] == "text/html; charset=Shift_JIS"


def test_a_preview_leaves_no_trace_of_the_inner_request_in_the_outer_one(sakura, client):
    """A preview of a page that signs people out or sets cookies must not do it to the PC."""
    pc, _me = sakura
    pc.get("/tools/handset", params={"path": "/logout", "carrier": "au"})
    assert "さくらさんのホーム" in pc.get("/").text
    assert scalar("SELECT COUNT(*) FROM sessions") == 1
