"""keitai.platform.text: charsets, carrier emoji, hankaku kana, search normalisation."""
import csv
import re
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from keitai.platform import text
from keitai.platform.text import emoji, emoji_table

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / 'tests' / 'data'   # the carriers' emoji tables, with their sources (README.md there)

Device = namedtuple('Device', 'carrier kind charset')
DOCOMO = Device('docomo', 'handset', 'cp932')
AU = Device('au', 'handset', 'cp932')
AU_UTF8 = Device('au', 'handset', 'utf-8')
SB = Device('softbank', 'handset', 'utf-8')
SB_OLD = Device('softbank', 'handset', 'cp932')
WILLCOM = Device('willcom', 'handset', 'cp932')
PC = Device(None, 'pc', 'utf-8')
IPHONE = Device(None, 'smartphone', 'utf-8')
CARRIER_DEVICE = {'docomo': DOCOMO, 'au': AU, 'softbank': SB_OLD}

SUN = '\u2600'
SUN_BYTES = {'docomo': b'\xf8\x9f', 'au': b'\xf6\x60', 'softbank': b'\xf9\x8b'}


def tsv_rows():
    with open(DATA / 'emoji-sjis.tsv', newline='', encoding='utf-8') as f:
        return [(r['carrier'], bytes.fromhex(r['sjis']), int(r['unicode'], 16))
                for r in csv.DictReader(f, delimiter='\t')]


# ---- emoji across carriers -----------------------------------------------

def test_docomo_sun_reaches_every_carrier():
    stored = text.decode_input(b'\xf8\x9f', DOCOMO)
    assert stored == SUN
    assert text.encode_output(stored, DOCOMO) == b'\xf8\x9f'
    assert text.encode_output(stored, AU) == SUN_BYTES['au']
    assert text.encode_output(stored, SB) == '\ue04a'.encode('utf-8')
    assert text.encode_output(stored, PC) == SUN.encode('utf-8')
    assert text.emoji_for(stored, IPHONE) == SUN


@pytest.mark.parametrize('device,raw', [
    (AU, SUN_BYTES['au']),
    (AU_UTF8, '\ue488'.encode()),             # KDDI's own ("ura") PUA
    (SB, '\ue04a'.encode()),
    (SB_OLD, SUN_BYTES['softbank']),
    (SB_OLD, b'\x1b$Gj\x0f'),                 # webcode
    (Device('docomo', 'handset', 'utf-8'), '\ue63e'.encode()),
    (PC, SUN.encode()),
    (PC, '\U000fe000'.encode()),              # Google PUA (Android)
])
def test_sun_from_anywhere(device, raw):
    stored = text.decode_input(raw, device)
    assert stored == SUN
    assert text.encode_output(stored, DOCOMO) == b'\xf8\x9f'
    assert text.encode_output(stored, AU) == SUN_BYTES['au']
    assert text.encode_output(stored, SB) == '\ue04a'.encode()
    assert text.encode_output(stored, SB_OLD) == b'\x1b$Gj\x0f'
    assert text.encode_output(stored, PC) == SUN.encode()


def test_every_shift_jis_emoji_round_trips():
    for carrier, raw, pua in tsv_rows():
        device = CARRIER_DEVICE[carrier]
        stored = text.decode_input(raw, device)
        assert stored in emoji.BY_INTERNAL, (carrier, raw.hex())
        out = text.encode_output(stored, device)
        if carrier == 'softbank':
            # Old SoftBank pages get webcode (cp932 cannot carry the FB page);
            # 3G gets the PUA the table names.
            assert out.startswith(b'\x1b$') and text.decode_input(out, device) == stored
            if (carrier, pua) != ('softbank', 0xE13A):   # reference typo, see below
                assert text.encode_output(stored, SB) == chr(pua).encode()
        else:
            assert out == raw, (carrier, raw.hex())


