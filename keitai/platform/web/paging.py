"""Split a handset page that is over its byte budget into several pages.

A mobile template marks the part that may be split with ``<!--page-->`` and
``<!--/page-->``; the rest (title, menu) repeats on every page.  Splits fall
between tags, between characters and outside entities, never inside a form or
a link, and elements left open at a split are closed and opened again, so every
page is well-formed on its own.
"""
from __future__ import annotations

import re
from typing import Callable

START, END = "<!--page-->", "<!--/page-->"

# Tags whose whole element is one unit: a form or link cut in two is useless.
_ATOMIC = ("form", "a", "select", "textarea", "table", "ul", "ol", "blockquote")
_ATOM = re.compile(
    r"<(%s)\b[^>]*>.*?</\1\s*>|<[^>]*>|[^<]+" % "|".join(_ATOMIC), re.S | re.I
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "param", "source"}
# Text is cut into characters and whole entities.
_CHAR = re.compile(r"&#?\w+;|.", re.S)
# Good places to end a page: after these.
_BREAK = re.compile(r"<(br|hr)\b[^>]*>|</(p|div|li|dd|h\d|blockquote|center)\s*>", re.I)


def _pieces(body: str, limit: int, measure: Callable[[str], int]):
    """(piece, size) units of ``body``; text longer than ``limit`` comes in short runs."""
    for match in _ATOM.finditer(body):
        piece = match.group(0)
        size = measure(piece)
        if size <= limit or piece.startswith("<"):
            yield piece, size
            continue
        run, run_size = [], 0
        for char in _CHAR.findall(piece):
            char_size = measure(char)
            if run and run_size + char_size > limit:
                yield "".join(run), run_size
                run, run_size = [], 0
            run.append(char)
            run_size += char_size
        if run:
            yield "".join(run), run_size


def _open_tags(pieces: list[str]) -> list[str]:
    """Opening tags (as written) of the elements still open after ``pieces``."""
    stack: list[tuple[str, str]] = []
    for piece in pieces:
        if not piece.startswith("<"):
            continue
        match = _TAG.match(piece)
        if match is None:
            continue
        closing, name, selfclose = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or selfclose or name in _ATOMIC:
            continue
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            stack.append((name, match.group(0)))
    return [tag for _name, tag in stack]


def split(body: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    """Cut ``body`` into chunks of about ``limit`` bytes at most (as ``measure`` counts).

    The caller keeps some room in ``limit`` for the tags that close each chunk.
    """
    limit = max(limit, 64)
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    reopened = 0  # how many leading pieces of current repeat tags left open
    last_break = 0  # index in current just after the last good place to end

    for piece, piece_size in _pieces(body, limit // 8, measure):
        if len(current) > reopened and size + piece_size > limit:
            cut = len(current)
            if last_break > reopened and sum(measure(p) for p in current[:last_break]) >= limit // 2:
                cut = last_break
            taken, rest = current[:cut], current[cut:]
            still_open = _open_tags(taken)
            closing = "".join(f"</{_TAG.match(t).group(2)}>" for t in reversed(still_open))
            chunks.append("".join(taken) + closing)
            current = still_open + rest
            reopened = len(still_open)
            size = sum(measure(p) for p in current)
            last_break = 0
        current.append(piece)
        size += piece_size
        if _BREAK.fullmatch(piece) or (not piece.startswith("<") and piece.endswith(("。", "\n"))):
            last_break = len(current)
    if len(current) > reopened:
        chunks.append("".join(current))
    return chunks or [""]
