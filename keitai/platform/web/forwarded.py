"""The one place where a reverse proxy's X-Forwarded-For and X-Forwarded-Proto are read.

Behind nginx every request arrives from nginx's address; nginx appends the address it saw to
X-Forwarded-For and names the scheme it was reached by in X-Forwarded-Proto.  Only a request
whose peer is one of ``KEITAI_TRUSTED_PROXIES`` (addresses or CIDRs) may speak for its client:
then REMOTE_ADDR becomes the right-most X-Forwarded-For entry that no trusted proxy added, and
wsgi.url_scheme the forwarded scheme.  From any other peer, and whenever no proxy is
configured, the forwarded headers are dropped: a client cannot claim a carrier gateway's
address, another member's address or https.

Everything after this middleware (the carrier gateway check, the sign-in limits, the access
log, the Secure cookie flag, au's cookies over https, bottle's absolute URLs) reads REMOTE_ADDR
and wsgi.url_scheme only.  ``run.py serve`` tells waitress to pass the headers through
untouched: waitress trusts one exact proxy address and a hop count, not a list of networks.
"""
from __future__ import annotations

import functools
import ipaddress
from typing import Callable, Iterable

#: Headers by which a proxy speaks for its client (waitress's list; bottle reads some of them).
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                 "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_BY", "HTTP_FORWARDED")
#: Read here and then removed, so nothing later reads them a second time.
_CONSUMED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


@functools.lru_cache(maxsize=32)
def _networks(trusted: tuple) -> tuple:
    return tuple(ipaddress.ip_network(t.strip(), strict=False) for t in trusted)


@functools.lru_cache(maxsize=4096)  # asked of every request's peer (ipaddress is slow)
def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(environ: dict, trusted_proxies: Iterable[str] = ()) -> str:
    """REMOTE_ADDR; from a trusted proxy, the right-most X-Forwarded-For entry no trusted proxy added.

    The client may write anything on the left of the list; each trusted proxy appends the
    address it was reached from, so walking from the right past the trusted ones gives the
    first address that only a trusted proxy could have written.  An entry that is no address
    at all was passed on by the trusted hop to its right: that hop is the client.
    """
    remote = environ.get("REMOTE_ADDR") or ""
    networks = _networks(tuple(trusted_proxies))
    if not _trusted(_address(remote), networks):
        return remote
    hop = remote
    for entry in reversed((environ.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
        entry = entry.strip()
        if not entry:
            continue
        address = _address(entry)
        if address is None:
            return hop
        if not _trusted(address, networks):
            return str(address)
        hop = str(address)
    return hop


def resolve(environ: dict, trusted_proxies: Iterable[str] = ()) -> None:
    """Make REMOTE_ADDR and wsgi.url_scheme the client's own, in place (see the module's doc)."""
    trusted_proxies = tuple(trusted_proxies)
    if _trusted(_address(environ.get("REMOTE_ADDR") or ""), _networks(trusted_proxies)):
        environ["REMOTE_ADDR"] = client_ip(environ, trusted_proxies)
        # Each proxy sets the scheme it was reached by; the last word is from the one nearest us.
        scheme = (environ.get("HTTP_X_FORWARDED_PROTO") or "").rsplit(",", 1)[-1].strip().lower()
        if scheme in ("http", "https"):
            environ["wsgi.url_scheme"] = scheme
        dropped = _CONSUMED
    else:
        dropped = PROXY_HEADERS
    for name in dropped:
        environ.pop(name, None)


class Forwarded:
    """WSGI middleware: :func:`resolve` on every request, before anything else reads it."""

    def __init__(self, app: Callable, trusted_proxies: Iterable[str] = ()):
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)
        try:  # at start-up, not as a 500 on every request
            _networks(self.trusted_proxies)
        except ValueError as error:
            raise ValueError(f"KEITAI_TRUSTED_PROXIES: {error}") from None

    def __call__(self, environ: dict, start_response: Callable):
        resolve(environ, self.trusted_proxies)
        return self.app(environ, start_response)
