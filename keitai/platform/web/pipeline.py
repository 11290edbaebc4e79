"""The request pipeline, as a bottle plugin: device, input, session, CSRF, then the view.

Each request gets, in ``request.environ``:

``keitai.platform.device``   the :class:`keitai.platform.device.Device` asking
``keitai.input``    query and form values, decoded for that device (a MultiDict)
``keitai.files``    uploaded files by field name
``keitai.session``  the :class:`~keitai.platform.web.sessions.SessionInfo`, or None
``keitai.viewer``   the signed-in :class:`~keitai.platform.web.sessions.Viewer`, or None
``keitai.url_sid``  the sid every internal URL must carry (devices without cookies)
``keitai.csrf``     the CSRF token for this request's forms
``keitai.pre``      a signed-out visitor's pre-session (the ``pre`` cookie) on a device that keeps cookies

Views read them through the small functions below.
"""
from __future__ import annotations

import functools
import logging
import secrets
from urllib.parse import urlsplit

import bottle
import peewee

from keitai import config
from keitai.platform import device as devices
from keitai import words as messages

from keitai.platform.db import connection, replica
from keitai.platform.web import forms, sessions, urls
from keitai.platform.web.render import render

log = logging.getLogger("keitai.web")

COOKIE = "sid"
#: A signed-out visitor's pre-session: what their forms' CSRF tokens are bound to (login CSRF).
PRE_COOKIE = "pre"
#: Set only by code in this process (a WSGI server puts a client's headers under HTTP_*
#: names only): the SessionInfo an in-process request runs as.  See keitai/platform/web/preview.py.
INTERNAL_SESSION = "keitai.internal_session"


def current_device():
    env = bottle.request.environ
    dev = env.get("keitai.device")
    if dev is None:
        settings = config.get()
        dev = devices.detect(env, check_gateway=settings.gateway_check)
        env["keitai.device"] = dev
    return dev


def params() -> bottle.MultiDict:
    """Decoded query and form values of this request."""
    return bottle.request.environ["keitai.input"]


def int_param(name: str) -> int | None:
    """A positive id or cursor from the query or form; None for anything else.

    Only ASCII digits (``int()`` also takes other scripts' digits) and at most 18 of them,
    so the database never sees a number it cannot store.
    """
    value = params().get(name, "")
    if value and value.isascii() and value.isdecimal() and len(value) < 19:
        return int(value)
    return None


def files() -> dict:
    return bottle.request.environ["keitai.files"]


def viewer():
    """The signed-in member (a Viewer), or None."""
    return bottle.request.environ.get("keitai.viewer")


def begin(sid: str, info: sessions.SessionInfo | None = None) -> None:
    """Make ``sid`` this request's session from now on (after sign-in)."""
    env = bottle.request.environ
    dev = current_device()
    settings = config.get()
    env["keitai.session"] = info
    env["keitai.viewer"] = info.viewer if info else None
    env["keitai.csrf"] = sessions.csrf_token(settings.secret_key, sid)
    if dev.cookies:
        env["keitai.url_sid"] = None
        secure = bottle.request.urlparts.scheme == "https"
        bottle.response.set_cookie(COOKIE, sid, path="/", httponly=True, secure=secure, samesite="lax")
    else:
        env["keitai.url_sid"] = sid


def sign_in(member_id: int) -> str:
    """Start a fresh session for ``member_id`` (a new id at every sign-in) and use it."""
    env = bottle.request.environ
    old = env.get("keitai.session")
    if old:
        sessions.end(old.sid)
    sid = sessions.start(member_id, current_device(), config.get())
    begin(sid, sessions.load(sid, current_device(), config.get()))
    return sid


def sign_out() -> None:
    env = bottle.request.environ
    info = env.get("keitai.session")
    if info:
        sessions.end(info.sid)
    env["keitai.session"] = env["keitai.viewer"] = env["keitai.url_sid"] = None
    env["keitai.csrf"] = sessions.csrf_token(config.get().secret_key, None, visitor=_visitor())
    bottle.response.delete_cookie(COOKIE, path="/")


def _visitor() -> str:
    """What this signed-out visitor's form tokens are bound to (sessions.visitor_key): on a
    device that keeps cookies, its ``pre`` cookie, given here on its first page."""
    env = bottle.request.environ
    dev = current_device()
    pre = None
    if dev.cookies:
        pre = env.get("keitai.pre")
        if pre is None:
            pre = bottle.request.get_cookie(PRE_COOKIE) or ""
            if not (len(pre) == 32 and pre.replace("-", "").replace("_", "").isalnum() and pre.isascii()):
                pre = secrets.token_urlsafe(24)
                secure = bottle.request.urlparts.scheme == "https"
                bottle.response.set_cookie(PRE_COOKIE, pre, path="/", httponly=True, secure=secure, samesite="lax")
            env["keitai.pre"] = pre
    return sessions.visitor_key(dev, config.get().secret_key, pre)


