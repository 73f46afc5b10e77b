"""Price check: the platform's unit prices and paid amount must match our pricing."""
from __future__ import annotations

from orders.audit import AuditPolicy, BuyerHistory, Coupon, OrderDraft, check_pricing, decide, price_order
from tests.unit.orders.audit.builders import NOW, D, catalog, line, order


def check(draft: OrderDraft, policy: AuditPolicy | None = None, promos: list | None = None) -> list:
    """Return the pricing findings of ``draft``."""
    pricing = price_order(draft, catalog(), promos or [], BuyerHistory(), NOW)
    return check_pricing(draft, pricing, policy or AuditPolicy())


def test_matching_prices_give_no_findings() -> None:
    assert check(order(line("TEA", 2, D("80")), paid_amount=D("160"))) == []


def test_platform_unit_price_differing_from_ours_holds() -> None:
    found = check(order(line("TEA", 1, D("79.99"))))
    assert [(f.code, f.field) for f in found] == [("price_mismatch", "items[0].unit_price")]
    assert found[0].data == {"expected": "80.00", "actual": "79.99"}
    assert decide(found, stock_ok=True) == "held"


def test_paid_amount_differing_from_our_total_holds() -> None:
    found = check(order(line("TEA", 2), paid_amount=D("150")))
    assert [(f.code, f.field) for f in found] == [("price_mismatch", "paid_amount")]


def test_differences_within_the_tolerance_are_accepted() -> None:
    assert check(order(line("TEA", 1, D("79.99"))), AuditPolicy(price_tolerance=D("0.01"))) == []


def test_prices_are_not_compared_when_a_line_cannot_be_priced() -> None:
    assert check(order(line("TEA", 1, D("1")), line("GHOST"), paid_amount=D("1"))) == []


def test_refused_coupon_is_an_info_finding_for_the_buyer() -> None:
    save = Coupon(code="SAVE20", kind="fixed", value=D("20"), min_spend=D("200"))
    [found] = check(order(coupon_codes=["SAVE20"]), promos=[save])
    assert (found.code, found.severity, found.buyer_notice) == ("coupon_refused", "info", True)
    assert found.message["en"] == "SAVE20: min spend ¥200 not met (¥80)"
    assert decide([found], stock_ok=True) == "accepted"
