"""The compiled helper gives exactly what the regular expressions give, and CI runs with it built."""

from __future__ import annotations

import os

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from live.moderation import spam
from live.moderation.normalize import squash_collapse, squash_collapse_re
from live.moderation.speedups import compiled

pytestmark = pytest.mark.skipif(compiled is None, reason="live/moderation/_speedups.c is not built (make setup)")

# Characters each branch of the passes cares about: Han (and unassigned code points inside the Han
# ranges, which are separators there), Latin, digits of several scripts, Chinese numerals, spaces,
# separators, '_', emoji and arrows, Latin-1 capitals, full-width letters, '×'.
ALPHABET = st.sampled_from(list(
    "微信号骗子一二三零〇幺两壹玖拾abcxyzAZwhtsp0123456789٣߂ _.-❤·,!?？。、\t\n\u200d\ufe0f😂👍→⌚"
    "ÀÉÞß×÷ĀſＡＺａｚ\ufada\u9ffe\U0002a6e0\U00020001"
))
TEXTS = st.text(ALPHABET, max_size=40) | st.text(max_size=30)


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
@example("w h a t s a p p")
@example("微 . 信")
@example("中 \ufada a")
@example("哈哈哈哈 666 scaaam!!!")
@example("一一一 ٣٣٣ ___")
def test_squash_collapse_matches_the_regular_expressions(text: str) -> None:
    assert compiled.squash_collapse(text) == squash_collapse_re(text)


@settings(max_examples=1000, deadline=None)
@given(TEXTS)
@example("+1")
@example("buy now!!! 2")
@example("٣_½")
def test_fingerprint_matches_the_regular_expressions(text: str) -> None:
    assert compiled.fingerprint(text) == spam.fingerprint_re(text)


@settings(max_examples=1000, deadline=None)
@given(TEXTS)
@example("HELLO World!! 😂 → ×÷")
def test_content_counts_match_the_regular_expressions(text: str) -> None:
    assert compiled.content_counts(text) == spam.content_counts_re(text)


def test_the_pipeline_uses_the_compiled_passes() -> None:
    assert squash_collapse is compiled.squash_collapse
    assert spam.fingerprint is compiled.fingerprint and spam.content_counts is compiled.content_counts


@pytest.mark.parametrize("function", ["squash_collapse", "fingerprint", "content_counts"])
def test_a_non_string_is_a_type_error(function: str) -> None:
    with pytest.raises(TypeError):
        getattr(compiled, function)(b"bytes")


def test_ci_builds_the_helper() -> None:
    """make setup builds it; in CI a missing build would silently run the slower fallback."""
    if os.environ.get("CI") == "true":
        assert compiled is not None
