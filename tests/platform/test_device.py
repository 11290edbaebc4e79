"""keitai.platform.device: user agents, gateway ranges, subscriber ids, the gateway table update."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from pathlib import Path

import pytest
import yaml

from keitai.platform import device
from keitai.platform.device import Device, detect, gateways

HERE = Path(__file__).resolve().parents[1]  # tests/
PUBLISHED_GATEWAYS = HERE / "data" / "carrier-gateways.yml"  # the carriers' own lists, as OpenPNE 3 kept them

OUTSIDE = "192.0.2.1"          # TEST-NET-1: no carrier
DOCOMO_GW = "210.153.84.10"
AU_GW = "27.90.206.5"
SOFTBANK_GW = "123.108.237.115"
EMOBILE_GW = "117.55.1.230"

N905I = "DoCoMo/2.0 N905i(c100;TB;W24H16)"
CA32 = "KDDI-CA32 UP.Browser/6.2.0.7.3.129 (GUI) MMP/2.0"
SB910T = "SoftBank/1.0/910T/TJ001 Browser/NetFront/3.3 Profile/MIDP-2.0 Configuration/CLDC-1.1"
H11T = "emobile/1.0.0 (H11T; like Gecko; Wireless) NetFront/3.4"
WX310K = "Mozilla/3.0(WILLCOM;KYOCERA/WX310K/2;1.2.2.16.000000/0.1/C100) Opera 7.0"
GOOGLEBOT_DOCOMO = ("DoCoMo/2.0 N905i(c100;TB;W24H16) (compatible; Googlebot-Mobile/2.1; "
                    "+http://www.google.com/bot.html)")
CHROME_PC = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0.0.0 Safari/537.36")
ANDROID = ("Mozilla/5.0 (Linux; Android 13; SM-S908B) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/112.0.0.0 Mobile Safari/537.36")


def env(ua, ip=OUTSIDE, **headers):
    environ = {"HTTP_USER_AGENT": ua, "REMOTE_ADDR": ip, "wsgi.url_scheme": "http"}
    environ.update(headers)
    return environ


# --- the user-agent table --------------------------------------------------------------

def _none(value):
    return None if value == "-" else value


def _rows():
    rows = []
    for line in (HERE / "useragents.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("user_agent\t"):
            continue
        ua, carrier, kind, model, browser, cookies, page_kb, width, charset, crawler = line.split("\t")
        rows.append(pytest.param(
            ua, _none(carrier), kind, _none(model), _none(browser), cookies == "yes",
            int(page_kb) * 1024, None if width == "-" else int(width), charset, crawler == "yes",
            id=ua[:60]))
    return rows


ROWS = _rows()


def test_table_is_large_and_covers_every_family():
    uas = [r.values[0] for r in ROWS]
    assert len(uas) >= 150
    assert len(set(uas)) == len(uas), "duplicate rows"
    carriers = {r.values[1] for r in ROWS}
    assert carriers == {"docomo", "au", "softbank", "willcom", "emobile", None}
    prefixes = ("DoCoMo/1.0/", "DoCoMo/2.0 ", "DoCoMo/3.0", "KDDI-", "UP.Browser/", "J-PHONE/", "J-Phone/",
                "Vodafone/", "SoftBank/", "MOT-V980", "MOT-C980", "Semulator", "Nokia", "Mozilla/3.0(WILLCOM",
                "Mozilla/3.0(DDIPOCKET", "emobile/", "Huawei/")
    for prefix in prefixes:
        assert any(ua.startswith(prefix) for ua in uas), prefix
    for marker in ("iPhone", "iPad", "iPod", "Android", "Windows Phone", "BlackBerry", "KAIOS", "SHARP/WS",
                   "S11HT", "Googlebot-Mobile", "Y!J-SRD", "Y!J-MBS", "KYF3", "SH-0"):
        assert any(marker in ua for ua in uas), marker
    assert {r.values[2] for r in ROWS} == {"handset", "smartphone", "pc"}


@pytest.mark.parametrize(
    "ua, carrier, kind, model, browser, cookies, page_bytes, width, charset, crawler", ROWS)
def test_user_agent(ua, carrier, kind, model, browser, cookies, page_bytes, width, charset, crawler):
    d = detect(env(ua))
    got = (d.carrier, d.kind, d.model, d.browser_version, d.cookies, d.page_bytes, d.screen_width,
           d.charset, d.is_crawler)
    assert got == (carrier, kind, model, browser, cookies, page_bytes, width, charset, crawler)
    assert d.is_handset == (kind == "handset")
    assert d.user_agent == ua
    assert d.from_gateway is False and d.subscriber_id is None


def test_docomo_page_never_above_declared_cache():
    for r in ROWS:
        ua = r.values[0]
        m = re.search(r"[/(;]c(\d+)[/;)]|/c(\d+)$", ua)
        if ua.startswith("DoCoMo/") and m:
            assert detect(env(ua)).page_bytes <= int(m.group(1) or m.group(2)) * 1024, ua
        if ua.startswith("Mozilla/3.0(") and (m := re.search(r"/[Cc](\d+)\)", ua)):
            assert detect(env(ua)).page_bytes <= int(m.group(1)) * 1024, ua


def test_docomo_without_cache_field_gets_5k():
    assert detect(env("DoCoMo/1.0/D501i")).page_bytes == 5120
    assert detect(env("DoCoMo/2.0 P2101V")).page_bytes == 5120


def test_odd_user_agents_do_not_break():
    huge = "DoCoMo/2.0 N905i(c100;TB;W24H16)" + "x" * 100_000
    d = detect(env(huge))
    assert (d.carrier, d.model, d.user_agent) == ("docomo", "N905i", huge)
    for ua in ("", "DoCoMo/", "DoCoMo/x", "KDDI-", "UP.Browser/", "J-PHONE", "Vodafone", "MOT-",
               "Mozilla/3.0(WILLCOM;)", "emobile/", "\x00\xff", "Android", "KAIOS/"):
        detect(env(ua))
    assert detect({}).kind == "pc"


# --- gateways, subscriber ids, proxies ----------------------------------------------------

def test_forged_subscriber_id_from_outside_is_ignored():
    d = detect(env(N905I, OUTSIDE, HTTP_X_DCMGUID="ABC1234"))
    assert (d.from_gateway, d.subscriber_id) == (False, None)
    assert d.session_key == "docomo:"


def test_subscriber_id_from_own_gateway():
    d = detect(env(N905I, DOCOMO_GW, HTTP_X_DCMGUID="ABC1234"))
    assert (d.from_gateway, d.subscriber_id, d.session_key) == (True, "ABC1234", "docomo:ABC1234")
    d = detect(env(CA32, AU_GW, HTTP_X_UP_SUBNO="00000000000000_mj.ezweb.ne.jp"))
    assert d.subscriber_id == "00000000000000_mj.ezweb.ne.jp"
    d = detect(env(SB910T, SOFTBANK_GW, HTTP_X_JPHONE_UID="a1b2c3d4e5f6g7h8"))
    assert d.subscriber_id == "a1b2c3d4e5f6g7h8"
    d = detect(env(H11T, EMOBILE_GW, HTTP_X_EM_UID="u1234567890"))
    assert (d.from_gateway, d.subscriber_id) == (True, "u1234567890")


@pytest.mark.parametrize("ip", [AU_GW, SOFTBANK_GW, EMOBILE_GW])
def test_subscriber_id_from_another_carriers_gateway_is_refused(ip):
    d = detect(env(N905I, ip, HTTP_X_DCMGUID="ABC1234"))
    assert (d.from_gateway, d.subscriber_id) == (False, None)


def test_header_of_another_carrier_is_ignored():
    d = detect(env(CA32, AU_GW, HTTP_X_DCMGUID="ABC1234", HTTP_X_JPHONE_UID="a1b2c3d4e5f6g7h8"))
    assert (d.from_gateway, d.subscriber_id, d.session_key) == (True, None, "au:")
    d = detect(env(CA32, AU_GW, HTTP_X_DCMGUID="ABC1234", HTTP_X_UP_SUBNO="1234_ab.ezweb.ne.jp"))
    assert d.subscriber_id == "1234_ab.ezweb.ne.jp"


def test_willcom_never_from_gateway_and_has_no_id():
    d = detect(env(WX310K, "61.198.142.1"))
    assert (d.carrier, d.from_gateway, d.subscriber_id) == ("willcom", False, None)


@pytest.mark.parametrize("value", ["NULLGWDOCOMO", "", "  ", "<script>", "a" * 65, "abc def", "ABC\r\nX: y"])
def test_implausible_ids_are_dropped(value):
    d = detect(env(N905I, DOCOMO_GW, HTTP_X_DCMGUID=value))
    assert d.from_gateway and d.subscriber_id is None


def test_crawler_from_gateway_is_not_from_gateway():
    d = detect(env(GOOGLEBOT_DOCOMO, DOCOMO_GW, HTTP_X_DCMGUID="ABC1234"))
    assert (d.carrier, d.is_crawler, d.from_gateway, d.subscriber_id) == ("docomo", True, False, None)
    d = detect(env(GOOGLEBOT_DOCOMO, DOCOMO_GW, HTTP_X_DCMGUID="ABC1234"), check_gateway=False)
    assert (d.from_gateway, d.subscriber_id) == (False, None)


def test_smartphone_and_pc_from_carrier_address_are_not_from_gateway():
    for ua in (ANDROID, CHROME_PC):
        d = detect(env(ua, DOCOMO_GW, HTTP_X_DCMGUID="ABC1234"))
        assert (d.carrier, d.from_gateway, d.subscriber_id, d.session_key) == (None, False, None, "web:")


def test_check_gateway_false_trusts_any_handset_ua():
    d = detect(env(N905I, "127.0.0.1", HTTP_X_DCMGUID="ABC1234"), check_gateway=False)
    assert (d.from_gateway, d.subscriber_id) == (True, "ABC1234")
    d = detect(env(CA32, "127.0.0.1", HTTP_X_DCMGUID="ABC1234"), check_gateway=False)
    assert (d.from_gateway, d.subscriber_id) == (True, None)  # still the carrier's own header only
    for ua in (CHROME_PC, ANDROID):
        assert detect(env(ua, "127.0.0.1"), check_gateway=False).from_gateway is False


def test_the_gateway_check_reads_remote_addr_only():
    # Behind a proxy, keitai.platform.web.forwarded has made REMOTE_ADDR the client's own address
    # before detect() runs (tests/platform/test_forwarded.py); a forwarded header here is the client's word.
    e = env(N905I, OUTSIDE, HTTP_X_DCMGUID="ABC1234", HTTP_X_FORWARDED_FOR=DOCOMO_GW)
    assert (detect(e).from_gateway, detect(e).subscriber_id) == (False, None)


# --- header-dependent facts -----------------------------------------------------------------

def test_au_cookies_off_over_https():
    assert detect(env(CA32)).cookies is True
    assert detect(env(CA32), https=True).cookies is False
    assert detect(env(CA32, **{"wsgi.url_scheme": "https"})).cookies is False
    assert detect(env(N905I), https=True).cookies is False       # browser 1.0: never
    assert detect(env("DoCoMo/2.0 P07A(c500;TB;W24H15)"), https=True).cookies is True
    assert detect(env(SB910T), https=True).cookies is True


def test_screen_headers():
    d = detect(env(CA32, HTTP_X_UP_DEVCAP_SCREENPIXELS="240,268"))
    assert d.screen_width == 240
    assert detect(env(CA32, HTTP_X_UP_DEVCAP_SCREENPIXELS="spam,1")).screen_width is None
    assert detect(env(SB910T, HTTP_X_JPHONE_DISPLAY="240*320")).screen_width == 240
    # one carrier's header does not describe another's handset
    assert detect(env(SB910T, HTTP_X_UP_DEVCAP_SCREENPIXELS="480,800")).screen_width is None


def test_au_declared_pdu_caps_page():
    old = "KDDI-TS21 UP.Browser/6.0.2.276 (GUI) MMP/1.1"
    assert detect(env(old, HTTP_X_UP_DEVCAP_MAX_PDU="8000")).page_bytes == 8000
    assert detect(env(CA32, HTTP_X_UP_DEVCAP_MAX_PDU="131072")).page_bytes == 30 * 1024
    assert detect(env(CA32, HTTP_X_UP_DEVCAP_MAX_PDU="1")).page_bytes == 2048


def test_softbank_model_from_msname_header():
    assert detect(env("Semulator", HTTP_X_JPHONE_MSNAME="913SH")).model == "913SH"
    assert detect(env("MOT-V980/80.2B.04I MIB/2.2.1 Profile/MIDP-2.0 Configuration/CLDC-1.1",
                      HTTP_X_JPHONE_MSNAME="V702MO")).model == "V702MO"
    ua = "MOT-E1000/80.3B.01I MIB/2.2.1 Profile/MIDP-2.0 Configuration/CLDC-1.1"
    assert detect(env(ua, HTTP_X_JPHONE_MSNAME="V802MO")).model == "V802MO"
    assert detect(env(ua, HTTP_X_JPHONE_MSNAME="<b>")).model is None
    assert detect(env(SB910T, HTTP_X_JPHONE_MSNAME="OTHER")).model == "910T"  # UA wins


def test_client_hints():
    mobile = {"HTTP_SEC_CH_UA_MOBILE": "?1", "HTTP_SEC_CH_UA_PLATFORM": '"Android"'}
    assert detect(env(CHROME_PC, **mobile)).kind == "smartphone"
    assert detect(env(CHROME_PC, HTTP_SEC_CH_UA_MOBILE="?1", HTTP_SEC_CH_UA_PLATFORM='"iOS"')).kind == "smartphone"
    assert detect(env(CHROME_PC, HTTP_SEC_CH_UA_MOBILE="?1", HTTP_SEC_CH_UA_PLATFORM='"Windows"')).kind == "pc"
    assert detect(env(ANDROID, HTTP_SEC_CH_UA_MOBILE="?0", HTTP_SEC_CH_UA_PLATFORM='"Android"')).kind == "pc"
    # hints never override a keitai
    d = detect(env(N905I, HTTP_SEC_CH_UA_MOBILE="?0", HTTP_SEC_CH_UA_PLATFORM='"Windows"'))
    assert (d.kind, d.carrier) == ("handset", "docomo")


def test_gara_ho_and_kaios_are_cookie_handsets():
    d = detect(env("Mozilla/5.0 (Linux; Android 7.1.1; SH-02K Build/S8170) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Version/4.0 Chrome/55.0.2883.91 Mobile Safari/537.36",
                   HTTP_SEC_CH_UA_MOBILE="?1", HTTP_SEC_CH_UA_PLATFORM='"Android"'))
    assert (d.kind, d.carrier, d.model, d.cookies, d.charset) == ("handset", "docomo", "SH-02K", True, "utf-8")
    d = detect(env("Mozilla/5.0 (Mobile; Nokia_8110_4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5.1"))
    assert (d.kind, d.carrier, d.cookies, d.charset) == ("handset", None, True, "utf-8")
    # a docomo i-mode UA is i-mode, not gara-ho
    assert detect(env(N905I)).charset == "cp932"


def test_device_is_frozen_and_slotted():
    d = detect(env(N905I))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.carrier = "au"
    assert not hasattr(d, "__dict__")
    assert isinstance(d, Device)


# What pages ask the device instead of comparing carrier names.
@pytest.mark.parametrize("ua, guid, subscriber_id, inline_images", [
    ("DoCoMo/2.0 P07A3(c500;TB;W24H15)", "ON", True, True),  # i-mode browser 2.0, 100 KB: thumbnails fit
    (N905I, "ON", True, False),                   # FOMA c100, 30 KB pages
    ("DoCoMo/1.0/P503i", "ON", True, False),      # mova, 5 KB pages
    (CA32, None, True, False),                    # au WIN, 30 KB pages
    (SB910T, None, True, False),                  # SoftBank 3G, 30 KB pages
    (WX310K, None, False, False),                 # WILLCOM sends no subscriber id
    (ANDROID, None, False, True),
    (CHROME_PC, None, False, True),
])
def test_capabilities(ua, guid, subscriber_id, inline_images):
    d = detect(env(ua))
    assert (d.guid_param, d.sends_subscriber_id, d.inline_images) == (guid, subscriber_id, inline_images)


# --- the shipped table -------------------------------------------------------------------------

def _published_ranges():
    data = yaml.safe_load(PUBLISHED_GATEWAYS.read_text(encoding="utf-8"))
    return [({"ezweb": "au"}.get(k, k), ipaddress.ip_network(c)) for k, cidrs in data.items() for c in cidrs]


def test_every_published_range_is_shipped():
    table = gateways.load()
    ranges = _published_ranges()
    assert len(ranges) >= 20
    for carrier, net in ranges:
        assert any(net.subnet_of(n) for n in table.networks[carrier]), (carrier, net)
        assert gateways.carrier_of(str(net.network_address)) == carrier
        assert gateways.carrier_of(str(net.broadcast_address)) == carrier


def test_shipped_table_lookups():
    table = gateways.load()
    assert set(table.networks) == {"docomo", "au", "softbank", "emobile"}
    assert gateways.carrier_of("117.55.1.224") == gateways.carrier_of("117.55.1.255") == "emobile"
    assert gateways.carrier_of("117.55.1.223") is None
    assert gateways.carrier_of("210.153.85.1") is None       # between two docomo /24s
    assert gateways.carrier_of("::ffff:210.153.84.1") == "docomo"
    for junk in ("", "unknown", "210.153.84", "210.153.84.1:443", "2001:db8::1", "210.153.084.1", None, 42):
        assert gateways.carrier_of(junk) is None
    assert device.carrier_of is gateways.carrier_of


def test_shipped_file_format_and_sources():
    text = gateways.DATA_PATH.read_text(encoding="utf-8")
    blocks = {}
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        data = [ln for ln in lines if not ln.startswith("#")]
        for ln in data:
            carrier, cidr = ln.split("\t")
            ipaddress.ip_network(cidr)
            blocks.setdefault(carrier, []).extend(ln for ln in lines if ln.startswith("#"))
    assert set(blocks) == {"docomo", "au", "softbank", "emobile"}
    for carrier, comments in blocks.items():
        joined = "\n".join(comments)
        assert "http" in joined and re.search(r"20\d\d/\d\d", joined), carrier
    assert "WILLCOM" in text


# --- replace_from_yaml --------------------------------------------------------------------------

GOOD_YAML = """\
# DoCoMo (2021/12 更新)
# https://www.nttdocomo.co.jp/service/developer/make/content/ip/index.html
docomo:
  - 210.153.84.0/24
  - 210.153.86.0/24

