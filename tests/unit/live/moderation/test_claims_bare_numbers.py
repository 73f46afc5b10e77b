"""A bare number in a claim is read by where it stands (probe 1, F1): after the verb and followed by a size, a colour
or another number it names the link ("SOLD 8 M 黑色 1" is one unit of link 8 in M black, not eight of the pinned
product); a quantity has a unit (件, x2, +2) or is the bare number after the link and its words."""
from __future__ import annotations

import pytest

from live.moderation.rules.claims import Claim, ClaimTerms, claim_terms, parse_claim

LINK_THEN_QUANTITY = [
    ("SOLD 8 M 黑色 1", ClaimTerms("8", ("M", "黑色"), 1)),
    ("SOLD 8 M 1", ClaimTerms("8", ("M",), 1)),
    ("SOLD 2 M 1", ClaimTerms("2", ("M",), 1)),
    ("拍 2 M 黑色", ClaimTerms("2", ("M", "黑色"), None)),
    ("拍 2 M 黑色 1", ClaimTerms("2", ("M", "黑色"), 1)),
    ("SOLD 8 2", ClaimTerms("8", (), 2)),
    ("SOLD 8 2件", ClaimTerms("8", (), 2)),
    ("拍了 2件 8", ClaimTerms("8", (), 2)),  # the quantity has its unit, so the bare number is the link
    ("+1 8 M", ClaimTerms("8", ("M",), 1)),
    ("SOLD 08 XL x2", ClaimTerms("8", ("XL",), 2)),
]


@pytest.mark.parametrize(("text", "terms"), LINK_THEN_QUANTITY, ids=[f"link:{t}" for t, _ in LINK_THEN_QUANTITY])
def test_a_bare_number_followed_by_more_terms_names_the_link(text: str, terms: ClaimTerms) -> None:
    assert claim_terms(text) == terms


def test_the_moderated_claim_carries_the_quantity_not_the_link() -> None:
    # The stored claim is what the audit compares the platform's order with: one unit, not eight.
    assert parse_claim("SOLD 8 M 黑色 1") == Claim(None, "M", 1)


AS_BEFORE = [
    ("SOLD 2", ClaimTerms(None, (), 2)),  # a lone number after the verb is still a quantity of the pinned product
    ("拍了 M 2", ClaimTerms(None, ("M",), 2)),  # the trailing number after the words
    ("SOLD A12 M 2", ClaimTerms("A12", ("M",), 2)),
    ("SOLD A12 2", ClaimTerms("A12", (), 2)),
    ("拍了 3号 M 2", ClaimTerms("3", ("M",), 2)),
    ("拍了 2 3号", ClaimTerms("3", (), 2)),
    ("2号 +1", ClaimTerms("2", (), 1)),
    ("拍了 2件 3号", ClaimTerms("3", (), 2)),
]


@pytest.mark.parametrize(("text", "terms"), AS_BEFORE, ids=[f"as-before:{t}" for t, _ in AS_BEFORE])
def test_a_bare_number_beside_a_named_link_or_alone_is_the_quantity(text: str, terms: ClaimTerms) -> None:
    assert claim_terms(text) == terms


@pytest.mark.parametrize(("text", "terms"), [
    ("拍了 #3 M", ClaimTerms("3", ("M",), None)),
    ("我要 link 4 xl 2", ClaimTerms("4", ("XL",), 2)),
    ("SOLD no. 3 M 2", ClaimTerms("3", ("M",), 2)),
    ("3 2 1 拍了", ClaimTerms(None, (), None)),  # a countdown before the claim is no quantity
    ("3 2 1 拍了 3号", ClaimTerms("3", (), None)),
])
def test_the_number_of_a_link_and_a_countdown_before_the_claim_are_no_quantity(text: str, terms: ClaimTerms) -> None:
    assert claim_terms(text) == terms


@pytest.mark.parametrize("text", ["SOLD 8 M 0", "拍 2 M 0"])
def test_asking_for_no_units_of_a_link_claims_nothing(text: str) -> None:
    assert claim_terms(text) is None
