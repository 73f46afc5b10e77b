"""What a chat claim names for the line-up (pure, issue 13): link numbers in their spoken forms, codes, sizes and
colours, quantity."""
from __future__ import annotations

import pytest

from live.moderation.rules.claims import ClaimTerms, claim_terms


@pytest.mark.parametrize("text, terms", [
    ("拍了 2件 3号", ClaimTerms("3", (), 2)),
    ("3号链接 拍了 M 黑色", ClaimTerms("3", ("M", "黑色"), None)),
    ("拍了一件三号", ClaimTerms("3", (), 1)),
    ("我要 link 4 xl", ClaimTerms("4", ("XL",), None)),
    ("下单了 38码 2号", ClaimTerms("2", ("38",), None)),
    ("SOLD A12 M 2", ClaimTerms("A12", ("M",), 2)),
    ("+1", ClaimTerms(None, (), 1)),
    ("拍了 3号 驼色 1", ClaimTerms("3", ("驼色",), 1)),
    ("SOLD 8 M 橙色 1", ClaimTerms("8", ("M", "橙色"), 1)),
    ("我要 2号 杏色", ClaimTerms("2", ("杏色",), None)),
])
def test_a_claim_names_its_link_variant_words_and_quantity(text, terms):
    assert claim_terms(text) == terms


@pytest.mark.parametrize("text", ["1号链接", "多少钱？", "主播好美", "hello 3号", "要 金额 多少", "来 金"])
def test_a_message_that_claims_nothing_names_nothing(text):
    assert claim_terms(text) is None