# au (2019/12/12更新)
# http://www.au.kddi.com/ezfactory/tec/spec/ezsava_ip.html
ezweb:
  - 27.90.206.0/26
# SoftBank (2012/07/30更新)
softbank:
  - 123.108.237.112/28
"""


def test_replace_round_trip(tmp_path):
    src, dest = tmp_path / "gw.yml", tmp_path / "gateways.txt"
    src.write_text(GOOD_YAML, encoding="utf-8")
    counts = gateways.replace_from_yaml(src, dest)
    assert counts == {"docomo": 2, "au": 1, "softbank": 1}
    table = gateways.load(dest)
    assert table.carrier_of("210.153.86.200") == "docomo"
    assert table.carrier_of("27.90.206.63") == "au"
    text = dest.read_text(encoding="utf-8")
    assert "au\t27.90.206.0/26" in text
    assert "# https://www.nttdocomo.co.jp/service/developer/make/content/ip/index.html" in text
    assert re.search(r"Updated \d{4}-\d\d-\d\d from gw\.yml", text)

    # a second update replaces the cached table in this process; carriers it omits are kept
    src.write_text("docomo:\n  - 124.146.174.0/24\n", encoding="utf-8")
    counts = gateways.replace_from_yaml(src, dest)
    assert counts == {"docomo": 1, "au": 1, "softbank": 1}
    table = gateways.load(dest)
    assert table.carrier_of("210.153.84.1") is None and table.carrier_of("124.146.174.9") == "docomo"
    assert "# http://www.au.kddi.com/ezfactory/tec/spec/ezsava_ip.html" in dest.read_text(encoding="utf-8")

    # an explicit empty list removes a carrier
    src.write_text("softbank: []\n", encoding="utf-8")
    assert gateways.replace_from_yaml(src, dest) == {"docomo": 1, "au": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gateways.txt", "gw.yml"]


def test_replace_from_published_yaml_reproduces_shipped_table(tmp_path):
    dest = tmp_path / "gateways.txt"
    dest.write_bytes(gateways.DATA_PATH.read_bytes())
    counts = gateways.replace_from_yaml(PUBLISHED_GATEWAYS, dest)
    assert counts == {"docomo": 10, "au": 12, "softbank": 5, "emobile": 1}
    assert gateways.load(dest).networks == gateways.load().networks


@pytest.mark.parametrize("bad", [
    "docomo:\n  - 210.153.84.0/33\n",
    "docomo:\n  - 210.153.84.1/24\n",           # host bits set: a typo, not a range
    "docomo:\n  - not-an-address\n",
    "docomo:\n  - 12345\n",
    "pocket:\n  - 210.153.84.0/24\n",            # unknown carrier
    "docomo: 210.153.84.0/24\n",                  # not a list
    "ezweb:\n  - 27.90.206.0/26\nau:\n  - 27.90.207.0/26\n",   # same carrier twice
    "docomo:\n  - 210.153.84.0/24\nau:\n  - 210.153.84.128/25\n",  # two carriers, one address
    "- 210.153.84.0/24\n",                        # not a mapping
    "docomo: [210.153.84.0/24\n",                 # not YAML
    "",                                           # empty
    "docomo: []\nezweb: []\nsoftbank: []\nemobile: []\n",  # would empty the table
])
def test_replace_rejects_malformed_and_leaves_destination(tmp_path, bad):
    src, dest = tmp_path / "gw.yml", tmp_path / "gateways.txt"
    dest.write_bytes(gateways.DATA_PATH.read_bytes())
    before = dest.read_bytes()
    src.write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError):
        gateways.replace_from_yaml(src, dest)
    assert dest.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gateways.txt", "gw.yml"]


def test_load_rejects_malformed_data_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("docomo\t210.153.84.0/24\nnowhere\t1.2.3.0/24\n", encoding="utf-8")
    with pytest.raises(ValueError):
        gateways.load(bad)
