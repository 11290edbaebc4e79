"""The request pipeline: a first member's path on every kind of phone, sessions, CSRF,
input decoding, output encoding, page splitting, the /out gateway."""
from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import (
    AU, DOCOMO_1, DOCOMO_1_5K, DOCOMO_2, GATEWAY_IP, HREF, IPHONE, OUTSIDE_IP, PASSWORD, PC, SOFTBANK,
)
from keitai.platform.db.connection import scalar


@pytest.mark.parametrize("ua", [DOCOMO_1, AU, SOFTBANK, IPHONE, PC])
def test_first_member_signs_in_sees_home_and_profile_and_signs_out(client, make_member, ua):
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ巡り")
    phone = client(ua)
    front = phone.get("/")
    assert "ログイン" in phone.text(front) or "ﾛｸﾞｲﾝ" in phone.text(front)

    home = phone.login("sakura@docomo.ne.jp")
    assert "さくら" in phone.text(home)

    profile = phone.page(f"/member/{member}")
    assert "カフェ巡り" in phone.text(profile)

    logout = phone.submit(phone.page("/logout"))
    assert logout.status_int == 303
    assert phone.page("/member/%d" % member).status_int == 200  # the sign-in page, not the profile
    assert "カフェ巡り" not in phone.text(phone.page(f"/member/{member}"))
    assert scalar("SELECT COUNT(*) FROM sessions") == 0


