"""The worked example of docs/metrics.md, number for number, on both implementations."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.analytics.conftest import Compute
from tests.unit.analytics.events import at, cancel, chat, click, join, leave, order, payment, pin, unpin

NEXT_DAY = at(0) + timedelta(hours=14)


def test_worked_example_of_the_docs(metrics: Compute) -> None:
    paid_o1 = payment(at(2, 50), "o1", "99.80")
    events = [
        join(at(0), "v1"), join(at(0, 30), "v2"), pin(at(1), "A"),
        click(at(1, 10), "v1", "A"), click(at(1, 20), "v2", "A"), click(at(1, 30), "v2", "A"),
        leave(at(2), "v2"), join(at(2), "v3"), join(at(2, 10), "v2"),
        order(at(2, 30), "o1", "v1", [("A", 2, "49.90")]),
        payment(at(2, 40), "o1", "99.80", status="failed"), paid_o1, dict(paid_o1),
        unpin(at(3), "A"),
        order(at(3, 30), "o2", "v3", [("A", 1, "49.90")]), payment(at(3, 40), "o2", "49.90"),
        cancel(at(3, 50), "o2"),
        leave(at(4), "v1"), chat(at(4), "v3"),
        order(NEXT_DAY, "o3", "b7", [("B", 1, "19.90")], source="post_stream"),
        payment(NEXT_DAY, "o3", "19.90"),
    ]
    assert metrics(events, ended_at=at(5)) == {
        "views": 4, "unique_viewers": 3, "peak_concurrent_viewers": 3,
        "avg_watch_seconds": 226.7, "total_watch_seconds": 680.0,
        "product_clickers": 2, "click_rate": 0.5,
        "orders": 3, "paid_orders": 2, "buyers": 2, "gmv": "119.70",
        "gpm": "29925.00", "gpm_per_viewer": "39900.00", "uv_value": "39.90", "aov": "59.85",
        "aov_per_paid_order": "59.85", "conversion_rate": 0.5, "click_to_buy_rate": 0.5,
        # No refund in the example (docs/metrics.md, "Refunds and returns"): net GMV is the GMV.
        "net_gmv": "119.70", "refunded": "0.00", "refunded_orders": 0, "refund_rate": 0.0,
        "returned_orders": 0, "return_rate": 0.0,
        "by_product": {
            "A": {"clicks": 3, "clickers": 2, "orders": 1, "units": 2, "gmv": "99.80",
                  "pinned_seconds": 120.0, "clicks_while_pinned": 3, "orders_while_pinned": 1, "variants": {}},
            "B": {"clicks": 0, "clickers": 0, "orders": 1, "units": 1, "gmv": "19.90",
                  "pinned_seconds": 0.0, "clicks_while_pinned": 0, "orders_while_pinned": 0, "variants": {}},
        },
        "by_source": {
            "in_stream": {"orders": 1, "gmv": "99.80"},
            "product_link": {"orders": 0, "gmv": "0.00"},
            "post_stream": {"orders": 1, "gmv": "19.90"},
        },
        # People: v1, v2, v3 joined; b7 bought without joining and is counted as a viewer and a clicker.
        "funnel": {"viewers": 4, "clickers": 4, "buyers": 3, "paying_buyers": 2,
                   "step_rates": {"clickers": 1.0, "buyers": 0.75, "paying_buyers": 0.6667},
                   "buyers_not_joined": 1, "buyers_not_clicked": 2},
        "timeline": [
            {"minute": f"2024-05-01T20:0{m}:00+00:00", "joins": j, "online": o, "chat": c,
             "clicks": k, "orders": n, "paid_gmv": g}
            for m, j, o, c, k, n, g in [
                (0, 2, 2, 0, 0, 0, "0.00"),
                (1, 0, 2, 0, 3, 0, "0.00"),
                (2, 2, 3, 0, 0, 1, "99.80"),
                (3, 0, 3, 0, 0, 1, "0.00"),
                (4, 0, 2, 1, 0, 0, "0.00"),
                (5, 0, 2, 0, 0, 0, "0.00"),
            ]
        ],
        "attribution_window_days": 7.0,
    }
