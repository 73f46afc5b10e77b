"""Blocked terms, allow-list and regex rules, matched with one Aho-Corasick automaton."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

from live.moderation.rules.automaton import CompactAutomaton
from live.moderation.rules.normalize import Normalized, normalize

__all__ = [
    "AllowTerm", "Category", "Match", "MatcherCache", "RegexRule", "Term", "TermAction",
    "TermMatcher", "build_matcher", "find_terms", "term_key",
]

Category = Literal["diversion", "scam", "abuse", "competitor", "custom"]
TermAction = Literal["hide", "hold", "timeout", "ban"]
CATEGORIES: tuple[str, ...] = get_args(Category)
TERM_ACTIONS: tuple[str, ...] = get_args(TermAction)

# Characters that make a Latin term part of a longer word ("scam" in "scampi").
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_MAX_PATTERN = 500
# Step 4 can only have collapsed something where a character comes twice in a row after folding,
# or twice around a separator that steps 2-3 squash ("a s s").
_MAYBE_COLLAPSED = re.compile(r"(.)\1|[\W_]", re.DOTALL)


def _check(category: str, action: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    if action not in TERM_ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {TERM_ACTIONS}")


@dataclass(frozen=True, slots=True)
class Term:
    """A blocked term: global when ``broadcast_id`` is None, else for that broadcast only."""

    term: str
    category: Category = "custom"
    action: TermAction = "hide"
    broadcast_id: str | None = None

    def __post_init__(self) -> None:
        _check(self.category, self.action)


@dataclass(frozen=True, slots=True)
class AllowTerm:
    """A phrase that must never trigger: a blocked match inside it is ignored."""

    term: str
    broadcast_id: str | None = None


@dataclass(frozen=True, slots=True)
class RegexRule:
    """A regular expression applied to the normalised text (lowercase, separators squashed)."""

    pattern: str
    category: Category = "custom"
    action: TermAction = "hide"
    broadcast_id: str | None = None
    name: str = ""

    def __post_init__(self) -> None:
        _check(self.category, self.action)
        if len(self.pattern) > _MAX_PATTERN:
            raise ValueError(f"regex rule longer than {_MAX_PATTERN} characters")
        re.compile(self.pattern)  # raises re.error early, at configuration time


class Match(NamedTuple):
    """A blocked term (or regex rule, as a Term) found at ``text[start:end]`` of the key."""

    term: Term
    start: int
    end: int
    regex: bool = False


# How many times a term writes each character of its key, when it writes one more than once
# ("ass": a 1, s 2); None for the usual term, which writes each once.
_Counts = tuple[int, ...] | None
# Automaton payload: check left/right word boundary, blocked terms (each with its counts),
# allow-list scopes.
_Entry = tuple[bool, bool, tuple[tuple[Term, _Counts], ...], tuple[str | None, ...]]


@dataclass(eq=False)
class TermMatcher:
    """The compiled matcher for one version of the term lists (see ``build_matcher``)."""

    version: Hashable
    automaton: CompactAutomaton[_Entry]
    rules: tuple[tuple[RegexRule, Term, re.Pattern[str]], ...]
    term_count: int
    # Matches wherever any rule matches (None: no such pattern could be built); texts it
    # does not match skip the rules one by one.
    rule_gate: re.Pattern[str] | None = None
    # Per-text analysis results, owned by live.moderation.rules.findings; dies with the matcher.
    cache: dict[object, object] = field(default_factory=dict)
    cache_limit: int = 50_000


def build_matcher(
    terms: Iterable[Term],
    allow: Iterable[AllowTerm | str] = (),
    rules: Iterable[RegexRule] = (),
    version: Hashable = None,
) -> TermMatcher:
    """Return a matcher compiled from the terms, allow-list and regex rules."""
    blocked: dict[str, list[tuple[Term, _Counts]]] = {}
    allowed: dict[str, list[str | None]] = {}
    count = 0
    for term in terms:
        normalized = normalize(term.term)
        key = normalized.text.strip()
        if key:
            blocked.setdefault(key, []).append((term, _doubled_counts(normalized)))
            count += 1
    for item in allow:
        entry = AllowTerm(item) if isinstance(item, str) else item
        key = normalize(entry.term).text.strip()
        if key:
            allowed.setdefault(key, []).append(entry.broadcast_id)
    automaton = CompactAutomaton(
        (key, (key[0] in _WORD_CHARS, key[-1] in _WORD_CHARS, tuple(blocked.get(key, ())),
               tuple(allowed.get(key, ()))))
        for key in blocked.keys() | allowed.keys()
    )
    compiled = tuple(
        (rule, Term(rule.name or rule.pattern, rule.category, rule.action, rule.broadcast_id),
         re.compile(rule.pattern))
        for rule in rules
    )
    return TermMatcher(version, automaton, compiled, count, _rule_gate([rule.pattern for rule in rules]))


def _doubled_counts(normalized: Normalized) -> _Counts:
    """Return how many times the term writes each character of its key, or None if each once.

    Step 4 of normalisation turns ``ass`` into the key ``as``, which the word "as" has too; these
    counts let ``find_terms`` tell the two apart. Spaces count once: a doubled space is a typo.
    """
    if _MAYBE_COLLAPSED.search(normalized.folded) is None:
        return None  # the cheap test: nothing for step 4 to have collapsed, no need to trace the term
    text = normalized.text
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    counts = tuple(1 if ch == " " else written
                   for ch, written in zip(text[start:end], normalized.written_counts(start, end)))
    return counts if any(written > 1 for written in counts) else None


def term_key(term: str) -> str:
    """Return the key that tells one term from another ('' when nothing is left to match).

    It is the matching key with each character written as often as the term writes it (spaces once), so it
    keeps what ``find_terms`` counts: ``ass`` and ``as`` are two terms although both are found at the key
    ``as``, while ``ASS``, ``a s s`` and ``ａｓｓ`` are one term, ``ass``.
    """
    normalized = normalize(term)
    key = normalized.text.strip()
    counts = _doubled_counts(normalized) if key else None
    return key if counts is None else "".join(ch * written for ch, written in zip(key, counts))


def _written_as_often(normalized: Normalized, start: int, end: int, counts: tuple[int, ...]) -> bool:
    """Return True if the text writes each character of ``key[start:end]`` at least ``counts`` times."""
    return all(written >= least for written, least in zip(normalized.written_counts(start, end), counts))


# Group references by number or name: in one alternation of every rule, they would point at
# another rule's groups.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def _rule_gate(patterns: list[str]) -> re.Pattern[str] | None:
    """Return one pattern matching wherever any of ``patterns`` matches, or None if unsafe."""
    if len(patterns) < 2 or any(_GROUP_REFERENCE.search(p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:  # e.g. global flags that are only allowed at the start, or clashing group names
        return None


def find_terms(
    normalized: Normalized, matcher: TermMatcher, broadcast_id: str | None = None
) -> list[Match]:
    """Return the blocked-term and regex matches in the key that no allow-listed span covers.

    A term that writes a character more than once (``ass``, ``weed``, ``!!!``) matches only where
    the text writes it at least as often (``asss``, ``a.s.s``), not the word its key also spells
    (``as``, ``wed``, ``!``).
    """
    text = normalized.text
    found: list[Match] = []
    allowed: list[tuple[int, int]] = []
    size = len(text)
    for start, end, (left, right, blocked, scopes) in matcher.automaton.find(text):
        if (left and start > 0 and text[start - 1] in _WORD_CHARS) or (
            right and end < size and text[end] in _WORD_CHARS
        ):
            continue
        if scopes and (None in scopes or broadcast_id in scopes):
            allowed.append((start, end))
        for term, counts in blocked:
            if term.broadcast_id is None or term.broadcast_id == broadcast_id:
                # Counted only here, for the rare term with a doubled character that matched.
                if counts is None or _written_as_often(normalized, start, end, counts):
                    found.append(Match(term, start, end))
    rules = matcher.rules
    if rules and matcher.rule_gate is not None and matcher.rule_gate.search(text) is None:
        rules = ()
    for rule, as_term, pattern in rules:
        if rule.broadcast_id is None or rule.broadcast_id == broadcast_id:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    found.append(Match(as_term, m.start(), m.end(), True))
    if allowed and found:
        found = [m for m in found if not any(a <= m.start and m.end <= b for a, b in allowed)]
    return found


class MatcherCache:
    """Holds the matcher of the current term-list version; rebuilds only when it changes."""

    def __init__(self) -> None:
        self._matcher: TermMatcher | None = None

    def get(self, version: Hashable, build: Callable[[], TermMatcher]) -> TermMatcher:
        """Return the cached matcher for ``version``, calling ``build()`` on a new version."""
        matcher = self._matcher
        if matcher is None or matcher.version != version:
            matcher = build()
            matcher.version = version
            self._matcher = matcher
        return matcher

    def clear(self) -> None:
        """Forget the cached matcher (the next ``get`` rebuilds)."""
        self._matcher = None
