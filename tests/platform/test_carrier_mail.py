"""Mail as each recipient's handset reads it: the carrier's charset and emoji, never UTF-8 for
a handset, never 〓 or '?' for a character the charset lacks.

A handset is modelled by decoding the bytes strictly in the charset the mail declares
(Python's shift_jis and iso2022_jp codecs: JIS X 0208 and JIS X 0201, no Windows
extensions) and showing a carrier emoji code as <CODE>: in Shift_JIS the two bytes of the
user-defined area (lead byte F0-FC), in ISO-2022-JP a JIS code in au's emoji rows 75-7C.
"""
from __future__ import annotations

import base64
import dataclasses
import re

import pytest

from conftest import PC, Client
from keitai.platform import mail
from keitai.platform.mail import charsets
from keitai.platform.text import emoji
from members_helpers import fast_passwords, smtp  # noqa: F401  (fixtures)

SUBJECT = "①お花見～ｶﾒﾗ☀"
BODY = "①集合は10時～ｶﾒﾗ持参☀🌋\n髙橋より"

# What each handset shows.  The sun's codes are the ones jpmobile's spec/unit/mail_spec.rb
# expects (docomo F89F, au 7541, SoftBank F98B); the volcano is au's EB53, Shift_JIS F457,
# mail JIS 7B38 (jpmobile's emoticon/au.rb); docomo and SoftBank have no volcano and get
# the emoji4unicode text fallback [火山].  ISO-2022-JP has no half-width kana (RFC 1468).
EXPECTED = {
    "hanako@docomo.ne.jp": (
        "Shift_JIS", "8bit",
        "(1)お花見〜ｶﾒﾗ<F89F>",
        "(1)集合は10時〜ｶﾒﾗ持参<F89F>[火山]\r\n高橋より\r\n",
    ),
    "hanako@ezweb.ne.jp": (
        "ISO-2022-JP", "7bit",
        "(1)お花見〜カメラ<7541>",
        "(1)集合は10時〜カメラ持参<7541><7B38>\r\n高橋より\r\n",
    ),
    "hanako@softbank.ne.jp": (
        "Shift_JIS", "8bit",
        "(1)お花見〜ｶﾒﾗ<F98B>",
        "(1)集合は10時〜ｶﾒﾗ持参<F98B>[火山]\r\n高橋より\r\n",
    ),
    # WILLCOM: ISO-2022-JP and no emoji of its own: every emoji as text.
    "hanako@pdx.ne.jp": (
        "ISO-2022-JP", "7bit",
        "(1)お花見〜カメラ[太陽]",
        "(1)集合は10時〜カメラ持参[太陽][火山]\r\n高橋より\r\n",
    ),
    # A PC reads UTF-8: everything as written.
    "hanako@gmail.com": (
        "UTF-8", "base64",
        "①お花見～ｶﾒﾗ☀",
        "①集合は10時～ｶﾒﾗ持参☀🌋\r\n髙橋より\r\n",
    ),
}


def handset_reads(raw: bytes, charset: str) -> str:
    """The text a handset shows for these bytes in the declared charset."""
    if charset == "UTF-8":
        return raw.decode("utf-8")
    if charset == "Shift_JIS":
        out, i = [], 0
        while i < len(raw):
            width = 2 if 0x81 <= raw[i] <= 0x9F or 0xE0 <= raw[i] <= 0xFC else 1
            piece = raw[i:i + width]
            out.append(f"<{piece.hex().upper()}>" if raw[i] >= 0xF0 else piece.decode("shift_jis"))
            i += width
        return "".join(out)
    assert charset == "ISO-2022-JP"
    out, mode = [], b"\x1b(B"
    for piece in re.split(rb"(\x1b\$B|\x1b\(B|\x1b\(J)", raw):
        if piece.startswith(b"\x1b"):
            mode = piece
        elif mode == b"\x1b$B":
            for j in range(0, len(piece), 2):
                pair = piece[j:j + 2]
                emoji_row = 0x75 <= pair[0] <= 0x7C
                out.append(f"<{pair.hex().upper()}>" if emoji_row else (b"\x1b$B" + pair).decode("iso2022_jp"))
        else:
            out.append((mode + piece).decode("iso2022_jp"))
    return "".join(out)


def parse(raw: bytes):
    """(headers as a dict of unfolded raw values, body bytes)."""
    head, _, content = raw.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("ascii").replace("\r\n ", " ").split("\r\n"):
        name, _, value = line.partition(": ")
        headers[name] = value
    return headers, content


