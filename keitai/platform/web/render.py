"""Rendering: pick the handset or PC template, encode for the device, split long pages.

``render('home/index.html', **context)`` renders ``templates/mobile/home.html`` for a
handset and ``templates/pc/home.html`` otherwise (smartphones get the PC site's
responsive layout).  Handset pages go out in the device's charset with its
carrier's emoji, with no-cache headers (they carry session ids), and are split
into 次へ/前へ pages when over the device's byte budget.
"""
from __future__ import annotations

import datetime
import re
from typing import Callable
from zoneinfo import ZoneInfo

import bottle
import jinja2
from markupsafe import Markup, escape

from keitai import config
from keitai import words as messages
from keitai.platform import text
from keitai.config import PROJECT_ROOT

from keitai.platform.web import paging, urls

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"
PAGE_PARAM = "pg"
#: In-process callers (the handset preview) put a list here to receive every split page.
ALL_PAGES = "keitai.all_pages"
#: Room kept on every split page for the 次へ/前へ line and closing tags.
NAV_RESERVE = 320

_env: jinja2.Environment | None = None


def jdate(ts: int | None, with_time: bool = True) -> str:
    """``2026年11月21日(土) 20:06`` in Tokyo time; the year only when it is not this year."""
    if not ts:
        return ""
    moment = datetime.datetime.fromtimestamp(ts, TOKYO)
    this_year = datetime.datetime.now(TOKYO).year
    day = f"{moment.month}月{moment.day}日({WEEKDAYS[moment.weekday()]})"
    if moment.year != this_year:
        day = f"{moment.year}年{day}"
    return f"{day} {moment:%H:%M}" if with_time else day


def short_date(ts: int | None) -> str:
    """``11/21 20:06``: for lists on small screens."""
    if not ts:
        return ""
    moment = datetime.datetime.fromtimestamp(ts, TOKYO)
    return f"{moment.month}/{moment.day} {moment:%H:%M}"


def nl2br(value: str) -> Markup:
    return Markup("<br>".join(escape(line) for line in str(value).split("\n")))


_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def out_url(target: str) -> str:
    """The /out gateway for ``target``; without the sid, since its Referer reaches ``target``."""
    return urls.url("/out", _session=False, url=target)


def linkify(value: str) -> Markup:
    """Escape text, keep its line breaks, and turn web addresses into links through /out."""
    out = []
    pos = 0
    value = str(value)
    for match in _URL.finditer(value):
        out.append(escape(value[pos:match.start()]))
        target = match.group(0)
        out.append(Markup('<a href="%s">%s</a>') % (out_url(target), target))
        pos = match.end()
    out.append(escape(value[pos:]))
    # Every piece is escaped already, so a plain str.replace is safe (Markup.replace would escape again).
    return Markup("".join(out).replace("\n", "<br>"))


def environment() -> jinja2.Environment:
    global _env
    if _env is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(PROJECT_ROOT / "templates")),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=400,
        )
        env.globals.update(out_url=out_url, url=urls.url, form=urls.form, absolute=urls.absolute,
                           static=urls.static, here=urls.here, audiences=messages.AUDIENCES)
        env.filters.update(jdate=jdate, short_date=short_date, nl2br=nl2br, linkify=linkify)
        _env = env
    return _env


def _notice() -> str | None:
    code = bottle.request.environ.get("keitai.input", {}).get("msg")
    return messages.NOTICES.get(code) if code else None


def page_html(name: str, /, **context) -> str:
    """The markup of a page for the requesting device, before it is encoded or split."""
    env = bottle.request.environ
    device = env["keitai.device"]
    context.setdefault("viewer", env.get("keitai.viewer"))
    context.setdefault("notice", _notice())
    context["device"] = device
    context["charset"] = text.charset_label(device)
    folder = "mobile" if device.is_handset else "pc"
    return environment().get_template(f"{folder}/{name}").render(context)


def handset_bytes(html: str) -> int:
    """What ``html`` costs whole on the requesting handset, in bytes (0 on smartphones and PCs)."""
    device = bottle.request.environ["keitai.device"]
    return len(_encoder(device)(_unmarked(html))) if device.is_handset else 0


