"""Which units a refund_only refund takes off what is left to ship (orders/fulfilment/rules.py, pure)."""
from __future__ import annotations

from decimal import Decimal

from orders.fulfilment.rules import GoodsRefund, refunded_units, remaining_units, to_deliver, withdrawal

D = Decimal


def test_a_refund_line_gives_back_only_the_units_its_amount_pays_for_whole():
    assert refunded_units([("TEE", 2, D("198.00"), D("99.00"))]) == {"TEE": 2}
    assert refunded_units([("TEE", 2, D("150.00"), D("99.00"))]) == {"TEE": 1}
    assert refunded_units([("TEE", 1, D("98.99"), D("99.00"))]) == {}
    assert refunded_units([("GIFT", 1, D("0.00"), D("0.00")), ("TEE", 1, D("99.00"), D("99.00"))]) == {
        "GIFT": 1, "TEE": 1}


def test_a_refund_takes_its_units_within_what_is_left_and_everything_when_in_full():
    left = {"TEE": 1, "CAP": 2}
    assert withdrawal(left, GoodsRefund("AS-1", "RF-1", {"TEE": 3})) == {"TEE": 1}
    assert withdrawal(left, GoodsRefund("AS-1", "RF-1", {"SOCK": 1})) == {}
    assert withdrawal(left, GoodsRefund("AS-1", "RF-1", {}, in_full=True)) == left
    assert withdrawal({}, GoodsRefund("AS-1", "RF-1", {"TEE": 1}, in_full=True)) == {}


def test_units_refunded_before_shipping_are_not_owed():
    owed = to_deliver({"TEE": 3, "CAP": 1}, {"TEE": 2, "CAP": 1})
    assert owed == {"TEE": 1}
    assert remaining_units(owed, {"TEE": 1}) == {}