def test_every_carrier_pua_round_trips():
    utf8 = {'docomo': Device('docomo', 'handset', 'utf-8'), 'au': AU_UTF8, 'softbank': SB}
    for carrier, raw, pua in tsv_rows():
        stored = text.decode_input(chr(pua).encode(), utf8[carrier])
        row = emoji.BY_INTERNAL[stored]
        assert row.codes[carrier] == (True, [pua])
        assert text.encode_output(stored, utf8[carrier]) == chr(pua).encode()
        if carrier != 'softbank':
            assert text.encode_output(stored, CARRIER_DEVICE[carrier]) == raw


def test_softbank_sjis_typo_fixed():
    assert emoji_table.SJIS['softbank'][0xE12A] == 0xF76A
    assert emoji_table.SJIS['softbank'][0xE13A] == 0xF77A
    assert text.decode_input(b'\xf7\x7a', SB_OLD) == text.decode_input('\ue13a'.encode(), SB)
    assert text.decode_input(b'\xf7\x6a', SB_OLD) == text.decode_input('\ue12a'.encode(), SB)


def test_softbank_shift_jis_next_to_kanji():
    # FB41 is an emoji for SoftBank but IBM kanji to cp932; FBFC stays kanji, and
    # the trail byte F9 of 飲 (88F9) must not start an emoji with the 'A' after it.
    raw = '漢'.encode('cp932') + b'\xfb\x41' + b'\xfb\xfc' + b'\x88\xf9\x41'
    got = text.decode_input(raw, SB_OLD)
    assert got == '漢' + text.decode_input('\ue401'.encode(), SB) + \
        b'\xfb\xfc'.decode('cp932') + '飲A'
    assert text.decode_input(b'\x1b$Gjk\x0f', SB) == SUN + text.decode_input('\ue04b'.encode(), SB)


def test_au_omote_codes_accepted_unless_they_are_ura_codes():
    au = [(raw, pua) for c, raw, pua in tsv_rows() if c == 'au']
    by_ura = {pua: text.decode_input(raw, AU) for raw, pua in au}
    assert text.from_device_text('\ue234', AU_UTF8) == text.decode_input(b'\xf3\x40', AU)
    collisions = 0
    for raw, pua in au:
        omote = ord(raw.decode('cp932'))
        got = text.from_device_text(chr(omote), AU_UTF8)
        if omote in by_ura:
            collisions += omote != pua
            assert got == by_ura[omote]          # what au's UTF-8 forms mean by it
        else:
            assert got == by_ura[pua]
    assert collisions == 43


def test_every_internal_form_encodes_for_every_device():
    devices = (DOCOMO, AU, AU_UTF8, SB, SB_OLD, WILLCOM, PC, IPHONE)
    for form in emoji.BY_INTERNAL:
        for device in devices:
            out = re.sub(rb'\x1b\$[GEFOPQ][!-z]+\x0f', b'', text.encode_output(form, device))
            assert b'?' not in out or emoji.BY_INTERNAL[form].fallback and \
                '?' in emoji.BY_INTERNAL[form].fallback


def test_google_pua_row_without_unicode():
    # 35C has no carrier or Unicode form: stored as its Google PUA
    stored = text.decode_input('\U000fe35c'.encode(), PC)
    assert stored == '\U000fe35c'
    assert text.emoji_for(stored, PC) == 'B-)'
    assert text.encode_output(stored, DOCOMO) == b'B-)'


def test_no_counterpart_gives_text_fallback_or_geta():
    fog = text.decode_input(b'\xf8\xa5', DOCOMO)           # FOGGY: no SoftBank emoji
    assert fog == '\U0001f301'
    assert text.emoji_for(fog, SB) == '[霧]'
    wavy = text.decode_input('\ue709'.encode(), Device('docomo', 'handset', 'utf-8'))
    assert wavy == '\u3030'                                 # no au, no fallback
    assert text.emoji_for(wavy, AU) == text.GETA
    assert text.encode_output(wavy, AU) == b'\x81\xac'
    assert text.emoji_for('\U000fe337', PC) == text.GETA   # Google-only, no fallback
    assert text.encode_output(SUN, WILLCOM) == b'\x81\xac'


