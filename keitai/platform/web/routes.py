"""Route tables: each views module fills one; ``create_app`` installs them all."""
from __future__ import annotations

from typing import Callable


class RouteTable:
    """Collects routes at import time so several apps (tests) can install them."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, Callable, dict]] = []

    def route(self, path: str, method: str | list[str] = "GET", **options):
        def decorator(callback: Callable) -> Callable:
            self.routes.append((path, method, callback, options))
            return callback

        return decorator

    def get(self, path: str, **options):
        return self.route(path, "GET", **options)

    def post(self, path: str, **options):
        return self.route(path, "POST", **options)

    def install(self, app) -> None:
        for path, method, callback, options in self.routes:
            app.route(path, method, callback, **options)
