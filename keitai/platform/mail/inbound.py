"""Mail the site receives, read the way carrier handsets wrote it: one sender, a subject, a
text and the images attached.  Knows no member: who may do what with it is the feature's.

What arrives (the structures of jpmobile's receiving fixtures and specs, and of the carriers'
own pages on mail):

- docomo: Shift_JIS, 8bit or base64; emoji as docomo's Shift_JIS codes (F89F-F9FC), which
  CP932 decodes to the private-use characters the emoji table keys.  デコメ is
  multipart/related (text/html and its GIF pictures) inside multipart/alternative with a
  text/plain part, photos attached in multipart/mixed around it.
- au: ISO-2022-JP with emoji as JIS codes in rows 75-7C (au's "mail JIS"), or Shift_JIS with
  emoji under lead bytes EB-EE (au's "mail Shift_JIS"); both are au's Shift_JIS emoji codes
  with the lead bytes F6 F7 F3 F4 moved to EB EC ED EE.
- SoftBank: Shift_JIS with SoftBank's Shift_JIS emoji (F741-FBDE, which overlap the other
  carriers' codes, so the sender's carrier decides), or UTF-8 with SoftBank's private-use
  code points (U+E001-U+E53E).  iPhones (i.softbank.jp) send UTF-8 with Unicode emoji, older
  ones SoftBank's private-use code points.
- Anyone: base64 or quoted-printable bodies, RFC 2047 encoded words in any of these
  charsets (an ISO-2022-JP word may end in the middle of a character: consecutive words of
  one charset are joined before decoding), and raw 8-bit headers.

Text is stored the way a typed text is (keitai.platform.text.charset.from_device_text):
newlines ``\\n``, carrier emoji in their one stored form, half-width katakana full-width,
Shift_JIS 0x8160 as the wave dash 〜.  Bytes that are no character become 〓.
"""
from __future__ import annotations

import base64
import binascii
import email
import email.policy
import html
import re
from dataclasses import dataclass, field
from email.message import Message

from keitai.platform.mail import addresses, charsets
from keitai.platform.text import emoji, kana

#: Image types taken as photos (the photo pipeline checks the bytes themselves).
IMAGE_TYPES = {"image/jpeg", "image/pjpeg", "image/jpg", "image/gif", "image/png"}
_IMAGE_NAME = re.compile(r"\.(jpe?g|gif|png)$", re.I)
GETA = "\u3013"


@dataclass(frozen=True)
class Image:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Received:
    """One received message, decoded."""

    sender: str  # the From header's address, domain in lower case ('' if there is none)
    carrier: str | None  # the sender's carrier, by the address's domain
    subject: str
    text: str
    images: list[Image] = field(default_factory=list)
    message: Message | None = None  # the parsed message (bounces read its parts)


# ---- bytes to text -------------------------------------------------------------------

def _jis_pair(j1: int, j2: int) -> bytes:
    """A JIS X 0208 code as Shift_JIS (arithmetically: rows 75-7C, au's emoji, give leads EB-EE)."""
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
    if j1 & 1:
        s2 = j2 + 0x1F + (j2 >= 0x60)
    else:
        s2 = j2 + 0x7E
    return bytes((s1, s2))


def jis_to_sjis(raw: bytes) -> bytes:
    """ISO-2022-JP bytes as Shift_JIS bytes: JIS X 0208 (and the rows beyond it that handsets
    use: NEC's row 13 from iPhones, au's emoji rows) arithmetically, JIS X 0201 katakana
    (``ESC ( I`` or SO/SI) as single bytes.  A line break ends a two-byte run."""
    out = bytearray()
    mode, i, n = "ascii", 0, len(raw)
    while i < n:
        b = raw[i]
        if b == 0x1B:
            seq = raw[i + 1:i + 3]
            if seq in (b"$B", b"$@"):
                mode, i = "jis", i + 3
                continue
            if seq in (b"(B", b"(J"):
                mode, i = "ascii", i + 3
                continue
            if seq == b"(I":
                mode, i = "kana", i + 3
                continue
            if raw[i + 1:i + 4] in (b"$(D", b"$(Q", b"$(O"):  # JIS X 0212/0213: no Shift_JIS code
                mode, i = "other", i + 4
                continue
        if b in (0x0E, 0x0F):
            mode, i = ("kana" if b == 0x0E else "ascii"), i + 1
            continue
        if b in (0x0A, 0x0D):
            mode = "ascii"
        elif mode in ("jis", "other") and i + 1 < n and 0x21 <= b <= 0x7E and 0x21 <= raw[i + 1] <= 0x7E:
            out += _jis_pair(b, raw[i + 1]) if mode == "jis" else b"\x81\xac"  # 〓
            i += 2
            continue
        elif mode == "kana" and 0x21 <= b <= 0x5F:
            out.append(b + 0x80)
            i += 1
            continue
        out.append(b)
        i += 1
    return bytes(out)


