"""Invitation-only sign-up with a mobile mail address: invitations, joining, verification,
open sign-up, mail change, and the whole path through a real SMTP server."""
from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from commands.test_backup import run_py
from conftest import DOCOMO_1, PASSWORD, PC, Client
from keitai.platform import mail as mailer
from keitai.app import create_app
from keitai.platform.db.connection import execute, fetchone, now, scalar
from keitai.friends import rules as friends
from keitai.signup import invitations
from keitai.platform.mail import addresses as mobile_mail
from keitai.platform.mail import queue
from keitai.admin import site
from keitai.words import Refused
from members_helpers import Inbox, body, fill_join, free_port, link_path, outbox, smtp  # noqa: F401  (smtp: fixture)
from members_helpers import fast_passwords  # noqa: F401  (autouse: cheap argon2 here)


# --- which addresses ------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "taro@docomo.ne.jp", "taro..x@docomo.ne.jp", "hanako.@docomo.ne.jp", ".dot.first@ezweb.ne.jp",
    "x-y_z@au.com", "iphone@i.softbank.jp", "old@t.vodafone.ne.jp", "phs@willcom.com", "me@dwmail.jp",
    "Taro@DoCoMo.NE.JP",
])
def test_carrier_addresses_are_accepted_with_the_local_parts_carriers_issued(address):
    assert mobile_mail.mobile_mail_error(address) is None


def test_every_published_carrier_mail_domain_is_accepted():
    """The carrier domains OpenPNE 3 kept (a copy in tests/data) are all accepted at sign-up."""
    published = Path(__file__).resolve().parents[1] / "data" / "carrier-mail-domains.yml"
    domains = yaml.safe_load(published.read_text(encoding="utf-8"))
    assert len(domains) == 19
    for domain in domains:
        assert mobile_mail.mobile_mail_error(f"taro@{domain}") is None, domain


@pytest.mark.parametrize("address", ["taro@gmail.com", "taro@example.co.jp", "taro@docomo.ne.jp.evil.com", "x@yahoo.co.jp"])
def test_pc_addresses_are_refused_with_the_reason(address):
    error = mobile_mail.mobile_mail_error(address)
    assert "携帯電話会社のメールアドレス" in error and "パソコン" in error
    assert address.rpartition("@")[2] in error


@pytest.mark.parametrize("address", ["", "no-at-sign", "a b@docomo.ne.jp", "<x>@docomo.ne.jp", "x@", "@docomo.ne.jp",
                                     "x@docomo", "x" * 65 + "@docomo.ne.jp", 'a"b@docomo.ne.jp'])
def test_broken_addresses_are_refused(address):
    assert mobile_mail.mobile_mail_error(address) in (mobile_mail.messages.MAIL_INVALID, mobile_mail.messages.MAIL_REQUIRED)


def test_rfc_violating_local_part_is_sent_quoted():
    assert mailer.quote_address("taro..x.@docomo.ne.jp") == '"taro..x."@docomo.ne.jp'
    assert mailer.quote_address("taro@docomo.ne.jp") == "taro@docomo.ne.jp"


# --- invitations ----------------------------------------------------------------------

def _invite_from_page(pc, address, message=""):
    return pc.submit(pc.page("/invite"), mail=address, message=message)


