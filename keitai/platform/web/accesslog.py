"""The access log: one line per request, with every secret in the URL masked.

A handset's session id rides in its URLs, so a plain access log would be a list
of live sessions.  Each line is::

    2026-11-21T20:06:01+0900 210.153.84.1 "GET /member/3?sid=*** HTTP/1.1" 200 4123 12.3ms docomo/handset

Masked: the values of ``sid``, ``csrf``, ``uid``/``guid``/``subno`` (subscriber ids),
anything named like a password, token or secret; a session id nested in another
parameter (``next=/x%3Fsid%3D...``); and path segments that look like tokens
(``/join/<token>``, ``/verify/<token>``).  Headers (Referer, subscriber ids) are
never logged.  Lines go to the ``keitai.access`` logger; :func:`configure` sends
them to stderr or a file.
"""
from __future__ import annotations

import logging
import re
import sys
import time
from typing import Callable, Iterable

from keitai.platform import device as devices

log = logging.getLogger("keitai.access")

MASK = "***"
_SECRET_NAME = re.compile(r"(?i)^(sid|csrf|uid|guid|subno|.*(pass|token|secret|key).*)$")
# A session id or token inside another parameter's (percent-encoded) value.
_NESTED = re.compile(r"(?i)((?:sid|csrf|token)(?:=|%3D|%253D))[A-Za-z0-9_.\-~]+")
# Invitation and verification tokens in paths: long runs of URL-safe characters with a digit.
_TOKEN_SEGMENT = re.compile(r"^(?=[^/]*[0-9])[A-Za-z0-9_\-]{16,}$")


def masked_url(path: str, query: str = "") -> str:
    """``path?query`` as it may be written to a log: secrets replaced by ``***``."""
    path = "/".join(MASK if _TOKEN_SEGMENT.match(seg) else seg for seg in path.split("/"))
    if not query:
        return path
    pairs = []
    for pair in query.split("&"):
        name, eq, value = pair.partition("=")
        if eq and _SECRET_NAME.match(name):
            value = MASK
        else:
            value = _NESTED.sub(lambda m: m.group(1) + MASK, value)
        pairs.append(name + eq + value)
    return path + "?" + "&".join(pairs)


class AccessLog:
    """WSGI middleware writing one masked line per request to ``keitai.access``."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not log.isEnabledFor(logging.INFO):
            return self.app(environ, start_response)
        started = time.perf_counter()
        status = ["-"]

        def recording_start_response(line, headers, exc_info=None):
            status[0] = line.split(" ", 1)[0]
            return start_response(line, headers, exc_info)

        try:
            body = self.app(environ, recording_start_response)
        except BaseException:
            self._write(environ, "500", 0, started)
            raise
        return _Counted(body, lambda sent: self._write(environ, status[0], sent, started))

    def _write(self, environ: dict, status: str, sent: int, started: float) -> None:
        device = environ.get("keitai.device")
        if device is None:
            device = devices.detect(environ, check_gateway=False)
        what = f"{device.carrier or '-'}/{device.kind}"
        url = masked_url(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        request = f'{environ.get("REQUEST_METHOD", "-")} {url} {environ.get("SERVER_PROTOCOL", "-")}'
        log.info(
            '%s %s "%s" %s %d %.1fms %s',
            time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            environ.get("REMOTE_ADDR") or "-",  # the client's own behind a proxy (keitai.platform.web.forwarded)
            request.replace('"', "%22"),
            status,
            sent,
            (time.perf_counter() - started) * 1000,
            what,
        )


class _Counted:
    """The response body, passed through; counts its bytes and reports when closed."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]):
        self.body = body
        self.done = done
        self.sent = 0

    def __iter__(self):
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.done(self.sent)


def configure(settings) -> None:
    """Send keitai's log lines (INFO and up) to stderr, and access lines where settings say.

    ``access_log``: ``-`` stderr, a path (appended to), or ``off``.  Safe to call twice.
    """
    root = logging.getLogger("keitai")
    if getattr(root, "_keitai_configured", False):
        return
    root._keitai_configured = True  # type: ignore[attr-defined]
    root.setLevel(logging.INFO)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(stderr)
    access = logging.getLogger("keitai.access")
    if settings.access_log == "off":
        access.disabled = True
        return
    access.propagate = False  # its lines carry their own time; no second prefix
    handler = logging.StreamHandler(sys.stderr) if settings.access_log == "-" else logging.FileHandler(
        settings.access_log, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
