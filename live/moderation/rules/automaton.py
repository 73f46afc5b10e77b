"""Aho-Corasick over a compact alphabet.

pyahocorasick looks up a node's next character by scanning the node's children, so a root
with thousands of children (a CJK term list starts with thousands of different characters)
costs microseconds per character of text. Re-spelling every character as two symbols, a
"high" one from a small range and a "low" one from another, keeps every node at a few dozen
children at most. High and low symbols never overlap, so a match can only begin on a
character boundary, and positions convert back by halving.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

import ahocorasick

from live.moderation.rules.speedups import compiled

__all__ = ["CompactAutomaton"]

V = TypeVar("V")

_LOW = 64
_LOW_BASE = 0x80  # the low symbol: one of 64 code points from U+0080
_HIGH_BASE = 0x100  # the high symbol: from U+0100 on, as many as the alphabet needs
_UNKNOWN = chr(_HIGH_BASE) + chr(_LOW_BASE)  # index 0: in no key, so it matches nothing
_ENCODER_LIMIT = 100_000


class _Encoder(dict[int, str]):
    """Code point → two symbols; characters in no key share the "unknown" spelling."""

    def __missing__(self, code: int) -> str:
        if len(self) < _ENCODER_LIMIT:
            self[code] = _UNKNOWN
        return _UNKNOWN


def _unknown(ch: str) -> str:
    return _UNKNOWN


def _encoding(spellings: dict[int, str]) -> Callable[[str], str]:
    """Return the function that spells a text in the automaton's alphabet."""
    if compiled is not None:
        # Arrays instead of a Python int lookup per character (as str.translate does).
        return compiled.CharMap(_unknown, spellings, _ENCODER_LIMIT).translate
    encoder = _Encoder(spellings)
    return lambda text: text.translate(encoder)


class CompactAutomaton(Generic[V]):
    """An Aho-Corasick automaton of string keys whose matches come back in text positions."""

    def __init__(self, items: Iterable[tuple[str, V]]) -> None:
        pairs = [(key, value) for key, value in items if key]
        alphabet = sorted({ch for key, _ in pairs for ch in key})
        spellings: dict[int, str] = {}
        for index, ch in enumerate(alphabet, start=1):
            high, low = divmod(index, _LOW)
            spellings[ord(ch)] = chr(_HIGH_BASE + high) + chr(_LOW_BASE + low)
        self._encode = _encoding(spellings)
        self._automaton = ahocorasick.Automaton()
        for key, value in pairs:
            self._automaton.add_word(self._encode(key), (len(key), value))
        if pairs:
            self._automaton.make_automaton()
        self._size = len(pairs)

    def __len__(self) -> int:
        return self._size

    def iter(self, text: str) -> Iterator[tuple[int, int, V]]:
        """Yield ``(start, end, value)`` for every key occurring in ``text`` (overlaps too)."""
        return iter(self.find(text))

    def find(self, text: str) -> list[tuple[int, int, V]]:
        """Return ``(start, end, value)`` for every key occurring in ``text`` (overlaps too)."""
        if not self._size:
            return []
        # A list built in one comprehension: a generator costs a frame switch per match and
        # most chat has no match at all, so the fixed cost per text is what counts.
        return [((end >> 1) + 1 - length, (end >> 1) + 1, value)
                for end, (length, value) in self._automaton.iter(self._encode(text))]
