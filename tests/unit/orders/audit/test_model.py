"""Input dataclasses refuse configurations that would silently mislead the rules."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from orders.audit import Coupon, FlashSale, MemberPrice, PastOrder, ThresholdDiscount
from tests.unit.orders.audit.builders import HOUR, NOW, D, order

NAIVE = datetime(2024, 5, 1, 12, 0)


def test_naive_order_time_is_refused() -> None:
    with pytest.raises(ValueError, match="placed_at"):
        order(placed_at=NAIVE)


def test_naive_history_time_is_refused() -> None:
    with pytest.raises(ValueError):
        PastOrder("order-0", {"TEA": 1}, NAIVE)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Coupon(code="X", kind="fixed", value=D("5"), stacking="exclusve"),  # type: ignore[arg-type]
        lambda: Coupon(code="X", kind="percent", value=D("120")),
        lambda: Coupon(code="X", kind="fixed", value=D("0")),
        lambda: Coupon(code="X", kind="fixed", value=D("5"), valid_until=NAIVE),
        lambda: ThresholdDiscount(code="X", every=D("0"), off=D("30")),
        lambda: MemberPrice(code="X", tier="gold", prices={"TEA": D("-1")}),
        lambda: FlashSale(code="X", skus=frozenset({"TEA"}), price=D("-1"), starts_at=NOW, ends_at=NOW + HOUR,
                          remaining=1),
    ],
    ids=["unknown-stacking", "percent-over-100", "zero-value", "naive-window", "zero-step", "negative-member-price",
         "negative-flash-price"],
)
def test_invalid_promotion_configuration_is_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()
