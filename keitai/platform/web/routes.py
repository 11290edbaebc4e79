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
    pieces, wildcards = _pieces(name)
    rest = dict(values)
    try:
        filled = [str(rest.pop(w)) for w in wildcards]
    except KeyError as missing:
        raise LookupError(f"route {name} needs {missing.args[0]}") from None
    path = pieces[0]
    for value, piece in zip(filled, pieces[1:]):
        path += value + piece
    return path, rest


@functools.lru_cache(maxsize=None)
def _pieces(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A route's pattern cut at its wildcards, once (a page builds dozens of URLs)."""
    try:
        pattern = PATHS[name]
    except KeyError:
        raise LookupError(f"no route named {name!r}") from None
    parts = _WILDCARD.split(pattern)  # text, name, text, name, ..., text
    return tuple(parts[0::2]), tuple(parts[1::2])
