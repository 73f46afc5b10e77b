"""Orders, payments, attribution, GMV and the money ratios, on both implementations.

Broadcast: START 20:00:00 to END 20:10:00; the attribution window is 7 days unless given.
"""

from __future__ import annotations

from datetime import timedelta

from tests.unit.analytics.conftest import Compute
from tests.unit.analytics.events import END, Event, at, cancel, click, join, order, paid_order, payment

WEEK = timedelta(days=7)


def audience(*viewers: str) -> list[Event]:
    """Return one join per viewer at 0:00."""
    return [join(at(0), v) for v in viewers]


def test_gmv_and_money_ratios_from_paid_orders(metrics: Compute) -> None:
    # 4 views (v1 joins twice), 3 viewers. Paid: o1 v1 100.00, o2 v2 50.00, o3 v1 30.00.
    # gmv 180.00; buyers {v1, v2} = 2; gpm 180×1000÷4 = 45000.00; per viewer ÷3 = 60000.00;
    # uv_value 180÷3 = 60.00; aov 180÷2 = 90.00; conversion 2÷3 = 0.6667.
    events = audience("v1", "v2", "v3", "v1")
    events += paid_order(at(1), "o1", "v1", [("A", 1, "100.00")])
    events += paid_order(at(2), "o2", "v2", [("A", 1, "50.00")], source="product_link")
    events += paid_order(at(3), "o3", "v1", [("B", 3, "10.00")])
    result = metrics(events)
    assert (result["orders"], result["paid_orders"], result["buyers"]) == (3, 3, 2)
    assert result["gmv"] == "180.00"
    assert result["gpm"] == "45000.00"
    assert result["gpm_per_viewer"] == "60000.00"
    assert result["uv_value"] == "60.00"
    assert result["aov"] == "90.00"
    assert result["conversion_rate"] == 0.6667


def test_by_source_counts_paid_orders_and_always_lists_every_source(metrics: Compute) -> None:
    # in_stream: o1 100.00 + o3 30.00; product_link: o2 50.00; o4 (post_stream) is unpaid.
    events = paid_order(at(1), "o1", "v1", [("A", 1, "100.00")])
    events += paid_order(at(2), "o2", "v2", [("A", 1, "50.00")], source="product_link")
    events += paid_order(at(3), "o3", "v1", [("B", 3, "10.00")])
    events.append(order(END + timedelta(days=1), "o4", "v3", [("A", 1, "9.00")], "post_stream"))
    assert metrics(events)["by_source"] == {
        "in_stream": {"orders": 2, "gmv": "130.00"},
        "product_link": {"orders": 1, "gmv": "50.00"},
        "post_stream": {"orders": 0, "gmv": "0.00"},
    }


def test_failed_then_paid_is_paid_and_only_failed_is_not(metrics: Compute) -> None:
    events = audience("v1", "v2") + [
        order(at(1), "o1", "v1", [("A", 1, "10.00")]),
        payment(at(2), "o1", "10.00", status="failed"),
        payment(at(3), "o1", "10.00"),
        order(at(1), "o2", "v2", [("A", 1, "20.00")]),
        payment(at(2), "o2", "20.00", status="failed"),
    ]
    result = metrics(events)
    assert (result["orders"], result["paid_orders"], result["buyers"]) == (2, 1, 1)
    assert result["gmv"] == "10.00"


def test_a_cancel_unpays_an_order_before_or_after_its_payment(metrics: Compute) -> None:
    # o1: paid then cancelled; o2: cancelled then paid; o3: paid. Only o3 counts.
    events = audience("v1") + [
        order(at(1), "o1", "v1", [("A", 1, "10.00")]), payment(at(2), "o1", "10.00"),
        cancel(at(3), "o1"),
        order(at(1), "o2", "v1", [("A", 1, "20.00")]), cancel(at(2), "o2"),
        payment(at(3), "o2", "20.00"),
        order(at(1), "o3", "v1", [("A", 1, "5.00")]), payment(at(2), "o3", "5.00"),
    ]
    result = metrics(events)
    assert (result["orders"], result["paid_orders"], result["gmv"]) == (3, 1, "5.00")


def test_orders_are_attributed_until_end_plus_window(metrics: Compute) -> None:
    # o1 at END+7d exactly counts; o2 one second later does not, nor its payment.
    # o3 before the start still counts. o1's payment 30 days later still counts.
    events = [
        order(END + WEEK, "o1", "v1", [("A", 1, "10.00")]),
        payment(END + timedelta(days=30), "o1", "10.00"),
        *paid_order(END + WEEK + timedelta(seconds=1), "o2", "v2", [("A", 1, "99.00")]),
        *paid_order(at(-30), "o3", "v3", [("A", 1, "1.00")], source="product_link"),
    ]
    result = metrics(events)
    assert (result["orders"], result["paid_orders"], result["gmv"]) == (2, 2, "11.00")


def test_the_attribution_window_is_configurable(metrics: Compute) -> None:
    events = paid_order(END + timedelta(minutes=30), "o1", "v1", [("A", 1, "10.00")])
    events += paid_order(END + timedelta(hours=2), "o2", "v1", [("A", 1, "20.00")])
    result = metrics(events, attribution_window=timedelta(hours=1))
    assert (result["orders"], result["gmv"]) == (1, "10.00")
    assert metrics(events, attribution_window=timedelta(days=1))["attribution_window_days"] == 1


