"""``create_app(settings)``: the WSGI application, wired from the layers below."""
from __future__ import annotations

import importlib
import pkgutil

import bottle

from keitai import config, views
from keitai.models import base
from keitai.web import KeitaiPlugin, error_page


def view_modules():
    """Every module in keitai/views: adding a feature is adding a module there."""
    for info in sorted(pkgutil.iter_modules(views.__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{views.__name__}.{info.name}")


def create_app(settings: config.Settings | None = None, *, connect: bool = True) -> bottle.Bottle:
    settings = settings or config.Settings.from_env()
    config.activate(settings)
    if connect:
        base.connect(settings.database_url)
    app = bottle.Bottle(catchall=True)
    app.config["json.enable"] = False
    app.install(KeitaiPlugin())
    app.default_error_handler = error_page
    for module in view_modules():
        module.routes.install(app)
    return app
