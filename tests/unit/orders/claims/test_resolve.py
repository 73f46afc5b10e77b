"""Resolving chat claims against a line-up (pure, issue 13): link numbers, codes, variant words, quantity limits."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.claims.resolve import ClaimRequest, Lineup, LineupProduct, VariantChoice, attribute_key, resolve
from orders.claims.status import claim_status

TEE = LineupProduct(1, "TEE", Decimal("59"), None, (
    VariantChoice("TEE-M-BLK", frozenset({"M", "BLK", "黑"})), VariantChoice("TEE-M-WHT", frozenset({"M", "WHT", "白"})),
    VariantChoice("TEE-L-BLK", frozenset({"L", "BLK", "黑"}))))
MUG = LineupProduct(2, "MUG", Decimal("20"), Decimal("15"))
A12 = LineupProduct(7, "A12", Decimal("99"))
LINEUP = Lineup((TEE, MUG, A12))


@pytest.mark.parametrize("request_, product, variant, qty", [
    (ClaimRequest("2"), "MUG", None, 1),
    (ClaimRequest("2", qty=3), "MUG", None, 3),
    (ClaimRequest("1", ("M", "黑色")), "TEE", "TEE-M-BLK", 1),
    (ClaimRequest("1", ("l",)), "TEE", "TEE-L-BLK", 1),
    (ClaimRequest("A12", qty=2), "A12", None, 2),
    (ClaimRequest("a-12"), "A12", None, 1),
    (ClaimRequest("TEE-M-WHT"), "TEE", "TEE-M-WHT", 1),
    (ClaimRequest("B2"), "MUG", None, 1),  # an on-air code: letters and the link number
])
def test_a_claim_resolves_to_a_product_and_variant_with_quantity_one_by_default(request_, product, variant, qty):
    assert resolve(request_, LINEUP, 10) == resolve(request_, LINEUP, 10)
    found = resolve(request_, LINEUP, 10)
    assert (found.product_sku, found.variant_sku, found.qty, found.reason) == (product, variant, qty, None)


@pytest.mark.parametrize("request_, reason", [
    (ClaimRequest("9"), "unknown_link"),
    (ClaimRequest("ZZ99"), "unknown_link"),
    (ClaimRequest(None), "link_missing"),
    (ClaimRequest("1"), "variant_missing"),
    (ClaimRequest("1", ("M",)), "variant_missing"),  # M comes in black and white
    (ClaimRequest("1", ("XXL",)), "unknown_variant"),
    (ClaimRequest("2", qty=11), "qty_over_limit"),
])
def test_an_unresolvable_claim_says_why(request_, reason):
    assert resolve(request_, LINEUP, 10).reason == reason


def test_a_claim_without_a_link_is_for_the_pinned_product():
    pinned = Lineup((TEE, MUG), pinned_sku="MUG")
    assert resolve(ClaimRequest(None, qty=2), pinned, 10).sku == "MUG"


def test_the_unit_price_is_the_live_price_when_the_host_set_one():
    assert LINEUP.unit_price("MUG", None) == Decimal("15")
    assert LINEUP.unit_price("TEE", "TEE-M-BLK") == Decimal("59")


def test_sizes_and_colours_are_compared_in_one_form():
    assert attribute_key("黑色") == "黑" and attribute_key("xxl") == "2XL" and attribute_key("38码") == "38"


@pytest.mark.parametrize("reason, order_status, ordered, status", [
    ("unknown_link", None, False, "unresolved"),
    (None, None, False, "claimed"),
    (None, "claimed", False, "claimed"),
    (None, "accepted", True, "ordered"),
    (None, "held", True, "ordered"),
    (None, "paid", True, "paid"),
    (None, "expired", False, "expired"),
    (None, "rejected", True, "cancelled"),
])
def test_a_claims_status_follows_its_order(reason, order_status, ordered, status):
    from datetime import UTC, datetime

    assert claim_status(reason, order_status, datetime.now(UTC) if ordered else None) == status
