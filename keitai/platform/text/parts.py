"""Cutting a long text into parts a small handset can edit one at a time.

A handset page holds a few kilobytes and a form cannot be split across pages, so a text
larger than the page is edited in parts: each part a slice ``text[start:end]``, saved by
putting the new slice in its place (everything outside it stays as it was), and refused
when the text changed since the part was shown (:func:`version`).
"""
from __future__ import annotations

import hashlib
import unicodedata
from typing import Callable

#: Characters that belong to the one before them (emoji modifiers, keycaps, tags, marks).
_EXTENDERS = {"\u200d", "\u20e3", "\ufe0e", "\ufe0f"}


class Changed(Exception):
    """The stored text is no longer the one a change was made to: nothing was saved."""


def version(text: str) -> str:
    """A fingerprint of ``text``: forms carry it, and a save of an older text is refused."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _extends(char: str) -> bool:
    code = ord(char)
    return (char in _EXTENDERS or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
            or unicodedata.category(char) in ("Mn", "Me", "Mc"))


def _joined(text: str, at: int) -> bool:
    """Would cutting before ``text[at]`` split one character as the reader sees it?"""
    before, after = text[at - 1], text[at]
    if _extends(after) or before == "\u200d":
        return True
    # A flag is two regional indicators; count how many stand before this one.
    if 0x1F1E6 <= ord(after) <= 0x1F1FF:
        run = 0
        while at - run - 1 >= 0 and 0x1F1E6 <= ord(text[at - run - 1]) <= 0x1F1FF:
            run += 1
        return run % 2 == 1
    return False


def _fits_to(text: str, start: int, room: int, measure: Callable[[str], int]) -> int:
    """The largest ``end`` with ``measure(text[start:end]) <= room`` (at least ``start + 1``)."""
    if measure(text[start:]) <= room:
        return len(text)
    low, high = start + 1, len(text)  # text[start:low] is taken even if over: a part is never empty
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[start:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def cut(text: str, room: int, measure: Callable[[str], int]) -> list[tuple[int, int]]:
    """``(start, end)`` of each part of ``text``, in order; each measures at most ``room``.

    A part ends at the end of a line when one is in reach: the newline before the next
    part's first line belongs to neither part, so a handset that drops or adds a newline at
    the end of a text box changes nothing.  Otherwise it ends between two characters, not
    inside an emoji sequence and not where the next part would begin with a newline.  The
    parts with the newlines between them make up the whole text.
    """
    bounds: list[tuple[int, int]] = []
    start, size = 0, len(text)
    while start < size:
        end = _fits_to(text, start, room, measure)
        if end == size:
            bounds.append((start, end))
            break
        # The last newline in reach that ends a run of newlines (the next line has text).
        newline = text.rfind("\n", start, end + 1)
        while newline > start and text[newline + 1] == "\n":
            newline = text.rfind("\n", start, newline)
        if newline > start and measure(text[start:newline]) >= room // 2:
            bounds.append((start, newline))
            start = newline + 1
            continue
        cut_at = end
        while cut_at > start + 1 and (_joined(text, cut_at) or text[cut_at] == "\n"):
            cut_at -= 1
        if _joined(text, cut_at) or text[cut_at] == "\n":
            cut_at = end  # nothing better in reach (a pathological run of marks): the budget wins
        bounds.append((start, cut_at))
        start = cut_at
    return bounds or [(0, 0)]
