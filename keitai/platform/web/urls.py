"""The one place internal URLs are made.

A handset without cookies keeps its session only because every link, form and
redirect carries ``sid``; :func:`url`, :func:`form` and :func:`redirect` add it,
so templates and views never write a session id (or a query string) by hand.
"""
from __future__ import annotations

import functools
import hashlib
from urllib.parse import quote, urlencode

import bottle
from markupsafe import Markup, escape

from keitai import config
from keitai.config import PROJECT_ROOT

from . import routes

SID = "sid"
#: Stylesheets and images of the PC and smartphone pages (served by keitai/pages/static.py).
STATIC_DIR = PROJECT_ROOT / "static"


def _context():
    env = bottle.request.environ
    return env.get("keitai.url_sid"), env.get("keitai.device")


def _quote(value, charset: str) -> str:
    if not isinstance(value, str):
        value = str(value)
    return quote(value.encode(charset, "replace"), safe="")


def url(target: str, /, _anchor: str | None = None, _session: bool = True, **query) -> str:
    """The URL of route ``target`` (``url("diary.entry", diary_id=5)``: its wildcards are filled
    from ``query``) or of a path, with the rest of ``query`` (values in the device's charset)
    and the sid when needed.

    ``None`` values are left out, so ``url('diary.feed', before=cursor)`` works for the first page.
    ``_session=False`` leaves the sid out: for pages whose URL may reach another site.
    """
    path = target
    if not target.startswith("/"):
        path, query = routes.path_for(target, query)
    env = bottle.request.environ
    sid = env.get("keitai.url_sid") if _session else None
    qs = ""
    if query:
        device = env.get("keitai.device")
        charset = device.charset if device is not None else "utf-8"
        qs = "&".join(f"{k}={_quote(v, charset)}" for k, v in query.items() if v is not None)
    if sid:  # a live session's id: token_urlsafe, nothing to quote (a page has dozens of links)
        qs = f"{qs}&{SID}={sid}" if qs else f"{SID}={sid}"
    if qs:
        path = f"{path}{'&' if '?' in path else '?'}{qs}"
    if _anchor:
        path += "#" + _anchor
    return path



def path(route: str, /, **values) -> str:
    """The path of route ``route`` (its wildcards and any query from ``values``) without the sid:
    what is stored or handed on (a kept text's way back, a long text's pages), made into a
    link by :func:`url` when it is shown."""
    return url(route, _session=False, **values)

@functools.lru_cache(maxsize=64)
def static(name: str) -> str:
    """The URL of a file in static/, with a hash of its content so browsers may keep it for long."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


def here(other: str | None = "/") -> str | None:
    """This GET request's path and query without sid (to come back to, or to show elsewhere);
    ``other`` for any other method (a form sent back with its errors is no page to return to)."""
    request = bottle.request
    if request.method != "GET":
        return other
    values = request.environ.get("keitai.input")
    query = [(k, v) for k, v in values.allitems() if k not in (SID, "csrf", "guid")] if values else []
    return request.path + ("?" + urlencode(query) if query else "")


def absolute(path: str) -> str:
    """An absolute URL for ``path`` (docomo handsets need absolute Location headers)."""
    base = config.get().base_url.rstrip("/")
    if not base:
        parts = bottle.request.urlparts
        base = f"{parts.scheme}://{parts.netloc}"
    return base + path


def mailed(path: str) -> str:
    """An absolute URL for a link that goes out by mail: always on ``KEITAI_BASE_URL`` (or,
    unset, where ``run.py serve`` listens), never on the request's Host header, which any
    client may forge (a reset link to someone else's site)."""
    return config.mail_base_url() + path


def redirect(target: str, /, _anchor: str | None = None, **query):
    """Answer with 303 See Other to an internal page (a route name or a path), keeping the session."""
    response = bottle.HTTPResponse(status=303)
    response.set_header("Location", absolute(url(target, _anchor, **query)))
    response.set_header("Cache-Control", "no-store, private")  # the Location may carry a sid
    # Headers set on the global response (a new cookie at sign-in) go along.
    for name, value in bottle.response.headerlist:
        if name.lower() == "set-cookie":
            response.add_header(name, value)
    raise response


def form(action: str, method: str = "post", multipart: bool = False, _query: dict | None = None,
         **attrs) -> Markup:
    """The opening ``<form>`` tag with the hidden fields this request needs.

    ``action`` is a route name (its wildcards taken from ``attrs``: ``form("diary.comment",
    diary_id=5)``) or a path; the other ``attrs`` become the tag's attributes.  POST forms
    carry the sid and ``_query`` (``None`` values left out) in the action URL (docomo sends
    ``guid`` only for ids in the URL) and a CSRF token; GET forms drop the action's query
    string, so the sid goes in a hidden field instead (and a GET form takes no ``_query``).
    """
    if not action.startswith("/"):
        action, attrs = routes.path_for(action, attrs)
    sid, _device = _context()
    method = method.lower()
    hidden = []
    if method == "post":
        target = url(action, **(_query or {}))
        hidden.append(("csrf", bottle.request.environ.get("keitai.csrf", "")))
    else:
        if _query:
            raise ValueError("a GET form's fields are its query: write them as hidden fields")
        target = action
        if sid:
            hidden.append((SID, sid))
    extra = "".join(f' {k.rstrip("_")}="{escape(v)}"' for k, v in attrs.items())
    enctype = ' enctype="multipart/form-data"' if multipart else ""
    tag = f'<form action="{escape(target)}" method="{method}"{enctype}{extra}>'
    fields = "".join(f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in hidden)
    return Markup(tag + fields)
