"""Per-product numbers and pinned intervals, on both implementations.

Broadcast: START 20:00:00 to END 20:10:00.
"""

from __future__ import annotations

from tests.unit.analytics.conftest import Compute
from tests.unit.analytics.events import at, click, order, paid_order, payment, pin, unpin


def test_product_numbers_with_pinned_intervals(metrics: Compute) -> None:
    events = [
        # A pinned 1:00→3:00 and 5:00→end 10:00: 120 + 300 = 420 s.
        pin(at(1), "A"), unpin(at(3), "A"), pin(at(5), "A"),
        # B: the second pin is a no-op, so is the second unpin: 2:00→4:00 = 120 s.
        pin(at(2), "B"), pin(at(3), "B"), unpin(at(4), "B"), unpin(at(6), "B"),
        # C is only unpinned: listed, never pinned.
        unpin(at(1), "C"),
        # A: 4 clicks by 2 viewers; inside a pin: 1:00 (pin instant) and 9:59, not 3:00
        # (the unpin instant) nor 4:00. B: 1 click, inside.
        click(at(1), "v1", "A"), click(at(3), "v1", "A"), click(at(4), "v2", "A"),
        click(at(9, 59), "v2", "A"), click(at(2, 30), "v1", "B"),
        # o1 at 2:00: A and B both pinned. o2 at 4:00: A not pinned. o4 at 7:00: A pinned,
        # two lines of A. o3 is unpaid and counts nowhere.
        *paid_order(at(2), "o1", "v1", [("A", 2, "10.00"), ("B", 1, "5.50")]),
        *paid_order(at(4), "o2", "v2", [("A", 1, "10.00")]),
        order(at(6), "o3", "v3", [("A", 3, "9.99"), ("D", 1, "1.00")]),
        payment(at(6), "o3", "30.97", status="failed"),
        *paid_order(at(7), "o4", "v2", [("A", 1, "10.00"), ("A", 1, "8.00")]),
    ]
    result = metrics(events)
    assert result["by_product"] == {
        # units 2 + 1 + 2 = 5; gmv 20.00 + 10.00 + 18.00 = 48.00; pinned orders o1, o4.
        "A": {"clicks": 4, "clickers": 2, "orders": 3, "units": 5, "gmv": "48.00",
              "pinned_seconds": 420.0, "clicks_while_pinned": 2, "orders_while_pinned": 2},
        "B": {"clicks": 1, "clickers": 1, "orders": 1, "units": 1, "gmv": "5.50",
              "pinned_seconds": 120.0, "clicks_while_pinned": 1, "orders_while_pinned": 1},
        "C": {"clicks": 0, "clickers": 0, "orders": 0, "units": 0, "gmv": "0.00",
              "pinned_seconds": 0.0, "clicks_while_pinned": 0, "orders_while_pinned": 0},
    }
    assert result["gmv"] == "53.50"  # payments 25.50 + 10.00 + 18.00; D (unpaid) is absent


def test_pinned_time_is_clipped_to_the_broadcast(metrics: Compute) -> None:
    # D pinned -2:00→1:00 counts 60 s; E pinned 9:00→12:00 counts 60 s.
    events = [pin(at(-2), "D"), unpin(at(1), "D"), pin(at(9), "E"), unpin(at(12), "E")]
    by_product = metrics(events)["by_product"]
    assert by_product["D"]["pinned_seconds"] == 60.0
    assert by_product["E"]["pinned_seconds"] == 60.0


def test_a_pin_without_unpin_lasts_until_now_while_live(metrics: Compute) -> None:
    result = metrics([pin(at(1), "A")], ended_at=None, now=at(2, 30))
    assert result["by_product"]["A"]["pinned_seconds"] == 90.0


def test_product_gmv_is_the_line_amount_not_the_payment(metrics: Compute) -> None:
    # Lines 2 × 10.00 = 20.00, buyer paid 18.00 after a discount.
    events = [order(at(1), "o1", "v1", [("A", 2, "10.00")]), payment(at(2), "o1", "18.00")]
    result = metrics(events)
    assert result["gmv"] == "18.00"
    assert result["by_product"]["A"]["gmv"] == "20.00"