def fits(html: str) -> bool:
    """Is every page the requesting device gets of ``html`` within its budget (a form, which is
    never split, may make one page too large)?"""
    device = bottle.request.environ["keitai.device"]
    return not device.is_handset or max(map(len, all_handset_pages(html, device))) <= device.page_bytes


def render(name: str, /, **context) -> bytes | str:
    """Render a page for the requesting device and set its response headers."""
    return respond(page_html(name, **context))


def respond(html: str) -> bytes | str:
    """A rendered page as the requesting device gets it, with its response headers."""
    env = bottle.request.environ
    device = env["keitai.device"]
    bottle.response.set_header("Cache-Control", "no-cache, no-store, must-revalidate, private")
    bottle.response.set_header("Pragma", "no-cache")
    # Browsers that honour it send no Referer (with its sid) to other sites; /out covers the rest.
    bottle.response.set_header("Referrer-Policy", "same-origin")
    bottle.response.set_header("X-Content-Type-Options", "nosniff")
    bottle.response.set_header("X-Frame-Options", "DENY")
    if not device.is_handset:
        bottle.response.content_type = "text/html; charset=UTF-8"
        return text.emoji_for(html, device)
    bottle.response.content_type = f"text/html; charset={text.charset_label(device)}"
    if ALL_PAGES in env:
        env[ALL_PAGES] = all_handset_pages(html, device)
    return encode_handset_page(html, device)


def _encoder(device) -> Callable[[str], bytes]:
    hankaku = config.get().hankaku_output
    return lambda fragment: text.encode_output(fragment, device, hankaku=hankaku)


def _split(html: str, device, encode) -> tuple[str, list[str], str] | None:
    """(head, chunks, tail) of a page over its budget, or None if nothing in it may be split."""
    start, end = html.find(paging.START), html.find(paging.END)
    if start < 0 or end < start:
        return None  # a page with nothing that may be split goes out whole
    head, middle, tail = html[:start], html[start + len(paging.START):end], html[end + len(paging.END):]

    def measure(fragment: str) -> int:
        return len(encode(fragment))

    room = device.page_bytes - measure(head) - measure(tail) - NAV_RESERVE
    return head, paging.split(middle, room, measure), tail


def _unmarked(html: str) -> str:
    """The page without the split markers: they are for us, not for the handset."""
    return html.replace(paging.START, "", 1).replace(paging.END, "", 1)


def encode_handset_page(html: str, device) -> bytes:
    """The page as bytes for this handset; the requested part if it must be split."""
    encode = _encoder(device)
    body = encode(_unmarked(html))
    if len(body) <= device.page_bytes:
        return body
    parts = _split(html, device, encode)
    if parts is None:
        return body
    head, chunks, tail = parts
    try:
        number = int(bottle.request.environ["keitai.input"].get(PAGE_PARAM, 1))
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), len(chunks))
    return encode(head + chunks[number - 1] + _page_nav(number, len(chunks)) + tail)


def all_handset_pages(html: str, device) -> list[bytes]:
    """Every page the handset can reach of this one, in order (one unless it is split)."""
    encode = _encoder(device)
    body = encode(_unmarked(html))
    parts = None if len(body) <= device.page_bytes else _split(html, device, encode)
    if parts is None:
        return [body]
    head, chunks, tail = parts
    return [encode(head + chunk + _page_nav(n, len(chunks)) + tail) for n, chunk in enumerate(chunks, 1)]


def _page_nav(number: int, count: int) -> str:
    request = bottle.request
    # Only what the address carried: the fields of a form answered with this page (a long text
    # among them) never go into a link.
    in_address = set(request.query.keys())
    query = {k: v for k, v in request.environ["keitai.input"].items()
             if k in in_address and k not in (PAGE_PARAM, urls.SID, "csrf")}
    links = []
    if number > 1:
        links.append(f'<a href="{escape(urls.url(request.path, **query, pg=number - 1))}" accesskey="*">*前へ</a>')
    links.append(f"({number}/{count})")
    if number < count:
        links.append(f'<a href="{escape(urls.url(request.path, **query, pg=number + 1))}" accesskey="#">#次へ</a>')
    return "<hr>" + " ".join(links) + "<br>"
