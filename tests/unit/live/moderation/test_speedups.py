"""The compiled helper gives exactly what the regular expressions give, and CI runs with it built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from live.moderation.rules import spam
from live.moderation.rules.normalize import fold_text, fold_text_re, squash_collapse, squash_collapse_re
from live.moderation.rules.speedups import compiled

needs_helper = pytest.mark.skipif(compiled is None, reason="live/moderation/rules/_speedups.c is not built (make setup)")

# Characters each branch of the passes cares about: Han (and unassigned code points inside the Han
# ranges, which are separators there), Latin, digits of several scripts, Chinese numerals, spaces,
# separators, '_', emoji and arrows, Latin-1 capitals, full-width letters, '×'.
ALPHABET = st.sampled_from(list(
    "微信号骗子一二三零〇幺两壹玖拾abcxyzAZwhtsp0123456789٣߂ _.-❤·,!?？。、\t\n\u200d\ufe0f😂👍→⌚"
    "ÀÉÞß×÷ĀſＡＺａｚ\ufada\u9ffe\U0002a6e0\U00020001ﬁ㎏①𝐬騙號\u200b\u3164ΑаＢ"
))
TEXTS = st.text(ALPHABET, max_size=40) | st.text(max_size=30)


@needs_helper
@settings(max_examples=1500, deadline=None)
@given(TEXTS)
@example("w h a t s a p p")
@example("微 . 信")
@example("中 \ufada a")
@example("哈哈哈哈 666 scaaam!!!")
@example("一一一 ٣٣٣ ___")
@pytest.mark.slow
def test_squash_collapse_matches_the_regular_expressions(text: str) -> None:
    assert compiled.squash_collapse(text) == squash_collapse_re(text)


@needs_helper
@settings(max_examples=1000, deadline=None)
@given(TEXTS)
@example("+1")
@example("buy now!!! 2")
@example("٣_½")
@pytest.mark.slow
def test_fingerprint_matches_the_regular_expressions(text: str) -> None:
    assert compiled.fingerprint(text) == spam.fingerprint_re(text)


@needs_helper
@settings(max_examples=1000, deadline=None)
@given(TEXTS)
@example("HELLO World!! 😂 → ×÷")
def test_content_counts_match_the_regular_expressions(text: str) -> None:
    assert compiled.content_counts(text) == spam.content_counts_re(text)


@needs_helper
@settings(max_examples=1000, deadline=None)
@given(TEXTS)
@example("ß ﬁ ㎏ \u200b𝐬𝐜𝐚𝐦 騙子 ＷＸ")
def test_folding_through_the_character_map_matches_str_translate(text: str) -> None:
    assert fold_text(text) == fold_text_re(text)


@needs_helper
@given(st.text(max_size=30))
def test_a_character_map_translates_as_str_translate_with_the_same_table(text: str) -> None:
    table = {ord("a"): "", ord("b"): "xy", ord("c"): "long value", 0x1F602: "!"}
    missing = str.upper
    reference = {**table}
    for ch in text:
        reference.setdefault(ord(ch), missing(ch))
    charmap = compiled.CharMap(missing, table, astral_limit=1)
    assert charmap.translate(text) == text.translate(reference)
    assert charmap.translate(text) == text.translate(reference)  # from what it stored the first time


@needs_helper
def test_a_character_map_calls_missing_once_per_character_and_checks_what_it_returns() -> None:
    seen: list[str] = []

    def missing(ch: str) -> str:
        seen.append(ch)
        return ch * 3

    charmap = compiled.CharMap(missing)
    assert charmap.translate("abca") == "aaabbbcccaaa"
    assert charmap.translate("cab") == "cccaaabbb"
    assert seen == ["a", "b", "c"]
    with pytest.raises(TypeError):
        compiled.CharMap(lambda ch: 1).translate("x")
    with pytest.raises(TypeError):
        compiled.CharMap("not callable")
    with pytest.raises(RuntimeError):
        charmap.__init__(missing)


@needs_helper
def test_the_pipeline_uses_the_compiled_passes() -> None:
    assert fold_text.__self__.__class__ is compiled.CharMap
    assert squash_collapse is compiled.squash_collapse
    assert spam.fingerprint is compiled.fingerprint and spam.content_counts is compiled.content_counts


@needs_helper
@pytest.mark.parametrize("function", ["squash_collapse", "fingerprint", "content_counts"])
def test_a_non_string_is_a_type_error(function: str) -> None:
    with pytest.raises(TypeError):
        getattr(compiled, function)(b"bytes")


@pytest.mark.slow
def test_the_pure_python_fallback_passes_the_moderation_suite() -> None:
    """Without the compiled helper (no C compiler), the regular expressions give the same decisions."""
    env = {**os.environ, "LIVEDESK_PURE_PYTHON_MODERATION": "1"}
    tests = Path(__file__).parent
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", str(tests),
                           "-k", "not pure_python_fallback and not ci_builds"],  # not itself, nor the check of the build
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "10 skipped" in done.stdout, done.stdout[-500:]


def test_ci_builds_the_helper() -> None:
    """make setup builds it; in CI a missing build would silently run the slower fallback."""
    if os.environ.get("CI") == "true":
        assert compiled is not None