def test_approximate_mappings():
    # SUNRISE: docomo only '>E63E'; no fallback, so the near emoji (docomo sun)
    assert text.emoji_for('\U0001f305', DOCOMO) == '\ue63e'
    # GLOWING STAR: au '>E48B' but the row has a text fallback
    assert text.emoji_for('\U0001f31f', AU) == '[☆]'
    # and input never lands on an approximate row: docomo sun is the sun
    assert text.decode_input(b'\xf8\x9f', DOCOMO) == SUN


def test_emoji_sequences_and_modifiers_on_handsets():
    assert text.emoji_for('#\ufe0f\u20e3', DOCOMO) == text.emoji_for('#\u20e3', DOCOMO) != '#'
    assert text.emoji_for('\u2600\ufe0f', SB) == '\ue04a'
    assert text.emoji_for('\U0001f1ef\U0001f1f5', SB) == '\ue50b'
    assert text.emoji_for('1\U0001f1ef\U0001f1f5', SB) == '1\ue50b'
    assert text.emoji_for('\U0001f44d\U0001f3fb', SB) == text.emoji_for('\U0001f44d', SB)
    assert text.encode_output('a\U0001f97ab', DOCOMO) == b'a?b'   # no carrier emoji
    assert text.emoji_for('\U0001f97a', SB) == '\U0001f97a'


def test_stray_pua():
    assert text.decode_input('\ue000x'.encode(), PC) == '\ue000x'       # PC: leave
    assert text.decode_input(b'\xf0\x40', DOCOMO) == text.GETA          # handset: unknown
    assert text.decode_input('\ue04a'.encode(), PC) == '\ue04a'         # carrier unknown
    assert text.encode_output('\ue63e', AU) == b'\x81\xac'              # never a wrong emoji
    assert text.emoji_for('\ue63e', PC) == '\ue63e'


# ---- charsets ------------------------------------------------------------

@pytest.mark.parametrize('device,raw', [
    (DOCOMO, b'\x82'), (DOCOMO, b'ab\x81\x20'), (DOCOMO, b'\x81\x7f'), (DOCOMO, b'a\x80'),
    (DOCOMO, b'\xa0'), (AU, b'\xfd'), (PC, b'\xff'), (PC, b'\xc0\xaf'), (PC, b'\xe0\x80\xaf'),
    (PC, b'\xed\xa0\x80'), (PC, b'\xe3\x81'), (SB, b'\xf4\x90\x80\x80'),
])
def test_broken_bytes_refused(device, raw):
    with pytest.raises(text.InputDecodeError):
        text.decode_input(raw, device)


def test_decode_error_says_where():
    with pytest.raises(text.InputDecodeError) as e:
        text.decode_input(b'abc\x82', DOCOMO, field='body')
    assert e.value.field == 'body' and e.value.offset == 3
    assert "'body'" in str(e.value) and 'byte 3' in str(e.value)
    with pytest.raises(text.InputDecodeError) as e:
        text.decode_input(b'\x82\xa0a\xa0', DOCOMO)
    assert e.value.offset == 3
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize('s', ['a\x00b', '\x1b', '\x7f', '\x85', 'x\x0cy', '\x0b'])
def test_control_characters_refused(s):
    with pytest.raises(text.InputDecodeError):
        text.decode_input(s.encode(), PC)
    with pytest.raises(text.InputDecodeError):
        text.from_device_text(s, PC)


def test_lone_surrogate_refused():
    with pytest.raises(text.InputDecodeError):
        text.from_device_text('a\udc80', PC)


def test_newlines_and_tabs():
    assert text.decode_input(b'a\r\nb\rc\nd\te', DOCOMO) == 'a\nb\nc\nd\te'
    assert text.to_crlf('a\nb\r\nc\rd') == 'a\r\nb\r\nc\r\nd'


