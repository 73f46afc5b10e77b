"""Risk: duplicate orders, blocklisted buyers and abnormal quantities hold the order."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from orders.audit import AuditPolicy, Blocklist, BuyerHistory, Finding, OrderDraft, PastOrder, check_risk, decide
from tests.unit.orders.audit.builders import NOW, address, buyer, codes, line, order


def earlier(seconds: int, items: dict[str, int] | None = None, order_id: str = "order-0",
            paid: bool = False) -> BuyerHistory:
    """Return a history with one order ``seconds`` before NOW (one TEA by default)."""
    past = PastOrder(order_id, items if items is not None else {"TEA": 1}, NOW - timedelta(seconds=seconds), paid)
    return BuyerHistory(recent_orders=[past])


def risk(draft: OrderDraft | None = None, history: BuyerHistory | None = None, blocklist: Blocklist | None = None,
         policy: AuditPolicy | None = None) -> list[Finding]:
    """Return the risk findings of ``draft`` (a clean order by default)."""
    return check_risk(draft or order(), history or BuyerHistory(), blocklist or Blocklist(), policy or AuditPolicy())


def test_clean_order_has_no_risk_findings() -> None:
    assert risk() == []


def test_same_items_within_the_window_is_a_duplicate_that_holds() -> None:
    found = risk(history=earlier(5))
    assert codes(found) == ["duplicate_order"]
    assert found[0].data == {"previous": "order-0"}
    assert decide(found, stock_ok=True) == "held"


def test_same_items_outside_the_window_is_not_a_duplicate() -> None:
    assert risk(history=earlier(61)) == []


def test_different_items_are_not_a_duplicate() -> None:
    assert risk(history=earlier(1, {"TEA": 2})) == []


def test_items_compare_as_totals_per_sku() -> None:
    assert codes(risk(order(line("TEA"), line("TEA")), history=earlier(1, {"TEA": 2}))) == ["duplicate_order"]


def test_the_order_itself_is_not_its_own_duplicate() -> None:
    assert risk(history=earlier(1, order_id="order-1")) == []


def test_the_default_window_suits_a_flash_sale_a_double_tap_is_held_a_second_purchase_minutes_later_is_not() -> None:
    assert AuditPolicy().duplicate_window_seconds == 60
    assert codes(risk(history=earlier(60))) == ["duplicate_order"]
    assert risk(history=earlier(3 * 60)) == []


def test_two_paid_orders_of_the_same_items_are_two_purchases_not_a_duplicate() -> None:
    paid = order(paid_amount=Decimal("80.00"))
    assert risk(paid, history=earlier(5, paid=True)) == []


@pytest.mark.parametrize(("this_paid", "past_paid"), [(False, True), (True, False), (False, False)])
def test_same_items_within_the_window_are_a_duplicate_unless_both_are_paid(this_paid: bool, past_paid: bool) -> None:
    draft = order(paid_amount=Decimal("80.00") if this_paid else None)
    assert codes(risk(draft, history=earlier(5, paid=past_paid))) == ["duplicate_order"]


def test_zero_window_turns_duplicate_detection_off() -> None:
    assert risk(history=earlier(0), policy=AuditPolicy(duplicate_window_seconds=0)) == []


@pytest.mark.parametrize(
    ("blocklist", "field"),
    [
        (Blocklist(buyer_ids=frozenset({"buyer-1"})), "buyer.id"),
        (Blocklist(phones=frozenset({"+86 138-1234-5678"})), "buyer.phone"),
        (Blocklist(addresses=frozenset({"浙江省杭州市西湖区文三路1号"})), "buyer.address"),
    ],
)
def test_blocklisted_buyer_id_phone_or_address_holds(blocklist: Blocklist, field: str) -> None:
    [found] = risk(blocklist=blocklist)
    assert (found.code, found.field, found.buyer_notice) == ("blocklisted", field, False)


def test_blocklisted_address_ignores_spacing_and_punctuation() -> None:
    draft = order(buyer=buyer(address=address(detail="文三路，1号 ")))
    assert codes(risk(draft, blocklist=Blocklist(addresses=frozenset({"浙江省 杭州市 西湖区 文三路 1 号"})))) == [
        "blocklisted"]


def test_quantity_above_the_threshold_is_abnormal() -> None:
    [found] = risk(order(line("MUG", 1), line("TEA", 30), line("TEA", 21)))
    assert (found.code, found.field, found.data["qty"]) == ("abnormal_quantity", "items[1].qty", 51)


def test_quantity_at_the_threshold_is_normal() -> None:
    assert risk(order(line("TEA", 50))) == []
