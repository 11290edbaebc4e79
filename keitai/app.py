"""``create_app(settings)``: the WSGI application: the platform's request pipeline, then each
package of :data:`FEATURES` installed by its ``install(app)``."""
from __future__ import annotations

import bottle

from keitai import (accounts, admin, albums, blog_import, communities, config, diary, events, favorites, footprints,
                    friends, introductions, kept, mailpost, messages, notify, pages, photos, polls, profiles, reports,
                    search, signup)
from keitai.platform.db import connection as base
from keitai.platform.web import KeitaiPlugin, accesslog, error_page, forwarded

#: Ids in URLs: digits that fit a 64-bit column.  Anything else (negative, 30 digits) is a
#: 404 at the router, not an overflow deep in the database driver.
ID_PATTERN = r"[0-9]{1,18}"


def _id_filter(_conf):
    return ID_PATTERN, int, lambda value: str(int(value))


#: Every feature, in the order its routes are installed: adding a feature is adding it here.
#: A feature's install registers all it adds (routes, photo kinds, home notices): nothing is
#: registered by importing a module.
FEATURES = (accounts, signup, profiles, friends, diary, albums, blog_import, communities, events, polls, messages,
            footprints, introductions, photos, search, reports, admin, kept, notify, mailpost, favorites, pages)


def create_app(settings: config.Settings | None = None, *, connect: bool = True) -> bottle.Bottle:
    settings = settings or config.Settings.from_env()
    config.activate(settings)
    if connect:
        base.connect(settings.database_url, replica_url=settings.database_replica_url)
    app = bottle.Bottle(catchall=True)
    app.config["json.enable"] = False
    app.install(KeitaiPlugin())
    app.default_error_handler = error_page
    app.router.add_filter("int", _id_filter)
    for feature in FEATURES:
        feature.install(app)
    wsgi = app.wsgi if settings.access_log == "off" else accesslog.AccessLog(app.wsgi)
    # The client's address and scheme are settled before anything reads them.
    app.wsgi = forwarded.Forwarded(wsgi, settings.trusted_proxies)  # Bottle.__call__ calls self.wsgi
    return app
