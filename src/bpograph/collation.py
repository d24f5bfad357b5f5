"""Alphabetical order for Estonian and English labels.

Estonian sorts š, z and ž after s, and õ, ä, ö, ü after w (then x, y): a b c d e f g h i j k l m n o
p q r s š z ž t u v w õ ä ö ü x y. English uses the Latin order with diacritics ignored.
"""

from __future__ import annotations

import unicodedata

ESTONIAN = "abcdefghijklmnopqrsšzžtuvwõäöüxy"
_RANK = {letter: index for index, letter in enumerate(ESTONIAN)}


def fold(text: str) -> str:
    """Lower case without diacritics: how search compares ("Kõnekeskus" -> "konekeskus")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(text: str, lang: str) -> tuple:
    """A key that orders ``text`` as a dictionary of ``lang`` would."""
    lowered = text.casefold()
    if lang == "et":
        # letters of the Estonian alphabet by their rank; other characters after them, by code point
        return tuple((0, _RANK[c]) if c in _RANK else (1, ord(c)) for c in lowered)
    return (fold(lowered), lowered)


def initial(text: str, lang: str) -> str:
    """The index letter a label is filed under: Estonian keeps š ž õ ä ö ü as letters of their own."""
    first = text[:1].casefold()
    if lang == "et" and first in _RANK:
        return first.upper()
    folded = fold(first)
    return folded.upper() if folded.isalpha() else "#"
