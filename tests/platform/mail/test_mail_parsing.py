"""Reading what carrier handsets mailed: each charset, transfer encoding and MIME layout of
tests/data/mail, with every carrier's emoji in the site's one stored form, expected texts
written out literally."""
from __future__ import annotations

import base64
import email

import pytest

from keitai.platform.mail import dsn, inbound
from mail_helpers import sample

SUN, CAMERA, BLOSSOM, VOLCANO = "\u2600", "\U0001f4f7", "\U0001f338", "\U0001f30b"


@pytest.mark.parametrize("name, sender, carrier, subject, text, images", [
    # docomo Shift_JIS: emoji F89F F8E2 F9ED; 0x8160 is the wave dash; ① from CP932's NEC row.
    ("docomo-diary.eml", "taro.docomo@docomo.ne.jp", "docomo", "お花見🌸",
     "上野公園で花見☀しました。\n写真とったよ📷〜①", ["P1000123.jpg"]),
    # デコメ: the text/plain part, not the HTML; the GIF decoration dropped, the photo kept.
    ("docomo-decomail.eml", "hanako-deco@docomo.ne.jp", "docomo", "デコメの日記",
     "今日はデコメで書いてみました\nキラキラ", ["P1000124.jpg"]),
    # au ISO-2022-JP with mail JIS emoji 7541 (sun), 7B38 (volcano), 7670 (camera).
    ("au-diary.eml", "jiro_au@ezweb.ne.jp", "au", "晴れ☀", "富士山が見えた🌋\nカメラ📷で撮ったよ", ["image000.jpg"]),
    ("au-decomail.eml", "au-deco@ezweb.ne.jp", "au", "テスト🌸", "桜が咲きました🌸", []),
    # au Shift_JIS: emoji EB60 EBEE; half-width katakana stored full-width, as typed input is.
    ("au-sjis.eml", "saburo@ezweb.ne.jp", "au", "雨☀", "晴れのち☀カメラ持参📷", []),
    # SoftBank UTF-8 with its private-use emoji E030 E04A E008.
    ("softbank-diary.eml", "shiro@softbank.ne.jp", "softbank", "桜🌸", "満開☀カメラ📷", ["S0406001.jpg"]),
    # Vodafone Shift_JIS with SoftBank's Shift_JIS emoji F98B F970.
    ("softbank-sjis.eml", "goro@t.vodafone.ne.jp", "softbank", "ボーダフォン☀", "今日も☀いい天気🌸", []),
    # iPhone: Unicode emoji kept as sent (with the variation selector); its inline JPEG is a photo.
    ("iphone-unicode.eml", "nana@i.softbank.jp", "softbank", "桜🌸", "春です\u2600\ufe0f🌋", ["IMG_0001.jpeg"]),
])
def test_each_carriers_mail_reads_as_typed(name, sender, carrier, subject, text, images):
    received = inbound.parse(sample(name, to="abcdefghijkmnpqr@keitai.example"))
    assert received.sender == sender
    assert received.carrier == carrier
    assert received.subject == subject
    assert received.text.strip("\n") == text
    assert [image.filename for image in received.images] == images
    assert all(image.data[:2] == b"\xff\xd8" for image in received.images)  # the JPEGs themselves


def test_an_iso_2022_jp_subject_split_mid_character_over_two_encoded_words():
    jis = "ケータイ日記".encode("iso2022_jp")
    first, second = jis[:7], jis[7:]  # ESC $ B and a character and a half, then the rest
    header = (f"=?ISO-2022-JP?B?{base64.b64encode(first).decode()}?=\r\n"
              f" =?ISO-2022-JP?B?{base64.b64encode(second).decode()}?=")
    assert inbound.decode_header(header, None) == "ケータイ日記"


def test_raw_shift_jis_in_a_header_and_a_quoted_printable_utf8_body():
    raw = (b"From: \"taro..x.\"@docomo.ne.jp\r\nSubject: " + "生の見出し".encode("cp932")
           + b"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
           + b"=E3=81=82=E3=81=84=E3=81=86\r\n")
    received = inbound.parse(raw)
    assert received.sender == "taro..x.@docomo.ne.jp"  # carriers' old local parts, unquoted
    assert received.subject == "生の見出し"
    assert received.text == "あいう\n"


def test_an_html_only_mail_gives_its_text():
    raw = (b"From: pc@example.com\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           b"<html><head><title>x</title></head><body><p>one &amp; two</p><div>three<br>four</div></body></html>")
    assert inbound.parse(raw).text.strip() == "one & two\nthree\nfour"


def test_jis_x_0201_katakana_and_nec_row_13_in_iso_2022_jp():
    # ESC ( I: half-width katakana; 0x2D21 is ① in NEC's row 13 (iPhones send it in "JIS").
    raw = b"\x1b(I6R\x1b(B \x1b$B-!\x1b(B"
    assert inbound.decode_text(raw, "iso-2022-jp", "iphone") == "カメ ①"


@pytest.mark.parametrize("name, failed", [
    ("bounce-dsn.eml", ["hanako@docomo.ne.jp"]),
    ("bounce-dsn-delayed.eml", []),
    ("bounce-au.eml", ["hanako@docomo.ne.jp"]),
    ("bounce-au-over-quota.eml", []),
    ("bounce-sendmail.eml", ["hanako@docomo.ne.jp"]),
])
def test_bounces_name_the_addresses_that_failed_for_good(name, failed):
    message = email.message_from_bytes(sample(name, rcpt="hanako@docomo.ne.jp"))
    assert dsn.failed_recipients(message) == failed


def test_an_ordinary_mail_is_no_bounce():
    message = email.message_from_bytes(sample("docomo-diary.eml", to="x@keitai.example"))
    assert dsn.failed_recipients(message) == []
