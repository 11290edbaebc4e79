"""User-Agent parsing per family: carrier, kind, model, browser and budgets.

parse() depends on the UA string only, so it is cached; header-dependent facts (https, screen
headers, X-JPHONE-MSNAME, Client Hints, gateway) are applied by keitai.platform.device.detect().
Carrier families are matched at the START of the string: some Vodafone handsets carry
"UP.Browser" mid-string and Google's crawler appends itself to handset UAs.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

KB = 1024
PC_PAGE = 1024 * KB        # smartphones and PCs: no practical limit, keep pages sane anyway
MODERN_HANDSET_PAGE = 100 * KB   # gara-ho / KaiOS: real browsers, slow CPUs, small screens
MAX_UA = 512               # parse (and cache) only a prefix: every family is decided well before


class ParsedUA(NamedTuple):
    carrier: str | None
    kind: str
    model: str | None
    browser_version: str | None
    cookies: bool
    page_bytes: int
    screen_width: int | None
    charset: str
    is_crawler: bool


def _pc(crawler: bool) -> ParsedUA:
    return ParsedUA(None, "pc", None, None, True, PC_PAGE, None, "utf-8", crawler)


# Crawlers that imitate handsets (uamobile test_crawler.py, jpmobile docomo_guid.rb) plus the
# big general ones; searched anywhere in the UA.  No generic "bot": Android brands like CUBOT.
CRAWLER = re.compile(
    r"Googlebot|Y!J-(?:SRD|MBS)|moba-crawler|LD_mobile_bot|ichiro/mobile|symphonybot|"
    r"BaiduMobaider|Baiduspider|bingbot|msnbot|Yahoo! Slurp|YahooSeeker|Yeti/|"
    r"AdsBot-Google|Mediapartners-Google"
)

# --- docomo ---------------------------------------------------------------------------
DOCOMO = re.compile(r"DoCoMo/(\d+)\.(\d+)([ /])([^\s/(]*)(.*)", re.S)
DOCOMO_CACHE = re.compile(r"c(\d+)$")
DOCOMO_SCREEN = re.compile(r"W(\d+)H(\d+)$")


def _docomo(ua: str, crawler: bool) -> ParsedUA:
    m = DOCOMO.match(ua)
    if not m:  # "DoCoMo/" with garbage: still claims docomo; assume the smallest handset
        return ParsedUA("docomo", "handset", None, "1.0", False, 5 * KB, None, "cp932", crawler)
    major, sep, model, rest = int(m.group(1)), m.group(3), m.group(4), m.group(5)
    if sep == "/":  # mova: DoCoMo/1.0/MODEL/c10/TB/W20H10/ser...
        params = rest.split(" ", 1)[0].split("/")
    elif rest.startswith("("):  # FOMA: DoCoMo/2.0 MODEL(c100;TB;W24H16;ser...;icc...)
        params = rest[1:].split(")", 1)[0].split(";")
    else:
        params = []
    cache = width = None
    for p in params:
        if cache is None and (c := DOCOMO_CACHE.match(p)):
            cache = int(c.group(1))
        elif width is None and (w := DOCOMO_SCREEN.match(p)):
            width = int(w.group(1))
    if model.startswith("MST_v_"):
        model = model[6:]
    elif model == "SH505i2":  # HTTP::MobileAgent DoCoMo.pm quirk
        model = "SH505i"
    # i-mode browser 2.0 = FOMA with c500; DoCoMo/3.0 is treated as 2.0 (jpmobile docomo.rb).
    if major >= 3:
        browser, cache = "2.0", cache or 500
    else:
        cache = cache or 5  # no cNN means the original 5 KB cache
        browser = "2.0" if major == 2 and sep == " " and cache >= 500 else "1.0"
    # Markup budget: the cache also holds images; docomo says <=30 KB of text for c100
    # models, and 100 KB is plenty for browser 2.0.  Never above the declared cache.
    page = min(cache, 100 if browser == "2.0" else 30) * KB
    # W = characters per line; 10 px each matches the QVGA models (W24 = 240 px).  VGA models
    # still lay i-mode pages out 240 px wide, so cap there.
    px = min(width * 10, 240) if width else None
    return ParsedUA("docomo", "handset", model or None, browser, browser == "2.0", page, px, "cp932", crawler)


# --- au / EZweb -----------------------------------------------------------------------
AU_WAP2 = re.compile(r"KDDI-(\w+) UP\.Browser/(\S+)")
AU_HDML = re.compile(r"UP\.Browser/([^-\s]+)-(\w+)")
VERSION = re.compile(r"(\d+)\.(\d+)")


def _au(ua: str, crawler: bool) -> ParsedUA:
    if m := AU_WAP2.match(ua):
        device_id, version = m.group(1), m.group(2)
        v = VERSION.match(version)
        new_browser = bool(v) and (int(v.group(1)), int(v.group(2))) >= (6, 2)
        # Device id 3rd char: digit >= 3 is CDMA 1X WIN (EZweb.pm).  Older 1X and TU-KA models
        # (and browsers before 6.2) choke well before 10 KB of text, so they get ~9 KB.
        win = len(device_id) > 2 and device_id[2].isdecimal() and device_id[2] >= "3"
        page = 30 * KB if win and new_browser else 9 * KB
        return ParsedUA("au", "handset", device_id, version, True, page, None, "cp932", crawler)
    if m := AU_HDML.match(ua):
        # WAP1/HDML browsers: tiny decks; the budget only keeps error pages sensible.
        return ParsedUA("au", "handset", m.group(2), m.group(1), True, 2 * KB, None, "cp932", crawler)
    return ParsedUA("au", "handset", None, None, True, 2 * KB, None, "cp932", crawler)


# --- SoftBank family (J-PHONE, Vodafone, SoftBank, Motorola, emulators, Nokia crawler) ----
JPHONE = re.compile(r"J-(?:PHONE|Phone|EMULATOR)(?:/(\d+)\.(\d+))?(?:/([^\s/]+))?")
SB3G = re.compile(r"(?:SoftBank|Vodafone|Semulator|Vemulator)(?:/(\d+\.\d+))?(?:/([^\s/]+))?")
MOTOROLA = {"MOT-V980": "V702MO", "MOT-C980": "V702sMO"}  # Vodafone.pm
NOKIA = re.compile(r"(Nokia[^/\s]+)/\d\.\d")


def _jphone(ua: str, crawler: bool) -> ParsedUA:
    m = JPHONE.match(ua)
    major = int(m.group(1)) if m.group(1) else 2
    version = f"{m.group(1)}.{m.group(2)}" if m.group(1) else None
    # Types (Vodafone.pm): 2.x-3.x C, 4.x P, 5.x W.  Only W-type has cookies (uamobile, OpenPNE3);
    # page budgets: C 6 KB, P 12 KB, W 30 KB.  All pre-3G models want Shift_JIS.
    if major >= 5:
        cookies, page = True, 30 * KB
    elif major == 4:
        cookies, page = False, 12 * KB
    else:
        cookies, page = False, 6 * KB
    return ParsedUA("softbank", "handset", m.group(3), version, cookies, page, None, "cp932", crawler)


def _softbank3g(ua: str, crawler: bool) -> ParsedUA:
    model = version = None
    if ua.startswith("MOT-"):
        model = MOTOROLA.get(ua.split("/", 1)[0])  # else X-JPHONE-MSNAME, applied by detect()
    elif ua.startswith("Nokia"):
        m = NOKIA.match(ua)
        model = m.group(1) if m else None
    else:
        m = SB3G.match(ua)
        version, model = m.group(1), m.group(2)
    return ParsedUA("softbank", "handset", model, version, True, 30 * KB, None, "utf-8", crawler)


# --- WILLCOM / DDIPOCKET, W-ZERO3 --------------------------------------------------------
WILLCOM = re.compile(r"Mozilla/3\.0\((?:WILLCOM|DDIPOCKET);([^)]*)\)")
WZERO3 = re.compile(r"Mozilla/\d\.\d \(compatible; MSIE [\d.]+; Windows CE;.*?\bSHARP/(WS\w+)")
SCREEN_WXH = re.compile(r"\b(\d{3,4})x\d{3,4}\b")
OPERA = re.compile(r"Opera[ /]([\d.]+)")
MSIE = re.compile(r"MSIE ([\d.]+)")


def _willcom(ua: str, crawler: bool) -> ParsedUA:
    model = browser = cache = width = None
    if m := WILLCOM.match(ua):
        # VENDOR/MODEL/MODEL_VERSION/BROWSER_VERSION/Cnnn (AirHPhone.pm)
        fields = m.group(1).split("/")
        model = fields[1] if len(fields) > 1 else None
        browser = fields[3] if len(fields) > 3 else None
        if len(fields) > 4 and fields[4][:1] in "Cc" and fields[4][1:].isdecimal():
            cache = int(fields[4][1:])
    elif m := WZERO3.match(ua):
        model = m.group(1)
        if s := SCREEN_WXH.search(ua):
            width = int(s.group(1))
        if b := OPERA.search(ua) or MSIE.search(ua):  # Opera on W-ZERO3 also says MSIE
            browser = b.group(1)
    # Like docomo: the declared cache (KB) holds images too, so markup gets at most 30 KB.
    page = min(cache or 30, 30) * KB
    return ParsedUA("willcom", "handset", model, browser, True, page, width, "cp932", crawler)


# --- EMOBILE ----------------------------------------------------------------------------
EMOBILE_H11T = "Mozilla/5.0 (H11T; like Gecko; OpenBrowser) NetFront/3.4"
EMOBILE_S11HT = "Mozilla/4.0 (compatible; MSIE 6.0; Windows CE; IEMobile 7.7) S11HT"
EMOBILE_MODEL = re.compile(r"emobile/\S+ \((\w+)|Huawei/[\d.]+/(\w+)")
EMOBILE_BROWSER = re.compile(r"(?:NetFront|Obigo-Browser)/([\w.]+)")


def _emobile(ua: str, crawler: bool) -> ParsedUA:
    if ua == EMOBILE_S11HT:
        model, browser = "S11HT", "7.7"
    elif ua == EMOBILE_H11T:
        model, browser = "H11T", "3.4"
    else:
        m = EMOBILE_MODEL.match(ua)
        model = (m.group(1) or m.group(2)) if m else None
        b = EMOBILE_BROWSER.search(ua)
        browser = b.group(1) if b else None
    return ParsedUA("emobile", "handset", model, browser, True, 30 * KB, None, "utf-8", crawler)


# --- gara-ho (Android feature phones) and KaiOS ------------------------------------------------
# Model codes of Android-based flip phones sold as keitai.  Their browsers send ordinary Android
# UAs, so the model code is the only marker.  Extend as models appear.
GARAHO = {
    # docomo: AQUOS ケータイ SH-06G/SH-01J/SH-02K/SH-02L, P-smart ケータイ P-01J,
    # arrows ケータイ F-03L, カードケータイ KY-01L
    "SH-06G": "docomo", "SH-01J": "docomo", "P-01J": "docomo", "SH-02K": "docomo",
    "SH-02L": "docomo", "F-03L": "docomo", "KY-01L": "docomo",
    # SoftBank / Y!mobile: AQUOS ケータイ 501SH/601SH/602SH/805SH, DIGNO ケータイ 501KC/502KC/701KC
    "501SH": "softbank", "601SH": "softbank", "602SH": "softbank", "805SH": "softbank",
    "501KC": "softbank", "502KC": "softbank", "701KC": "softbank",
}
# au: AQUOS K / AQUOS ケータイ SHF3x, GRATINA / かんたんケータイ / TORQUE X01 KYF3x-KYF4x, INFOBAR xv KYX31
GARAHO_AU = re.compile(r"(?:SHF3\d|KYF[34]\d|KYX31)$")
ANDROID_MODEL = re.compile(r"Android[ /][^;)]*;(?: [a-z]{2}(?:[-_][a-zA-Z]{2})?;)? ([^;)]+?)(?: Build/[^;)]*)?[;)]")
KAIOS = re.compile(r"KAIOS/([\d.]+)", re.I)
KAIOS_PAREN = re.compile(r"\(([^)]*)\)")


def _android_model(ua: str) -> str | None:
    m = ANDROID_MODEL.search(ua)
    if not m:
        return None
    model = m.group(1).strip()
    # "K" is Chrome's reduced-UA placeholder; "Linux" is Opera's platform token.
    return None if model in ("K", "Linux", "U") or model.startswith("rv:") else model


def _kaios(ua: str, crawler: bool, version: str) -> ParsedUA:
    model = None
    if m := KAIOS_PAREN.search(ua):
        for token in (t.strip() for t in m.group(1).split(";")):
            if token and token not in ("Mobile", "Android") and not token.startswith("rv:"):
                parts = token.split("/")
                model = parts[1] if len(parts) > 1 else parts[0]
                break
    return ParsedUA(GARAHO.get(model), "handset", model, version, True, MODERN_HANDSET_PAGE, None, "utf-8", crawler)


def _smartphone(model: str | None, crawler: bool) -> ParsedUA:
    return ParsedUA(None, "smartphone", model, None, True, PC_PAGE, None, "utf-8", crawler)


def parse(ua: str) -> ParsedUA:
    """Everything the UA string alone says about the device (cached per UA)."""
    return _parse(ua[:MAX_UA])


@functools.lru_cache(maxsize=4096)
def _parse(ua: str) -> ParsedUA:
    crawler = CRAWLER.search(ua) is not None
    if ua.startswith("DoCoMo/"):
        return _docomo(ua, crawler)
    if ua.startswith(("KDDI-", "UP.Browser/")):
        return _au(ua, crawler)
    if ua.startswith(("J-PHONE", "J-Phone", "J-EMULATOR")):
        return _jphone(ua, crawler)
    if ua.startswith(("SoftBank", "Vodafone", "Semulator", "Vemulator", "MOT-")) or NOKIA.match(ua):
        return _softbank3g(ua, crawler)
    if ua.startswith(("Mozilla/3.0(WILLCOM;", "Mozilla/3.0(DDIPOCKET;")) or WZERO3.match(ua):
        return _willcom(ua, crawler)
    if ua.startswith(("emobile/", "Huawei/")) or ua in (EMOBILE_H11T, EMOBILE_S11HT):
        return _emobile(ua, crawler)
    if k := KAIOS.search(ua):
        return _kaios(ua, crawler, k.group(1))

    # Smartphones, jpmobile's order: iPad and Android tablets before phones.
    if "iPad" in ua:
        return _smartphone("iPad", crawler)
    android = ua.find("Android")
    if android >= 0:
        model = _android_model(ua)
        if model is not None:
            carrier = GARAHO.get(model) or ("au" if GARAHO_AU.match(model) else None)
            if carrier:  # gara-ho: a keitai that happens to run Android
                return ParsedUA(carrier, "handset", model, None, True, MODERN_HANDSET_PAGE, None, "utf-8", crawler)
        return _smartphone(model, crawler)  # phone or tablet ("Android" without "Mobile")
    if "iPhone" in ua or "iPod" in ua:
        return _smartphone("iPod" if "iPod" in ua else "iPhone", crawler)
    if "Windows Phone" in ua or "BlackBerry" in ua or "BB10" in ua:
        return _smartphone(None, crawler)
    return _pc(crawler)

