"""Fetching a URL someone outside the operators chose (a blog's feed): hostile ground.

Only http and https; no proxies; every address the name resolves to is checked and the
connection goes to a checked address (so DNS cannot point it at the server's own network,
unless the caller allows private addresses); every redirect is checked like the first URL;
a deadline for the whole fetch (held even against a server that sends a byte at a time), a
cap on size and on redirects; conditional GET with the validators of the last fetch.
Whatever goes wrong is one :class:`FetchError` with a code the caller turns into words.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import NamedTuple
from urllib.parse import urlsplit

URL_MAX = 2000
MAX_REDIRECTS = 3


class FetchError(Exception):
    """A fetch that failed.  ``code``: bad_url, refused_address, unreachable, timeout, http
    (``detail`` the status), redirects, too_large (``detail`` the cap in KB)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}:{detail}" if detail else code)
        self.code = code
        self.detail = detail

    @property
    def stored(self) -> str:
        """``code`` or ``code:detail``, to keep in a database column."""
        return f"{self.code}:{self.detail}" if self.detail else self.code


def check_url(url: str) -> str | None:
    """The URL if it is an absolute http(s) URL with a host and no credentials, else None."""
    url = url.strip()
    if not url or len(url) > URL_MAX or any(ord(c) < 33 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    return url


class RefusedAddress(OSError):
    """The host resolves only to addresses an outside URL must not reach."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


# The fetch in progress on this thread: its sockets (for the deadline) and whether it may
# reach private addresses.
_fetch_state = threading.local()


def _connect(address, timeout=10.0, source_address=None, *args, **kwargs):
    """socket.create_connection, but only to addresses allowed for this fetch."""
    host, port = address
    allow_private = getattr(_fetch_state, "allow_private", False)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host}: {exc}") from None
    allowed = [info for info in infos if allow_private or is_public(info[4][0])]
    if not allowed:
        raise RefusedAddress(f"{host} resolves only to non-public addresses")
    last_error: OSError | None = None
    for family, kind, proto, _name, sockaddr in allowed:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        sockets = getattr(_fetch_state, "sockets", None)
        if sockets is not None:
            sockets.append(sock)
        return sock
    raise last_error or OSError(f"cannot connect to {host}")


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if check_url(newurl) is None:
            raise FetchError("redirects")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """Only http and https through the guarded connections: no proxies, files, ftp or data URLs."""
    opener = urllib.request.OpenerDirector()
    for handler in (_HTTPHandler(), _HTTPSHandler(), _RedirectHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


class Fetched(NamedTuple):
    body: bytes | None  # None: not modified since the last fetch
    etag: str | None
    last_modified: str | None
    url: str  # after redirects
    content_type: str


class Limits(NamedTuple):
    deadline: float  # seconds for the whole fetch (connect, headers, body)
    socket_timeout: float  # seconds any one connect or read may take
    max_bytes: int
    allow_private: bool = False


def fetch(url: str, limits: Limits, headers: dict[str, str], etag: str | None = None,
          last_modified: str | None = None) -> Fetched:
    """GET ``url`` within ``limits``, conditionally if validators are given; raises FetchError."""
    if check_url(url) is None:
        raise FetchError("bad_url")
    request = urllib.request.Request(url, headers=headers)
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    deadline = time.monotonic() + limits.deadline
    _fetch_state.sockets = sockets = []
    _fetch_state.allow_private = limits.allow_private
    # The deadline holds even against a server that sends a byte at a time.
    watchdog = threading.Timer(limits.deadline, _shut, (sockets,))
    watchdog.daemon = True
    watchdog.start()
    try:
        return _get(request, deadline, limits)
    finally:
        watchdog.cancel()
        _fetch_state.sockets = None
        _fetch_state.allow_private = False


def _shut(sockets: list) -> None:
    for sock in list(sockets):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _get(request, deadline: float, limits: Limits) -> Fetched:
    too_large = FetchError("too_large", str(limits.max_bytes // 1024))
    try:
        with _opener().open(request, timeout=limits.socket_timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdecimal() and int(length) > limits.max_bytes:
                raise too_large
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError("timeout")
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limits.max_bytes:
                    raise too_large
                chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FetchError("timeout")
            return Fetched(b"".join(chunks), response.headers.get("ETag"), response.headers.get("Last-Modified"),
                           response.geturl(), response.headers.get("Content-Type", ""))
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            etag = exc.headers.get("ETag") if exc.headers else None
            return Fetched(None, etag, exc.headers.get("Last-Modified"), request.full_url, "")
        if 300 <= exc.code < 400:
            raise FetchError("redirects") from None
        raise FetchError("http", str(exc.code)) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, RefusedAddress):
            raise FetchError("refused_address") from None
        if isinstance(reason, (socket.timeout, TimeoutError)) or time.monotonic() > deadline:
            raise FetchError("timeout") from None
        raise FetchError("unreachable") from None
    except (socket.timeout, TimeoutError):
        raise FetchError("timeout") from None
    except (OSError, http.client.HTTPException, ValueError):
        if time.monotonic() > deadline:
            raise FetchError("timeout") from None
        raise FetchError("unreachable") from None
