"""Completeness: what is missing holds the order and asks the buyer; nothing is rejected for it."""
from __future__ import annotations

from typing import Any

import pytest

from orders.audit import (AuditPolicy, BuyerHistory, CatalogItem, CatalogView, ClaimView, OrderDraft,
    check_completeness, decide)
from tests.unit.orders.audit.builders import D, address, buyer, catalog, codes, line, order


def check(draft: OrderDraft, claim: ClaimView | None = None, history: BuyerHistory | None = None,
          policy: AuditPolicy | None = None) -> list:
    """Return the completeness findings of ``draft`` against the test catalogue."""
    return check_completeness(draft, catalog(), claim, history or BuyerHistory(), policy or AuditPolicy())


def test_complete_order_has_no_findings() -> None:
    assert check(order()) == []


def test_missing_phone_holds_and_asks_buyer() -> None:
    [found] = check(order(buyer=buyer(phone="  ")))
    assert (found.code, found.field, found.buyer_notice) == ("phone_missing", "buyer.phone", True)
    assert decide([found], stock_ok=True) == "held"


def test_invalid_phone_holds_and_asks_buyer() -> None:
    [found] = check(order(buyer=buyer(phone="12345")))
    assert (found.code, found.buyer_notice) == ("phone_invalid", True)


def test_missing_name_holds_and_asks_buyer() -> None:
    [found] = check(order(buyer=buyer(name=None)))
    assert (found.code, found.field, found.buyer_notice) == ("buyer_name_missing", "buyer.name", True)


@pytest.mark.parametrize("part", ["province", "city", "district", "detail"])
def test_each_missing_address_part_is_named(part: str) -> None:
    [found] = check(order(buyer=buyer(address=address(**{part: ""}))))
    assert (found.code, found.field) == ("address_missing", f"buyer.address.{part}")


def test_messages_come_in_english_and_chinese() -> None:
    [found] = check(order(buyer=buyer(address=address(city=None))))
    assert "city" in found.message["en"]
    assert "城市" in found.message["zh-CN"]


def test_order_without_items_holds_and_asks_buyer() -> None:
    assert codes(check(order(items=[]))) == ["items_missing"]


def test_unsupported_source_is_rejected() -> None:
    found = check(order(source="telephone"))
    assert codes(found) == ["source_invalid"]
    assert decide(found, stock_ok=True) == "rejected"


def test_order_without_buyer_account_is_rejected() -> None:
    found = check(order(buyer=buyer(id="")))
    assert codes(found) == ["buyer_id_missing"]
    assert decide(found, stock_ok=True) == "rejected"


def test_line_without_sku_asks_which_product() -> None:
    [found] = check(order(line(sku=None)))
    assert (found.code, found.field, found.buyer_notice) == ("sku_missing", "items[0].sku", True)


def test_unknown_sku_holds_for_an_operator() -> None:
    [found] = check(order(line("TEA"), line("GHOST")))
    assert (found.code, found.field, found.buyer_notice) == ("sku_unknown", "items[1].sku", False)


def test_sku_outside_the_line_up_holds_a_live_order() -> None:
    assert codes(check(order(line("VASE"), source="product_link"))) == ["sku_not_in_lineup"]


def test_post_stream_order_may_buy_anything_in_the_catalogue() -> None:
    assert check(order(line("VASE"), source="post_stream")) == []


def test_product_with_variants_needs_a_variant() -> None:
    [found] = check(order(line("SHIRT")))
    assert (found.code, found.buyer_notice) == ("variant_missing", True)


def test_variant_sku_satisfies_the_variant_rule() -> None:
    assert check(order(line("SHIRT-RED-M"))) == []


@pytest.mark.parametrize("qty", [0, -1, 1.5, "2", True, None, [1], {"n": 1}, float("nan"), float("inf")])
def test_quantity_must_be_a_positive_integer(qty: Any) -> None:
    [found] = check(order(line(qty=qty)))
    assert (found.code, found.field) == ("qty_invalid", "items[0].qty")


def test_integral_json_float_is_a_valid_quantity() -> None:
    assert check(order(line(qty=2.0))) == []


def test_quantity_over_the_per_buyer_limit_counts_earlier_purchases() -> None:
    history = BuyerHistory(qty_by_product={"TEA": 4})
    [found] = check(order(line(qty=2)), history=history, policy=AuditPolicy(max_qty_per_buyer_per_product=5))
    assert found.code == "qty_over_limit"
    assert found.data == {"product": "TEA", "limit": 5, "before": 4, "requested": 2}


def test_per_buyer_limit_adds_up_variants_of_one_product() -> None:
    draft = order(line("SHIRT-RED-M", 2), line("SHIRT-BLUE-L", 2))
    assert codes(check(draft, policy=AuditPolicy(max_qty_per_buyer_per_product=3))) == ["qty_over_limit"]


def test_no_per_buyer_limit_when_policy_has_none() -> None:
    assert check(order(line(qty=40)), policy=AuditPolicy(max_qty_per_buyer_per_product=None)) == []


def test_claim_referenced_but_not_found_holds() -> None:
    assert codes(check(order(comment_id="c-1"), claim=None)) == ["claim_not_found"]


