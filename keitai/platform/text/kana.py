"""Half-width (hankaku) katakana both ways, and search normalisation."""
import re
import unicodedata

_DAKUTEN = (('\uff9e', '\u3099'), ('\uff9f', '\u309a'))   # half-width mark, combining mark


def _tables():
    h2z = {}
    for cp in range(0xFF61, 0xFF9E):                       # ｡ .. ﾝ
        h2z[chr(cp)] = unicodedata.normalize('NFKC', chr(cp))
    h2z['\uff9e'], h2z['\uff9f'] = '\u309b', '\u309c'      # lone ﾞﾟ -> spacing ゛゜
    z2h = {z: h for h, z in h2z.items()}
    for h, z in list(h2z.items()):
        for mark, comb in _DAKUTEN:
            voiced = unicodedata.normalize('NFC', z + comb)
            if len(voiced) == 1:                           # ガ, パ, ヴ, ヷ ...
                h2z[h + mark] = voiced
                z2h[voiced] = h + mark
    z2h['\u3099'], z2h['\u309a'] = '\uff9e', '\uff9f'
    return h2z, z2h


_H2Z, _Z2H = _tables()
_HALF = re.compile('[\uff61-\uff9d][\uff9e\uff9f]?|[\uff9e\uff9f]')
_Z2H_TRANS = str.maketrans(_Z2H)
_FULL = re.compile('[' + ''.join(map(re.escape, sorted(_Z2H))) + ']')


def zenkaku_kana(s):
    """Half-width katakana and ｡｢｣､･ -> full width (ｶﾞ -> ガ, lone ﾞ -> ゛)."""
    if not _HALF.search(s):
        return s
    return _HALF.sub(lambda m: _H2Z.get(m[0]) or ''.join(_H2Z[c] for c in m[0]), s)


def hankaku_kana(s):
    """Full-width katakana and 。「」、・ -> half width (ガ -> ｶﾞ); ヮヰヱヵヶ stay."""
    return s.translate(_Z2H_TRANS) if _FULL.search(s) else s


_TAG = re.compile(r'''<!--.*?-->|<[!?][^>]*>'''
                  r'''|<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>''', re.S)
_RAW_END = {n: re.compile(r'</%s\s*>' % n, re.I) for n in ('textarea', 'script', 'style')}


def hankaku_html(html):
    """hankaku_kana on text nodes only: tags, attribute values, comments and the
    content of <textarea>, <option>, <script>, <style> are left alone (form values
    must come back as the user typed them)."""
    if not _FULL.search(html):
        return html
    out, pos = [], 0
    keep = False                    # the text right after <option> is its value
    while (m := _TAG.search(html, pos)):
        text = html[pos:m.start()]
        out.append(text if keep else hankaku_kana(text))
        out.append(m[0])
        pos = m.end()
        name = (m[2] or '').lower()
        opening = m[2] is not None and not m[1]
        keep = opening and name == 'option'
        if opening and name in _RAW_END:
            close = _RAW_END[name].search(html, pos)
            stop = close.start() if close else len(html)
            out.append(html[pos:stop])
            pos = stop
    tail = html[pos:]
    out.append(tail if keep else hankaku_kana(tail))
    return ''.join(out)


_SPACE = re.compile(r'\s+')
_KATA2HIRA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}   # ァ..ヶ -> ぁ..ゖ
_KATA2HIRA.update({0x30FD: 0x309D, 0x30FE: 0x309E, 0x301C: '~'})  # ヽヾ; 〜 like NFKC's ～


def normalize_for_search(s):
    """NFKC (half-width kana -> full, full-width ASCII -> ASCII), katakana -> hiragana,
    case-folded, whitespace collapsed."""
    s = unicodedata.normalize('NFKC', s).translate(_KATA2HIRA).casefold()
    return _SPACE.sub(' ', s).strip()
