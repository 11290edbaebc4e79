"""Error pages on a handset without cookies: every refusal keeps the member signed in.

A docomo handset of 2006 keeps its session only through the sid in each link; an error page
whose links lack it signs the member out.  Each case below signs in such a handset, provokes
one error the way a member could, and reads the bytes the handset gets.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ACTION, HREF, PC

P903I = "DoCoMo/2.0 P903i(c100;TB;W24H12)"  # FOMA, i-mode browser 1.0: no cookies
P903I_PAGE_BYTES = 30 * 1024  # docomo's text limit for its 100 KB-cache models
CP932_FORM = "application/x-www-form-urlencoded; charset=cp932"
MAIL = "sakura@docomo.ne.jp"
HOME = "さくらさんのﾎｰﾑ"
RAISES = "/test-only/raises"


def _post(phone, path, body: bytes):
    return phone.post(phone.with_sid(path), body, content_type=CP932_FORM, expect_errors=True)


def _diary_body(phone, value: bytes) -> bytes:
    return b"csrf=" + phone.csrf.encode() + b"&title=%93%FA%8BL&audience=friends&body=" + value


def _rate_limited_sign_in(phone):
    # Someone elsewhere guesses the member's password five times; the member, signed in on
    # the handset, then sends a sign-in form: the refusal must not sign them out.
    stranger = phone.stranger
    for _ in range(5):
        form = stranger.get("/login").forms[0]
        form["mail"], form["password"] = MAIL, "wrong guess"
        form.submit()
    return _post(phone, "/login", b"csrf=" + phone.csrf.encode() + b"&mail=" + MAIL.encode() + b"&password=x")


CASES = {
    "400 bad Shift_JIS lead byte in the body": (
        400, "文字コードが正しくありません", lambda p: _post(p, "/diary/new", _diary_body(p, b"%82"))),
    "400 stray byte after text in the body": (
        400, "文字コードが正しくありません", lambda p: _post(p, "/diary/new", _diary_body(p, b"abc%FD"))),
    "400 bad byte in the query": (
        400, "文字コードが正しくありません", lambda p: p.get(f"/search?q=%82&sid={p.sid}", expect_errors=True)),
    "403 CSRF token from nowhere": (
        403, "フォームの有効期限が切れた",
        lambda p: _post(p, "/diary/new", b"csrf=0123456789abcdef&title=a&audience=friends&body=b")),
    "404 unknown path": (
        404, "ページが見つかりません", lambda p: p.get(p.with_sid("/no/such/page"), expect_errors=True)),
    "404 unknown diary id": (
        404, "ページが見つかりません", lambda p: p.get(p.with_sid("/diary/99999"), expect_errors=True)),
    "405 a form sent to a page that only shows": (
        405, "この操作はできません", lambda p: _post(p, "/feed", b"csrf=" + p.csrf.encode())),
    "413 a 500 KB diary body": (
        413, "大きすぎます", lambda p: _post(p, "/diary/new", _diary_body(p, b"a" * 500_000))),
    "429 sign-in after too many wrong passwords": (
        429, "ログインの失敗が続いたため", _rate_limited_sign_in),
    "500 a view that fails": (
        500, "エラーが発生しました", lambda p: p.get(p.with_sid(RAISES), expect_errors=True)),
}


@pytest.fixture
def handset(app, client, make_member):
    """A signed-in P903i, with its session's CSRF token and a stranger at another address."""

    def raises():
        raise RuntimeError("a view that fails")

    app.route(RAISES, "GET", raises)  # only in this test's app
    make_member("さくら", MAIL)
    phone = client(P903I)
    phone.login(MAIL)
    assert phone.sid and "Set-Cookie" not in phone.page("/").headers
    phone.csrf = phone.page("/diary/new").forms[0]["csrf"].value
    phone.stranger = client(PC, ip="198.51.100.7")
    return phone


@pytest.mark.parametrize("case", list(CASES))
def test_error_page_keeps_the_handset_signed_in(handset, case):
    status, message, provoke = CASES[case]
    response = provoke(handset)

    assert response.status_int == status
    assert response.headers["Content-Type"] == "text/html; charset=Shift_JIS"
    assert len(response.body) <= P903I_PAGE_BYTES
    page = response.body.decode("cp932")
    assert message in page
    links = HREF.findall(page) + [action for action, _fields in ACTION.findall(page)]
    assert links, page
    for link in links:
        assert parse_qs(urlsplit(link.replace("&amp;", "&")).query).get("sid") == [handset.sid], link

    home_link = next(link for link in HREF.findall(page) if urlsplit(link).path == "/")
    home = handset.get(home_link.replace("&amp;", "&"))
    assert home.status_int == 200
    assert HOME in home.body.decode("cp932")
