"""``/static/<name>``: the stylesheet (and any other file) of the PC and smartphone pages;
``/favicon.ico``, the site's icon, where browsers ask for it.

The CSS is a file, not inline in every page: a browser fetches it once and then
keeps it, which saves ~4 KB on every PC page.  Pages link it through
``{{ static('site.css') }}``, whose URL carries a hash of the file, so a changed
file gets a new URL and may be cached for a year.  The request pipeline is
skipped here (no session, no input decoding); behind nginx the same folder can be
served directly (deploy/nginx.conf).
"""
import bottle

from keitai.platform.web import RouteTable
from keitai.platform.web.urls import STATIC_DIR

routes = RouteTable("static")

#: With the content hash in the URL the file at that URL never changes.
LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"


@routes.get("/static/<name:path>", skip=["keitai"])
def static(name):
    response = bottle.static_file(name, root=str(STATIC_DIR))
    if response.status_code in (200, 304):
        response.set_header("Cache-Control", LONG if bottle.request.query.get("v") else SHORT)
    return response


@routes.get("/favicon.ico", skip=["keitai"])
def favicon():
    response = bottle.static_file("favicon.ico", root=str(STATIC_DIR), mimetype="image/vnd.microsoft.icon")
    if response.status_code in (200, 304):
        response.set_header("Cache-Control", SHORT)
    return response
