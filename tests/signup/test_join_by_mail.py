"""空メール: joining and moving one's address by sending an empty mail from the handset, and
bounces asking a member to update an address mail no longer reaches.  Mail is delivered to
the site's mailbox as the SMTP server and receive-mail deliver it (stored, then handled)."""
from __future__ import annotations

import re

import pytest

from conftest import DOCOMO_1, PC, Client
from keitai.admin import site
from keitai.platform.db.connection import scalar
from keitai.platform.mail import mailbox
from keitai.signup import invitations
from mail_helpers import DOMAIN, link_in, mail_app, mails_to, sample, sent_mails  # noqa: F401  (fixture)

EMPTY = "From: {sender}\r\nTo: {to}\r\nSubject: \r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\n\r\n"


def empty_mail(to: str, sender: str) -> list:
    return mailbox.deliver([to], sender, EMPTY.format(sender=sender, to=to).encode())


def _mailto(client: Client, page) -> str:
    found = re.findall(r'href="mailto:([^"]+)"', client.text(page))
    assert len(found) == 1, client.text(page)
    return found[0]


@pytest.fixture
def invitation(mail_app, make_member):
    inviter = make_member("たろう", "taro@ezweb.ne.jp")
    invited, token = invitations.invite(inviter, "hanako@gmail.com")
    return inviter, invited.id, token


def test_an_empty_mail_to_the_invitation_address_joins_without_typing_an_address(mail_app, invitation, settings):
    inviter, invitation_id, token = invitation
    handset = Client(mail_app, DOCOMO_1)
    address = _mailto(handset, handset.get(f"/join/{token}"))
    assert re.fullmatch(rf"join-{invitation_id}-[a-z2-7]{{16}}@{re.escape(DOMAIN)}", address)

    assert empty_mail(address, "hanako@docomo.ne.jp") == ["join: sign-up link sent"]
    (reply,) = sent_mails(settings)
    assert reply["To"] == "hanako@docomo.ne.jp"
    form_page = handset.get(link_in(reply))
    text = handset.text(form_page)
    assert "hanako@docomo.ne.jp" in text and 'name="mail"' not in text  # fixed, not typed
    done = handset.submit(form_page, nickname="はなこ", password="hanako-pass-1", password2="hanako-pass-1",
                          birth_year="1995", birth_month="5", birth_day="5")
    assert done.status_int == 303
    member_id = scalar("SELECT id FROM members WHERE mail = 'hanako@docomo.ne.jp' AND status = 'active'")
    assert member_id is not None
    assert scalar("SELECT used_by FROM invitations WHERE id = ?", (invitation_id,)) == member_id
    assert scalar("SELECT 1 FROM friendships WHERE member_id = ? AND friend_id = ?", (inviter, member_id)) == 1
    assert len(sent_mails(settings)) == 1  # no verification mail: the empty mail proved the address
    # The link worked once.
    assert handset.get(link_in(reply), status=404).status_int == 404


def test_a_made_up_or_used_join_address_and_a_non_carrier_sender_get_no_answer(mail_app, invitation, settings):
    _inviter, invitation_id, _token = invitation
    assert empty_mail(f"join-{invitation_id}-aaaaaaaaaaaaaaaa@{DOMAIN}", "hanako@docomo.ne.jp") == \
        ["join: no such invitation"]
    handset = Client(mail_app, DOCOMO_1)
    real = _mailto(handset, handset.get(f"/join/{_token}"))
    assert empty_mail(real, "hanako@gmail.com") == ["join: not from a carrier address"]
    invitations.cancel(_inviter, invitation_id)
    assert empty_mail(real, "hanako@docomo.ne.jp") == ["join: no such invitation"]
    assert sent_mails(settings) == []


