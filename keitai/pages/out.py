"""``/out?url=``: the gateway for links to other sites.

Links in members' writing point here, not at the other site, so the browser's
Referer (which on a handset carries the sid) never leaves this site.  The page
shows the address and a plain link to it; the link itself carries no session.
"""
from urllib.parse import urlsplit

from keitai.platform.web import RouteTable, params, render

routes = RouteTable("out")


def external_target(value: str | None) -> str | None:
    """The address if it is an absolute http(s) URL to another site, else None."""
    if not value or len(value) > 2048 or any(ord(c) < 33 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return value


@routes.get("/out")
def out():
    target = external_target(params().get("url"))
    return render("pages/out.html", target=target)
