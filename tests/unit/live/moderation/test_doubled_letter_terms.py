"""A term with a doubled letter matches its evasions, not the word it becomes once its double is collapsed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from live.moderation.rules import Term, TermMatcher, build_matcher, check_text, find_terms, normalize
from live.moderation.rules.terms import term_key

TERMS = [
    Term("ass", "abuse", "hide"),
    Term("weed", "custom", "hide"),
    Term("!!!", "custom", "hold"),
    Term("哈哈哈", "custom", "hold"),
    Term("whatsapp", "diversion", "timeout"),
    Term("scam", "scam", "hide"),
]


@pytest.fixture(scope="module")
def doubled() -> TermMatcher:
    """Return a matcher of terms with doubled (and tripled) characters beside plain ones."""
    return build_matcher(TERMS, version="doubled")


def found(text: str, matcher: TermMatcher) -> list[str]:
    """Return the terms found in ``text``, in text order."""
    return [match.term.term for match in find_terms(normalize(text), matcher)]


THE_WORD_WITH_ONE_LETTER = [
    "ship it as soon as possible",
    "as",
    "wed",
    "we wed in may",
    "great!",
    "really!!",  # two marks: the term asks for three
    "哈",
    "哈哈",
    "whatsap",
]


@pytest.mark.parametrize("text", THE_WORD_WITH_ONE_LETTER, ids=[f"benign:{t}" for t in THE_WORD_WITH_ONE_LETTER])
def test_the_word_a_doubled_letter_collapses_to_is_not_the_term(text: str, doubled: TermMatcher) -> None:
    assert found(text, doubled) == []


EVASIONS = [
    ("ass", "ass"),
    ("what an ass", "ass"),
    ("asss", "ass"),
    ("aaasss", "ass"),
    ("a s s", "ass"),
    ("a.s.s", "ass"),
    ("а" + "ss", "ass"),  # Cyrillic а
    ("ＡＳＳ", "ass"),  # full-width
    ("a\u200bss", "ass"),  # a zero-width space inside
    ("weed", "weed"),
    ("weeeed for sale", "weed"),
    ("w e e d", "weed"),
    ("great!!!", "!!!"),
    ("great!!!!!!", "!!!"),
    ("哈哈哈", "哈哈哈"),
    ("哈哈哈哈哈", "哈哈哈"),
    ("WhatsApp me", "whatsapp"),
    ("w h a t s a p p me", "whatsapp"),
    ("whaaatsappp", "whatsapp"),
    ("scaaam", "scam"),  # a term without doubles still matches any repetition
    ("sccaamm", "scam"),
]


@pytest.mark.parametrize(("text", "term"), EVASIONS, ids=[f"evasion:{t}" for t, _ in EVASIONS])
def test_a_term_with_a_doubled_letter_still_matches_its_evasions(text: str, term: str, doubled: TermMatcher) -> None:
    assert found(text, doubled) == [term]


def test_a_single_letter_term_and_its_doubled_twin_each_match_their_own_word() -> None:
    matcher = build_matcher([Term("as", "custom", "hold"), Term("ass", "abuse", "hide")])
    assert found("as soon as", matcher) == ["as", "as"]
    assert found("you ass", matcher) == ["as", "ass"]


def test_the_dry_run_of_the_reported_message_allows_it(doubled: TermMatcher) -> None:
    result = check_text("ship it as soon as possible", doubled)
    assert (result["action"], result["reasons"]) == ("allow", [])
    assert check_text("you asss", doubled)["reasons"][0]["code"] == "term_abuse"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="asＳа.!哈 \u200bß", min_size=1, max_size=8))
def test_every_term_matches_its_own_text(term: str) -> None:
    matcher = build_matcher([Term(term)])
    if len(matcher.automaton):
        assert found(term, matcher) == [term]


SAME_TERM = [
    ("ass", "ass"), ("ASS", "ass"), (" a s s ", "ass"), ("a.s.s", "ass"), ("ＡＳＳ", "ass"), ("а" + "ss", "ass"),
    ("a\u200bss", "ass"), ("as", "as"), ("AS", "as"), ("asss", "asss"), ("Weed", "weed"), ("wed", "wed"),
    ("!!!", "!!!"), ("哈哈哈", "哈哈哈"), ("谢谢", "谢谢"), ("w h a t s a p p", "whatsapp"), ("scam", "scam"),
    ("hello  world", "hello world"),  # a doubled space is a typo: spaces count once
    ("\u200b", ""),
]


@pytest.mark.parametrize(("term", "key"), SAME_TERM, ids=[f"key:{t!r}" for t, _ in SAME_TERM])
def test_a_terms_key_keeps_how_often_it_writes_each_letter_and_nothing_else(term: str, key: str) -> None:
    assert term_key(term) == key


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="asＳа.!哈谢 \u200bß-", max_size=10))
def test_terms_with_one_key_are_found_alike_and_the_key_is_a_spelling_of_the_term(term: str) -> None:
    key = term_key(term)
    # The key collapses to the matching key and is its own key: it names the term, as any spelling of it does.
    assert normalize(key).text.strip() == normalize(term).text.strip() and term_key(key) == key
    if key:
        assert found(key, build_matcher([Term(term)])) == [term]
        assert found(term, build_matcher([Term(key)])) == [key]