def test_member_invites_sees_pending_and_cancels(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    response = _invite_from_page(pc, "hanako@docomo.ne.jp", "日記を書こう！")
    assert response.status_int == 303
    page = response.follow()
    assert "招待メールを送りました" in page.text and "hanako@docomo.ne.jp" in page.text

    [sent] = outbox(settings)
    assert sent["To"] == "hanako@docomo.ne.jp" and "さくら" in sent["Subject"]
    assert "日記を書こう！" in body(sent) and "14日間" in body(sent)
    join_path = link_path(sent, "join")
    assert scalar("SELECT COUNT(*) FROM invitations WHERE token_hash = ?", (join_path.rsplit("/", 1)[1],)) == 0  # only hashes

    # The same address again while the first waits: refused, nothing sent.
    again = _invite_from_page(pc, "hanako@docomo.ne.jp")
    assert "すでに招待を送っています" in again.text and len(outbox(settings)) == 1

    cancelled = pc.submit(page, form_index=1).follow()
    assert "招待を取り消しました" in cancelled.text
    assert "hanako@docomo.ne.jp" not in cancelled.text
    answer = client(DOCOMO_1).get(join_path, status=410)
    assert "取り消されています" in answer.body.decode("cp932")


def test_inviting_a_broken_address_is_refused_and_a_members_is_not_told(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    page = _invite_from_page(pc, "not an address")
    assert "メールアドレスの形が正しくありません" in page.text
    assert 'value="not an address"' in page.text  # what was typed stays
    page = _invite_from_page(pc, "ok@docomo.ne.jp", "長" * 501)
    assert "500文字まで" in page.text and "長" * 501 in page.text
    assert outbox(settings) == [] and scalar("SELECT COUNT(*) FROM invitations") == 0

    # A member's address: answered as any invitation; the member hears of it, without a link.
    page = _invite_from_page(pc, "taro@ezweb.ne.jp").follow()
    assert "招待メールを送りました" in page.text and "taro@ezweb.ne.jp" in page.text
    [sent] = outbox(settings)
    assert sent["To"] == "taro@ezweb.ne.jp" and sent["Subject"] == "keitai への招待について"
    assert "さくらさんが、このアドレスを keitai に招待しようとしました。" in body(sent) and "/join/" not in body(sent)


def test_invitations_are_limited_per_day(make_member, settings, app):
    me = make_member()
    for n in range(invitations.DAILY_LIMIT):
        invitations.invite(me, f"friend{n}@docomo.ne.jp")
    with pytest.raises(Refused, match="24時間") as refused:
        invitations.invite(me, "one-more@docomo.ne.jp")
    assert refused.value.code == "signup.invite_daily_limit"


def test_the_operators_invite_command_says_why_it_refused_and_keeps_nothing(make_member, settings, app):
    make_member("さくら", "sakura@docomo.ne.jp")
    malformed = run_py(settings, "invite", "sakura.docomo.ne.jp")
    member = run_py(settings, "invite", "sakura@docomo.ne.jp")
    assert (malformed.returncode, malformed.stderr) == (1, "not invited: メールアドレスの形が正しくありません。もう一度確かめてください。\n")
    assert (member.returncode, member.stderr) == (1, "not invited: このアドレスの方はすでに keitai のメンバーです。\n")
    assert scalar("SELECT COUNT(*) FROM invitations") == 0
    invited = run_py(settings, "invite", "hanako@ezweb.ne.jp")
    assert invited.returncode == 0 and "/join/" in invited.stdout
    assert scalar("SELECT mail FROM invitations") == "hanako@ezweb.ne.jp"


def test_cancel_is_only_for_ones_own_invitation(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    other = make_member("たろう", "taro@ezweb.ne.jp")
    theirs, _token = invitations.invite(other, "x@docomo.ne.jp")
    pc = client(PC)
    page = pc.login("sakura@docomo.ne.jp")
    csrf = pc.page("/invite").forms[0]["csrf"].value
    pc.post(f"/invite/{theirs.id}/cancel", {"csrf": csrf}, status=404)
    assert invitations.check(_token) is not None and me != other and page  # check raises once unusable


# --- joining --------------------------------------------------------------------------

def _join_on_phone(client, path, **fields):
    phone = client(DOCOMO_1)
    page = phone.get(path)
    return phone, fill_join(page.forms[0], **fields).submit()


def test_join_from_invitation_then_verify_then_sign_in_on_docomo_and_befriend_inviter(client, make_member, settings):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    invitation, token = invitations.invite(inviter, "hanako@docomo.ne.jp", "おいでよ")
    phone = client(DOCOMO_1)
    page = phone.get(f"/join/{token}")
    text = phone.text(page)
    assert "携帯のﾒｰﾙｱﾄﾞﾚｽ" in text and page.forms[0]["mail"].value == "hanako@docomo.ne.jp"  # prefilled
    sent_page = fill_join(page.forms[0], real_name="山田花子").submit()
    assert "確認ﾒｰﾙを送りました" in phone.text(sent_page)

    member = fetchone("SELECT id, status, real_name, aud_real_name, aud_birthday FROM members WHERE mail = ?",
                      ("hanako@docomo.ne.jp",))
    assert member[1:] == ("pending", "山田花子", "private", "private")
    # Not verified yet: no sign-in, and no friendship.
    login = client(DOCOMO_1).get("/login").forms[0]
    login["mail"], login["password"] = "hanako@docomo.ne.jp", "hanako-pass-1"
    assert "確認がまだ済んでいません" in phone.text(login.submit())
    assert not friends.are_friends(inviter, member[0])

    verify_mail = outbox(settings)[-1]
    assert verify_mail["To"] == "hanako@docomo.ne.jp"
    done = client(DOCOMO_1).get(link_path(verify_mail, "verify"))
    assert "登録が完了しました" in done.body.decode("cp932")
    assert scalar("SELECT status FROM members WHERE id = ?", (member[0],)) == "active"
    assert friends.are_friends(inviter, member[0])

    fresh = client(DOCOMO_1)
    home = fresh.login("hanako@docomo.ne.jp", "hanako-pass-1")
    assert "はなこさんのﾎｰﾑ" in fresh.text(home) and fresh.sid and "Set-Cookie" not in home.headers
    assert "たろう" not in fresh.text(fresh.page("/friends")) and "さくら" in fresh.text(fresh.page("/friends"))


def test_replayed_token_changes_nothing_and_says_so(client, make_member, settings):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    _invitation, token = invitations.invite(inviter, "hanako@docomo.ne.jp")
    _join_on_phone(client, f"/join/{token}")
    count = scalar("SELECT COUNT(*) FROM members")

    replay = client(DOCOMO_1).get(f"/join/{token}", status=410)
    assert "すでに使われています" in replay.body.decode("cp932")
    # A form opened before the first use and posted after it: also refused.
    phone = client(PC)
    csrf = phone.get("/login").forms[0]["csrf"].value
    posted = phone.post(f"/join/{token}", {
        "csrf": csrf, "nickname": "にせ", "mail": "fake@docomo.ne.jp", "password": "password-123",
        "password2": "password-123", "birth_year": "1990", "birth_month": "1", "birth_day": "1",
    }, status=410)
    assert "すでに使われています" in posted.text
    assert scalar("SELECT COUNT(*) FROM members") == count


def test_expired_and_forged_tokens_change_nothing_and_say_so(client, make_member):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    invitation, token = invitations.invite(inviter, "hanako@docomo.ne.jp")
    execute("UPDATE invitations SET expires_at = ? WHERE id = ?", (1, invitation.id))
    expired = client(DOCOMO_1).get(f"/join/{token}", status=410)
    assert "有効期限（14日間）が切れています" in expired.body.decode("cp932")

    forged = client(DOCOMO_1).get("/join/" + "A" * 32, status=404)
    assert "招待URLは正しくありません" in forged.body.decode("cp932")
    assert scalar("SELECT COUNT(*) FROM members") == 1
    assert scalar("SELECT used_at FROM invitations WHERE id = ?", (invitation.id,)) is None


def test_under_18_is_refused_kindly_and_the_invitation_stays_usable(client, make_member):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    _invitation, token = invitations.invite(inviter, "young@docomo.ne.jp")
    today = datetime.date.today()
    seventeen = (str(today.year - 17), str(today.month), "1")
    phone, page = _join_on_phone(client, f"/join/{token}", mail="young@docomo.ne.jp", birthday=seventeen)
    text = phone.text(page)
    assert "18歳以上の方のためのサービス" in text and "また来てくださいね" in text
    assert scalar("SELECT COUNT(*) FROM members") == 1
    assert invitations.check(token) is not None
    assert page.forms[0]["nickname"].value == "はなこ" and page.forms[0]["password"].value == ""


def test_pc_mail_domain_is_refused_with_why(client, make_member):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    _invitation, token = invitations.invite(inviter, "hanako@gmail.com")
    pc = client(PC)
    page = pc.get(f"/join/{token}")
    assert page.forms[0]["mail"].value == ""  # a PC address is not prefilled
    refused = fill_join(page.forms[0], mail="hanako@gmail.com").submit()
    assert "「gmail.com」のアドレスでは登録できません" in refused.text and "パソコン" in refused.text
    assert refused.forms[0]["mail"].value == "hanako@gmail.com"
    assert scalar("SELECT COUNT(*) FROM members") == 1


def test_every_form_problem_is_listed_and_nothing_is_stored(client, make_member):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")
    _invitation, token = invitations.invite(inviter, "x@docomo.ne.jp")
    pc = client(PC)
    form = fill_join(pc.get(f"/join/{token}").forms[0], nickname="", password="short", birthday=("1990", "2", "30"))
    form["password2"] = "other"
    text = form.submit().text
    assert "ニックネームを入力してください" in text and "8文字以上" in text and "生年月日を正しく" in text
    long = fill_join(pc.get(f"/join/{token}").forms[0], nickname="な" * 21).submit()
    assert "20文字まで" in long.text and long.forms[0]["nickname"].value == "な" * 21
    assert scalar("SELECT COUNT(*) FROM members") == 2 and invitations.check(token) is not None
    # A member's address is no problem of the form: the answer tells nothing (the owner is mailed).
    taken = fill_join(pc.get(f"/join/{token}").forms[0], mail="taro@ezweb.ne.jp").submit()
    assert "確認メールを送りました" in taken.text and "すでに登録されています" not in taken.text
    assert scalar("SELECT COUNT(*) FROM members") == 2
    with pytest.raises(Refused, match="すでに使われています"):
        invitations.check(token)


def test_verification_link_replayed_expired_or_forged_changes_nothing(client, make_member, settings):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    _invitation, token = invitations.invite(inviter, "hanako@docomo.ne.jp")
    _join_on_phone(client, f"/join/{token}")
    verify_path = link_path(outbox(settings)[-1], "verify")

    forged = client(PC).get("/verify/" + "B" * 32, status=404)
    assert "確認URLは正しくありません" in forged.text
    execute("UPDATE mail_tokens SET expires_at = 1")
    expired = client(PC).get(verify_path, status=410)
    assert "有効期限が切れています" in expired.text
    assert scalar("SELECT status FROM members WHERE mail = 'hanako@docomo.ne.jp'") == "pending"

    # Signing in with the right password sends a fresh link, which works once.
    phone = client(DOCOMO_1)
    login = phone.get("/login").forms[0]
    login["mail"], login["password"] = "hanako@docomo.ne.jp", "hanako-pass-1"
    assert "確認メールを送り直しました" in phone.text(login.submit())
    fresh = link_path(outbox(settings)[-1], "verify")
    assert fresh != verify_path
    assert "登録が完了しました" in client(PC).get(fresh).text
    replay = client(PC).get(fresh, status=410)
    assert "すでに使われています" in replay.text
    assert scalar("SELECT COUNT(*) FROM friendships") == 2


def test_a_stale_pending_account_does_not_hold_its_address_forever(client, make_member):
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    _i, first = invitations.invite(inviter, "a@docomo.ne.jp")
    _join_on_phone(client, f"/join/{first}", mail="typo@docomo.ne.jp")
    _i, second = invitations.invite(inviter, "b@docomo.ne.jp")
    _phone, page = _join_on_phone(client, f"/join/{second}", mail="typo@docomo.ne.jp", nickname="にせもの")
    assert "確認ﾒｰﾙを送りました" in page.body.decode("cp932")  # its link is still live: the same answer ...
    assert scalar("SELECT nickname FROM members WHERE mail = 'typo@docomo.ne.jp'") != "にせもの"  # ... no account
    execute("UPDATE mail_tokens SET expires_at = 1")
    _i, third = invitations.invite(inviter, "c@docomo.ne.jp")
    _phone, page = _join_on_phone(client, f"/join/{third}", mail="typo@docomo.ne.jp", nickname="ほんもの")
    assert "確認ﾒｰﾙを送りました" in page.body.decode("cp932")
    assert scalar("SELECT nickname FROM members WHERE mail = 'typo@docomo.ne.jp'") == "ほんもの"


# --- open sign-up ---------------------------------------------------------------------

def test_join_without_invitation_follows_the_site_switch(client, make_member, settings):
    make_member("さくら", "sakura@docomo.ne.jp")
    closed = client(DOCOMO_1).get("/join")
    assert "招待制です" in closed.body.decode("cp932") and not closed.forms

    site.put("invitation_only", False)
    phone = client(DOCOMO_1)
    page = fill_join(phone.get("/join").forms[0], mail="open@ezweb.ne.jp").submit()
    assert "確認ﾒｰﾙを送りました" in phone.text(page)
    client(PC).get(link_path(outbox(settings)[-1], "verify"))
    assert scalar("SELECT status, friend_count FROM members WHERE mail = 'open@ezweb.ne.jp'") == "active"

    # Still 18+ and a mobile address.
    assert "パソコン" in fill_join(client(PC).get("/join").forms[0], mail="x@gmail.com").submit().text
    site.put("invitation_only", True)
    visitor = client(PC)
    csrf = visitor.get("/login").forms[0]["csrf"].value
    refused = visitor.post("/join", {"csrf": csrf, "nickname": "x", "mail": "late@docomo.ne.jp"})
    assert "招待制です" in refused.text
    assert scalar("SELECT COUNT(*) FROM members WHERE mail = 'late@docomo.ne.jp'") == 0


# --- mail change ----------------------------------------------------------------------

def test_mail_change_happens_only_when_the_new_address_is_verified(client, make_member, settings):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    page = pc.page("/settings/mail")
    assert "パソコン" in pc.submit(page, mail="sakura@gmail.com", password=PASSWORD).text
    assert "パスワードが違います" in pc.submit(page, mail="new@au.com", password="wrong").text
    assert "すでに登録されています" in pc.submit(page, mail="taro@ezweb.ne.jp", password=PASSWORD).text
    assert outbox(settings) == []

    done = pc.submit(page, mail="new..sakura.@au.com", password=PASSWORD).follow()
    assert "確認メールを送りました" in done.text
    to_new, to_old = outbox(settings)
    assert b'To: "new..sakura."@au.com' in to_new.raw and to_old["To"] == "sakura@docomo.ne.jp"
    assert scalar("SELECT mail FROM members WHERE id = ?", (me,)) == "sakura@docomo.ne.jp"
    assert "メールアドレスを変更しました" in client(DOCOMO_1).get(link_path(to_new, "verify")).body.decode("cp932")
    assert scalar("SELECT mail FROM members WHERE id = ?", (me,)) == "new..sakura.@au.com"
    client(DOCOMO_1).login("new..sakura.@au.com")


# --- the operator's first invitation --------------------------------------------------

def test_run_py_invite_makes_an_invitation_from_no_one(monkeypatch, settings, app, capsys):
    from keitai.commands import invite as command

    monkeypatch.setenv("KEITAI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KEITAI_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("KEITAI_OUTBOX_DIR", settings.outbox_dir)
    monkeypatch.setenv("KEITAI_BASE_URL", "http://keitai.example")
    command.run(SimpleNamespace(address="first@docomo.ne.jp", message="ようこそ"))
    printed = capsys.readouterr().out
    assert "http://keitai.example/join/" in printed
    [sent] = outbox(settings)
    assert "http://keitai.example/join/" in body(sent) and "ようこそ" in body(sent)
    # The operator is no member: the invitation comes from the site.
    assert sent["Subject"] == "keitai への招待"
    assert body(sent).startswith("招待制ソーシャルネットワーク keitai にご招待します。\r\n") and "さん" not in body(sent)
    assert scalar("SELECT inviter_id FROM invitations") is None

    with pytest.raises(SystemExit):
        command.run(SimpleNamespace(address="not-an-address", message=""))
    assert "メールアドレスの形" in capsys.readouterr().err


# --- the whole path through a real SMTP server ----------------------------------------

def test_sign_up_end_to_end_through_smtp_to_first_sign_in_on_a_docomo_handset(smtp, make_member, settings):
    inbox, smtp_app = smtp
    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    pc = Client(smtp_app, PC)
    pc.login("sakura@docomo.ne.jp")
    pc.submit(pc.page("/invite"), mail="taro..x.@docomo.ne.jp", message="日記を書こう")

    [invitation_mail] = inbox.wait(1)
    assert inbox.rcpt_lines[0] == 'TO:<"taro..x."@docomo.ne.jp>'  # quoted on the wire
    assert inbox.envelopes[0].rcpt_tos == ["taro..x.@docomo.ne.jp"]
    assert b'To: "taro..x."@docomo.ne.jp' in inbox.envelopes[0].content
    assert invitation_mail.get_content_charset() == "shift_jis"  # what docomo handsets read
    assert "日記を書こう" in body(invitation_mail)
    assert outbox(settings) == []  # SMTP was used, not the outbox

    phone = Client(smtp_app, DOCOMO_1)  # i-mode 1.0: no cookies at all
    page = phone.get(link_path(invitation_mail, "join"))
    assert page.forms[0]["mail"].value == "taro..x.@docomo.ne.jp"
    sent = fill_join(page.forms[0], nickname="たろう", mail="taro..x.@docomo.ne.jp", password="taro-pass-1").submit()
    assert "確認ﾒｰﾙを送りました" in phone.text(sent)

    verify_mail = inbox.wait(2)[1]
    assert inbox.rcpt_lines[1] == 'TO:<"taro..x."@docomo.ne.jp>'
    done = phone.get(link_path(verify_mail, "verify"))
    assert "登録が完了しました" in phone.text(done)

    # First sign-in, from the form on the verification page itself.
    form = done.forms[0]
    form["mail"], form["password"] = "taro..x.@docomo.ne.jp", "taro-pass-1"
    response = form.submit()
    assert response.status_int == 303 and "Set-Cookie" not in response.headers
    assert "sid=" in response.headers["Location"]
    home = response.follow()
    assert "たろうさんのﾎｰﾑ" in phone.text(home)
    member = scalar("SELECT id FROM members WHERE mail = ?", ("taro..x.@docomo.ne.jp",))
    assert friends.are_friends(inviter, member)


def test_smtp_down_keeps_the_invitation_and_sends_it_once_the_server_answers(settings, app, make_member):
    port = free_port()
    down_app = create_app(dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port), connect=False)
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = Client(down_app, PC)
    pc.login("sakura@docomo.ne.jp")
    page = pc.submit(pc.page("/invite"), mail="hanako@docomo.ne.jp")
    assert page.status_int == 303 and scalar("SELECT COUNT(*) FROM invitations") == 1
    assert queue.deliver_due() == 0                       # nothing listens: the mail waits
    inbox = Inbox()
    controller = inbox.controller(port)
    controller.start()
    try:
        assert queue.deliver_due(at=now() + 3600) == 1    # the next try, once the server is up
        assert inbox.envelopes[0].rcpt_tos == ["hanako@docomo.ne.jp"]
    finally:
        controller.stop()


def test_signed_out_pages_fit_a_5kb_handset_and_carry_the_sid_after_sign_in(client, make_member, settings):
    from conftest import DOCOMO_1_5K

    inviter = make_member("さくら", "sakura@docomo.ne.jp")
    _invitation, token = invitations.invite(inviter, "hanako@docomo.ne.jp")
    phone = client(DOCOMO_1_5K)
    for path in ("/login", "/join", f"/join/{token}", "/verify/" + "C" * 32, "/login/easy"):
        page = phone.get(path, status="*")
        assert page.headers["Content-Type"] == "text/html; charset=Shift_JIS", path
        assert len(page.body) <= 5 * 1024, (path, len(page.body))
        page.body.decode("cp932")
    errors = fill_join(phone.get(f"/join/{token}").forms[0], nickname="", mail="x@gmail.com", password="1").submit()
    assert len(errors.body) <= 5 * 1024


def test_an_invitation_is_used_once_even_by_two_sign_ups_at_the_same_moment(make_member, app):
    """Both passed the check before either used it: only the first one's use holds."""
    inviter, first, second = make_member(), make_member(), make_member()
    invitation, token = invitations.invite(inviter, "hanako@docomo.ne.jp")
    assert invitations.check(token).id == invitation.id
    assert invitations.use(invitation.id, first) is True
    assert invitations.use(invitation.id, second) is False
    assert fetchone("SELECT used_by FROM invitations WHERE id = ?", (invitation.id,)) == (first,)
    with pytest.raises(Refused) as refused:
        invitations.check(token)
    assert refused.value.code == "signup.invitation_used"
