"""Carrier emoji <-> the carrier-neutral internal form (see emoji_table.py)."""
import functools
import re

import emoji as cldr_emoji

from . import emoji_table

GETA = '\u3013'
CARRIERS = ('docomo', 'au', 'softbank')

# '>' (approximate, one-way) mappings: the row's text_fallback when it has one,
# otherwise the near emoji (e.g. SUNRISE -> sun), which says more than a geta mark.
APPROXIMATE = True

# Variation selectors, ZWJ and skin-tone modifiers mean nothing to a handset.
_INVISIBLE = '\ufe0e\ufe0f\u200d' + ''.join(map(chr, range(0x1F3FB, 0x1F400)))


def _codes(field):
    """'E63E' -> (True, [0xE63E]); '>E63E+E63F' -> (False, [...]); None -> None."""
    if not field:
        return None
    exact = not field.startswith('>')
    return exact, [int(h, 16) for h in field.lstrip('>').split('+')]


def _sjis_char(code):
    # cp932 maps the user-defined area F040-F9FC onto U+E000-E757 one to one, so a
    # carrier's Shift_JIS emoji travels through str as the char cp932 decodes it to.
    return bytes((code >> 8, code & 0xFF)).decode('cp932')


class _Row:
    __slots__ = ('id', 'internal', 'google', 'codes', 'fallback')

    def __init__(self, rid, internal, google, docomo, au, softbank, fallback):
        self.id, self.internal, self.fallback = rid, internal, fallback
        self.google = _codes(google)
        self.codes = {'docomo': _codes(docomo), 'au': _codes(au), 'softbank': _codes(softbank)}


ROWS = [_Row(*r) for r in emoji_table.ROWS]
BY_INTERNAL = {r.internal: r for r in ROWS}
_GOOGLE_ALL = {chr(r.google[1][0]): r for r in ROWS if r.google and r.google[0]}


def _char_class(chars, extra=''):
    """Compact regex class for a set of single code points (plus raw ranges)."""
    cps = sorted(set(map(ord, chars)))
    parts, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(re.escape(chr(cps[i])) + ('-' + re.escape(chr(cps[j])) if j > i else ''))
        i = j + 1
    return '[' + ''.join(parts) + extra + ']'


# sre looks BMP chars up in a bitmap but scans astral ranges one by one, so astral
# emoji are matched by whole blocks and unknown ones left to the converter's default.
_ASTRAL = '\U0001f000-\U0001faff\U000fe000-\U000fefff'


def _form_branches(forms):
    """Regex branches for internal forms (with VS16 inside/after), as (the characters a
    branch starts with, raw ranges it also starts with, the rest of the branch).  Multi-char
    forms are matched by shape (per-position classes); odd combinations fall back per char."""
    assert all(f < '\U00010000' or '\U0001f000' <= f[0] <= '\U0001faff'
               or '\U000fe000' <= f[0] <= '\U000fefff' for f in forms)
    branches = []
    shapes = {(len(f), f[0].isascii()) for f in forms if len(f) > 1}   # keycaps, flags
    for n, ascii_first in sorted(shapes, reverse=True):
        same = [f for f in forms if len(f) == n and f[0].isascii() == ascii_first]
        rest = ''.join('\ufe0f?' + _char_class(f[i] for f in same) for i in range(1, n))
        branches.append(({f[0] for f in same}, '', rest + '[\ufe0e\ufe0f]?'))
    singles = {f for f in forms if len(f) == 1 and f < '\U00010000'}
    branches.append((singles, _ASTRAL, '[\ufe0e\ufe0f]?'))
    return branches


def _scannable(branches):
    """One regex for ``branches`` (see _form_branches) that begins with one class of every
    character a match can start with.  sre then skips to those characters in C instead of
    trying each branch at each character.  The class holds BMP characters (a bitmap to sre)
    and few raw ranges (tested one by one): astral first characters all lie in _ASTRAL."""
    chars = set().union(*(c for c, _extra, _rest in branches))
    extra = ''.join(dict.fromkeys(re.findall('.-.', ''.join(extra for _c, extra, _rest in branches))))
    assert all(c < '\U00010000' or re.fullmatch(f'[{_ASTRAL}]', c) for c in chars)
    union = _char_class({c for c in chars if c < '\U00010000'}, extra)
    alternatives = (f'(?<={_char_class(c, extra)}){rest}' for c, extra, rest in branches)
    return union + '(?:' + '|'.join(alternatives) + ')'


_FORM_BRANCHES = _form_branches(BY_INTERNAL)


# ---- input ---------------------------------------------------------------

def _input_tables():
    pua = {c: {} for c in CARRIERS}     # carrier's own PUA (UTF-8 pages) -> internal
    sjis = {c: {} for c in CARRIERS}    # cp932-decoded Shift_JIS emoji -> internal
    for r in ROWS:
        for c in CARRIERS:
            codes = r.codes[c]
            if codes and codes[0]:
                (cp,) = codes[1]
                pua[c][chr(cp)] = r.internal
                s = emoji_table.SJIS[c].get(cp)
                if s is not None and s < 0xFA00:    # SoftBank's FB page is kanji to cp932
                    sjis[c][_sjis_char(s)] = r.internal
    # au UTF-8 may also arrive in the cp932-derived "omote" codes; where one equals
    # another emoji's own "ura" code, the ura meaning wins (that is what au sends).
    for ch, internal in sjis['au'].items():
        pua['au'].setdefault(ch, internal)
    return pua, sjis


