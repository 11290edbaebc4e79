"""The charset and emoji a mail is written in, chosen by who reads it.

Carrier handsets of the era show UTF-8 mail as mojibake.  What each carrier's handsets
read is taken from jpmobile's mailer (lib/jpmobile/mobile/{docomo,au,softbank}.rb and the
expectations in spec/unit/mail_spec.rb), which sent mail to handsets for years:

- docomo: Shift_JIS, body 8bit, Subject ``=?Shift_JIS?B?...?=``; emoji as docomo's own
  Shift_JIS codes (sun: F89F).
- au: ISO-2022-JP, body 7bit, Subject ``=?ISO-2022-JP?B?...?=``; emoji as au's mail JIS
  codes inside ``ESC $ B`` (sun: 7541).  They are au's Shift_JIS emoji codes read as JIS:
  lead bytes F6, F7, F3, F4 stand where EB, EC, ED, EE would, giving JIS rows 75-7C
  (the layout of jpmobile's AU_EMAILJIS_TO_UNICODE table).
- SoftBank, Vodafone, Disney Mobile: Shift_JIS, body 8bit; emoji as SoftBank's Shift_JIS
  codes (sun: F98B).
- WILLCOM and EMOBILE: ISO-2022-JP (jpmobile's default for handsets), emoji as text.
- ``i.softbank.jp`` is an iPhone's address, which jpmobile does not count as SoftBank's
  (its MAIL_ADDRESS_REGEXP leaves it out): it is read like any other address.
- Other addresses (PCs, smartphones): ISO-2022-JP where the text fits it, else UTF-8.

Narrower than jpmobile on purpose: its Shift_JIS is Windows-31J (with NEC/IBM extensions
such as ① and 髙, which not every handset has) and it writes '?' for what does not fit.
Mail to a handset here carries only JIS X 0208 (and in Shift_JIS the JIS X 0201 half-width
kana), which every handset shows, plus the carrier's emoji; every other character becomes
its nearest readable form: ① (1), ～ the JIS wave dash, ㈱ (株), 髙 高, é e, an emoji the
carrier lacks its text fallback or Japanese name ([火山]).  Only a character with no
readable form at all (a rare kanji with no common variant) becomes □; never 〓, never '?'.
"""
from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass

from keitai.platform.mail import addresses as mobile_mail
from keitai.platform.text import emoji, emoji_table, kana

#: What stands for a character that has no readable form in the reader's charset.
MISSING = "\u25a1"  # □


@dataclass(frozen=True)
class Reader:
    charset: str          # the MIME charset name
    emoji: str | None     # a carrier whose emoji the charset carries, 'unicode', or None


SHIFT_JIS, ISO_2022_JP, UTF_8 = "Shift_JIS", "ISO-2022-JP", "UTF-8"
_READERS = {
    "docomo": Reader(SHIFT_JIS, "docomo"),
    "softbank": Reader(SHIFT_JIS, "softbank"),
    "au": Reader(ISO_2022_JP, "au"),
}
OTHER_HANDSETS = Reader(ISO_2022_JP, None)
EVERYONE_ELSE = Reader(UTF_8, "unicode")
#: Carrier domains whose mail is read on a smartphone's own mail app (see above).
SMARTPHONE_DOMAINS = {"i.softbank.jp"}

_CODECS = {SHIFT_JIS: "shift_jis", ISO_2022_JP: "iso2022_jp", UTF_8: "utf-8"}

# Characters JIS X 0208 has under another code point, and the nearest forms of some
# it lacks (NFKC does the rest: ㈱ -> (株), Ⅳ -> IV, ㌔ -> キロ).
_NEAREST = {
    "\uff5e": "\u301c", "\u2225": "\u2016", "\uff0d": "\u2212", "\uffe0": "\u00a2",
    "\uffe1": "\u00a3", "\uffe2": "\u00ac", "\u2014": "\u2015", "\uffe4": "\uff5c",
    "\u301d": "\u201c", "\u301f": "\u201d", "\u222e": "\u222b", "\u2211": "\u03a3",
    "\u221f": "\u2220", "\u22bf": "\u25b3", "\u00a9": "(C)", "\u00ae": "(R)",
    **{chr(0x2460 + n): f"({n + 1})" for n in range(20)},          # ① .. ⑳
    # IBM extension kanji (and 𠮷) -> the JIS X 0208 form people write instead.
    "髙": "高", "﨑": "崎", "德": "徳", "栁": "柳", "濵": "濱", "瀨": "瀬", "敎": "教",
    "黑": "黒", "增": "増", "寬": "寛", "淸": "清", "靑": "青", "郞": "郎", "鄕": "郷",
    "悅": "悦", "綠": "緑", "緖": "緒", "賴": "頼", "薰": "薫", "橫": "横", "羡": "羨",
    "甁": "瓶", "昻": "昂", "隝": "島", "凞": "煕", "桒": "桑", "冝": "宜", "兊": "兌",
    "﨟": "臈", "\U00020bb7": "吉",
    "彅": "なぎ",  # no JIS form: written in kana, as newspapers print 草なぎ
}