def test_open_sign_up_by_empty_mail_only_while_the_operator_allows_it(mail_app, settings):
    handset = Client(mail_app, DOCOMO_1)
    assert empty_mail(f"join@{DOMAIN}", "jiro@docomo.ne.jp") == ["join: invitation only"]
    assert sent_mails(settings) == []
    site.put("invitation_only", "0")
    assert _mailto(handset, handset.get("/join")) == f"join@{DOMAIN}"
    assert empty_mail(f"join@{DOMAIN}", "jiro@docomo.ne.jp") == ["join: sign-up link sent"]
    assert mails_to(settings, "jiro@docomo.ne.jp")
    # Three answers an hour to one address, then silence (a forged sender cannot flood it).
    empty_mail(f"join@{DOMAIN}", "jiro@docomo.ne.jp")
    empty_mail(f"join@{DOMAIN}", "jiro@docomo.ne.jp")
    assert empty_mail(f"join@{DOMAIN}", "jiro@docomo.ne.jp") == ["join: too many replies to this address"]
    assert len(mails_to(settings, "jiro@docomo.ne.jp")) == 3


def test_changing_ones_address_by_empty_mail(mail_app, make_member, settings):
    member_id = make_member("さくら", "sakura@docomo.ne.jp")
    handset = Client(mail_app, DOCOMO_1)
    handset.login("sakura@docomo.ne.jp")
    page = handset.page("/settings/mail")
    wrong = handset.submit(page, form_index=1, password="not the password")
    assert "現在のパスワードが違います" in handset.text(wrong)
    shown = handset.submit(page, form_index=1, password="correct horse 42")
    address = _mailto(handset, shown)
    assert address.startswith(f"mail-{member_id}-")

    assert empty_mail(address, "sakura-new@ezweb.ne.jp") == ["mail-change: verification link sent"]
    (verify,) = mails_to(settings, "sakura-new@ezweb.ne.jp")
    assert mails_to(settings, "sakura@docomo.ne.jp")  # the old address is told
    assert scalar("SELECT mail FROM members WHERE id = ?", (member_id,)) == "sakura@docomo.ne.jp"
    Client(mail_app, PC).get(link_in(verify))
    assert scalar("SELECT mail FROM members WHERE id = ?", (member_id,)) == "sakura-new@ezweb.ne.jp"
    # Another member's address, or a made-up change address: nothing changes.
    make_member("うめ", "ume@docomo.ne.jp")
    assert empty_mail(address, "ume@docomo.ne.jp") == ["mail-change: address taken"]
    forged = re.sub(r"-[a-z2-7]{16}@", "-aaaaaaaaaaaaaaaa@", address)
    assert empty_mail(forged, "mallory@docomo.ne.jp") == ["mail-change: no such address"]


def test_a_bounce_asks_the_member_to_update_their_address_until_they_confirm_it(mail_app, make_member, settings):
    member_id = make_member("はなこ", "hanako@docomo.ne.jp")
    member = Client(mail_app, DOCOMO_1)
    member.login("hanako@docomo.ne.jp")
    assert "届かなかったメール" not in member.text(member.page("/"))

    assert mailbox.deliver([f"bounce@{DOMAIN}"], "", sample("bounce-dsn.eml", rcpt="hanako@docomo.ne.jp")) == \
        ["bounce: 1 member address(es) failing"]
    mailbox.deliver([f"bounce@{DOMAIN}"], "", sample("bounce-dsn-delayed.eml", rcpt="hanako@docomo.ne.jp"))
    home = member.text(member.page("/"))
    assert "届かなかったメール1件" in home
    page = member.page("/settings/mail")
    assert "1通が戻ってきました" in member.text(page)

    member.submit(page, form_index=0)  # 今のアドレスに確認メールを送る
    (confirm,) = mails_to(settings, "hanako@docomo.ne.jp")
    assert confirm["Subject"] == "keitai メールアドレスの確認"
    assert "メールアドレスを確認しました。" in Client(mail_app, PC).get(link_in(confirm)).text
    assert scalar("SELECT mail_bounces FROM members WHERE id = ?", (member_id,)) == 0
    assert "届かなかったメール" not in member.text(member.page("/"))