_PUA_IN, _SJIS_IN = _input_tables()
_GOOGLE_IN = {g: r.internal for g, r in _GOOGLE_ALL.items()}
_INPUT_PUA = re.compile('[\ue000-\uf8ff\U000fe000-\U000fefff]')


def to_internal(s, carrier=None, sjis=False, handset=False):
    """Carrier/Google PUA in s -> internal form.

    sjis: s was decoded from cp932 bytes, so PUA chars stand for Shift_JIS codes.
    handset: unknown BMP PUA from a handset becomes a geta mark (it would show as
    some other emoji elsewhere); PCs keep what they pasted.
    """
    if not _INPUT_PUA.search(s):
        return s
    table = (_SJIS_IN if sjis else _PUA_IN).get(carrier, {})

    def repl(m):
        c = m[0]
        v = table.get(c) or _GOOGLE_IN.get(c)
        if v is not None:
            return v
        return GETA if handset and c < '\uf900' else c
    return _INPUT_PUA.sub(repl, s)


_WEBCODE = re.compile('\x1b\\$([GEFOPQ])([\x21-\x7a]+)\x0f')
_WEBCODE_PAGES = 'GEFOPQ'                # SoftBank PUA pages E0..E5


def from_webcode(s):
    """SoftBank webcode ESC $ G ! SI (one page letter, one or more codes) -> internal."""
    if '\x1b' not in s:
        return s
    table = _PUA_IN['softbank']

    def repl(m):
        page = 0xE000 + 0x100 * _WEBCODE_PAGES.index(m[1])
        return ''.join(table.get(chr(page + ord(c) - 0x20), GETA) for c in m[2])
    return _WEBCODE.sub(repl, s)


def _webcode(cp):
    return '\x1b$%s%s\x0f' % (_WEBCODE_PAGES[(cp >> 8) - 0xE0], chr((cp & 0xFF) + 0x20))


# cp932 reads SoftBank's FB page as IBM kanji, so old SoftBank handsets' Shift_JIS
# emoji become webcode before decoding. Single-byte chars are never lead bytes, so
# matching two-byte chars left to right (on valid input) stays aligned.
_SB_SJIS = {bytes((c >> 8, c & 0xFF)): _webcode(cp).encode('ascii')
            for cp, c in emoji_table.SJIS['softbank'].items()}
_SJIS_PAIR = re.compile(rb'[\x81-\x9f\xe0-\xfc][\x40-\x7e\x80-\xfc]')


def softbank_sjis_to_webcode(raw):
    """Valid Shift_JIS bytes from a SoftBank handset -> same with emoji as webcode."""
    if not any(b in raw for b in (b'\xf7', b'\xf9', b'\xfb')):
        return raw
    return _SJIS_PAIR.sub(lambda m: _SB_SJIS.get(m[0], m[0]), raw)


# ---- output --------------------------------------------------------------

def _fallback(row):
    return row.fallback or GETA


def _carrier_str(row, carrier, cp932):
    codes = row.codes[carrier]
    if not codes:
        return _fallback(row)
    exact, cps = codes
    if not exact and (row.fallback or not APPROXIMATE):
        return row.fallback or GETA
    if cp932 and carrier == 'softbank':
        return ''.join(map(_webcode, cps))      # what J-PHONE era pages used
    if cp932:
        table = emoji_table.SJIS[carrier]
        if not all(cp in table for cp in cps):
            return _fallback(row)
        return ''.join(_sjis_char(table[cp]) for cp in cps)
    return ''.join(map(chr, cps))


class _Converter:
    """One regex pass mapping matches through a dict; unknown matches go to
    default(char) one char at a time."""

    def __init__(self, table, branches, default):
        self.table, self.default = table, default
        self.pattern = re.compile(_scannable(branches))
        # Branches starting with an ASCII character (keycaps: 1️⃣) would be tried at every
        # digit of a page (ids, sids): only for text that has a keycap's U+20E3 at all.
        self.common = re.compile(_scannable([b for b in branches if not any(c.isascii() for c in b[0])]))

    def __call__(self, s):
        return (self.pattern if '\u20e3' in s else self.common).sub(self._repl, s)

    def _repl(self, m):
        key = m[0]
        v = self.table.get(key)
        if v is None:
            key = key.replace('\ufe0f', '').replace('\ufe0e', '')
            v = self.table.get(key)
            if v is None:
                return ''.join(self.table.get(c) or self.default(c) for c in m[0])
        return v


_BMP_PUA = '\ue000-\uf8ff'


def _handset_default(c):
    if c in _INVISIBLE:
        return ''
    if '\ue000' <= c <= '\uf8ff' or '\U000fe000' <= c <= '\U000fefff':
        return GETA      # stray PUA would show as some unrelated carrier emoji
    return c             # e.g. newer Unicode emoji: '?' on cp932, as is on UTF-8