def reader_of(address: str) -> Reader:
    domain = address.rpartition("@")[2].lower()
    carrier = mobile_mail.carrier_of(address)
    if carrier is None or domain in SMARTPHONE_DOMAINS:
        return EVERYONE_ELSE
    return _READERS.get(carrier, OTHER_HANDSETS)


def _fits(text: str, charset: str) -> bool:
    try:
        text.encode(_CODECS[charset])
        return True
    except UnicodeEncodeError:
        return False


def _nearest(char: str, charset: str) -> str:
    """The nearest readable form of one character the charset lacks."""
    for candidate in (_NEAREST.get(char), unicodedata.normalize("NFKC", char),
                      "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))):
        if candidate and candidate != char and _fits(candidate, charset):
            return candidate
    return MISSING


_EMOJI_CODE = re.compile("[\ue000-\uf8ff]")   # the carrier emoji mail_converter left


def handset_text(text: str, reader: Reader) -> str:
    """Text a handset reader's charset can carry whole: carrier emoji as the carrier's
    private-use characters, everything else within the charset."""
    text = emoji.mail_converter(reader.emoji, MISSING)(text)
    if reader.charset == ISO_2022_JP:
        text = kana.zenkaku_kana(text)     # RFC 1468: no half-width kana
    if _fits(_EMOJI_CODE.sub("", text), reader.charset):
        return text

    def name_or_keep(chars, _data):
        return chars if _fits(chars, reader.charset) else emoji.unicode_emoji_name(chars) or chars
    text = emoji.cldr_emoji.replace_emoji(text, replace=name_or_keep)
    return "".join(c if _EMOJI_CODE.match(c) or _fits(c, reader.charset) else _nearest(c, reader.charset)
                   for c in text)


def _au_jis(sjis: int) -> bytes:
    """au's mail JIS code for one of its Shift_JIS emoji codes (see the module docstring)."""
    lead, trail = {0xF6: 0xEB, 0xF7: 0xEC, 0xF3: 0xED, 0xF4: 0xEE}[sjis >> 8] - 0x40, sjis & 0xFF
    row = (lead - 0x81) * 2 + 0x21
    if trail >= 0x9F:
        return bytes((row + 1, trail - 0x7E))
    return bytes((row, trail - 0x1F - (trail >= 0x80)))


def _emoji_bytes(codes: str, carrier: str) -> bytes:
    sjis = [emoji_table.SJIS[carrier][ord(c)] for c in codes]
    if carrier == "au":
        return b"\x1b$B" + b"".join(map(_au_jis, sjis)) + b"\x1b(B"
    return b"".join(code.to_bytes(2, "big") for code in sjis)


def encode(text: str, reader: Reader) -> bytes:
    """``text`` (already through handset_text, or fitting the charset) as bytes."""
    if reader.emoji not in emoji.CARRIERS:
        return text.encode(_CODECS[reader.charset])
    out, pos = [], 0
    for match in re.finditer("[\ue000-\uf8ff]+", text):
        out.append(text[pos:match.start()].encode(_CODECS[reader.charset]))
        out.append(_emoji_bytes(match.group(), reader.emoji))
        pos = match.end()
    out.append(text[pos:].encode(_CODECS[reader.charset]))
    return b"".join(out).replace(b"\x1b(B\x1b$B", b"")     # no empty ASCII run between JIS runs


def prepare(text: str, reader: Reader) -> tuple[Reader, str]:
    """The charset (with the emoji it carries) and the text one header or body is written
    in for this reader."""
    if reader.emoji == "unicode":
        text = emoji.mail_converter("unicode", MISSING)(text)
        return Reader(ISO_2022_JP if _fits(text, ISO_2022_JP) else UTF_8, None), text
    return reader, handset_text(text, reader)


def header(text: str, reader: Reader) -> str:
    """A header value: plain if ASCII, else RFC 2047 encoded words, each a whole number of
    characters (an ISO-2022-JP word ends in ASCII), folded onto continuation lines."""
    text = " ".join(text.splitlines())
    if text.isascii() and len(text) < 70:
        return text
    written, text = prepare(text, reader)
    prefix = f"=?{written.charset}?B?"
    room = (75 - len(prefix) - 2) // 4 * 3      # bytes per word: base64 grows 3 -> 4
    words, chunk = [], ""
    for char in text:
        if chunk and len(encode(chunk + char, written)) > room:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    return "\r\n ".join(prefix + base64.b64encode(encode(word, written)).decode("ascii") + "?="
                         for word in words)


def body(text: str, reader: Reader) -> tuple[str, str, bytes]:
    """(charset, Content-Transfer-Encoding, bytes) of a text/plain body with CRLF lines."""
    written, text = prepare(text, reader)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    raw = b"".join(encode(line, written) + b"\r\n" for line in lines)
    if written.charset == UTF_8:
        return UTF_8, "base64", base64.encodebytes(raw).replace(b"\n", b"\r\n")
    return written.charset, "8bit" if written.charset == SHIFT_JIS else "7bit", raw
