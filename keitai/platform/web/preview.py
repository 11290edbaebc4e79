"""A page as a handset would receive it, made inside this process for the signed-in member.

The "view as handset" tool asks the application for the page once more, with a handset's
User-Agent and the same member, through the whole pipeline (device, session, rendering,
CP932 and emoji, byte budget, splitting).  The inner request runs as the outer request's
member through :data:`keitai.platform.web.pipeline.INTERNAL_SESSION`, so no session is created and
no sid exists for it: the one in its links is a placeholder of a real sid's length, so the
byte counts are true.  Sessions stay bound to the device they began on.
"""
from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import bottle

from keitai import config
from keitai.platform import device as devices
from keitai.platform.text import emoji

from keitai.platform.web import sessions, urls
from keitai.platform.web.render import ALL_PAGES, PAGE_PARAM
from keitai.platform.web.pipeline import INTERNAL_SESSION

#: Stands for the sid in the preview's links: as long as a real one (token_urlsafe(24)).
PLACEHOLDER_SID = "PREVIEW-SID-".ljust(32, "0")

#: Handsets to view pages as: key -> (User-Agent, what to call it).
HANDSETS = {
    "docomo": ("DoCoMo/1.0/P503i", "docomo mova（i-mode 1.0・キャッシュ5KB・Cookieなし）"),
    "docomo-foma": ("DoCoMo/2.0 N905i(c100;TB;W24H16)", "docomo FOMA N905i（30KB・Cookieなし）"),
    "au": ("KDDI-SA31 UP.Browser/6.2.0.7.3.129 (GUI) MMP/2.0", "au W41SA（UP.Browser 6.2）"),
    "softbank": ("SoftBank/1.0/910T/TJ001 Browser/NetFront/3.3 Profile/MIDP-2.0 Configuration/CLDC-1.1",
                 "SoftBank 3G 910T（UTF-8）"),
}


@dataclass
class HandsetView:
    """What the handset received: status, headers, and each split page's bytes."""

    user_agent: str
    status: str
    content_type: str
    location: str | None
    budget: int
    charset: str
    pages: list[bytes]
    device: devices.Device

    def text(self, page: bytes) -> str:
        """A page's markup as Unicode, its carrier emoji in the site's own form (PCs show them)."""
        decoded = page.decode(self.charset, "replace")
        if self.device.carrier == "softbank":
            decoded = emoji.from_webcode(decoded)
        return emoji.to_internal(decoded, self.device.carrier, sjis=self.charset == "cp932", handset=True)


def _query_for(query: str, charset: str) -> str:
    """The query re-encoded in the handset's charset, without session or page parameters."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
             if k not in (urls.SID, "guid", PAGE_PARAM, "csrf")]
    return urlencode(pairs, encoding=charset, errors="replace")


def fetch(target: str, handset: str) -> HandsetView:
    """GET ``target`` (a path on this site) as ``handset`` would, as this request's member."""
    outer = bottle.request.environ
    user_agent, _label = HANDSETS[handset]
    path, _, query = target.partition("?")
    settings = config.get()
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "SERVER_NAME": outer.get("SERVER_NAME", "localhost"),
        "SERVER_PORT": outer.get("SERVER_PORT", "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": outer.get("REMOTE_ADDR", ""),
        "HTTP_USER_AGENT": user_agent,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": outer.get("wsgi.url_scheme", "http"),
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": outer.get("wsgi.errors"),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        ALL_PAGES: [],
    }
    if outer.get("HTTP_HOST"):
        environ["HTTP_HOST"] = outer["HTTP_HOST"]
    device = devices.detect(environ, check_gateway=settings.gateway_check)
    environ["QUERY_STRING"] = _query_for(query, device.charset)
    me = outer["keitai.viewer"]
    environ[INTERNAL_SESSION] = sessions.SessionInfo(PLACEHOLDER_SID, me, not device.cookies)

    captured: dict = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    app = outer["bottle.app"]
    saved_response = bottle.response.copy()
    saved_body = bottle.response.body
    try:
        body = b"".join(app(environ, start_response))
    finally:
        # The inner request rebound bottle's thread-local request and response: give them back.
        bottle.request.bind(outer)
        bottle.response.bind()
        for name in ("_status_line", "_status_code", "_headers", "_cookies"):
            setattr(bottle.response, name, getattr(saved_response, name))
        bottle.response.body = saved_body

    headers = {k.lower(): v for k, v in captured["headers"]}
    pages = environ[ALL_PAGES] or [body]
    return HandsetView(
        user_agent=user_agent,
        status=captured["status"],
        content_type=headers.get("content-type", ""),
        location=headers.get("location"),
        budget=device.page_bytes,
        charset="cp932" if emoji.is_cp932(device) else "utf-8",
        pages=pages,
        device=device,
    )


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_HREF = re.compile(r'href="([^"]*)"')
_FORM = re.compile(r"<form\b[^>]*>", re.I)


def preview_path(href: str) -> str | None:
    """The path and query (sid removed) of a link or Location on this site, else None."""
    parts = urlsplit(html.unescape(href))
    if parts.netloc and parts.netloc != bottle.request.get_header("Host", parts.netloc):
        return None
    if not parts.path.startswith("/") or (parts.scheme and parts.scheme not in ("http", "https")):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != urls.SID]
    return parts.path + ("?" + urlencode(query) if query else "")


def title_of(markup: str) -> str:
    found = _TITLE.search(markup)
    return html.unescape(found.group(1)) if found else ""


def screen(markup: str, handset: str) -> str:
    """The body of a handset page to show on a PC: its links lead to the preview of their
    page, and its forms send nothing (they would post with a placeholder session)."""
    found = _BODY.search(markup)
    body = found.group(1) if found else markup

    def link(match: re.Match) -> str:
        href = html.unescape(match.group(1))
        inner = preview_path(href) if href.startswith("/") and not href.startswith("//") else None
        if inner is None:  # another site: through the gateway, as on every page of ours
            return 'href="%s"' % html.escape(urls.url("/out", _session=False, url=href))
        return 'href="%s"' % html.escape(urls.url("/tools/handset", path=inner, carrier=handset))

    body = _HREF.sub(link, body)
    return _FORM.sub('<div class="form">', body).replace("</form>", "</div>")
