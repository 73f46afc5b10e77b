"""Which units a refund_only refund takes off what is left to ship (orders/fulfilment/rules.py, pure)."""
from __future__ import annotations

from orders.fulfilment.rules import GoodsRefund, remaining_units, to_deliver, withdrawal


def test_a_refund_in_full_takes_everything_left_and_a_partial_one_nothing():
    left = {"TEE": 1, "CAP": 2}
    assert withdrawal(left, GoodsRefund("AS-1", "RF-1", in_full=True)) == left
    assert withdrawal({}, GoodsRefund("AS-1", "RF-1", in_full=True)) == {}
    # A partial refund is money: the same SKU may have shipped, so which unit it is about cannot be told.
    assert withdrawal(left, GoodsRefund("AS-1", "RF-1")) == {}


def test_units_refunded_before_shipping_are_not_owed():
    owed = to_deliver({"TEE": 3, "CAP": 1}, {"TEE": 2, "CAP": 1})
    assert owed == {"TEE": 1}
    assert remaining_units(owed, {"TEE": 1}) == {}
