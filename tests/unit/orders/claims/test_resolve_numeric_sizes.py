"""A bare number that is one of the product's sizes ("39" for a shoe) picks that variant, and the quantity is then
the next number, or the written one, or 1 (probe 2 of session 12: every shoe claim of the demo stayed unresolved)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from live.moderation.rules.claims import claim_terms
from orders.claims.resolve import ClaimRequest, Lineup, LineupProduct, VariantChoice, resolve

SHOES = LineupProduct(4, "SNEAKER-01", Decimal("459"), None, tuple(
    VariantChoice(f"SNEAKER-01-{size}", frozenset({size})) for size in ("38", "39", "40", "41", "42", "43")))
TEA = LineupProduct(1, "TEA", Decimal("268"))
LINEUP = Lineup((TEA, SHOES), pinned_sku="TEA")


def _request(text: str) -> ClaimRequest:
    terms = claim_terms(text)
    assert terms is not None
    return ClaimRequest(terms.link, terms.words, terms.qty, terms.numbers, terms.qty_from_number)


@pytest.mark.parametrize("text, sku, qty", [
    ("SOLD A4 39 1", "SNEAKER-01-39", 1),
    ("SOLD A4 40 2", "SNEAKER-01-40", 2),
    ("SOLD A4 41", "SNEAKER-01-41", 1),
    ("拍了 1件 4号 39", "SNEAKER-01-39", 1),
    ("拍了 2件 A4 42", "SNEAKER-01-42", 2),
    ("take A4 38 x1", "SNEAKER-01-38", 1),
    ("拍了 4号 39码", "SNEAKER-01-39", 1),
])
def test_a_numeric_size_picks_the_shoe_and_the_quantity_is_what_else_was_said(text, sku, qty):
    found = resolve(_request(text), LINEUP, 10)
    assert (found.sku, found.qty, found.reason) == (sku, qty, None)


def test_a_number_that_is_no_size_of_the_product_stays_the_quantity():
    found = resolve(_request("SOLD A4 2"), LINEUP, 10)
    assert (found.product_sku, found.qty, found.reason) == ("SNEAKER-01", 2, "variant_missing")
    tea = resolve(_request("SOLD A1 39"), LINEUP, 100)
    assert (tea.sku, tea.qty, tea.reason) == ("TEA", 39, None)  # the tea has no sizes: 39 units, as written


def test_two_claims_read_the_same_when_link_words_and_quantity_are_the_same():
    assert claim_terms("SOLD A4 39 1") == claim_terms("SOLD A4 39 1 ")
