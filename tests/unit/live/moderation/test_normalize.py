"""Normalisation: every evasion folds to the plain key, and the key maps back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from live.moderation.rules import normalize

EVASIONS = [
    # full-width
    ("ＷＥＣＨＡＴ", "wechat"),
    ("ｗｈａｔｓａｐｐ", "whatsap"),
    ("１３８１２３４５６７８", "13812345678"),
    ("Ａ１２", "a12"),
    ("微信？", "微信?"),
    # circled and enclosed
    ("ⓦⓔⓒⓗⓐⓣ", "wechat"),
    ("Ⓢⓒⓐⓜ", "scam"),
    ("①③⑧", "138"),
    # mathematical alphanumerics
    ("𝐬𝐜𝐚𝐦", "scam"),
    ("𝓼𝓬𝓪𝓶", "scam"),
    ("𝕤𝕔𝕒𝕞", "scam"),
    ("𝟏𝟑𝟖", "138"),
    # Traditional → Simplified
    ("微信號", "微信号"),
    ("騙子", "骗子"),
    ("對手店", "对手店"),
    ("聯繫我", "联系我"),
    ("這件衣服多少錢", "这件衣服多少钱"),
    # Cyrillic and Greek homoglyphs
    ("ѕсаm", "scam"),
    ("ЅСАМ", "scam"),
    ("whаtsаpp", "whatsap"),
    ("ѕcαm", "scam"),
    ("ΑΒΕ", "abe"),
    ("οrder", "order"),
    # accents
    ("scàm", "scam"),
    ("sca\u0301m", "scam"),
    # zero-width and invisible characters
    ("微\u200b信", "微信"),
    ("sc\u200dam", "scam"),
    ("w\ufeffhatsapp", "whatsap"),
    ("微\u2060信", "微信"),
    ("s\u00adcam", "scam"),
    ("微\u3164信", "微信"),
    # separators between characters
    ("微 信", "微信"),
    ("微.信", "微信"),
    ("微❤信", "微信"),
    ("微-信", "微信"),
    ("微 . 信", "微信"),
    ("w h a t s a p p", "whatsap"),
    ("s.c.a.m", "scam"),
    ("s-c-a-m", "scam"),
    ("s_c_a_m", "scam"),
    ("1 3 8 0 0", "13800"),
    # repeated characters
    ("scaaaam", "scam"),
    ("sccaamm", "scam"),
    ("微微微信信信", "微信"),
    ("哈哈哈哈", "哈"),
    ("!!!!", "!"),
    ("a   b", "a b"),
]

KEPT = [
    ("谢谢", "谢谢"),  # Chinese reduplication is language, not evasion
    ("宝宝看看", "宝宝看看"),
    ("66666", "66666"),  # digits never collapse: phone numbers keep their length
    ("一一一", "一一一"),
    ("多少钱", "多少钱"),
    ("SOLD A12 M 2", "sold a12 m 2"),  # two one-character tokens are not a spelled-out word
    ("有没有 L 码", "有没有 l 码"),
    ("+86 138-1234-5678", "+86 138-1234-5678"),
]


@pytest.mark.parametrize(("text", "key"), EVASIONS, ids=[f"evasion:{t}" for t, _ in EVASIONS])
def test_evasion_folds_to_the_plain_key(text: str, key: str) -> None:
    assert normalize(text).text == key


@pytest.mark.parametrize(("text", "key"), KEPT, ids=[f"kept:{t}" for t, _ in KEPT])
def test_ordinary_text_keeps_its_shape(text: str, key: str) -> None:
    assert normalize(text).text == key


OFFSETS = [
    ("ＷＥＣＨＡＴ", [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]),
    ("微 信", [(0, 1), (2, 3)]),
    ("scaaam", [(0, 1), (1, 2), (2, 5), (5, 6)]),
    ("ﬁne", [(0, 1), (0, 1), (1, 2), (2, 3)]),
    ("a\u200bb!", [(0, 1), (2, 3), (3, 4)]),
    ("①⑩", [(0, 1), (1, 2), (1, 2)]),
    ("微❤❤信号", [(0, 1), (3, 4), (4, 5)]),
    ("w h a t", [(0, 1), (2, 3), (4, 5), (6, 7)]),
]


@pytest.mark.parametrize(("text", "offsets"), OFFSETS, ids=[f"offsets:{t}" for t, _ in OFFSETS])
def test_offsets_map_each_key_character_to_its_original_span(text: str, offsets: list[tuple[int, int]]) -> None:
    assert normalize(text).offsets == offsets


SPANS = [
    ("加我 Ｗ.Ｅ.Ｃ.Ｈ.Ａ.Ｔ 好吗", "wechat", "Ｗ.Ｅ.Ｃ.Ｈ.Ａ.Ｔ"),
    ("加我微\u200b信啊", "微信", "微\u200b信"),
    ("这是scaaam吧", "scam", "scaaam"),
    ("問騙子", "骗子", "騙子"),
]


@pytest.mark.parametrize(("text", "needle", "original"), SPANS, ids=[f"span:{n}" for _, n, _ in SPANS])
def test_span_of_a_key_match_highlights_the_original_text(text: str, needle: str, original: str) -> None:
    normalized = normalize(text)
    start = normalized.text.index(needle)
    begin, end = normalized.span(start, start + len(needle))
    assert text[begin:end] == original


def test_folded_text_keeps_separators_and_doubled_letters() -> None:
    normalized = normalize("Ｈｔｔｐｓ://WWW.Shop.com")
    assert normalized.folded == "https://www.shop.com"
    assert normalized.folded_span(0, 5) == (0, 5)


TEXTS = st.text(
    alphabet=st.sampled_from(
        list("abcdefgsxyzAB 12345.-_!?，。微信号骗子謝谢哈一二三")
        + ["\u200b", "ﬁ", "①", "⑩", "Ｗ", "ѕ", "ß", "\u00e9", "\u0301", "❤", "\t"]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_traced_offsets_agree_with_the_fast_key(text: str) -> None:
    normalized = normalize(text)
    offsets = normalized.offsets  # replays the steps character by character
    assert len(offsets) == len(normalized.text)
    assert len(normalized.folded_offsets) == len(normalized.folded)
    starts = [start for start, _ in offsets]
    assert starts == sorted(starts)
    assert all(0 <= start < end <= len(text) for start, end in offsets)
