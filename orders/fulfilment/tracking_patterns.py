"""Carriers' tracking-number patterns, checked and matched in time linear in the number, whatever an admin typed.

A pattern an admin adds (orders/fulfilment/carriers.py check_new_carrier) is parsed by the standard library's own
parser and refused when a repeat could make a back-tracking matcher try exponentially or polynomially many ways
(a repeat holding a repeat or alternatives; a repeat of varying length followed by what it could match itself).
Matching does not use Python's back-tracking ``re`` at all: a small automaton built from the parsed pattern checks
a number in one pass (at most MAX_STATES states), so even a pattern stored before these checks cannot stall the
server. tests/unit/fulfilment/test_carrier_pattern_backtracking.py compares it with ``re.fullmatch``.
"""
from __future__ import annotations

import logging
import re
import string
from functools import lru_cache
from re import _compiler as sre_compiler  # compiles one character class of a parsed pattern (flags included)
from re import _constants as sre
from re import _parser as sre_parser  # the standard library's own pattern parser: the tree it builds, no matching

from orders.fulfilment.models import TRACKING_NO_LENGTH

_REPEATS = frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT})
# Every character a checked tracking number can hold (carriers.TRACKING_CHARACTERS): the only ones a pattern sees.
TRACKING_ALPHABET = frozenset(string.ascii_uppercase + string.digits + "-")
_ONE_CHARACTER = frozenset({sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN, sre.CATEGORY})
# A repeat needs no more copies than a tracking number has characters (one more: "more than any number has").
_COPIES = TRACKING_NO_LENGTH + 1
MAX_STATES = 4000  # states of a pattern's matcher; a pattern that needs more is refused as too large
log = logging.getLogger(__name__)


def _children(op, av) -> list:
    """Return the sub-patterns of one node of a parsed pattern."""
    if op in _REPEATS:
        return [av[2]]
    if op == sre.SUBPATTERN:
        return [av[-1]]
    if op == sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op == sre.ATOMIC_GROUP:
        return [av]
    if op == sre.GROUPREF_EXISTS:
        return [part for part in av[1:] if part is not None]
    return []


def backtracks_for_ever(items, repeated: bool = False) -> bool:
    """Return True when a repeated part of a parsed pattern holds another repeat or an alternation (pure).

    Such a pattern, like ``(A+)+B``, tries exponentially many ways to fail on a 40-character number, which
    stalls the whole server; Python's re has no time limit, so these patterns are refused when added.
    """
    for op, av in items:
        many = op in _REPEATS and av[1] > 1
        if repeated and (many or (op == sre.BRANCH and len(av[1]) > 1)):
            return True
        if any(backtracks_for_ever(child, repeated or many) for child in _children(op, av)):
            return True
    return False


class _Unsupported(Exception):
    """A pattern part the linear matcher does not take (back-references, look-arounds, atomic or possessive)."""


def _characters(node, state, flags: int) -> frozenset[str]:
    """Return the tracking-number characters one single-character node of a parsed pattern matches."""
    matcher = sre_compiler.compile(sre_parser.SubPattern(state, [node]), flags)
    return frozenset(c for c in TRACKING_ALPHABET if matcher.fullmatch(c))


class _Machine:
    """A pattern as a Thompson automaton: states ("char", characters, next), ("split", [next…]),
    ("anchor", at, next) and ("match",). Matching walks every state at once, so its time is the number's length
    times the states, whatever the pattern (Python's re may backtrack for hours on a 40-character number)."""

    def __init__(self, parsed):
        self.state, self.states = parsed.state, []
        self.start = self._sequence(list(parsed), self._add(("match",)), parsed.state.flags)

    def _add(self, state: tuple) -> int:
        if len(self.states) >= MAX_STATES:
            raise _Unsupported("too large")
        self.states.append(state)
        return len(self.states) - 1

    def _sequence(self, items: list, after: int, flags: int) -> int:
        for node in reversed(items):
            after = self._node(node, after, flags)
        return after

    def _node(self, node, after: int, flags: int) -> int:
        op, av = node
        if op in _ONE_CHARACTER:
            return self._add(("char", _characters(node, self.state, flags), after))
        if op == sre.SUBPATTERN:
            return self._sequence(list(av[-1]), after, (flags | av[1]) & ~av[2])
        if op == sre.BRANCH:
            return self._add(("split", [self._sequence(list(alt), after, flags) for alt in av[1]]))
        if op == sre.AT and av in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_END, sre.AT_END_STRING):
            return self._add(("anchor", av, after))
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):  # greedy or lazy: the same set of whole matches
            low, high, body = av
            if high == sre.MAXREPEAT:
                loop = self._add(("split", []))
                self.states[loop] = ("split", [self._sequence(list(body), loop, flags), after])
                tail = loop
            else:
                tail = after
                for _ in range(min(high, _COPIES) - min(low, _COPIES)):
                    tail = self._add(("split", [self._sequence(list(body), tail, flags), after]))
            for _ in range(min(low, _COPIES)):
                tail = self._sequence(list(body), tail, flags)
            return tail
        raise _Unsupported(str(op))

    def _closure(self, states, position: int, length: int) -> set[int]:
        seen, stack = set(), list(states)
        while stack:
            index = stack.pop()
            if index in seen:
                continue
            seen.add(index)
            state = self.states[index]
            if state[0] == "split":
                stack.extend(state[1])
            elif state[0] == "anchor":
                at_start = state[1] in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
                if (position == 0) if at_start else (position == length):
                    stack.append(state[2])
        return seen

    def fullmatch(self, text: str) -> bool:
        """Return True when the whole of text matches."""
        current = self._closure([self.start], 0, len(text))
        for position, character in enumerate(text, 1):
            moved = [self.states[i][2] for i in current
                     if self.states[i][0] == "char" and character in self.states[i][1]]
            current = self._closure(moved, position, len(text))
            if not current:
                return False
        return any(self.states[i][0] == "match" for i in current)


