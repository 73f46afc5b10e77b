"""Size and colour words never land silently on a product that has no variants (probe 1, F1): the claim stays
unresolved with the reason unknown_variant ("no such size or colour"), for the pinned product and by link."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.claims.resolve import ClaimRequest, Lineup, LineupProduct, VariantChoice, resolve

TEA = LineupProduct(1, "TEA", Decimal("268"))
SHIRT = LineupProduct(8, "SHIRT", Decimal("59"), None, (
    VariantChoice("SHIRT-M-BLK", frozenset({"M", "BLK", "黑"})), VariantChoice("SHIRT-M-WHT", frozenset({"M", "WHT", "白"}))))
LINEUP = Lineup((TEA, SHIRT), pinned_sku="TEA")


@pytest.mark.parametrize("request_", [
    ClaimRequest(None, ("M",), 1),
    ClaimRequest(None, ("M", "黑色")),
    ClaimRequest("1", ("红",)),
    ClaimRequest("TEA", ("XL",), 2),
])
def test_words_for_a_product_without_variants_leave_the_claim_unresolved(request_):
    found = resolve(request_, LINEUP, 10)
    assert (found.product_sku, found.variant_sku, found.reason) == ("TEA", None, "unknown_variant")


def test_a_product_without_variants_still_resolves_when_no_word_is_said():
    found = resolve(ClaimRequest(None, qty=2), LINEUP, 10)
    assert (found.sku, found.qty, found.reason) == ("TEA", 2, None)


def test_the_link_and_words_a_claim_names_pick_that_products_variant():
    found = resolve(ClaimRequest("8", ("M", "黑色"), 1), LINEUP, 10)
    assert (found.sku, found.qty, found.reason) == ("SHIRT-M-BLK", 1, None)