_SJIS_PAIR = re.compile(rb"[\x81-\x9f\xe0-\xfc][\x40-\x7e\x80-\xfc]")
#: au's mail Shift_JIS emoji lead bytes -> the Shift_JIS codes of its pages and the emoji table.
_AU_MAIL_LEADS = {0xEB: 0xF6, 0xEC: 0xF7, 0xED: 0xF3, 0xEE: 0xF4}


def _au_mail_emoji(raw: bytes) -> bytes:
    def move(m):
        pair = m[0]
        lead = _AU_MAIL_LEADS.get(pair[0])
        return bytes((lead, pair[1])) if lead else pair
    return _SJIS_PAIR.sub(move, raw)


#: How the emoji of a sender's mail are coded: its carrier's, or "iphone" (i.softbank.jp): SoftBank's
#: private-use code points in UTF-8 (older iPhones) but no SoftBank codes in Shift_JIS, where an
#: iPhone's FB page is kanji (jpmobile likewise does not count i.softbank.jp as SoftBank's).
IPHONE = "iphone"


def emoji_source(sender: str) -> str | None:
    """What the private-use and Shift_JIS emoji codes in mail from ``sender`` mean."""
    domain = sender.rpartition("@")[2].lower()
    if domain in charsets.SMARTPHONE_DOMAINS:
        return IPHONE
    carrier = addresses.carrier_of(sender) if sender else None
    return carrier if carrier in emoji.CARRIERS else ("handset" if carrier else None)


def _from_sjis(raw: bytes, carrier: str | None) -> str:
    if carrier == IPHONE:
        carrier = None
    if carrier == "au":
        raw = _au_mail_emoji(raw)
    if carrier == "softbank":
        text = emoji.from_webcode(emoji.softbank_sjis_to_webcode(raw).decode("cp932", "replace"))
    else:
        text = raw.decode("cp932", "replace")
    # 0x8160 is JIS X 0208's WAVE DASH, which CP932 calls FULLWIDTH TILDE (as typed input).
    text = text.replace("\uff5e", "\u301c")
    return emoji.to_internal(text, carrier, sjis=True, handset=carrier is not None)


def _kind(charset: str | None, raw: bytes) -> str:
    """'jis', 'sjis', 'utf-8' or a Python codec name, from the label (or the bytes, unlabelled)."""
    label = (charset or "").strip().strip('"').lower().replace("_", "-")
    if label.startswith("iso-2022-jp") or label in ("csiso2022jp", "jis"):
        return "jis"
    if label in ("shift-jis", "sjis", "x-sjis", "cp932", "windows-31j", "ms932", "csshiftjis", "x-sjis-docomo",
                 "x-sjis-kddi", "x-sjis-softbank") or label.startswith("x-sjis"):
        return "sjis"
    if label in ("utf-8", "utf8"):
        return "utf-8"
    if label and label not in ("us-ascii", "ascii", "unknown-8bit", "x-unknown"):
        try:
            "".encode(label)
            return label
        except LookupError:
            pass
    if b"\x1b$" in raw:
        return "jis"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "sjis"


def decode_text(raw: bytes, charset: str | None, carrier: str | None) -> str:
    """Bytes of a text part (or a header word) in ``charset``, as stored text.

    ``carrier``: what the sender's private-use and Shift_JIS emoji codes mean (:func:`emoji_source`):
    a carrier of emoji.CARRIERS, "iphone", "handset" (another carrier's handset: unknown
    private-use characters become 〓) or None (a PC: they are kept)."""
    kind = _kind(charset, raw)
    if kind == "jis":
        text = _from_sjis(jis_to_sjis(raw), carrier)
    elif kind == "sjis":
        text = _from_sjis(raw, carrier)
    else:
        text = raw.decode(kind, "replace")
        carrier = "softbank" if carrier == IPHONE else carrier
        if carrier == "softbank":
            text = emoji.from_webcode(text)
        text = emoji.to_internal(text, carrier, handset=carrier is not None)
    return _clean(text)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffd", GETA)
    return kana.zenkaku_kana(_CONTROL.sub("", text))


# ---- headers -------------------------------------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")


