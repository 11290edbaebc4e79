#!/usr/bin/env python3
"""Generate keitai/platform/text/emoji_table.py from the carriers' emoji tables.

Usage: python tools/make_emoji_table.py [DATA_DIR] [OUTPUT]
  DATA_DIR defaults to tests/data (emoji4unicode.xml, emoji-sjis.tsv; sources and
  licences in tests/data/README.md);
  OUTPUT defaults to keitai/platform/text/emoji_table.py beside this tool.
"""
import csv
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARRIERS = {'docomo': 'docomo', 'au': 'kddi', 'softbank': 'softbank'}

HEADER = '''\
"""Emoji conversion table. GENERATED -- do not edit; regenerate with
    python tools/make_emoji_table.py [DATA_DIR]   (default tests/data)

Sources (read at generation time from tests/data, not by the site):
  emoji4unicode.xml  Google emoji4unicode (via jpmobile tools/), Apache License 2.0
  emoji-sjis.tsv     carrier Shift_JIS <-> PUA tables of jpmobile
                     (lib/jpmobile/emoticon/*.rb), MIT License
{notes}
ROWS: one emoji4unicode row each:
  (id, internal, google, docomo, au, softbank, fallback)
  internal  carrier-neutral stored form: the row's Unicode sequence, else its Google PUA
  google/docomo/au/softbank  PUA hex as in the source: 'E63E' exact, '>E63E+E63F'
            approximate one-way mapping, None = no counterpart (au is KDDI's own "ura" PUA)
  fallback  text_fallback, ' ' for the space rows, else None (shown as U+3013)
SJIS: carrier -> {carrier PUA code point: Shift_JIS code}
"""
'''


def softbank_sjis(pua):
    """SoftBank's Shift_JIS layout is regular: 6 pages of 90 codes."""
    page, low = divmod(pua - 0xE000, 0x100)
    lead, base = [(0xF9, 0x40), (0xF7, 0x40), (0xF7, 0xA0),
                  (0xF9, 0xA0), (0xFB, 0x40), (0xFB, 0xA0)][page]
    trail = base + low
    if base == 0x40 and trail >= 0x7F:
        trail += 1      # Shift_JIS trail bytes skip 0x7F
    return lead << 8 | trail


def read_sjis(path, notes):
    sjis = {c: {} for c in CARRIERS}
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f, delimiter='\t'):
            sjis[row['carrier']][int(row['unicode'], 16)] = int(row['sjis'], 16)
    sb = sjis['softbank']
    for pua, code in sorted(sb.items()):
        if softbank_sjis(pua) != code:
            # jpmobile's softbank.rb has 0xE13A => 0xF76A (F76A is E12A's); F77A is free.
            notes.append('fixed softbank U+%04X: Shift_JIS %04X -> %04X (source typo)'
                         % (pua, code, softbank_sjis(pua)))
            sb[pua] = softbank_sjis(pua)
    for carrier, table in sjis.items():
        assert len(set(table.values())) == len(table), carrier + ': duplicate Shift_JIS'
    for pua, code in sjis['docomo'].items():
        assert bytes([code >> 8, code & 0xFF]).decode('cp932') == chr(pua)
    return sjis


def read_rows(path):
    rows = []
    for e in ET.parse(path).getroot().iter('e'):
        uni = e.get('unicode')
        google = e.get('google')
        if uni:
            internal = ''.join(chr(int(h, 16)) for h in uni.lstrip('+').split('+'))
        else:
            assert google and not google.startswith('>'), e.attrib
            internal = chr(int(google, 16))
        fallback = e.get('text_fallback')
        if fallback is None and len(internal) == 1 and unicodedata.category(internal) == 'Zs':
            fallback = ' '      # EM SPACE etc.: a space, not a geta mark
        rows.append((e.get('id'), internal, google,
                     *(e.get(a) for a in CARRIERS.values()), fallback))
    internals = [r[1] for r in rows]
    assert len(set(internals)) == len(internals), 'internal forms must be unique'
    for i, name in enumerate(CARRIERS, 3):
        exact = [r[i] for r in rows if r[i] and not r[i].startswith('>')]
        assert len(set(exact)) == len(exact), name + ': code in two rows'
    return rows


def esc(s):
    return "'" + ''.join('\\u%04x' % ord(c) if ord(c) < 0x10000 else '\\U%08x' % ord(c)
                         for c in s) + "'"


def main(argv):
    data = Path(argv[1]) if len(argv) > 1 else ROOT / 'tests' / 'data'
    out = Path(argv[2]) if len(argv) > 2 else ROOT / 'keitai' / 'platform' / 'text' / 'emoji_table.py'
    notes = []
    sjis = read_sjis(data / 'emoji-sjis.tsv', notes)
    rows = read_rows(data / 'emoji4unicode.xml')
    # Every Shift_JIS emoji must have an exact row, or input could not be stored.
    for i, carrier in enumerate(CARRIERS, 3):
        exact = {int(r[i], 16) for r in rows if r[i] and not r[i].startswith('>')}
        missing = set(sjis[carrier]) - exact
        assert not missing, (carrier, sorted(missing))
    lines = [HEADER.replace('{notes}', ''.join('Note: %s\n' % n for n in notes)),
             'ROWS = (\n']
    for r in rows:
        lines.append('    (%r, %s, %s),\n' % (r[0], esc(r[1]), ', '.join(map(repr, r[2:]))))
    lines.append(')\n\nSJIS = {\n')
    for carrier, table in sjis.items():
        lines.append('    %r: {\n' % carrier)
        items = ['0x%04X: 0x%04X' % kv for kv in sorted(table.items())]
        for k in range(0, len(items), 6):
            lines.append('        ' + ', '.join(items[k:k + 6]) + ',\n')
        lines.append('    },\n')
    lines.append('}\n')
    out.write_text(''.join(lines), encoding='utf-8')
    print('wrote %s: %d rows, %s Shift_JIS codes%s' % (
        out, len(rows), '/'.join(str(len(t)) for t in sjis.values()),
        ''.join('\n  ' + n for n in notes)))


if __name__ == '__main__':
    main(sys.argv)