def test_only_the_first_paid_payment_of_an_order_counts(metrics: Compute) -> None:
    # A second `paid` is a duplicate charge to refund: gmv 20.00, not 45.00.
    # At equal times the lower event id is first: o2 counts p1's 7.00.
    events = [
        order(at(1), "o1", "v1", [("A", 1, "20.00")]),
        payment(at(2), "o1", "20.00"), payment(at(3), "o1", "25.00"),
        order(at(1), "o2", "v1", [("A", 1, "7.00")]),
        payment(at(2), "o2", "8.00", id="p2"), payment(at(2), "o2", "7.00", id="p1"),
    ]
    result = metrics(events)
    assert (result["paid_orders"], result["gmv"]) == (2, "27.00")


def test_repeated_deliveries_and_resent_orders_count_once(metrics: Compute) -> None:
    placed = order(at(1), "o1", "v1", [("A", 1, "20.00")])
    paid = payment(at(2), "o1", "20.00")
    # Same ids delivered twice, plus a re-sent order event with a new id for the same order.
    resent = order(at(4), "o1", "v1", [("A", 5, "20.00")], source="post_stream")
    result = metrics([placed, dict(placed), paid, dict(paid), resent])
    assert (result["orders"], result["paid_orders"], result["gmv"]) == (1, 1, "20.00")
    assert result["by_source"]["in_stream"]["orders"] == 1  # the first order event wins
    assert result["by_product"]["A"]["units"] == 1


def test_a_payment_without_an_order_is_ignored(metrics: Compute) -> None:
    result = metrics([payment(at(1), "ghost", "50.00")])
    assert (result["orders"], result["paid_orders"], result["gmv"]) == (0, 0, "0.00")


def test_click_and_conversion_rates(metrics: Compute) -> None:
    # Viewers v1..v4 and x, who bought by link without joining: counted as a viewer, so 5 people.
    # Clickers v1 (twice), v2 → click_rate 2÷5 = 0.4; paying buyers v1 and x → conversion 2÷5 = 0.4;
    # buyers who clicked: v1 → click_to_buy_rate 1÷2 = 0.5.
    events = audience("v1", "v2", "v3", "v4") + [
        click(at(1), "v1", "A"), click(at(2), "v1", "A"), click(at(2), "v2", "B"),
    ]
    events += paid_order(at(3), "o1", "v1", [("A", 1, "10.00")])
    events += paid_order(at(3), "o2", "x", [("A", 1, "10.00")], source="product_link")
    result = metrics(events)
    assert result["product_clickers"] == 2
    assert result["click_rate"] == 0.4
    assert result["conversion_rate"] == 0.4
    assert result["click_to_buy_rate"] == 0.5


def test_the_funnel_counts_people_and_no_rate_exceeds_one(metrics: Compute) -> None:
    # Issue 10 item 13: two viewers, four buyers (three never joined, two never clicked), four paid orders:
    # buyers outnumbered viewers and clickers, "paid orders" were 200% of viewers, conversion 150%.
    events = audience("v1", "v2") + [click(at(1), "v1", "A"), click(at(1), "x", "A")]
    events += paid_order(at(2), "o1", "v1", [("A", 1, "1.00")])
    events += paid_order(at(2), "o2", "v1", [("A", 1, "1.00")])
    events += paid_order(at(2), "o3", "x", [("A", 1, "1.00")], source="product_link")
    events += paid_order(at(2), "o4", "y", [("A", 1, "3.00")], source="product_link")
    events.append(order(at(3), "o5", "z", [("A", 1, "1.00")]))  # placed, never paid
    result = metrics(events)
    funnel = result["funnel"]
    # People: v1, v2 joined; x clicked and bought, y bought, z only placed an order: counted as viewers.
    assert [funnel[step] for step in ("viewers", "clickers", "buyers", "paying_buyers")] == [5, 4, 4, 3]
    assert (funnel["buyers_not_joined"], funnel["buyers_not_clicked"]) == (3, 2)
    assert funnel["step_rates"] == {"clickers": 0.8, "buyers": 1.0, "paying_buyers": 0.75}
    rates = [result["click_rate"], result["conversion_rate"], result["click_to_buy_rate"],
             *funnel["step_rates"].values()]
    assert all(0 <= rate <= 1 for rate in rates)
    assert result["conversion_rate"] == 0.6  # 3 paying buyers ÷ 5 people
    # 客单价 is GMV per paying buyer; the average order value is per paid order.
    assert (result["gmv"], result["aov"], result["aov_per_paid_order"]) == ("6.00", "2.00", "1.50")


def test_no_buyers_gives_zero_conversion_and_null_aov(metrics: Compute) -> None:
    events = audience("v1") + [order(at(1), "o1", "v1", [("A", 1, "10.00")])]
    result = metrics(events)
    assert (result["buyers"], result["conversion_rate"], result["aov"]) == (0, 0.0, None)
    assert (result["gpm"], result["uv_value"]) == ("0.00", "0.00")
    assert result["click_to_buy_rate"] is None  # no clickers either