def _word_bytes(encoding: str, data: str) -> bytes:
    try:
        if encoding.upper() == "B":
            return base64.b64decode(data + "=" * (-len(data) % 4))
        return binascii.a2b_qp(data.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return b""


def decode_header(value: str | None, carrier: str | None) -> str:
    """A header's value (as the parser left it: raw 8-bit bytes as surrogates) as one line of text."""
    if not value:
        return ""
    value = re.sub(r"\r?\n[ \t]", " ", str(value))
    value = _BETWEEN_WORDS.sub(r"\1\2", value)  # whitespace between encoded words is not text
    out, pos, pending, pending_charset = [], 0, b"", None

    def flush():
        nonlocal pending, pending_charset
        if pending_charset is not None:
            out.append(decode_text(pending, pending_charset, carrier))
        pending, pending_charset = b"", None

    for match in _ENCODED_WORD.finditer(value):
        if match.start() > pos:
            flush()
            out.append(decode_text(value[pos:match.start()].encode("ascii", "surrogateescape"), None, carrier))
        charset = match[1].split("*")[0]  # RFC 2231 language suffix
        if pending_charset is not None and charset.lower() != pending_charset.lower():
            flush()
        pending_charset = charset
        pending += _word_bytes(match[2], match[3])
        pos = match.end()
    flush()
    if pos < len(value):
        out.append(decode_text(value[pos:].encode("ascii", "surrogateescape"), None, carrier))
    return " ".join("".join(out).split("\n")).strip()


def _raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return value
    return None


_ANGLE = re.compile(r"<([^<>]*@[^<>]*)>")


def address_of(value: str | None) -> str:
    """The address of a From-like header value: ``Name <addr>`` or a bare address, with a
    quoted local part unquoted (carriers issued ``"taro..x."@docomo.ne.jp``)."""
    if not value:
        return ""
    value = re.sub(r"\r?\n[ \t]", " ", value)
    match = _ANGLE.search(value)
    candidate = match[1] if match else re.sub(r"\([^()]*\)", "", value)  # drop comments: addr (Name)
    candidate = candidate.strip().strip(",;")
    local, at, domain = candidate.rpartition("@")
    if not at:
        return ""
    local = local.strip()
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = re.sub(r"\\(.)", r"\1", local[1:-1])
    if not local or any(c.isspace() for c in local) or not domain.strip():
        return ""
    return addresses.normalize(f"{local}@{domain.strip()}")


# ---- parts ---------------------------------------------------------------------------

def _leaves(part: Message, in_related: bool = False):
    """Each non-multipart part, and whether it sits inside multipart/related (デコメ's pictures)."""
    if part.get_content_maintype() == "message":
        return  # a forwarded or returned message is not this one's text
    if part.is_multipart():
        related = in_related or part.get_content_type() == "multipart/related"
        for sub in part.get_payload():
            yield from _leaves(sub, related)
    else:
        yield part, in_related


def _is_attachment(part: Message) -> bool:
    return (part.get("Content-Disposition") or "").strip().lower().startswith("attachment")


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


_HTML_DROP = re.compile(r"<(head|style|script|title)\b.*?</\1\s*>", re.I | re.S)
_HTML_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")


def html_to_text(markup: str) -> str:
    """The text of an HTML part (デコメ without a text/plain part): tags dropped, lines kept."""
    markup = _HTML_DROP.sub("", markup.replace("\r", "").replace("\n", ""))
    markup = _HTML_BREAK.sub("\n", markup)
    return html.unescape(_HTML_TAG.sub("", markup)).replace("\xa0", " ")


def _image(part: Message, in_related: bool) -> Image | None:
    ctype = part.get_content_type()
    filename = part.get_filename() or ""
    if isinstance(filename, str):
        filename = decode_header(filename, None) if "=?" in filename else filename
    if ctype not in IMAGE_TYPES and not (ctype == "application/octet-stream" and _IMAGE_NAME.search(filename)):
        return None
    if in_related and ctype == "image/gif":
        return None  # デコメ's decoration: drop it, keep the text (photos are JPEG)
    data = _payload(part)
    return Image(filename, ctype, data) if data else None


def parse(raw: bytes) -> Received:
    """Read one message as it arrived (RFC 5322 bytes)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    sender = address_of(decode_header(_raw_header(message, "From"), None))
    source = emoji_source(sender)
    subject = decode_header(_raw_header(message, "Subject"), source)
    plain, markup, images = None, None, []
    for part, in_related in _leaves(message):
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None and not _is_attachment(part):
            plain = decode_text(_payload(part), part.get_content_charset(), source)
        elif ctype == "text/html" and markup is None and not _is_attachment(part):
            markup = decode_text(_payload(part), part.get_content_charset(), source)
        else:
            image = _image(part, in_related)
            if image is not None:
                images.append(image)
    text = plain if plain is not None else html_to_text(markup) if markup is not None else ""
    carrier = addresses.carrier_of(sender) if sender else None
    return Received(sender=sender, carrier=carrier, subject=subject, text=text, images=images, message=message)
