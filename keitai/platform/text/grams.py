"""Grams: the characters of a text and its pairs of neighbouring characters, the keys by
which search finds words too short for a trigram index (keitai.search.rules).

A document containing a word has every gram of the word, so the grams a query asks for
are a necessary condition, and exact for one- and two-character words.  Nothing here
knows about databases but :func:`index_tokens`, the text SQLite's ``search_grams`` table
is fed through the SQL function of the same name (keitai.platform.db.connection registers it).
"""
from __future__ import annotations


def grams(text: str) -> set[str]:
    """Each character of ``text`` and each pair of neighbours, none across whitespace."""
    out: set[str] = set()
    for piece in text.split():
        out.update(piece)
        out.update(map(str.__add__, piece, piece[1:]))
    return out


def word_grams(word: str) -> set[str]:
    """The grams every text containing ``word`` has, fewest first: a one-character word
    itself, otherwise its pairs (their characters add nothing)."""
    if len(word) < 2:
        return {word} if word.strip() else set()
    return {g for g in grams(word) if len(g) == 2}


def index_tokens(kind: str, text: str) -> str:
    """What SQLite's ``search_grams`` indexes for a document: a ``:kind`` token, then its
    grams, separated by spaces (the table's tokenizer splits at spaces only).  The order
    does not matter: the table keeps no positions."""
    return f":{kind} " + " ".join(grams(text))
