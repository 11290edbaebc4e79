"""What is on the other end of a request: carrier, handset or not, budgets, trusted subscriber id.

detect(environ) runs on every request: the UA parse is cached per UA string, the gateway lookup
is a bisect over integer ranges, so it costs a few microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from keitai.platform.device import gateways
from keitai.platform.device.gateways import GatewayTable, carrier_of, load as load_gateways, replace_from_yaml
from keitai.platform.device.useragent import ParsedUA, parse as parse_user_agent

__all__ = [
    "Device", "detect", "parse_user_agent", "ParsedUA",
    "GatewayTable", "carrier_of", "load_gateways", "replace_from_yaml", "SUBSCRIBER_HEADERS",
]


@dataclass(frozen=True, slots=True)
class Device:
    carrier: str | None          # 'docomo', 'au', 'softbank', 'willcom', 'emobile' or None
    kind: str                    # 'handset' | 'smartphone' | 'pc'
    model: str | None
    browser_version: str | None
    cookies: bool
    page_bytes: int              # largest page (bytes of markup) to send
    screen_width: int | None
    from_gateway: bool           # client IP lies in this carrier's published gateway ranges
    subscriber_id: str | None    # only when from_gateway
    charset: str                 # 'cp932' or 'utf-8'
    is_crawler: bool
    user_agent: str

    @property
    def is_handset(self) -> bool:
        return self.kind == "handset"

    @property
    def session_key(self) -> str:
        """Binds a session to carrier and subscriber, so a sid replayed elsewhere is refused."""
        return f"{self.carrier or 'web'}:{self.subscriber_id or ''}"

    # Photos
    @property
    def image_formats(self) -> tuple[str, ...]:
        """The image formats it shows, best first: GIF only on i-mode handsets older than the
        503i series, PNG only on au's HDML browsers, JPEG first everywhere else."""
        if self.carrier == "docomo" and self.browser_version == "1.0":
            # mova models are named like N502i, D209i, SO502iWM; FOMA ones (N2051, N905i) show JPEG.
            match = _MOVA_MODEL.fullmatch(self.model or "")
            if self.model is None or (match and int(match.group(1)) in (209, 210, 211, 501, 502, 821)):
                return ("gif",)
        if self.carrier == "au" and self.page_bytes <= 2 * 1024:
            return ("png",)
        return ("jpeg", "gif") if self.is_handset else ("jpeg", "png", "gif")

    @property
    def can_upload(self) -> bool:
        """Whether its browser can send files from a form: i-mode browser 1.0 (mova, early
        FOMA), au before browser 7.2 and the older SoftBank types cannot."""
        if not self.is_handset:
            return True
        if self.carrier == "docomo":
            return self.browser_version == "2.0"
        if self.carrier == "softbank":
            return self.charset == "utf-8"  # 3G handsets
        if self.carrier == "au":
            match = _VERSION.match(self.browser_version or "")
            return bool(match) and (int(match.group(1)), int(match.group(2))) >= (7, 2)
        return self.carrier == "willcom"

    # Pages and links
    @property
    def guid_param(self) -> str | None:
        """The ``guid`` value a link needs for the handset to send its subscriber id: docomo
        sends it only to URLs carrying ``guid=ON``; the others send it always (``None``)."""
        return "ON" if self.carrier == "docomo" else None

    @property
    def sends_subscriber_id(self) -> bool:
        """A handset that may identify itself by subscriber id (かんたんログイン); WILLCOM never does."""
        return self.is_handset and self.carrier != "willcom"

    @property
    def inline_images(self) -> bool:
        """A page may show thumbnails inline: the page budget (60 KB and up) holds them beside
        the text; smaller handsets get a link to each photo instead."""
        return self.page_bytes >= 60_000


