"""What a member typed comes back as typed: the characters Shift_JIS and Unicode disagree on.

The wave dash 〜 and the fullwidth tilde ～ look alike but are different characters; so are
− and －, ‖ and ∥, ￢ and ¬, ¢ and ￠, £ and ￡.  A UTF-8 device (PC, iPhone, SoftBank 3G)
can send and show each of them, so each is stored and shown as sent.  A Shift_JIS handset
has one code for each pair; what it sends for 0x8160 is JIS X 0208's WAVE DASH (that is
what its font draws), stored as 〜 U+301C, and anything from the pair goes back to it as 0x8160.
"""
from __future__ import annotations

import re

import pytest

from conftest import DOCOMO_2, IPHONE, PC
from diary_helpers import CP932_FORM, member

SOFTBANK_3G = "SoftBank/1.0/930SH/SHJ001 Browser/NetFront/3.4 Profile/MIDP-2.0 Configuration/CLDC-1.1"
# U+FF5E U+301C U+2212 U+2016 U+FFE2 U+00A2 U+00A3
TYPED = "\uff5e \u301c \u2212 \u2016 \uffe2 \u00a2 \u00a3"


def _comment_form(page) -> int:
    return next(i for i, form in page.forms.items() if form.action.split("?")[0].endswith("/comment"))


@pytest.mark.parametrize("ua", [PC, IPHONE, SOFTBANK_3G])
def test_utf8_devices_read_back_exactly_what_they_typed(client, member, ua):
    member("さくら", "sakura@docomo.ne.jp")
    device = client(ua)
    device.login("sakura@docomo.ne.jp")
    posted = device.submit(device.page("/diary/new"), title=f"題{TYPED}", body=f"本文{TYPED}", audience="friends")
    assert posted.status_int == 303
    entry = device.get(posted.headers["Location"])
    commented = device.submit(entry, _comment_form(entry), body=f"感想{TYPED}")
    assert commented.status_int == 303

    page = device.get(commented.headers["Location"])
    assert page.headers["Content-Type"] == "text/html; charset=UTF-8"
    shown = page.body.decode("utf-8")
    for written in (f"題{TYPED}", f"本文{TYPED}", f"感想{TYPED}"):
        assert written in shown, (written, re.findall(r"(?:題|本文|感想).{14}", shown))


def test_docomo_wave_dash_comes_back_as_sent_and_a_pc_shows_a_wave_dash(client, member):
    member("さくら", "sakura@docomo.ne.jp")
    member("たろう", "taro@example.jp")
    phone = client(DOCOMO_2)
    phone.login("sakura@docomo.ne.jp")
    csrf = phone.page("/diary/new").forms[0]["csrf"].value
    # What the handset sends for "day〜night" typed in a Shift_JIS form: 0x8160 is its wave dash.
    posted = phone.post(phone.with_sid("/diary/new"), content_type=CP932_FORM,
                        params=b"csrf=" + csrf.encode() + b"&title=day%81%60night&body=morning%81%60noon&audience=everyone")
    assert posted.status_int == 303

    handset_page = phone.get(posted.headers["Location"]).body
    assert b"day\x81\x60night" in handset_page and b"morning\x81\x60noon" in handset_page

    pc = client(PC)
    pc.login("taro@example.jp")
    pc_page = pc.get(posted.headers["Location"].split("?")[0]).text
    assert "day\u301cnight" in pc_page and "morning\u301cnoon" in pc_page  # WAVE DASH, as the handset drew it
