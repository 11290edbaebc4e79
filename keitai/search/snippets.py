"""Snippets: a few words of a document around what the query found, cut at whole characters."""
from __future__ import annotations

import functools
import re

from keitai.search.readings import folded

SNIPPET_CHARS = 60
_UNIT = re.compile(r".[\u3099\u309a\uff9e\uff9f]?", re.S)  # a character with its voicing mark
#: Snippets fold their text a character at a time; the characters of a site are a few thousand.
_folded_unit = functools.lru_cache(maxsize=8192)(folded)


def snippet(text: str, found: list[str], width: int = SNIPPET_CHARS) -> tuple[str, str, str]:
    """About ``width`` characters of ``text`` around the first word found in it, as
    (before, match, after); the start of the text when no word is in it (the match was
    in the title or reading).  Ellipses mark what was cut."""
    text = " ".join(text.split())
    units = _UNIT.findall(text)
    folded, starts = [], []  # the text folded unit by unit, and where each unit starts in it
    position = 0
    for unit in units:
        piece = " " if unit == " " else _folded_unit(unit)
        starts.append(position)
        folded.append(piece)
        position += len(piece)
    folded_text = "".join(folded)
    best = None
    for word in found:
        at = folded_text.find(word)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, at + len(word))
    if best is None:
        head = text[:width]
        return head + ("…" if len(text) > width else ""), "", ""
    # Back from folded positions to units of the original text.
    first = max(i for i, s in enumerate(starts) if s <= best[0])
    last = max(i for i, s in enumerate(starts) if s < best[1])
    before_units = max(0, min(width // 3, width - (last + 1 - first)))
    start = max(0, first - before_units)
    end = min(len(units), max(last + 1, start + width))
    before = "".join(units[start:first])
    match = "".join(units[first:last + 1])
    after = "".join(units[last + 1:end])
    return ("…" if start > 0 else "") + before, match, after + ("…" if end < len(units) else "")