def subject_reads(value: str, charset: str) -> str:
    words = re.findall(r"=\?([^?]+)\?B\?([^?]*)\?=", value)
    assert words and " ".join(f"=?{c}?B?{w}?=" for c, w in words) == value
    assert {c for c, _w in words} == {charset}
    return "".join(handset_reads(base64.b64decode(w), charset) for _c, w in words)


@pytest.mark.parametrize("address", list(EXPECTED))
def test_each_reader_gets_subject_and_body_in_what_its_handset_reads(settings, address):
    charset, transfer_encoding, subject, body = EXPECTED[address]
    raw = mail.build(address, SUBJECT, BODY, settings)
    headers, content = parse(raw)

    assert headers["Content-Type"] == f"text/plain; charset={charset}"
    assert headers["Content-Transfer-Encoding"] == transfer_encoding
    assert subject_reads(headers["Subject"], charset) == subject
    if transfer_encoding == "base64":
        content = base64.b64decode(content)
    assert handset_reads(content, charset) == body
    if charset != "UTF-8":
        assert b"utf-8" not in raw.lower()


def test_a_long_subject_is_split_into_whole_words_each_within_the_line_limit(settings):
    subject = "ゆうこさんがあなたの日記「今日は朝から雨でしたが午後には晴れて、みんなで花見に行きました」にコメントしました☀"
    for address, expected in (("a@ezweb.ne.jp", "<7541>"), ("a@docomo.ne.jp", "<F89F>")):
        charset = EXPECTED[f"hanako@{address.split('@')[1]}"][0]
        headers, _ = parse(mail.build(address, subject, "本文", settings))
        words = headers["Subject"].split(" ")
        assert len(words) > 2 and all(len(word) <= 75 for word in words)
        assert subject_reads(headers["Subject"], charset) == subject[:-1] + expected


def test_characters_a_handset_charset_lacks_become_their_nearest_readable_form():
    au = charsets.reader_of("x@ezweb.ne.jp")
    assert charsets.handset_text("㈱ Ⅳ ㌔ №1 é 﨑 草彅 ♀ 🥺 ∮", au) == "(株) IV キロ No1 e 崎 草なぎ ♀ [訴えるような顔] ∫"
    # Nothing readable is left to say for a rare kanji with no common JIS form.
    assert charsets.handset_text("鄧", au) == "□"


@pytest.mark.parametrize("address", ["x@docomo.ne.jp", "x@ezweb.ne.jp", "x@softbank.ne.jp", "x@willcom.com"])
def test_every_emoji_reaches_every_handset_as_its_emoji_or_as_words(address):
    reader = charsets.reader_of(address)
    for row in emoji.ROWS:
        shown = charsets.handset_text(row.internal, reader)
        assert emoji.GETA not in shown and charsets.MISSING not in shown, row.id
        assert "?" not in shown or "?" in row.fallback, row.id     # '[エッ?]' is a fallback's own
        charsets.encode(shown, reader)   # and the charset carries it


def test_the_operators_display_name_is_written_in_the_readers_charset(settings):
    named = dataclasses.replace(settings, mail_from="けいたい事務局 <office@keitai.example>")
    headers, _ = parse(mail.build("hanako@docomo.ne.jp", "件名", "本文", named))
    name, address = headers["From"].rsplit(" ", 1)
    assert address == "<office@keitai.example>" and subject_reads(name, "Shift_JIS") == "けいたい事務局"


def test_an_invitation_to_a_docomo_handset_through_smtp(smtp, make_member):
    inbox, smtp_app = smtp
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = Client(smtp_app, PC)
    pc.login("sakura@docomo.ne.jp")
    pc.submit(pc.page("/invite"), mail="taro@docomo.ne.jp", message="①花見しよう～☀")

    inbox.wait(1)
    envelope = inbox.envelopes[0]
    assert "BODY=8BITMIME" in envelope.mail_options      # the 8bit body was announced
    raw = envelope.content
    assert b"utf-8" not in raw.lower()
    headers, content = parse(raw)
    assert headers["Content-Type"] == "text/plain; charset=Shift_JIS"
    assert subject_reads(headers["Subject"], "Shift_JIS") == "さくらさんから keitai への招待が届きました"
    lines = handset_reads(content, "Shift_JIS").split("\r\n")
    assert lines[:5] == [
        "さくらさんから、招待制ソーシャルネットワーク keitai への招待が届きました。",
        "",
        "「(1)花見しよう〜<F89F>」",
        "",
        "下のURLから登録できます（14日間有効・1回限り）。",
    ]
    assert re.fullmatch(r"https?://\S+/join/[A-Za-z0-9_-]+", lines[5])
