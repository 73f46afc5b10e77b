"""Per-product numbers and pinned intervals, on both implementations.

Broadcast: START 20:00:00 to END 20:10:00.
"""

from __future__ import annotations

from decimal import Decimal

from tests.unit.analytics.conftest import Compute
from tests.unit.analytics.events import at, click, order, paid_order, payment, pin, unpin


def test_product_numbers_with_pinned_intervals(metrics: Compute) -> None:
    events = [
        # One product pinned at a time (issue 10 item 12): pinning B at 2:00 ends A's pin.
        # A pinned 1:00→2:00 and 5:00→end 10:00: 60 + 300 = 360 s; its unpin at 3:00 changes nothing.
        pin(at(1), "A"), unpin(at(3), "A"), pin(at(5), "A"),
        # B: 2:00→4:00 = 120 s; the second pin is a no-op, so is the second unpin.
        pin(at(2), "B"), pin(at(3), "B"), unpin(at(4), "B"), unpin(at(6), "B"),
        # C is only unpinned: listed, never pinned.
        unpin(at(1), "C"),
        # A: 4 clicks by 2 viewers; inside a pin: 1:00 (pin instant) and 9:59, not 3:00 nor 4:00.
        # B: 1 click, inside.
        click(at(1), "v1", "A"), click(at(3), "v1", "A"), click(at(4), "v2", "A"),
        click(at(9, 59), "v2", "A"), click(at(2, 30), "v1", "B"),
        # o1 at 2:00: B pinned, A no longer. o2 at 4:00: nothing pinned. o4 at 7:00: A pinned,
        # two lines of A. o3 is unpaid and counts nowhere.
        *paid_order(at(2), "o1", "v1", [("A", 2, "10.00"), ("B", 1, "5.50")]),
        *paid_order(at(4), "o2", "v2", [("A", 1, "10.00")]),
        order(at(6), "o3", "v3", [("A", 3, "9.99"), ("D", 1, "1.00")]),
        payment(at(6), "o3", "30.97", status="failed"),
        *paid_order(at(7), "o4", "v2", [("A", 1, "10.00"), ("A", 1, "8.00")]),
    ]
    result = metrics(events)
    assert result["by_product"] == {
        # units 2 + 1 + 2 = 5; gmv 20.00 + 10.00 + 18.00 = 48.00; pinned order o4.
        "A": {"clicks": 4, "clickers": 2, "orders": 3, "units": 5, "gmv": "48.00",
              "pinned_seconds": 360.0, "clicks_while_pinned": 2, "orders_while_pinned": 1, "variants": {}},
        "B": {"clicks": 1, "clickers": 1, "orders": 1, "units": 1, "gmv": "5.50",
              "pinned_seconds": 120.0, "clicks_while_pinned": 1, "orders_while_pinned": 1, "variants": {}},
        "C": {"clicks": 0, "clickers": 0, "orders": 0, "units": 0, "gmv": "0.00",
              "pinned_seconds": 0.0, "clicks_while_pinned": 0, "orders_while_pinned": 0, "variants": {}},
    }
    assert result["gmv"] == "53.50"  # payments 25.50 + 10.00 + 18.00; D (unpaid) is absent


def test_pinning_another_product_ends_the_pin_without_an_unpin(metrics: Compute) -> None:
    # Issue 10 item 12: pin A, then B with no unpin: the host shows B, so A is no longer pinned.
    events = [pin(at(1), "A"), pin(at(4), "B"), click(at(5), "v1", "A"), click(at(5), "v1", "B"),
              *paid_order(at(6), "o1", "v1", [("A", 1, "10.00")])]
    by_product = metrics(events)["by_product"]
    assert (by_product["A"]["pinned_seconds"], by_product["B"]["pinned_seconds"]) == (180.0, 360.0)
    assert (by_product["A"]["clicks_while_pinned"], by_product["A"]["orders_while_pinned"]) == (0, 0)
    assert by_product["B"]["clicks_while_pinned"] == 1


def test_two_pins_at_one_instant_leave_the_later_event_pinned(metrics: Compute) -> None:
    events = [pin(at(1), "B", id="t-b"), pin(at(1), "A", id="t-a")]
    by_product = metrics(events)["by_product"]
    assert (by_product["A"]["pinned_seconds"], by_product["B"]["pinned_seconds"]) == (0.0, 540.0)


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


JACKET = {"JACKET-01-L-BLK": "JACKET-01", "JACKET-01-M-BLK": "JACKET-01"}


def test_clicks_on_a_product_and_orders_of_its_variants_are_one_product(metrics: Compute) -> None:
    # Issue 10 item 10: clicks land on JACKET-01, orders on its variants; o2 has two variants (one order).
    events = [
        pin(at(1), "JACKET-01"), click(at(1, 30), "v1", "JACKET-01"), click(at(2), "v2", "JACKET-01"),
        *paid_order(at(2), "o1", "v1", [("JACKET-01-L-BLK", 1, "99.00")]),
        *paid_order(at(3), "o2", "v2", [("JACKET-01-L-BLK", 1, "99.00"), ("JACKET-01-M-BLK", 2, "89.00")]),
        unpin(at(4), "JACKET-01"),
        *paid_order(at(5), "o3", "v3", [("JACKET-01-M-BLK", 1, "89.00")]),
    ]
    by_product = metrics(events, products=JACKET)["by_product"]
    assert list(by_product) == ["JACKET-01"]
    jacket = by_product["JACKET-01"]
    assert (jacket["clicks"], jacket["clickers"], jacket["orders"], jacket["units"], jacket["gmv"]) == \
        (2, 2, 3, 5, "465.00")
    assert (jacket["clicks_while_pinned"], jacket["orders_while_pinned"]) == (2, 2)
    assert jacket["variants"] == {
        "JACKET-01-L-BLK": {"orders": 2, "units": 2, "gmv": "198.00"},
        "JACKET-01-M-BLK": {"orders": 2, "units": 3, "gmv": "267.00"},
    }


def test_a_line_without_unit_price_counts_the_amount_it_was_priced_at(metrics: Compute) -> None:
    # Issue 10 item 11: the platform omitted unit_price, the intake priced the line at the live price.
    placed = order(at(1), "o1", "v1", [("A", 2, "0")])
    del placed["items"][0]["unit_price"]
    events = [placed, payment(at(2), "o1", "59.80")]
    result = metrics(events, priced={("o1", "A"): Decimal("59.80")})
    assert result["by_product"]["A"]["gmv"] == "59.80"
    assert result["by_product"]["A"]["units"] == 2
