"""Normalisation of chat text into a matching key that maps back to the original.

Steps, in order (docs/moderation.md explains each):

1. fold every character on its own: NFKC, casefold, drop invisible characters and combining
   marks, strip accents from Latin letters, confusable Cyrillic/Greek → Latin, Traditional →
   Simplified Chinese, control characters and every kind of space → " ";
2. squash separators between two Han characters (``微 信``, ``微.信``, ``微❤信``) and
3. inside a run of three or more one-character tokens (``w h a t s a p p``, ``1 3 8 …``),
   both in one left-to-right pass;
4. collapse runs of a repeated character to one: Latin letters and spaces from two on, other
   characters from three on, digits and Chinese numerals never (phone numbers keep length).

The key is built by the compiled helper (live/moderation/rules/speedups.py): step 1 through a character
map, steps 2-4 in one loop; without it, by ``str.translate`` and ``re.sub``, which give the same. The
map back to the original is built only when someone asks for it (a match needs highlighting),
by replaying the same steps with the regular expressions, which also checks the key.
"""

from __future__ import annotations

import re
import unicodedata

from live.moderation.rules.charmaps import CJK_CLASS, CN_DIGIT_CHARS, HOMOGLYPHS, INVISIBLE, to_simplified
from live.moderation.rules.speedups import compiled

__all__ = [
    "Normalized", "fold_char", "fold_text", "fold_text_re", "normalize", "squash_collapse", "squash_collapse_re",
]

# Steps 2 and 3 in one pass: separators between two Han characters, or a run of three or more
# one-character tokens (whose separators the callback removes).
_SQUASH = re.compile(
    f"(?<=[{CJK_CLASS}])[\\W_]+(?=[{CJK_CLASS}])"
    r"|(?<![^\W_])[^\W_](?:[\W_]+[^\W_](?![^\W_])){2,}"
)
_SEP_RUN = re.compile(r"[\W_]+")
# Latin letters and spaces: any run collapses ("scaaam", "scamm"). Other characters only from
# three on: Chinese reduplication (谢谢, 看看, 宝宝) is ordinary language, and collapsing it
# would turn a two-character term into a one-character one. Digits never collapse.
_REPEAT = re.compile(f"([a-z ])\\1+|([^\\da-z {CN_DIGIT_CHARS}])\\2\\2+")
_SEPARATOR = re.compile(r"[\W_]")
_FOLD_CACHE_LIMIT = 100_000
_DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
_SPACE_CATEGORIES = frozenset({"Cc", "Zs", "Zl", "Zp"})


def fold_char(ch: str) -> str:
    """Return what one character folds to: usually one character, '' or several."""
    category = unicodedata.category(ch)
    if category in _DROPPED_CATEGORIES or ch in INVISIBLE:
        return ""
    if category in _SPACE_CATEGORIES:
        return " "
    # NFKC again after casefold: casefolding can produce sequences NFKC would compose.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", ch).casefold())
    out = []
    for c in folded:
        if unicodedata.category(c) in _DROPPED_CATEGORIES:
            continue
        c = HOMOGLYPHS.get(c, c)
        if not c.isascii():
            digit = unicodedata.digit(c, None)
            if digit is not None:
                # Digits NFKC keeps (❶ ➀ ⓿, other scripts' digits) spell phone numbers as well as 1 2 3.
                out.append(str(digit))
                continue
            base = unicodedata.normalize("NFKD", c)
            if base[0].isascii() and all(unicodedata.combining(m) for m in base[1:]):
                c = base[0]
            else:
                c = to_simplified(c)
        out.append(c)
    return "".join(out)


def _first_fold(ch: str) -> str:
    """Return fold_char(ch), noting characters that do not fold one to one."""
    folded = fold_char(ch)
    if len(folded) != 1:
        _IRREGULAR.add(ch)
    return folded


class _FoldTable(dict[int, str]):
    """Code point → folded text, filled on first sight; used as a ``str.translate`` table."""

    def __missing__(self, code: int) -> str:
        folded = _first_fold(chr(code))
        if len(self) < _FOLD_CACHE_LIMIT:
            self[code] = folded
        return folded


# Characters seen so far that fold to zero or several characters; a text with none of them
# folds one to one, so its folded offsets are the identity.
_IRREGULAR: set[str] = set()
_FOLD = _FoldTable()


def fold_text_re(text: str) -> str:
    """Return step 1 of the key (every character folded) with ``str.translate``: the reference."""
    return text.translate(_FOLD)


# The compiled map looks characters up in arrays instead of through a Python int per character.
fold_text = (compiled.CharMap(_first_fold, astral_limit=_FOLD_CACHE_LIMIT).translate
             if compiled is not None else fold_text_re)


def _squash_run(match: re.Match[str]) -> str:
    return _SEP_RUN.sub("", match.group())


