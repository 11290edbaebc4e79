"""Readings and folding: the text a search document is matched on, and how a query is folded
the same way.

Title, reading and body are folded like queries (:func:`keitai.platform.text.normalize_for_search`:
NFKC, so half-width kana and full-width letters meet their usual forms; katakana to
hiragana; lower case).  Names and titles also get their readings at write time (pykakasi:
hiragana and romaji; the body does not: too slow for long text), so やまだ, ヤマダ, ﾔﾏﾀﾞ,
yamada and 山田 all find 山田.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata

from keitai.platform.text import normalize_for_search

READING_CHARS = 200  # readings are for names and titles; a long title gets them for its start

_kakasi_lock = threading.Lock()


@functools.cache
def _kakasi():
    import pykakasi  # loading its dictionaries takes ~0.4 s: once per process, on first write

    return pykakasi.kakasi()


_LONG_VOWEL = re.compile(r"ou|([aiueo])\1")


@functools.lru_cache(maxsize=4096)  # names and titles repeat, above all in a rebuild
def reading(text: str) -> str:
    """Readings of a name or title, folded: hiragana, Hepburn and Kunrei romaji, and romaji
    without long vowels (toukyou -> tokyo, raamen -> ramen), as members type them."""
    text = text[:READING_CHARS]
    if not text.strip():
        return ""
    with _kakasi_lock:  # pykakasi makes no promise about threads
        tokens = _kakasi().convert(text)
    hepburn = "".join(t["hepburn"] for t in tokens)
    variants = (
        "".join(t["hira"] for t in tokens),
        hepburn,
        "".join(t["kunrei"] for t in tokens),
        _LONG_VOWEL.sub(lambda m: m.group(1) or "o", normalize_for_search(hepburn)),
    )
    seen = {"".join(normalize_for_search(text).split())}
    out = []
    for variant in variants:
        variant = "".join(normalize_for_search(variant).split())
        if variant and variant not in seen:
            seen.add(variant)
            out.append(variant)
    return " ".join(out)


_INVISIBLE = {"Cc", "Cf"}  # controls, zero-width joiners and spaces: nobody types them on purpose


def folded(text: str) -> str:
    """:func:`normalize_for_search` without invisible characters or emoji variation selectors."""
    text = normalize_for_search(text)
    if text.isprintable() and "\ufe0f" not in text and "\ufe0e" not in text:
        return text
    return "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE and c not in "\ufe0e\ufe0f")


def fold(title: str, reading_: str, body: str) -> str:
    """The text a document is matched on; lines keep words from running into each other."""
    return f"{folded(title)}\n{reading_}\n{folded(body)}"
