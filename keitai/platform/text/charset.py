"""Bytes from and to devices: charset, emoji, CP932 pitfalls, control characters."""
import codecs
import re

from keitai.platform.text import emoji, kana


class InputDecodeError(ValueError):
    """Form/query bytes that are not valid text for the device (answer 400)."""

    def __init__(self, reason, field=None, offset=None, unit='byte'):
        self.reason, self.field, self.offset = reason, field, offset
        where = ''.join((' in field %r' % field if field else '',
                         ' at %s %d' % (unit, offset) if offset is not None else ''))
        super().__init__(reason + where)


# CP932 pitfalls: Shift_JIS has these characters only under another code point than the
# one text usually carries (ARCHITECTURE.md, carrier facts). Python's cp932 already encodes
# 〜‖−¢£¬ to the Shift_JIS codes; this handler catches the rest, anything else becomes one '?'.
_CP932_SUBST = {
    '\u301c': '\uff5e', '\u2016': '\u2225', '\u2212': '\uff0d', '\u00a2': '\uffe0',
    '\u00a3': '\uffe1', '\u00ac': '\uffe2', '\u203e': '\uffe3', '\u2014': '\u2015',
    '\u00a5': '\uffe5', '\u00a6': '\uffe4',
}


def _cp932_errors(exc):
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return ''.join(_CP932_SUBST.get(c, '?') for c in exc.object[exc.start:exc.end]), exc.end


codecs.register_error('keitai.cp932', _cp932_errors)


def charset_label(device):
    return 'Shift_JIS' if emoji.is_cp932(device) else 'UTF-8'


def to_crlf(s):
    """Any newline convention -> CRLF (what handsets and mail expect)."""
    return s.replace('\r\n', '\n').replace('\r', '\n').replace('\n', '\r\n')


def encode_output(html, device, *, hankaku=False):
    """Page or fragment -> bytes for this device; never raises."""
    if hankaku:
        html = kana.hankaku_html(html)
    html = emoji.emoji_for(html, device)
    if emoji.is_cp932(device):
        return html.encode('cp932', 'keitai.cp932')
    return html.encode('utf-8', 'replace')     # lone surrogates -> '?'


def encoded_length(s, device, *, hankaku=False):
    """Bytes this text costs on the device (for page budgets)."""
    if s.isascii():
        return len(s)       # one byte per char in both charsets; no emoji, no kana
    return len(encode_output(s, device, hankaku=hankaku))


# CR is allowed here only because newlines are normalised first.
_CONTROL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]')
_SURROGATE = re.compile('[\ud800-\udfff]')
# cp932 "decodes" stray single bytes 0x80, 0xA0, 0xFD-FF; they are not Shift_JIS.
_CP932_STRAY = re.compile('[\x80\uf8f0-\uf8f3]')


def decode_input(raw, device, *, field=None):
    """Form/query value bytes from this device -> internal str (see from_device_text).

    Raises InputDecodeError naming the field and byte offset of bad input.
    """
    cp932 = emoji.is_cp932(device)
    charset = 'cp932' if cp932 else 'utf-8'
    try:
        s = raw.decode(charset)
    except UnicodeDecodeError as e:
        raise InputDecodeError('invalid %s byte 0x%02X' % (charset, raw[e.start]),
                               field, e.start) from None
    if cp932 and (m := _CP932_STRAY.search(s)):
        # One char per 1 or 2 bytes both ways, so re-encoding the prefix gives the offset.
        offset = len(s[:m.start()].encode('cp932', 'replace'))
        raise InputDecodeError('invalid cp932 byte 0x%02X' % raw[offset], field, offset)
    if cp932 and getattr(device, 'carrier', None) == 'softbank':
        s = emoji.softbank_sjis_to_webcode(raw).decode('cp932')
    if cp932:
        # 0x8160 is JIS X 0208's WAVE DASH: what the handset draws and its member typed.
        # cp932 calls it FULLWIDTH TILDE, which PCs draw as a different, flat mark.
        s = s.replace('\uff5e', '\u301c')
    return from_device_text(s, device, field=field)


def from_device_text(s, device, *, field=None):
    """Already-decoded text from this device -> internal str.

    Newlines -> LF, carrier emoji (PUA, or for cp932 devices the chars cp932 gave
    their Shift_JIS codes; SoftBank webcode) -> internal form, half-width katakana
    -> full width; everything else as sent (a UTF-8 device's ～ stays ～).
    Rejects lone surrogates and control characters other than TAB/LF/CR.
    """
    if (m := _SURROGATE.search(s)):
        raise InputDecodeError('lone surrogate', field, m.start(), 'character')
    if '\r' in s:
        s = s.replace('\r\n', '\n').replace('\r', '\n')
    carrier = getattr(device, 'carrier', None)
    if carrier == 'softbank':
        s = emoji.from_webcode(s)
    if (m := _CONTROL.search(s)):
        raise InputDecodeError('control character U+%04X' % ord(m[0]), field, m.start(),
                                'character')
    s = emoji.to_internal(s, carrier, sjis=emoji.is_cp932(device),
                          handset=getattr(device, 'kind', None) == 'handset')
    return kana.zenkaku_kana(s)
