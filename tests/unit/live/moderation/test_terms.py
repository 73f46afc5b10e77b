"""Blocked terms, allow-list, word boundaries, per-broadcast lists and regex rules."""

from __future__ import annotations

import ahocorasick
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from live.moderation.rules import (
    MatcherCache,
    ModerationContext,
    RegexRule,
    Term,
    TermMatcher,
    build_matcher,
    find_terms,
    moderate,
    normalize,
)
from live.moderation.rules.automaton import CompactAutomaton
from tests.unit.live.moderation.conftest import message

BLOCKED = [
    # text, action, reason codes, viewer action type
    ("加我微信", "hide", ["term_diversion", "viewer_warning"], "timeout"),
    ("加我微 信", "hide", ["term_diversion", "viewer_warning"], "timeout"),
    ("加ｖ看看", "hide", ["term_diversion", "viewer_warning"], "timeout"),
    ("w h a t s a p p me", "hide", ["term_diversion", "viewer_warning"], "timeout"),
    ("WhatsApp me", "hide", ["term_diversion", "viewer_warning"], "timeout"),
    ("這個主播是騙子", "hide", ["term_abuse", "viewer_warning"], "timeout"),
    ("垃圾", "hide", ["term_abuse"], None),
    ("垃 圾 东西", "hide", ["term_abuse"], None),
    ("scam", "hide", ["term_scam"], None),
    ("total ѕсаm", "hide", ["term_scam"], None),
    ("SCAM!!!", "hide", ["term_scam"], None),
    ("s c a m", "hide", ["term_scam"], None),
    ("scaaam", "hide", ["term_scam"], None),
    ("it's a scam, really", "hide", ["term_scam"], None),
    ("fuck you", "hide", ["term_abuse", "viewer_ban"], "ban"),
    ("去對手店買", "hide", ["term_competitor"], None),
    ("rivalshop is cheaper", "hold", ["term_competitor"], None),
    ("点外卖了", "hold", ["term_custom"], None),
    ("进特价群", "hide", ["term_custom"], None),
    ("免费领取", "hide", ["regex_scam"], None),
    ("免 费 送", "hide", ["regex_scam"], None),
    ("骗子 scam", "hide", ["term_abuse", "term_scam", "viewer_warning"], "timeout"),
]


@pytest.mark.parametrize(
    ("text", "action", "codes", "viewer"), BLOCKED, ids=[f"blocked:{row[0]}" for row in BLOCKED]
)
def test_blocked_term_decides_the_action(
    context: ModerationContext, text: str, action: str, codes: list[str], viewer: str | None
) -> None:
    decision = moderate(message(text), context)
    assert (decision.action, decision.codes) == (action, codes)
    assert (decision.viewer_action or {}).get("type") == viewer


NEAR_MISSES = [
    "微笑",  # not 微信
    "我用微信支付",  # allow-listed phrase covers the match
    "买个垃圾袋",
    "scampi",  # Latin terms match whole words only
    "scampi pasta",
    "scammer",
    "scam alert from the bank",
    "主播很有威信",
    "对手",
    "A12",
    "99元",
    "L码",
    "外 国",
    "whats up",
    "进特价群聊",  # allow-listed for this broadcast
]


@pytest.mark.parametrize("text", NEAR_MISSES, ids=[f"benign:{t}" for t in NEAR_MISSES])
def test_benign_near_miss_is_allowed(context: ModerationContext, text: str) -> None:
    decision = moderate(message(text), context)
    assert (decision.action, decision.codes) == ("allow", [])


def test_broadcast_term_applies_only_to_its_broadcast(context: ModerationContext) -> None:
    assert moderate(message("进特价群", broadcast="b1"), context).codes == ["term_custom"]
    assert moderate(message("进特价群", broadcast="b2"), context).action == "allow"


def test_term_reason_carries_the_term_and_its_original_span(context: ModerationContext) -> None:
    decision = moderate(message("快加 微 信 哦"), context)
    reason = decision.reasons[0]
    assert (reason.code, reason.detail, reason.span) == ("term_diversion", "微信", (3, 6))


def test_find_terms_reports_key_positions(matcher: TermMatcher) -> None:
    normalized = normalize("你是骗子吗")
    matches = find_terms(normalized, matcher, "b1")
    assert [(m.term.term, m.start, m.end) for m in matches] == [("骗子", 2, 4)]


def test_unknown_category_or_action_is_refused() -> None:
    with pytest.raises(ValueError):
        Term("x", "spam", "hide")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Term("x", "custom", "delete")  # type: ignore[arg-type]


def test_matcher_cache_rebuilds_only_on_a_new_version() -> None:
    cache = MatcherCache()
    builds: list[int] = []

    def build() -> TermMatcher:
        builds.append(1)
        return build_matcher([Term("abc")])

    first = cache.get(1, build)
    assert cache.get(1, build) is first
    assert cache.get(2, build) is not first
    assert len(builds) == 2


def test_twenty_thousand_terms_compile_into_one_matcher() -> None:
    latin = [Term(f"word{i}x") for i in range(10_000)]
    han = [Term(chr(0x4E00 + i) + chr(0x4E00 + i * 7 % 20000)) for i in range(10_000)]
    matcher = build_matcher(latin + han)
    assert matcher.term_count == 20_000
    found = find_terms(normalize("say word123x and 丈丸 now"), matcher)
    assert [m.term.term for m in found] == ["word123x", "丈丸"]


WORDS = st.text(alphabet="ab微信c", min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12, unique=True), st.text(alphabet="ab微信c x", max_size=30))
def test_compact_automaton_finds_what_a_plain_one_finds(keys: list[str], text: str) -> None:
    plain = ahocorasick.Automaton()
    for key in keys:
        plain.add_word(key, key)
    plain.make_automaton()
    expected = sorted((end - len(key) + 1, end + 1, key) for end, key in plain.iter(text))
    compact = CompactAutomaton((key, key) for key in keys)
    assert sorted(compact.iter(text)) == expected


RULE_SETS = [
    # rules that can share one gate
    [r"(?:免费|白)领", r"\bt\.me/", r"(\w)(?:\w)\d{3}"],
    # a back-reference: no shared gate, each rule on its own
    [r"(\w)\1{3}", r"\bt\.me/"],
    # a global flag after the first rule cannot be combined: no shared gate either
    [r"t\.me/", r"(?i)CHEAP"],
]


@pytest.mark.parametrize("patterns", RULE_SETS)
@settings(max_examples=150, deadline=None)
@given(text=st.text(st.sampled_from(list("aaab1234 t.me/免费领白cheapCHEAP")), max_size=24))
def test_regex_rules_match_the_same_with_or_without_their_shared_gate(patterns: list[str], text: str) -> None:
    matcher = build_matcher([], rules=[RegexRule(p, name=f"r{i}") for i, p in enumerate(patterns)])
    key = normalize(text)
    gated = sorted((m.term.term, m.start, m.end) for m in find_terms(key, matcher))
    matcher.rule_gate = None
    one_by_one = sorted((m.term.term, m.start, m.end) for m in find_terms(key, matcher))
    assert gated == one_by_one


def test_a_back_reference_or_a_late_global_flag_leaves_the_rules_ungated() -> None:
    assert build_matcher([], rules=[RegexRule(p) for p in RULE_SETS[0]]).rule_gate is not None
    assert build_matcher([], rules=[RegexRule(p) for p in RULE_SETS[1]]).rule_gate is None
    assert build_matcher([], rules=[RegexRule(p) for p in RULE_SETS[2]]).rule_gate is None