def test_docomo_1_gets_shift_jis_and_sid_in_every_link_and_form(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    home = phone.login("sakura@docomo.ne.jp")
    assert home.headers["Content-Type"] == "text/html; charset=Shift_JIS"
    assert "Set-Cookie" not in home.headers
    assert phone.sid
    body = home.body.decode("cp932")
    for href in HREF.findall(body):
        assert f"sid={phone.sid}" in href, href
    assert "no-cache" in home.headers["Cache-Control"]


def test_pc_keeps_the_session_in_a_cookie_not_in_urls(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    home = pc.login("sakura@docomo.ne.jp")
    assert pc.sid is None
    assert "sid=" not in home.text
    assert home.headers["Content-Type"] == "text/html; charset=UTF-8"


def test_softbank_3g_gets_utf8(client, make_member):
    make_member("ゆき", "yuki@softbank.ne.jp")
    phone = client(SOFTBANK)
    home = phone.login("yuki@softbank.ne.jp")
    assert home.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "ゆき" in home.body.decode("utf-8")


def test_wrong_password_is_refused(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    form = pc.get("/login").forms[0]
    form["mail"] = "sakura@docomo.ne.jp"
    form["password"] = "wrong"
    page = form.submit()
    assert page.status_int == 200
    assert "パスワードが違います" in page.text
    assert scalar("SELECT COUNT(*) FROM sessions") == 0


def test_post_without_csrf_token_changes_nothing(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    response = pc.post("/logout", {}, status=403)
    assert "有効期限" in response.text
    assert scalar("SELECT COUNT(*) FROM sessions") == 1


def test_forged_csrf_token_is_refused(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    pc.post("/logout", {"csrf": "0" * 32}, status=403)
    assert scalar("SELECT COUNT(*) FROM sessions") == 1


def test_broken_shift_jis_gets_a_clear_400_in_japanese(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    csrf = phone.get("/login").forms[0]["csrf"].value
    body = b"csrf=" + csrf.encode() + b"&mail=%82&password=x"
    response = phone.post("/login", body, content_type="application/x-www-form-urlencoded", status=400)
    text = response.body.decode("cp932")
    assert "文字" in text and "何も保存していません" in text


def test_forged_sid_opens_nothing(client, make_member):
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="秘密の趣味")
    phone = client(DOCOMO_1)
    page = phone.get(f"/member/{member}?sid=forgedforgedforgedforged")
    assert "秘密の趣味" not in page.body.decode("cp932")
    # ... nor while real sessions exist: one letter off a live sid is just as dead.
    viewer = make_member("たろう", "taro@docomo.ne.jp")
    assert viewer
    owner_phone = client(DOCOMO_1)
    owner_phone.login("sakura@docomo.ne.jp")
    live = owner_phone.sid
    forged = live[:-1] + ("A" if live[-1] != "A" else "B")
    page = client(DOCOMO_1).get(f"/member/{member}?sid={forged}")
    assert "秘密の趣味" not in page.body.decode("cp932") and 'action="/login' in page.body.decode("cp932")


def test_sid_copied_to_another_carrier_or_a_pc_does_not_work(client, make_member):
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="秘密の趣味")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    assert "秘密の趣味" in phone.text(phone.page(f"/member/{member}"))
    au = client(AU)
    assert "秘密の趣味" not in au.text(au.get(f"/member/{member}?sid={phone.sid}"))
    pc = client(PC)
    assert "秘密の趣味" not in pc.get(f"/member/{member}?sid={phone.sid}").text


def test_sid_bound_to_subscriber_id_refuses_another_subscriber(client, make_member):
    member = make_member("たろう", "taro@ezweb.ne.jp", hobbies="釣り")
    # au over https keeps no cookies, so its session rides in the URL.
    mine = client(AU, ip=GATEWAY_IP["au"], headers={"X-UP-SUBNO": "11111111111111_aa.ezweb.ne.jp"})
    mine.extra_environ["wsgi.url_scheme"] = "https"
    mine.login("taro@ezweb.ne.jp")
    assert mine.sid
    other = client(AU, ip=GATEWAY_IP["au"], headers={"X-UP-SUBNO": "22222222222222_bb.ezweb.ne.jp"})
    other.extra_environ["wsgi.url_scheme"] = "https"
    assert "釣り" not in other.text(other.get(f"/member/{member}?sid={mine.sid}"))
    assert "釣り" in mine.text(mine.page(f"/member/{member}"))


def test_idle_session_expires_server_side(client, make_member, app):
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    from keitai.platform.db.connection import execute

    execute("UPDATE sessions SET last_seen = last_seen - 3 * 3600")
    assert "カフェ" not in phone.text(phone.page(f"/member/{member}"))
    assert scalar("SELECT COUNT(*) FROM sessions") == 0


def test_new_session_id_at_every_sign_in(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    first = phone.sid
    phone.login("sakura@docomo.ne.jp")
    assert phone.sid != first


def test_redirects_are_absolute_and_keep_the_sid(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    form = phone.get("/login").forms[0]
    form["mail"], form["password"] = "sakura@docomo.ne.jp", PASSWORD
    response = form.submit()
    location = response.headers["Location"]
    assert location.startswith("http://")
    assert parse_qs(urlsplit(location).query)["sid"]


def test_sign_in_returns_to_the_page_asked_for(client, make_member):
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ")
    pc = client(PC)
    page = pc.get(f"/member/{member}")
    form = page.forms[0]
    form["mail"], form["password"] = "sakura@docomo.ne.jp", PASSWORD
    response = form.submit()
    assert urlsplit(response.headers["Location"]).path == f"/member/{member}"


@pytest.mark.parametrize("target", ["//evil.example/", "http://evil.example/", "/\\evil.example"])
def test_next_parameter_cannot_send_members_to_another_site(client, make_member, target):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    form = pc.get("/login").forms[0]
    form["mail"], form["password"] = "sakura@docomo.ne.jp", PASSWORD
    form["next"].force_value(target)
    response = form.submit()
    assert urlsplit(response.headers["Location"]).netloc == "localhost:80" or urlsplit(response.headers["Location"]).netloc == "localhost"
    assert urlsplit(response.headers["Location"]).path == "/"


def test_out_gateway_shows_target_without_the_session(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    page = phone.get("/out?url=http%3A%2F%2Fexample.com%2Fblog")
    body = page.body.decode("cp932")
    assert 'href="http://example.com/blog"' in body
    assert "sid=" not in body


@pytest.mark.parametrize("target", ["javascript:alert(1)", "/member/1", "data:text/html,x", ""])
def test_out_gateway_refuses_non_web_addresses(client, target):
    page = client(PC).get("/out", {"url": target})
    assert "開けません" in page.text
    assert f'href="{target}"' not in page.text


def test_unknown_page_is_a_japanese_404_for_handsets(client):
    phone = client(DOCOMO_1)
    response = phone.get("/no/such/page", status=404)
    assert response.headers["Content-Type"] == "text/html; charset=Shift_JIS"
    assert "見つかりません" in response.body.decode("cp932")


def test_profile_of_unknown_member_is_404(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    pc.get("/member/99999", status=404)


def test_through_a_real_waitress_server(live_server, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")

    def fetch(path, data=None):
        request = urllib.request.Request(live_server + path, data=data, headers={"User-Agent": DOCOMO_1})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    status, headers, body = fetch("/login")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=Shift_JIS"
    text = body.decode("cp932")
    csrf = text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    form = f"csrf={csrf}&next=%2F&mail=sakura%40docomo.ne.jp&password={PASSWORD.replace(' ', '+')}".encode()
    status, headers, _ = fetch("/login", form)
    assert status == 303
    sid = parse_qs(urlsplit(headers["Location"]).query)["sid"][0]
    status, headers, body = fetch(f"/?sid={sid}")
    assert status == 200
    assert "さくら" in body.decode("cp932")


import urllib.error  # noqa: E402


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_long_page_is_split_within_the_budget_never_inside_a_character(client, make_member):
    long_about = "長い自己紹介です。" * 700 + "おわり"
    member = make_member("さくら", "sakura@docomo.ne.jp", about=long_about)
    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    seen = ""
    path = f"/member/{member}"
    for number in range(1, 60):
        page = phone.page(f"{path}?pg={number}")
        assert len(page.body) <= 5 * 1024
        text = page.body.decode("cp932")  # never cut inside a character
        seen += text
        if "次へ" not in text:
            break
        assert 'accesskey="#"' in text
    else:
        pytest.fail("pages never ended")
    assert number > 2
    assert "おわり" in seen
    assert seen.count("長い自己紹介です") >= 690


def test_four_byte_characters_and_emoji_are_stored_intact(client, make_member):
    member = make_member("𠮷野家", "yoshi@docomo.ne.jp", about="𠮷野家で牛丼😀☀")
    pc = client(PC)
    pc.login("yoshi@docomo.ne.jp")
    page = pc.get(f"/member/{member}")
    assert "𠮷野家で牛丼😀☀" in page.text
    assert scalar("SELECT about FROM members WHERE id = ?", (member,)) == "𠮷野家で牛丼😀☀"


def test_a_sun_stored_once_shows_as_each_carriers_own_emoji(client, make_member):
    member = make_member("さくら", "sakura@docomo.ne.jp", about="晴れ☀")
    docomo = client(DOCOMO_1)
    docomo.login("sakura@docomo.ne.jp")
    assert b"\xf8\x9f" in docomo.page(f"/member/{member}").body  # docomo's sun in Shift_JIS
    softbank = client(SOFTBANK)
    softbank.login("sakura@docomo.ne.jp")
    assert "\ue04a" in softbank.page(f"/member/{member}").body.decode("utf-8")  # SoftBank's sun


def test_hankaku_output_is_a_site_setting(client, make_member, app, settings):
    import dataclasses

    from keitai import config

    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カラオケ")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    assert "カラオケ" in phone.text(phone.page(f"/member/{member}"))
    config.activate(dataclasses.replace(settings, hankaku_output=True))
    try:
        assert "ｶﾗｵｹ" in phone.text(phone.page(f"/member/{member}"))
    finally:
        config.activate(settings)


def test_demo_members_sign_in_to_a_site_with_something_to_read(client, app):
    from keitai.devtools import demo

    pairs = demo.seed_demo()
    assert demo.seed_demo() == pairs  # idempotent: nothing made twice
    assert scalar("SELECT COUNT(*) FROM diaries") == 3
    taro = client(AU)
    home = taro.login(pairs[1][0], pairs[1][1])
    assert "はじめての日記" in taro.text(home)  # さくら's friends-only diary, on her friend's home
    assert "自己紹介トピック" not in taro.text(home)  # not in that community


def test_a_signed_in_members_post_refuses_a_signed_out_visitors_token(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    visitor = client(PC)
    visitor_token = visitor.get("/login").forms[0]["csrf"].value  # a valid token, but nobody's session's
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    response = pc.post("/logout", {"csrf": visitor_token}, status=403)
    assert "有効期限" in response.text
    assert scalar("SELECT COUNT(*) FROM sessions") == 1  # still signed in: the sign-out was refused


def test_a_sign_in_form_left_open_seven_hours_is_refused_and_says_why(client, make_member, monkeypatch):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    form = pc.get("/login").forms[0]
    form["mail"], form["password"] = "sakura@docomo.ne.jp", PASSWORD
    from keitai.platform.web import sessions

    later = sessions.now() + 7 * 3600  # the visitor's token lives six hours
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = form.submit(status=403)
    assert "有効期限" in response.text
    assert scalar("SELECT COUNT(*) FROM sessions") == 0


def test_a_handset_session_in_constant_use_outlives_its_idle_limit(client, make_member):
    """A member who keeps reading stays signed in past the two-hour idle limit: each request
    moves the idle clock (the clock is moved back in the database, as the existing idle test does)."""
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    from keitai.platform.db.connection import execute

    for _ in range(5):  # 5 x 50 minutes of reading: 250 minutes since sign-in, never 2 hours idle
        execute("UPDATE sessions SET last_seen = last_seen - 50 * 60, created_at = created_at - 50 * 60")
        assert "カフェ" in phone.text(phone.page(f"/member/{member}"))
    assert scalar("SELECT COUNT(*) FROM sessions") == 1


def test_a_member_suspended_by_the_rules_loses_an_open_session_at_the_next_request(client, make_member):
    """Suspension from another process (run.py admin) ends sessions it never saw: they load only
    active members."""
    admin = make_member("管理人", "admin@docomo.ne.jp")
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ")
    friend = make_member("たろう", "taro@docomo.ne.jp", hobbies="釣り")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    assert "釣り" in phone.text(phone.page(f"/member/{friend}"))
    from keitai.admin import rules as admin_rules

    admin_rules.suspend(admin, member, "規約違反のため")
    page = phone.text(phone.page(f"/member/{friend}"))
    assert "釣り" not in page and "ログイン" in page
    assert scalar("SELECT COUNT(*) FROM sessions WHERE member_id = ?", (member,)) == 0
