"""A forgotten password, reset by mail: linked from /login, the same answer whether or not the
address is a member's, a short one-time link that runs out, every other session ended, limited."""
from __future__ import annotations

import base64
import re

from conftest import DOCOMO_1, PC, Client
from keitai.accounts import reset
from keitai.platform.db.connection import execute, now, scalar
from members_helpers import body, outbox, smtp  # noqa: F401  (smtp: fixture)

FORGOT_LINK = re.compile(r'href="([^"]*/password/forgot[^"]*)"')
RESET_LINK = re.compile(rb"http://\S+/password/reset/[A-Za-z0-9_-]+")


def ask(client: Client, address: str):
    page = client.get("/password/forgot")
    return client.submit(page, mail=address)


def reset_path(message) -> str:
    link = re.search(r"http://127\.0\.0\.1:8080(/password/reset/[A-Za-z0-9_-]+)", body(message))
    assert link, body(message)
    return link.group(1)


def test_a_docomo_member_resets_a_forgotten_password_by_mail_and_other_sessions_end(smtp, make_member):
    inbox, smtp_app = smtp
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = Client(smtp_app, PC)
    pc.login("sakura@docomo.ne.jp")                      # signed in elsewhere, with the old password

    phone = Client(smtp_app, DOCOMO_1)                   # i-mode 1.0: no cookies
    login = phone.get("/login")
    assert "ﾊﾟｽﾜｰﾄﾞを忘れた方" in phone.text(login)
    forgot = phone.get(FORGOT_LINK.search(phone.text(login)).group(1))
    answer = phone.submit(forgot, mail="sakura@docomo.ne.jp")
    assert "登録されていれば" in phone.text(answer)

    [_message] = inbox.wait(1)
    raw = inbox.envelopes[0].content
    # What a docomo handset reads: Shift_JIS, 8bit, never UTF-8.
    assert b"Content-Type: text/plain; charset=Shift_JIS" in raw and b"utf-8" not in raw.lower()
    subject = re.search(rb"Subject: =\?Shift_JIS\?B\?([A-Za-z0-9+/=]+)\?=", raw).group(1)
    assert base64.b64decode(subject) == b"\x83p\x83X\x83\x8f\x81[\x83h\x82\xcc\x8d\xc4\x90\xdd\x92\xe8"  # パスワードの再設定
    assert b"keitai\x82\xcc\x83p\x83X\x83\x8f\x81[\x83h\x82\xf0" in raw                                  # keitaiのパスワードを
    # The link: on the configured base (never the request's Host), short, on one line.
    [link] = RESET_LINK.findall(raw)
    assert link.startswith(b"http://127.0.0.1:8080/password/reset/") and len(link) <= 70

    path = link.decode()[len("http://127.0.0.1:8080"):]
    form = phone.get(path)
    assert "新しいﾊﾟｽﾜｰﾄﾞ" in phone.text(form)
    done = phone.submit(form, password="sakura-new-pass", password2="sakura-new-pass")
    assert done.status_int == 303 and "sid=" in done.headers["Location"]   # signed in on the handset
    assert "新しいパスワードを設定しました" in phone.text(done.follow())

    home = pc.get("/")                                    # the other session has ended
    assert "さくら さんのホーム" not in home.text and 'name="password"' in home.text
    again = phone.get(path, status=410)                   # the link worked once
    assert "このURLは使えません" in phone.text(again)
    assert Client(smtp_app, PC).login("sakura@docomo.ne.jp", "sakura-new-pass").status_int == 200
    old = Client(smtp_app, PC)
    refused = old.submit(old.get("/login"), mail="sakura@docomo.ne.jp", password="correct horse 42")
    assert refused.status_int == 200 and "さくら さんのホーム" not in refused.text


def test_an_unregistered_address_gets_the_same_answer_and_no_mail(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    stopped = make_member("停止中", "stopped@docomo.ne.jp")
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (stopped,))
    registered = ask(client(PC), "sakura@docomo.ne.jp")
    unknown = ask(client(PC), "nobody@docomo.ne.jp")
    suspended = ask(client(PC), "stopped@docomo.ne.jp")
    assert registered.status_int == unknown.status_int == suspended.status_int == 200
    assert registered.text == unknown.text == suspended.text
    assert [m["To"] for m in outbox(settings)] == ["sakura@docomo.ne.jp"]
    assert scalar("SELECT COUNT(*) FROM password_resets") == 1
    assert len(scalar("SELECT token_hash FROM password_resets")) == 64     # only a SHA-256 is kept
    assert reset_path(outbox(settings)[0]).rsplit("/", 1)[1] not in scalar("SELECT token_hash FROM password_resets")


def test_an_expired_link_is_refused_and_changes_nothing(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    ask(client(PC), "sakura@docomo.ne.jp")
    path = reset_path(outbox(settings)[0])
    pc = client(PC)
    form = pc.get(path)
    execute("UPDATE password_resets SET expires_at = ?", (now() - 1,))
    form.forms[0]["password"] = form.forms[0]["password2"] = "sakura-new-pass"
    refused = form.forms[0].submit(status=410)
    assert refused.status_int == 410 and "このURLは使えません" in refused.text
    assert pc.get(path, status=410)
    assert client(PC).login("sakura@docomo.ne.jp").status_int == 200       # the old password still works


def test_a_link_lasts_thirty_minutes(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    ask(client(PC), "sakura@docomo.ne.jp")
    created, expires = execute("SELECT created_at, expires_at FROM password_resets").fetchone()
    assert expires - created == 30 * 60


def test_using_one_link_ends_every_other_link(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    ask(client(PC), "sakura@docomo.ne.jp")
    ask(client(PC), "sakura@docomo.ne.jp")
    first, second = (reset_path(m) for m in outbox(settings))
    pc = client(PC)
    pc.submit(pc.get(second), password="sakura-new-pass", password2="sakura-new-pass")
    assert client(PC).get(first, status=410)


def test_a_mistyped_new_password_keeps_the_link_usable(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    ask(client(PC), "sakura@docomo.ne.jp")
    path = reset_path(outbox(settings)[0])
    pc = client(PC)
    wrong = pc.submit(pc.get(path), password="sakura-new-pass", password2="sakura-other")
    assert wrong.status_int == 200 and "一致しません" in wrong.text
    assert pc.submit(wrong, password="sakura-new-pass", password2="sakura-new-pass").status_int == 303


def test_asking_is_limited_per_address_typed_and_per_client(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    for _ in range(reset.PER_MAIL + 1):
        ask(client(PC, ip="192.0.2.20"), "sakura@docomo.ne.jp")
    assert len(outbox(settings)) == 3                      # the fourth ask mails nothing
    pc = client(PC, ip="192.0.2.30")
    for n in range(10):
        assert ask(pc, f"someone{n}@docomo.ne.jp").status_int == 200
    page = pc.get("/password/forgot")
    page.forms[0]["mail"] = "another@docomo.ne.jp"
    limited = page.forms[0].submit(status=429)
    assert limited.status_int == 429 and "時間をおいて" in limited.text