def _first_char(match: re.Match[str]) -> str:
    # A function, not the template r"\1\2": re expands templates in Python on every call.
    return match.group()[0]


class Normalized:
    """A matching key (``text``) with ``offsets``: for each key character, its original span.

    ``folded`` is the text after step 1 only (it keeps separators, doubled letters and
    ``//`` in URLs); ``folded_offsets`` maps it back the same way.
    """

    __slots__ = ("text", "folded", "source", "_offsets", "_folded_offsets")

    def __init__(self, text: str, folded: str, source: str) -> None:
        self.text = text
        self.folded = folded
        self.source = source
        self._offsets: list[tuple[int, int]] | None = None
        self._folded_offsets: list[tuple[int, int]] | None = None

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """Return the original ``(start, end)`` of each character of ``text``."""
        if self._offsets is None:
            self._trace()
        assert self._offsets is not None
        return self._offsets

    @property
    def folded_offsets(self) -> list[tuple[int, int]]:
        """Return the original ``(start, end)`` of each character of ``folded``."""
        if self._folded_offsets is None:
            self._trace()
        assert self._folded_offsets is not None
        return self._folded_offsets

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original span covered by ``text[start:end]`` (end > start)."""
        offsets = self.offsets
        return offsets[start][0], offsets[end - 1][1]

    def folded_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original span covered by ``folded[start:end]`` (end > start)."""
        offsets = self.folded_offsets
        return offsets[start][0], offsets[end - 1][1]

    def written_counts(self, start: int, end: int) -> tuple[int, ...]:
        """Return how many times each character of ``text[start:end]`` was written before step 4.

        A key character stands for a run that step 4 collapsed (``asss`` → ``as``), spelled out
        with separators (``a.s.s``) or folded from one character to several (``ß`` → ``ss``):
        its count is how often it occurs in the folded original span of that run.
        """
        offsets = self.offsets
        source = self.source
        return tuple(fold_text(source[a:b]).count(ch) for ch, (a, b) in zip(self.text[start:end], offsets[start:end]))

    def _trace(self) -> None:
        folded, folded_offsets = _fold_traced(self.source)
        separators = [
            sep.span()
            for run in _SQUASH.finditer(folded)
            for sep in _SEP_RUN.finditer(folded, run.start(), run.end())
        ]
        text, offsets = _drop(folded, folded_offsets, separators)
        text, offsets = _collapse_traced(text, offsets)
        if text != self.text or folded != self.folded:  # pragma: no cover - guarded by tests
            raise RuntimeError(f"normalisation trace diverged for {self.source!r}")
        self._offsets, self._folded_offsets = offsets, folded_offsets

    def __repr__(self) -> str:
        return f"Normalized(text={self.text!r}, source={self.source!r})"


def squash_collapse_re(folded: str) -> str:
    """Return the key of folded text (steps 2-4) with regular expressions: the reference."""
    squashed = _SQUASH.sub(_squash_run, folded) if _SEPARATOR.search(folded) else folded
    return _REPEAT.sub(_first_char, squashed)


# Steps 2-4 in one compiled loop when live/moderation/rules/_speedups.c is built.
squash_collapse = compiled.squash_collapse if compiled is not None else squash_collapse_re


def normalize(text: str) -> Normalized:
    """Return the matching key of ``text``; its offsets are computed on first access."""
    if text.isascii() and text.isprintable():
        # Printable ASCII: NFKC and the character tables are the identity, casefold is lower.
        folded = text.lower()
    else:
        folded = fold_text(text)
    return Normalized(squash_collapse(folded), folded, text)


def _fold_traced(source: str) -> tuple[str, list[tuple[int, int]]]:
    folded = fold_text(source)
    if _IRREGULAR.isdisjoint(source):
        return folded, list(zip(range(len(source)), range(1, len(source) + 1)))
    chars: list[str] = []
    offsets: list[tuple[int, int]] = []
    for i, ch in enumerate(source):
        for c in fold_text(ch):
            chars.append(c)
            offsets.append((i, i + 1))
    return "".join(chars), offsets


def _drop(
    text: str, offsets: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    if not spans:
        return text, offsets
    pieces: list[str] = []
    kept: list[tuple[int, int]] = []
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        kept.extend(offsets[last:start])
        last = end
    pieces.append(text[last:])
    kept.extend(offsets[last:])
    return "".join(pieces), kept


def _collapse_traced(
    text: str, offsets: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    pieces: list[str] = []
    kept: list[tuple[int, int]] = []
    last = 0
    for run in _REPEAT.finditer(text):
        start, end = run.span()
        pieces.append(text[last : start + 1])
        kept.extend(offsets[last:start])
        kept.append((offsets[start][0], offsets[end - 1][1]))
        last = end
    pieces.append(text[last:])
    kept.extend(offsets[last:])
    return "".join(pieces), kept
