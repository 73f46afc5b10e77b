"""The per-minute timeline, on both implementations."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.analytics.conftest import Compute
from tests.unit.analytics.events import START, at, chat, click, join, leave, order, paid_order


def test_timeline_rows_per_minute(metrics: Compute) -> None:
    # Broadcast 20:00:30 → 20:03:15: rows 20:00, 20:01, 20:02, 20:03.
    # Online is read at 20:01:00, 20:02:00, 20:03:00 and at the end 20:03:15:
    #   v1 [0:30, 2:00) → 1, 1, 0, 0   (leaving at 2:00 still counts for the 20:01 row)
    #   v2 [1:05, 3:15) → 0, 1, 1, 1
    #   v3 [2:59.9, 3:00) → 0, 0, 1, 0
    begin, end = at(0, 30), at(3, 15)
    events = [
        join(at(0, 10), "v1"),  # before the start: clipped into 20:00
        join(at(1, 5), "v2"), leave(at(2), "v1"),
        join(at(2, 59.9), "v3"), leave(at(3), "v3"),
        chat(at(1, 10), "v2"), chat(at(5), "v2"),  # the late one is clipped into 20:03
        click(at(0), "v2", "A"),  # before the start: clipped into 20:00
        *paid_order(at(1, 30), "o1", "v2", [("A", 1, "12.50")]),
        order(at(2, 10), "o2", "v2", [("A", 1, "3.00")]),  # unpaid: an order, no GMV
        *paid_order(end + timedelta(hours=1), "o3", "v2", [("A", 1, "9.00")], "post_stream"),
        *paid_order(at(-1), "o4", "v2", [("A", 1, "9.00")], "product_link"),
    ]
    result = metrics(events, started_at=begin, ended_at=end)
    rows = [(r["minute"][11:16], r["joins"], r["online"], r["chat"], r["clicks"], r["orders"],
             r["paid_gmv"]) for r in result["timeline"]]
    assert rows == [
        ("20:00", 1, 1, 0, 1, 0, "0.00"),
        ("20:01", 1, 2, 1, 0, 1, "12.50"),
        ("20:02", 1, 2, 0, 0, 1, "0.00"),
        ("20:03", 0, 1, 1, 0, 0, "0.00"),
    ]
    assert result["timeline"][0]["minute"] == "2024-05-01T20:00:00+00:00"
    # Orders placed outside the broadcast (o3, o4) are in the totals, not the timeline.
    assert (result["orders"], result["gmv"]) == (4, "30.50")


def test_an_end_on_the_minute_still_gets_its_row_and_quiet_minutes_are_left_out(metrics: Compute) -> None:
    # 20:00 → 20:02:00 exactly: a click at the end lands in 20:02; 20:01, where nothing happened, has no row.
    result = metrics([click(at(2), "v1", "A")], ended_at=at(2))
    assert [(r["minute"][11:16], r["clicks"]) for r in result["timeline"]] == [("20:00", 0), ("20:02", 1)]


def test_a_live_broadcast_just_started_has_one_row(metrics: Compute) -> None:
    result = metrics([join(START, "v1")], ended_at=None, now=START)
    assert [(r["joins"], r["online"]) for r in result["timeline"]] == [(1, 0)]