def _resume_session(url_sid: str | None) -> sessions.SessionInfo | None:
    """Make the session this request carries (``url_sid`` on handsets without cookies) current."""
    env = bottle.request.environ
    settings = config.get()
    dev = current_device()
    if INTERNAL_SESSION in env:
        # A request made inside this process (the handset preview) for a member already
        # signed in on the outer request; no sid exists for it anywhere.
        info = env[INTERNAL_SESSION]
        sid = info.sid
    else:
        # Handsets without cookies carry the sid in the URL; everyone else only in the cookie,
        # so a sid pasted into a PC's address bar opens nothing.
        sid = url_sid if not dev.cookies else bottle.request.get_cookie(COOKIE)
        info = sessions.load(sid, dev, settings) if sid else None
    env["keitai.session"] = info
    env["keitai.viewer"] = info.viewer if info else None
    env["keitai.url_sid"] = info.sid if info and not dev.cookies else None
    env["keitai.csrf"] = sessions.csrf_token(settings.secret_key, info.sid if info else None,
                                             visitor="" if info else _visitor())
    if sid and info is None and dev.cookies:
        bottle.response.delete_cookie(COOKIE, path="/")
    return info


def _unknown_host(env, settings) -> bool:
    """With KEITAI_BASE_URL set, is this request addressed to another host (a forged Host header,
    passed on by a proxy that forwards any)?  Unset, every host is served."""
    if not settings.base_url:
        return False
    expected = urlsplit(settings.base_url).hostname
    try:
        asked = urlsplit("//" + (env.get("HTTP_HOST") or env.get("SERVER_NAME") or "")).hostname
    except ValueError:  # a Host that is no host at all
        return True
    return asked != expected


def _start_request() -> None:
    env = bottle.request.environ
    settings = config.get()
    if _unknown_host(env, settings):
        log.warning("refused a request for host %.80r", env.get("HTTP_HOST"))
        raise bottle.HTTPError(400, messages.UNKNOWN_HOST)
    devices.gateways.refresh_if_due()  # the operator's update reaches every process within a minute
    try:
        values, uploads = forms.parse(env, current_device())
    except forms.InputError:
        # The 400/413 page must keep a cookieless handset signed in: its sid is plain ASCII.
        _resume_session(forms.raw_query_value(env, urls.SID))
        raise
    env["keitai.input"] = values
    env["keitai.files"] = uploads
    info = _resume_session(values.get(urls.SID))
    if bottle.request.method == "POST":
        token = values.get("csrf", "")
        if not sessions.csrf_ok(settings.secret_key, info.sid if info else None, token,
                                visitor="" if info else _visitor()):
            log.warning("CSRF check failed for %s %s", bottle.request.method, bottle.request.path)
            raise bottle.HTTPError(403, messages.BAD_CSRF)


class KeitaiPlugin:
    """Runs the pipeline before every view."""

    name = "keitai"
    api = 2

    def apply(self, callback, route):
        @functools.wraps(callback)
        def wrapper(*args, **kwargs):
            try:
                _start_request()
            except forms.InputError as exc:
                log.info("refused input: %s", exc.message)
                text = messages.BAD_ENCODING if exc.status == 400 else messages.ERRORS[exc.status]
                raise bottle.HTTPError(exc.status, text) from None
            if not replica.configured():
                return callback(*args, **kwargs)
            return _with_replica(callback, args, kwargs)

        return wrapper


_READS = ("GET", "HEAD")


def _with_replica(callback, args, kwargs):
    """Run the view with its reads on the replica when they may lag: a GET by someone who has
    not written in the last seconds.  A request that writes marks its member as a recent writer."""
    env = bottle.request.environ
    method = bottle.request.method
    primary = connection.db.obj
    before = env.get("keitai.viewer")
    may_lag = method in _READS and not (before and replica.wrote_recently(primary, f"member:{before.id}"))
    with replica.reads_for(may_lag):
        try:
            return callback(*args, **kwargs)
        finally:
            after = env.get("keitai.viewer") or before
            if method not in _READS and after is not None:
                replica.record_write(primary, f"member:{after.id}")


def per_page(handset: int, pc: int) -> int:
    """Items per list page for this device: a handset's page must fit its few kilobytes."""
    return handset if current_device().is_handset else pc


def login_required(callback):
    """Signed-out visitors get the sign-in page, then come back here."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        if viewer() is None:
            bottle.response.status = 200
            return render("accounts/login.html", error=messages.LOGIN_REQUIRED, next=urls.here(), mail="")
        return callback(*args, **kwargs)

    return wrapper


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else ``/`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 for c in target):
        return "/"
    return target


def error_page(error: bottle.HTTPError):
    """Every error as a page in the member's language, for their device."""
    env = bottle.request.environ
    status = error.status_code
    if status == 500 and isinstance(error.exception, peewee.OperationalError | peewee.InterfaceError):
        status = 503  # the database is down, hung or restarting: say so; the member may try again
        log.warning("database unavailable in %s %s: %s", bottle.request.method, bottle.request.path,
                    error.exception)
    try:
        current_device()
        env.setdefault("keitai.input", bottle.MultiDict())
        if "keitai.session" not in env and status != 503:
            # Refused before the pipeline ran (no such page, wrong method): still the member's page.
            _resume_session(forms.raw_query_value(env, urls.SID))
        message = error.body if isinstance(error.body, str) and status not in (500, 503) else None
        if message and message.isascii():
            message = None  # bottle's own English texts ("Not found: '/x'", "Method not allowed.")
        if status == 500 and error.exception is not None:
            log.error("error in %s %s", bottle.request.method, bottle.request.path, exc_info=error.exception)
        page = render("error.html", status=status, message=message or messages.ERRORS.get(status, messages.ERRORS[500]))
        bottle.response.status = status
        return page
    except Exception:  # the error page itself failed: plain text, never a loop
        log.exception("error page failed")
        bottle.response.status = status
        bottle.response.content_type = "text/plain; charset=UTF-8"
        return messages.ERRORS.get(status, messages.ERRORS[500])