def test_astral_characters_survive_utf8():
    s = '𠮷野家 \U0001f97a \U0001f600'
    assert text.decode_input(s.encode(), PC) == s
    assert text.decode_input(s.encode(), SB) == s
    assert text.encode_output(s, PC) == s.encode()
    assert text.encode_output(s, DOCOMO) == b'?' + '野家 ? ?'.encode('cp932')


def test_wave_dash_and_friends():
    assert text.decode_input(b'\x81\x60', DOCOMO) == '\u301c'        # FF5E -> WAVE DASH
    assert text.decode_input('\uff5e'.encode(), PC) == '\uff5e'        # a UTF-8 device's ～ as typed
    cases = {'\u301c': b'\x81\x60', '\u2016': b'\x81\x61', '\u2212': b'\x81\x7c',
             '\u00a2': b'\x81\x91', '\u00a3': b'\x81\x92', '\u00ac': b'\x81\xca',
             '\u203e': b'\x81\x50', '\u2014': b'\x81\x5c', '\u2015': b'\x81\x5c'}
    for ch, sjis in cases.items():
        assert text.encode_output('<' + ch + '>', DOCOMO) == b'<' + sjis + b'>', hex(ord(ch))
    # stored text is stable once it has been through a handset
    s = '〜‖−¢£¬‾—'
    once = text.decode_input(text.encode_output(s, AU), AU)
    assert once[0] == '\u301c'
    assert text.decode_input(text.encode_output(once, AU), AU) == once


def test_cp932_only_characters():
    assert text.encode_output('①Ⅰ髙', DOCOMO) == '①Ⅰ髙'.encode('cp932')
    assert text.decode_input('①Ⅰ髙'.encode('cp932'), DOCOMO) == '①Ⅰ髙'


def test_encode_output_never_raises():
    assert text.encode_output('a\udc80b\ud83dc', PC) == b'a?b?c'
    assert text.encode_output('a\udc80b', DOCOMO) == b'a?b'
    assert text.encode_output('x', Device('weird', 'toaster', None)) == b'x'


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_encode_output_total(s):
    for device in (DOCOMO, AU, SB, PC):
        assert isinstance(text.encode_output(s, device, hankaku=True), bytes)
        assert text.encoded_length(s, device) == len(text.encode_output(s, device))


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec='cp932', exclude_categories=['Cc', 'Co'],
                                  include_characters='¢£¬‖−〜')))
def test_cp932_text_is_stable_through_handsets(s):
    # ¢ -> 8191 -> ￠ etc. may change once (only FF5E is mapped back), never twice
    once = text.decode_input(text.encode_output(text.from_device_text(s, PC), DOCOMO), DOCOMO)
    assert text.decode_input(text.encode_output(once, DOCOMO), DOCOMO) == once


def test_charset_label():
    assert text.charset_label(DOCOMO) == 'Shift_JIS'
    assert text.charset_label(SB) == text.charset_label(PC) == 'UTF-8'


def test_encoded_length():
    page = '<p>日記\u2600</p>' * 3
    for device in (DOCOMO, SB, PC):
        assert text.encoded_length(page, device) == len(text.encode_output(page, device))
    assert text.encoded_length('abc', DOCOMO) == 3


# ---- hankaku -------------------------------------------------------------

def test_hankaku_output_text_nodes_only():
    html = ('<p title="カタカナ">ガッコウ、ヴァイオリン。「テスト」・</p>'
            '<textarea name="t">カタカナ</textarea><input value="カタカナ">'
            '<select><option value="ア">イ<option>ウ</select><!-- エ -->オ')
    out = text.encode_output(html, DOCOMO, hankaku=True).decode('cp932')
    assert out == ('<p title="カタカナ">ｶﾞｯｺｳ､ｳﾞｧｲｵﾘﾝ｡｢ﾃｽﾄ｣･</p>'
                   '<textarea name="t">カタカナ</textarea><input value="カタカナ">'
                   '<select><option value="ア">イ<option>ウ</select><!-- エ -->ｵ')
    assert text.encode_output(html, DOCOMO) == html.encode('cp932')      # off by default