@functools.lru_cache(maxsize=None)
def converter(profile):
    """profile: ('handset', carrier or None, cp932: bool) or ('pc',)."""
    if profile[0] == 'handset':
        _, carrier, cp932 = profile
        if carrier in CARRIERS:
            table = {f: _carrier_str(r, carrier, cp932) for f, r in BY_INTERNAL.items()}
        else:   # WILLCOM, EMOBILE, unknown: no emoji of their own we know of
            table = {f: _fallback(r) for f, r in BY_INTERNAL.items()}
        for g, r in _GOOGLE_ALL.items():
            table.setdefault(g, table[r.internal])
        branches = _FORM_BRANCHES + [(set(_INVISIBLE), _BMP_PUA + _ASTRAL, '')]
        return _Converter(table, branches, _handset_default)
    # PC / smartphone: Unicode emoji stay; Google PUA -> Unicode, else fallback.
    table = {g: _fallback(r) if r.internal == g else r.internal
             for g, r in _GOOGLE_ALL.items()}
    return _Converter(table, [(set(), '\U000fe000-\U000fefff', '')], lambda c: c)


def profile_of(device):
    carrier = getattr(device, 'carrier', None)
    if getattr(device, 'kind', 'pc') != 'handset':
        return ('pc',)
    return ('handset', carrier if carrier in CARRIERS else None, is_cp932(device))


def is_cp932(device):
    cs = (getattr(device, 'charset', None) or 'utf-8').lower().replace('_', '-')
    return cs in ('cp932', 'shift-jis', 'sjis', 'windows-31j', 'ms932')


def emoji_for(text, device):
    """Internal text -> what this device should see, before charset encoding.

    Handsets get their carrier's PUA (for cp932 docomo/au, the char cp932 encodes to
    the carrier's Shift_JIS bytes; for cp932 SoftBank, webcode), PCs/smartphones
    Unicode; emoji without a counterpart get text_fallback or 〓.
    """
    return converter(profile_of(device))(text)


# ---- mail ----------------------------------------------------------------

# Rows with neither a Unicode character nor a text fallback (carrier logos and one face):
# Japanese names from their emoji4unicode descriptions.
_NAMES = {
    '337': 'にこにこ', 'E1C': '映画', 'E70': 'J-SKY', 'E71': 'J-SKY', 'E72': 'Vodafone',
    'E73': 'Vodafone', 'E77': 'J-PHONEショップ', 'E78': 'スカイウェブ', 'E79': 'スカイウォーカー',
    'E7A': 'スカイメロディ', 'E7B': 'J-PHONE', 'E7C': 'J-PHONE', 'E7D': 'J-PHONE', '4C5': 'SHIBUYA109',
}


def unicode_emoji_name(chars):
    """'[太陽]' for a Unicode emoji (its CLDR Japanese short name), or None if it is none."""
    name = cldr_emoji.demojize(chars, language='ja', delimiters=('[', ']'))
    if name == chars or not re.fullmatch(r'\[[^\[\]]+\]', name):
        return None
    return name.replace('_', '・')


def text_for(row):
    """An emoji as text: its emoji4unicode text fallback, else its Japanese name; never 〓."""
    if row.fallback:
        return row.fallback
    if row.id in _NAMES:
        return f'[{_NAMES[row.id]}]'
    return unicode_emoji_name(row.internal)


def _mail_str(row, carrier):
    codes = row.codes[carrier]
    usable = codes and (codes[0] or (APPROXIMATE and not row.fallback))
    # A mail carries only the emoji that have a Shift_JIS code (au's mail codes derive from it).
    if usable and all(cp in emoji_table.SJIS[carrier] for cp in codes[1]):
        return ''.join(map(chr, codes[1]))
    return text_for(row)


@functools.lru_cache(maxsize=None)
def mail_converter(reader, missing):
    """Internal text -> text for a mail, per reader: a carrier in CARRIERS gets its own
    emoji as its PUA characters (those its mail charsets carry), None gets every emoji as
    text, 'unicode' keeps Unicode emoji.  Characters that are nothing readable (invisible
    joiners and selectors on handsets, stray private-use characters) become ``missing``
    or disappear; other characters stay for the charset to deal with."""
    if reader == 'unicode':
        table = {g: text_for(r) if r.internal == g else r.internal for g, r in _GOOGLE_ALL.items()}
        return _Converter(table, [(set(), '\U000fe000-\U000fefff', '')], lambda c: missing)
    if reader in CARRIERS:
        table = {f: _mail_str(r, reader) for f, r in BY_INTERNAL.items()}
    else:
        table = {f: text_for(r) for f, r in BY_INTERNAL.items()}
    for g, r in _GOOGLE_ALL.items():
        table.setdefault(g, table[r.internal])

    def default(c):
        if c in _INVISIBLE:
            return ''
        return missing if '\ue000' <= c <= '\uf8ff' or '\U000fe000' <= c <= '\U000fefff' else c
    branches = _FORM_BRANCHES + [(set(_INVISIBLE), _BMP_PUA + _ASTRAL, '')]
    return _Converter(table, branches, default)
