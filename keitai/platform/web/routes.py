"""Route tables with named routes: each feature's views fill one; its ``install(app)`` adds it.

Every route has a name, ``<feature>.<function>`` (the view function's name, or ``name=``).
Pages and code build internal URLs from names with :func:`keitai.platform.web.urls.url`
(``url("diary.entry", diary_id=5)``), so a path is written once, here in the route table.
"""
from __future__ import annotations

import functools
import re
from typing import Callable

#: Every route's name -> its path pattern (``/diary/<diary_id:int>``), filled as views are imported.
PATHS: dict[str, str] = {}

_WILDCARD = re.compile(r"<([a-zA-Z_][a-zA-Z_0-9]*)(?::[^>]*)?>")


class RouteTable:
    """A feature's routes; ``feature`` is the first part of each route's name."""

    def __init__(self, feature: str) -> None:
        self.feature = feature
        self.routes: list[tuple[str, str, Callable, dict]] = []

    def route(self, path: str, method: str | list[str] = "GET", *, name: str | None = None, **options):
        def decorator(callback: Callable) -> Callable:
            full = f"{self.feature}.{name or callback.__name__}"
            known = PATHS.setdefault(full, path)
            if known != path:
                raise ValueError(f"route name {full} names both {known} and {path}")
            self.routes.append((path, method, callback, {**options, "name": full}))
            return callback

        return decorator

    def get(self, path: str, **options):
        return self.route(path, "GET", **options)

    def post(self, path: str, **options):
        return self.route(path, "POST", **options)

    def install(self, app) -> None:
        for path, method, callback, options in self.routes:
            app.route(path, method, callback, **options)


def path_for(name: str, values: dict) -> tuple[str, dict]:
    """The path of route ``name`` with its wildcards filled from ``values``; the values left over."""
    path, filled = _pieces(name)
    if not filled:  # most links: a fixed path, nothing to copy
        return path, values
    rest = dict(values)
    try:
        for wildcard, piece in filled:
            path += str(rest.pop(wildcard)) + piece
    except KeyError as missing:
        raise LookupError(f"route {name} needs {missing.args[0]}") from None
    return path, rest


@functools.lru_cache(maxsize=None)
def _pieces(name: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A route's pattern cut at its wildcards, once (a page builds dozens of URLs): the text
    before the first wildcard, then each wildcard's name with the text after it."""
    try:
        pattern = PATHS[name]
    except KeyError:
        raise LookupError(f"no route named {name!r}") from None
    parts = _WILDCARD.split(pattern)  # text, name, text, name, ..., text
    return parts[0], tuple(zip(parts[1::2], parts[2::2]))