def test_halfwidth_input_normalised():
    assert text.decode_input('ｶﾞｯｺｳ｡ｳﾞｧｲｵﾘﾝ ﾊﾟﾝ｢ｱ｣ﾞ'.encode('cp932'), DOCOMO) == \
        'ガッコウ。ヴァイオリン パン「ア」゛'
    assert text.decode_input('ﾔﾏﾀﾞ'.encode(), SB) == 'ヤマダ'
    assert text.hankaku_kana(text.zenkaku_kana('ｶﾞｷﾞｸﾞﾊﾟｰﾝ')) == 'ｶﾞｷﾞｸﾞﾊﾟｰﾝ'


def test_normalize_for_search():
    keys = {text.normalize_for_search(s) for s in ('ﾔﾏﾀﾞ', 'ヤマダ', 'やまだ', ' やまだ ')}
    assert keys == {'やまだ'}
    assert text.normalize_for_search('ＹＡＭＡＤＡ') == text.normalize_for_search('yamada') == 'yamada'
    assert text.normalize_for_search('Yamada\u3000  Taro\n') == 'yamada taro'
    assert text.normalize_for_search('〜') == text.normalize_for_search('～')


# ---- generated table, speed ---------------------------------------------

def test_generated_table_is_current(tmp_path):
    out = tmp_path / 'emoji_table.py'
    subprocess.run([sys.executable, str(ROOT / 'tools' / 'make_emoji_table.py'),
                    str(DATA), str(out)], check=True, capture_output=True)
    assert out.read_text(encoding='utf-8') == \
        (ROOT / 'keitai' / 'platform' / 'text' / 'emoji_table.py').read_text(encoding='utf-8')


# One emoji of every SoftBank page: its private-use code point, the Shift_JIS bytes of the
# old (J-PHONE/Vodafone era) handsets and its webcode, ESC $ <page> <code + 0x20> SI, with
# the pages G E F O P Q for E0..E5 (SoftBank's published webcode table; pinned, not derived).
SOFTBANK_PAGES = [
    ('\ue04a', b'\xf9\x8b', b'\x1b$Gj\x0f'),   # page G: sun
    ('\ue101', b'\xf7\x41', b'\x1b$E!\x0f'),   # page E
    ('\ue201', b'\xf7\xa1', b'\x1b$F!\x0f'),   # page F
    ('\ue301', b'\xf9\xa1', b'\x1b$O!\x0f'),   # page O
    ('\ue401', b'\xfb\x41', b'\x1b$P!\x0f'),   # page P
    ('\ue501', b'\xfb\xa1', b'\x1b$Q!\x0f'),   # page Q
]


@pytest.mark.parametrize('pua,sjis,webcode', SOFTBANK_PAGES)
def test_every_softbank_page_has_its_own_pinned_bytes(pua, sjis, webcode):
    stored = text.decode_input(pua.encode(), SB)
    assert text.decode_input(sjis, SB_OLD) == stored
    assert text.decode_input(webcode, SB_OLD) == stored
    assert text.encode_output(stored, SB_OLD) == webcode
    assert text.encode_output(stored, SB) == pua.encode()


# The first emoji of every lead byte of docomo's and au's Shift_JIS ranges (emoji-sjis.tsv).
SJIS_RANGES = [
    (DOCOMO, b'\xf8\x9f'), (DOCOMO, b'\xf9\x40'),
    (AU, b'\xf3\x40'), (AU, b'\xf4\x40'), (AU, b'\xf6\x40'), (AU, b'\xf7\x40'),
]


@pytest.mark.parametrize('device,sjis', SJIS_RANGES)
def test_every_shift_jis_range_comes_back_as_the_same_bytes(device, sjis):
    stored = text.decode_input(sjis, device)
    assert stored and '\ufffd' not in stored and stored != sjis.decode('cp932', 'replace')
    assert text.encode_output(stored, device) == sjis