# The header each carrier's gateway puts the subscriber id in; WILLCOM sends none.
SUBSCRIBER_HEADERS = {
    "docomo": "HTTP_X_DCMGUID",
    "au": "HTTP_X_UP_SUBNO",
    "softbank": "HTTP_X_JPHONE_UID",
    "emobile": "HTTP_X_EM_UID",
}
# Real ids are short alphanumerics (au: "00000000000000_mj.ezweb.ne.jp"); anything else is not
# worth storing or keying sessions on.  NULLGWDOCOMO is what gateways send for "not notified".
_ID = re.compile(r"[0-9A-Za-z._-]{1,64}")
_NO_ID = frozenset({"NULLGWDOCOMO"})
_MODEL = re.compile(r"[0-9A-Za-z._-]{1,32}")
_MOVA_MODEL = re.compile(r"[A-Za-z]+(\d{3})i[A-Za-z0-9]*")
_VERSION = re.compile(r"(\d+)\.(\d+)")


def _int_prefix(value: str | None, sep: str = ",", limit: int = 10_000) -> int | None:
    """The leading integer of a header like "240,320" or "240*320", if sane."""
    if not value:
        return None
    head = value.split(sep, 1)[0].strip()
    return int(head) if head.isdecimal() and 0 < len(head) < 10 and 0 < int(head) < limit else None


def detect(environ: dict, *, check_gateway: bool = True, https: bool | None = None) -> Device:
    """Describe the requesting device.  check_gateway=False (development only) trusts any
    carrier handset UA as if it came through the carrier's gateway.

    REMOTE_ADDR and wsgi.url_scheme are the client's own: behind a proxy,
    keitai.platform.web.forwarded has already put them there."""
    ua = environ.get("HTTP_USER_AGENT") or ""
    p = parse_user_agent(ua)
    carrier, kind, model, cookies, page, width = p.carrier, p.kind, p.model, p.cookies, p.page_bytes, p.screen_width

    if kind != "handset":
        # Client Hints beat the UA for smartphone vs PC (jpmobile client_hints_carrier.rb);
        # they never turn something into a keitai.
        mobile = environ.get("HTTP_SEC_CH_UA_MOBILE")
        if mobile:
            mobile = mobile.strip()
            platform = (environ.get("HTTP_SEC_CH_UA_PLATFORM") or "").strip().strip('"').lower()
            if mobile == "?1" and platform in ("android", "ios"):
                kind = "smartphone"
            elif mobile == "?0":
                kind = "pc"
    elif carrier == "au":
        if https is None:
            https = environ.get("wsgi.url_scheme") == "https"
        if https:
            cookies = False  # au drops cookies over SSL (jpmobile au.rb)
        width = _int_prefix(environ.get("HTTP_X_UP_DEVCAP_SCREENPIXELS")) or width
        pdu = _int_prefix(environ.get("HTTP_X_UP_DEVCAP_MAX_PDU"), limit=10**9)
        if pdu:  # the handset's declared limit; floor keeps pagination workable
            page = max(min(page, pdu), 2 * 1024)
    elif carrier == "softbank":
        width = _int_prefix(environ.get("HTTP_X_JPHONE_DISPLAY"), "*") or width
        if model is None:
            name = (environ.get("HTTP_X_JPHONE_MSNAME") or "").strip()
            model = name if _MODEL.fullmatch(name) else None

    from_gateway = False
    subscriber_id = None
    if carrier is not None and kind == "handset" and not p.is_crawler:
        if check_gateway:
            from_gateway = gateways.carrier_of(environ.get("REMOTE_ADDR") or "") == carrier
        else:
            from_gateway = True
        if from_gateway and (header := SUBSCRIBER_HEADERS.get(carrier)):
            value = (environ.get(header) or "").strip()
            if _ID.fullmatch(value) and value not in _NO_ID:
                subscriber_id = value

    return Device(carrier, kind, model, p.browser_version, cookies, page, width,
                  from_gateway, subscriber_id, p.charset, p.is_crawler, ua)