@lru_cache(maxsize=256)
def matcher(pattern: str) -> _Machine | None:
    """Return the linear matcher of a pattern, or None when it is not a regular expression it can take."""
    try:
        return _Machine(sre_parser.parse(pattern))
    except (re.error, _Unsupported, RecursionError):
        return None


def tracking_matches(pattern: str, number: str) -> bool:
    """Return True when a checked tracking number (TRACKING_CHARACTERS) fits a carrier's pattern as a whole.

    The match runs in time linear in the number, whatever an admin typed. A pattern stored before carriers were
    checked that the matcher cannot take is not used (logged): any well-formed number passes, as with no pattern.
    """
    machine = matcher(pattern)
    if machine is None:
        log.warning("carrier pattern %r is not used: it needs back-tracking to match", pattern)
        return True
    return machine.fullmatch(number)


def _first(items, flags_state) -> tuple[frozenset[str], bool]:
    """Return (the characters a sequence of parsed nodes can start with, whether it can match nothing)."""
    state, flags = flags_state
    first: set[str] = set()
    for op, av in items:
        if op in _ONE_CHARACTER:
            return frozenset(first | _characters((op, av), state, flags)), False
        if op == sre.SUBPATTERN:
            chars, empty = _first(av[-1], (state, (flags | av[1]) & ~av[2]))
        elif op == sre.BRANCH:
            parts = [_first(alt, flags_state) for alt in av[1]]
            chars, empty = frozenset().union(*(c for c, _ in parts)), any(e for _, e in parts)
        elif op in _REPEATS:
            chars, empty = _first(av[2], flags_state)
            empty = empty or av[0] == 0
        elif op == sre.AT:
            chars, empty = frozenset(), True
        else:  # a back-reference or a look-around: it may start with anything
            return TRACKING_ALPHABET, False
        first |= chars
        if not empty:
            return frozenset(first), False
    return frozenset(first), True


def overlapping_repeats(items, follow: frozenset[str] = frozenset(), flags_state=None) -> bool:
    r"""Return True when a repeat of varying length can be followed by a character it could take itself (pure).

    ``\d*\d*X`` or ``\d{0,9}\d{0,9}X`` has polynomially many ways to split a long number between the repeats
    and tries them all before failing (seconds to hours for one 40-digit number under Python's re); ``\d{12,15}``
    (then the end) or ``[A-Z]+\d+`` has one. follow: what can come after items.
    """
    flags_state = flags_state or (items.state, items.state.flags)
    items = list(items)
    for index, (op, av) in enumerate(items):
        after, empty = _first(items[index + 1:], flags_state)
        after = after | follow if empty else after
        if op in _REPEATS and av[0] != av[1]:
            if _first(av[2], flags_state)[0] & after:
                return True
            if overlapping_repeats(av[2], after | _first(av[2], flags_state)[0], flags_state):
                return True
        elif op == sre.SUBPATTERN:
            state, flags = flags_state
            if overlapping_repeats(av[-1], after, (state, (flags | av[1]) & ~av[2])):
                return True
        elif op in _REPEATS and overlapping_repeats(av[2], after | _first(av[2], flags_state)[0], flags_state):
            return True
        elif op == sre.BRANCH and any(overlapping_repeats(alt, after, flags_state) for alt in av[1]):
            return True
        elif op in (sre.ASSERT, sre.ASSERT_NOT) and overlapping_repeats(av[1], TRACKING_ALPHABET, flags_state):
            return True
    return False