def test_claimed_quantity_must_match() -> None:
    [found] = check(order(line(qty=3), comment_id="c-1"), claim=ClaimView(sku="TEA", qty=2))
    assert (found.code, found.field) == ("claim_mismatch", "items[0].qty")


def test_claimed_variant_must_match() -> None:
    claim = ClaimView(sku="SHIRT", variant="SHIRT-BLUE-L", qty=1)
    [found] = check(order(line("SHIRT-RED-M"), comment_id="c-1"), claim=claim)
    assert (found.code, found.field) == ("claim_mismatch", "items")


def test_claim_of_a_product_matches_any_of_its_variants() -> None:
    claim = ClaimView(sku="SHIRT", qty=1)
    assert check(order(line("SHIRT-RED-M"), comment_id="c-1"), claim=claim) == []


def test_order_without_comment_ignores_claims() -> None:
    assert check(order(line(qty=3)), claim=ClaimView(sku="TEA", qty=2)) == []


def test_all_missing_fields_are_reported_together() -> None:
    draft = order(line(sku=None, qty=0), buyer=buyer(name="", phone=None, address=address(detail=None)))
    assert sorted(codes(check(draft))) == [
        "address_missing", "buyer_name_missing", "phone_missing", "qty_invalid", "sku_missing",
    ]


def _sizes_and_colours() -> CatalogView:
    """Return a catalogue of A12 in sizes M and L, and a jacket in M and 2XL, black or navy."""
    return CatalogView.of(
        CatalogItem("A12", "A12", D("99"), has_variants=True, in_lineup=True),
        CatalogItem("A12-M", "A12", D("99"), is_variant=True, in_lineup=True, variant_name="M"),
        CatalogItem("A12-L", "A12", D("99"), is_variant=True, in_lineup=True, variant_name="L"),
        CatalogItem("JACKET-01-M-BLK", "JACKET-01", D("599"), is_variant=True, in_lineup=True,
                    variant_name="M / 黑色 (Black)"),
        CatalogItem("JACKET-01-2XL-NVY", "JACKET-01", D("599"), is_variant=True, in_lineup=True,
                    variant_name="2XL / 藏青 (Navy)"),
        CatalogItem("TEA", "TEA", D("100"), in_lineup=True),
    )


def check_claim(sku: str, qty: int, claim: ClaimView) -> list[str]:
    """Return the codes of the completeness findings of a one-line order referring to ``claim``."""
    draft = order(line(sku, qty), comment_id="c-1")
    return codes(check_completeness(draft, _sizes_and_colours(), claim, BuyerHistory(), AuditPolicy()))


MATCHING_CLAIMS = [
    ("A12-M", 2, ClaimView("A12", "M", 2)),  # "SOLD A12 M 2" (issue 10, item 7)
    ("A12-M", 2, ClaimView("A-12", "m", 2)),
    ("A12-M", 1, ClaimView(None, "M", 1)),
    ("A12-L", 1, ClaimView("A12", None, 1)),
    ("A12-M", 1, ClaimView("A12M", None, 1)),
    ("JACKET-01-M-BLK", 1, ClaimView(None, "黑色", 1)),
    ("JACKET-01-M-BLK", 1, ClaimView("JACKET-01", "M", 1)),
    ("JACKET-01-2XL-NVY", 1, ClaimView(None, "XXL", 1)),
    ("JACKET-01-2XL-NVY", 1, ClaimView(None, "藏青色", 1)),
    ("TEA", 1, ClaimView("TEA", "M", 1)),  # a product sold in one version has no size to get wrong
]


@pytest.mark.parametrize(("sku", "qty", "claim"), MATCHING_CLAIMS, ids=[f"{c.sku} {c.variant}→{s}" for s, _, c in
                                                                       MATCHING_CLAIMS])
def test_a_claim_matches_the_product_and_the_size_or_colour_of_the_line(sku: str, qty: int, claim: ClaimView) -> None:
    assert check_claim(sku, qty, claim) == []


MISMATCHED_CLAIMS = [
    ("A12-L", 2, ClaimView("A12", "M", 2)),
    ("A12-M", 3, ClaimView("A12", "M", 2)),
    ("JACKET-01-M-BLK", 1, ClaimView("A12", "M", 1)),
    ("JACKET-01-M-BLK", 1, ClaimView(None, "藏青", 1)),
    ("A12", 1, ClaimView("A12", "M", 1)),  # the parent of variants: no size chosen
]


@pytest.mark.parametrize(("sku", "qty", "claim"), MISMATCHED_CLAIMS, ids=[f"{c.sku} {c.variant}≠{s}" for s, _, c in
                                                                         MISMATCHED_CLAIMS])
def test_a_claim_of_another_product_size_colour_or_quantity_holds(sku: str, qty: int, claim: ClaimView) -> None:
    assert "claim_mismatch" in check_claim(sku, qty, claim)


def test_the_mismatch_names_the_claimed_product_and_size() -> None:
    draft = order(line("A12-L", 2), comment_id="c-1")
    [found] = check_completeness(draft, _sizes_and_colours(), ClaimView("A12", "M", 2), BuyerHistory(), AuditPolicy())
    assert found.message["en"] == "You claimed A12 M in the chat, but the order does not contain it."
