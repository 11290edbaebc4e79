"""Posting by mail over real SMTP: ``run.py mail`` in a subprocess, each carrier's handset mail
sent with smtplib, then the entry read on that carrier's handset."""
from __future__ import annotations

import io
import re
import smtplib
from pathlib import Path

import pytest
from PIL import Image

from conftest import AU, DOCOMO_1, SOFTBANK, Client
from keitai.app import create_app
from keitai.platform.db.connection import fetchall, fetchone, scalar
from keitai.search import query as search
from mail_helpers import DOMAIN, MailServer, link_in, mail_settings, mails_to, sample, sent_mails

EXPECTED = {
    # sample, member's address, handset, title as stored, a line of the body as stored, a word to
    # search, and the title as the handset shows it: its own emoji code (docomo's and au's
    # Shift_JIS codes decode to their private-use code points, SoftBank's page is UTF-8).
    "docomo": ("docomo-diary.eml", "taro.docomo@docomo.ne.jp", DOCOMO_1, "お花見🌸", "写真とったよ📷〜①", "上野公園",
               "お花見\ue748"),
    "au": ("au-diary.eml", "jiro_au@ezweb.ne.jp", AU, "晴れ☀", "富士山が見えた🌋", "富士山", "晴れ\ue488"),
    "softbank": ("softbank-diary.eml", "shiro@softbank.ne.jp", SOFTBANK, "桜🌸", "満開☀カメラ📷", "満開", "桜\ue030"),
}


@pytest.fixture
def site(settings, app):
    """The web app and a real ``run.py mail`` on the same (wiped) database and media folder."""
    current = mail_settings(settings)
    web = create_app(current, connect=False)
    server = MailServer(current, max_bytes=200_000)
    yield web, server, current
    server.stop()


def _signed_in(web, ua: str, address: str) -> tuple[Client, str, str]:
    """A member on their handset, and their diary and profile photo posting addresses."""
    member = Client(web, ua)
    member.login(address)
    return (member, *_posting_addresses(member))


def _posting_addresses(member: Client) -> tuple[str, str]:
    page = member.page("/settings/post")
    found = re.findall(r'href="mailto:([a-z2-9]{16}@' + re.escape(DOMAIN) + ')"', member.text(page))
    assert len(found) == 2, member.text(page)
    return found[0], found[1]


@pytest.mark.parametrize("carrier", ["docomo", "au", "softbank"])
def test_a_handset_member_posts_a_diary_with_a_photo_by_mail_and_reads_it_on_the_handset(site, make_member, carrier):
    web, server, current = site
    name, address, ua, title, line, word, shown = EXPECTED[carrier]
    make_member("送り主", address)
    member, diary_address, _photo_address = _signed_in(web, ua, address)

    assert server.send(sample(name, to=diary_address), diary_address, address) == {}

    # 250 came after the entry was made: it is there now, with its photo and in the index.
    (entry_id, stored_title, body, audience, photo_count), = fetchall(
        "SELECT id, title, body, audience, photo_count FROM diaries")
    assert (stored_title, audience, photo_count) == (title, "friends", 1)
    assert line in body
    assert search.count(scalar("SELECT id FROM members WHERE mail = ?", (address,)), "diary", word) == 1
    # The member is mailed the entry's address, and no one else anything.
    (reply,) = sent_mails(current)
    assert reply["To"] == address
    assert link_in(reply) == f"/diary/{entry_id}"

    page = member.page(link_in(reply))
    text = member.text(page)
    assert f"■{shown}<br>" in text and word in text
    photo_id = int(re.search(r"/photo/(\d+)", text)[1])
    photo = member.page(f"/photo/{photo_id}?size=m")
    assert photo.content_type == "image/jpeg"  # what these handsets show
    with Image.open(io.BytesIO(photo.body)) as shown:
        assert shown.width <= 240
    original = fetchone("SELECT file FROM photos WHERE id = ?", (photo_id,))[0]
    with Image.open(Path(current.media_dir) / "photos" / original) as kept:
        assert not kept.getexif()  # the docomo photo's make, model and GPS position are gone


def test_the_profile_photo_address_sets_the_profile_photo(site, make_member):
    web, server, current = site
    member_id = make_member("しろう", "shiro@softbank.ne.jp")
    _member, _diary, photo_address = _signed_in(web, SOFTBANK, "shiro@softbank.ne.jp")
    server.send(sample("softbank-diary.eml", to=photo_address), photo_address, "shiro@softbank.ne.jp")
    photo_id = scalar("SELECT photo_id FROM members WHERE id = ?", (member_id,))
    assert photo_id is not None
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    assert link_in(mails_to(current, "shiro@softbank.ne.jp")[0]) == f"/member/{member_id}"


def test_a_recipient_of_another_domain_or_of_no_known_shape_is_refused_at_rcpt(site):
    _web, server, _current = site
    for recipient in ("someone@example.com", f"postmaster-of-nothing@{DOMAIN}"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            server.send(sample("docomo-diary.eml", to=recipient), recipient, "taro.docomo@docomo.ne.jp")
        assert refused.value.recipients[recipient][0] == 550


def test_a_message_over_the_size_limit_is_refused(site, make_member):
    web, server, current = site
    make_member("送り主", "taro.docomo@docomo.ne.jp")
    _member, diary_address, _ = _signed_in(web, DOCOMO_1, "taro.docomo@docomo.ne.jp")
    big = sample("docomo-diary.eml", to=diary_address).replace(b"\r\n\r\n--_DCM_BOUNDARY_0404\r\nContent-Type: image",
                                                              b"\r\n" + b"x" * 250_000 + b"\r\n\r\n--_DCM_BOUNDARY_0404"
                                                              b"\r\nContent-Type: image", 1)
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused:
        server.send(big, diary_address, "taro.docomo@docomo.ne.jp")
    assert refused.value.smtp_code == 552
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    assert scalar("SELECT COUNT(*) FROM inbound_mail") == 0


def test_mail_from_anyone_but_the_member_creates_nothing_and_tells_no_one(site, make_member):
    web, server, current = site
    make_member("送り主", "taro.docomo@docomo.ne.jp")
    _member, diary_address, photo_address = _signed_in(web, DOCOMO_1, "taro.docomo@docomo.ne.jp")
    forged = sample("docomo-diary.eml", to=diary_address).replace(b"taro.docomo@docomo.ne.jp", b"mallory@docomo.ne.jp")
    for address in (diary_address, photo_address):
        assert server.send(forged, address, "mallory@docomo.ne.jp") == {}  # accepted like any other
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    assert scalar("SELECT photo_id FROM members WHERE mail = 'taro.docomo@docomo.ne.jp'") is None
    assert sent_mails(current) == []


def test_renewing_the_secret_kills_the_old_address(site, make_member):
    web, server, current = site
    make_member("送り主", "jiro_au@ezweb.ne.jp")
    member, old_diary, old_photo = _signed_in(web, AU, "jiro_au@ezweb.ne.jp")
    page = member.page("/settings/post")
    member.submit(page, form_index=1)  # アドレスを変更
    new_diary, new_photo = _posting_addresses(member)
    assert {new_diary, new_photo}.isdisjoint({old_diary, old_photo})

    server.send(sample("au-diary.eml", to=old_diary), old_diary, "jiro_au@ezweb.ne.jp")
    server.send(sample("au-diary.eml", to=old_photo), old_photo, "jiro_au@ezweb.ne.jp")
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    assert sent_mails(current) == []
    server.send(sample("au-diary.eml", to=new_diary), new_diary, "jiro_au@ezweb.ne.jp")
    assert scalar("SELECT COUNT(*) FROM diaries") == 1
