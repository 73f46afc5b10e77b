"""A quantity the buyer wrote is the quantity claimed, however large; a quantity of no units claims nothing; colours
named without 色 are variant words when they stand on their own, and ordinary chat stays ordinary."""
from __future__ import annotations

import pytest

from live.moderation.rules.claims import MAX_KEPT_QTY, Claim, ClaimTerms, claim_terms, parse_claim

WRITTEN_QUANTITIES = [
    ("拍了 1000件 6号", 1000),
    ("拍了 2500件 A12", 2500),
    ("sold a12 x1000", 1000),
    ("SOLD A12 M 1000", 1000),
    ("+1000", 1000),
    ("拍了 一百件 3号", 100),
    ("拍了 一百零五件", 105),
    ("拍了 一百二件", 120),
    ("拍了 两千件", 2000),
    ("要 三万五件", 35_000),
    ("拍了 2.0件 3号", 2),
    ("拍了 99999999999999件 3号", MAX_KEPT_QTY),
]


@pytest.mark.parametrize(("text", "qty"), WRITTEN_QUANTITIES, ids=[f"qty:{t}" for t, _ in WRITTEN_QUANTITIES])
def test_the_claimed_quantity_is_the_one_written_even_far_over_any_limit(text: str, qty: int) -> None:
    claim = parse_claim(text)
    assert claim is not None and claim.qty == qty


def test_a_large_quantity_reaches_the_line_up_as_written() -> None:
    assert claim_terms("拍了 1000件 6号") == ClaimTerms("6", (), 1000)


NO_UNITS = ["拍了 0件 6号", "+0", "sold a12 x0", "SOLD A12 M 0", "拍了 0.5件 3号", "拍了 1.5件 3号", "要 00件"]


@pytest.mark.parametrize("text", NO_UNITS, ids=[f"no-units:{t}" for t in NO_UNITS])
def test_asking_for_no_units_or_a_fraction_of_one_is_no_claim(text: str) -> None:
    assert parse_claim(text) is None
    assert claim_terms(text) is None


@pytest.mark.parametrize(("text", "claim"), [
    ("拍了 2件 A12", Claim("A12", None, 2)),
    ("A12 2XL 拍十件", Claim("A12", "2XL", 10)),
    ("要 二十件", Claim(None, None, 20)),
    ("拍了 零件", Claim(None, None, None)),  # 零件 is a spare part, not zero units
])
def test_ordinary_quantities_read_as_before(text: str, claim: Claim) -> None:
    assert parse_claim(text) == claim


@pytest.mark.parametrize("text", ["+12345", "+8613812345678", "A12 5"])
def test_a_long_figure_after_a_plus_or_beside_a_code_alone_is_no_claim(text: str) -> None:
    assert parse_claim(text) is None


BARE_COLOURS = [
    ("拍了 3号 L 藏青", ClaimTerms("3", ("L", "藏青"), None)),
    ("拍了 3号 藏青 L", ClaimTerms("3", ("藏青", "L"), None)),
    ("拍了3号藏青", ClaimTerms("3", ("藏青",), None)),
    ("拍了 2件 5号 黑", ClaimTerms("5", ("黑",), 2)),
    ("拍了 5号 白的", ClaimTerms("5", ("白",), None)),
    ("拍了 1号 卡其 M", ClaimTerms("1", ("卡其", "M"), None)),
    ("拍了 1号 米白", ClaimTerms("1", ("米白",), None)),
    ("拍了 1号 米白色", ClaimTerms("1", ("米白色",), None)),
    ("+1 红", ClaimTerms(None, ("红",), 1)),
    ("A12 酒红", ClaimTerms("A12", ("酒红",), None)),
]


@pytest.mark.parametrize(("text", "terms"), BARE_COLOURS, ids=[f"colour:{t}" for t, _ in BARE_COLOURS])
def test_a_colour_named_without_se_is_a_variant_word(text: str, terms: ClaimTerms) -> None:
    assert claim_terms(text) == terms


def test_a_bare_colour_is_the_claims_variant_when_it_comes_first() -> None:
    assert parse_claim("拍了 3号 藏青 L") == Claim(None, "藏青", None)


COLOUR_WORDS_IN_CHAT = [
    "粉丝来了",
    "粉丝要来了吗",
    "要红包",
    "我要 明白",
    "买了白菜",
    "来个 咖啡",
    "要 白 开水",
    "买 红 的",
    "我要看看 黑 粉",
    "主播好白 要抱抱",
    "3号 L 藏青",
]


@pytest.mark.parametrize("text", COLOUR_WORDS_IN_CHAT, ids=[f"chat:{t}" for t in COLOUR_WORDS_IN_CHAT])
def test_colour_characters_in_ordinary_chat_make_no_claim(text: str) -> None:
    assert parse_claim(text) is None


@pytest.mark.parametrize(("text", "words"), [
    ("拍了 3米", ()),  # a length, not beige
    ("拍了 3号 红包", ()),
    ("拍了 3号 黑粉", ()),
])
def test_a_colour_character_inside_a_word_or_after_a_number_is_no_variant_word(text: str, words: tuple) -> None:
    terms = claim_terms(text)
    assert terms is not None and terms.words == words
