"""Reading phrases in free text: fold a cell into words, then find the phrases of a vocabulary in it.

A cell is scanned from the left; at each word the longest phrase that starts there is taken (the
way a reader sees "orden de deportación en ausencia" as one phrase, not two). This only splits the
cell into phrases: what the phrases found mean together is decided by the readers that use it,
from the rules, never by preferring one phrase over another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple

_NOT_WORD = re.compile(r"[^0-9a-z?✓✔]+")
_WORD = re.compile(r"[0-9A-Za-z✓✔]+|\?")


def fold(value: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces; "?" stands as its own word.

    >>> fold("  Orden de Deportación, EN AUSENCIA. ")
    'orden de deportacion en ausencia'
    >>> fold("¿Sí?")
    'si ?'
    """
    if not value.isascii():
        decomposed = unicodedata.normalize("NFKD", value.casefold())
        value = "".join(c for c in decomposed if not unicodedata.combining(c))
    else:
        value = value.lower()
    return " ".join(_NOT_WORD.sub(" ", value.replace("?", " ? ")).split())


BOUNDARY = ","
"""The word that stands where a cell's punctuation separates its parts: no phrase spans it."""
_SEPARATORS = re.compile(r"[,;|()\[\]\n]|\s[-–—/]\s")


def fold_words(value: str) -> list[str]:
    """The folded words of a cell, with a ``BOUNDARY`` where a comma, semicolon, bracket, line break
    or spaced dash separates its parts: "voluntary departure, granted withholding" is two parts, and
    no phrase is read across them.

    >>> fold_words("Voluntary departure, granted withholding")
    ['voluntary', 'departure', ',', 'granted', 'withholding']
    """
    out: list[str] = []
    for part in _SEPARATORS.split(value):
        folded = fold(part).split()
        if folded:
            if out:
                out.append(BOUNDARY)
            out.extend(folded)
    return out


class Word(NamedTuple):
    """One word of a cell: folded, and whether it was written in capitals (a code such as "CA")."""

    text: str
    capitals: bool


def words(value: str) -> list[Word]:
    """The words of a cell, folded, each marked when written in capitals (a ``BOUNDARY`` between the
    parts punctuation separates).

    >>> [(w.text, w.capitals) for w in words("Los Angeles, CA")]
    [('los', False), ('angeles', False), (',', False), ('ca', True)]
    """
    out: list[Word] = []
    for part in _SEPARATORS.split(value):
        if not part.isascii():
            part = "".join(c for c in unicodedata.normalize("NFKD", part) if not unicodedata.combining(c))
        found = [Word(w.lower(), w.isupper() and len(w) > 1) for w in _WORD.findall(part)]
        if found:
            if out:
                out.append(Word(BOUNDARY, False))
            out.extend(found)
    return out


class Match(NamedTuple):
    """A phrase found in a cell: the words it covers and what the vocabulary says of it."""

    start: int
    end: int
    meanings: tuple[Any, ...]


class Phrases:
    """A vocabulary of phrases, each with one or more meanings, scanned leftmost-longest."""

    def __init__(self) -> None:
        self._table: dict[tuple[str, ...], list[Any]] = {}
        self._longest = 0

    def add(self, phrase: str, meaning: Any) -> None:
        """Add a phrase (folded here) with a meaning; a phrase may carry several meanings."""
        key = tuple(fold(phrase).split())
        if not key:
            return
        meanings = self._table.setdefault(key, [])
        if meaning not in meanings:
            meanings.append(meaning)
        self._longest = max(self._longest, len(key))

    def add_all(self, phrases: Iterable[str], meaning: Any) -> None:
        for phrase in phrases:
            self.add(phrase, meaning)

    def get(self, phrase: str) -> tuple[Any, ...]:
        """The meanings of a whole phrase (empty when it is not in the vocabulary)."""
        return tuple(self._table.get(tuple(fold(phrase).split()), ()))

    def scan(self, tokens: list[str]) -> tuple[list[Match], list[int]]:
        """The phrases found in ``tokens``, left to right, and the indices of words in no phrase."""
        found: list[Match] = []
        loose: list[int] = []
        i, n = 0, len(tokens)
        while i < n:
            for length in range(min(self._longest, n - i), 0, -1):
                meanings = self._table.get(tuple(tokens[i : i + length]))
                if meanings:
                    found.append(Match(i, i + length, tuple(meanings)))
                    i += length
                    break
            else:
                loose.append(i)
                i += 1
        return found, loose
