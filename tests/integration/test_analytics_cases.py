"""Hand-computed metrics through the ingestion API and GET /metrics, on SQLite and PostgreSQL.

Each case states the numbers worked out by hand, then also checks the whole answer against the reference.
Times: at(m, s) is m minutes s seconds after 20:00:00 UTC; broadcasts run 20:00 to 20:10 unless said.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import analytics as ax
from tests.unit.analytics.events import END, START, at, cancel, chat, click, join, leave, order, payment, pin, unpin


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcasts with the platform clock a few days after them (times are bounded around now)."""
    ax.platform_clock(monkeypatch, END + ax.PLATFORM_CLOCK_AFTER)


def run(api, events, *, ended=END, now=None, days=None, batch=7, monkeypatch=None):
    """Return (API metrics, reference metrics) of events posted to a new broadcast."""
    broadcast_id = ax.start_broadcast(api, START)
    accepted = ax.ingest(api, broadcast_id, events, batch=batch)
    if ended is not None:
        ax.end_broadcast(api, broadcast_id, ended)
    else:
        monkeypatch.setattr("analytics.service.utcnow", lambda: now)
    got = ax.metrics(api, broadcast_id, days)
    return got, ax.expected(accepted, START, ended, now, 7 if days is None else days)


def test_a_leave_and_a_join_at_one_instant_never_overlap(any_api):
    got, want = run(any_api, [join(at(0), "v1"), leave(at(2), "v1"), join(at(2), "v2"), leave(at(4), "v2")])
    assert got["peak_concurrent_viewers"] == 1
    # v1 leaving at 20:02 counts in 20:01; minutes where nothing changed (20:01, 20:03, ...) have no row.
    assert [(row["minute"][11:16], row["online"]) for row in got["timeline"]] == [
        ("20:00", 1), ("20:02", 1), ("20:04", 0), ("20:10", 0)]
    assert got["total_watch_seconds"] == 240.0
    assert got == want


def test_a_join_while_online_is_a_view_but_not_more_watch_time(any_api):
    got, want = run(any_api, [join(at(0), "v1"), join(at(1), "v1"), leave(at(3), "v1")])
    assert (got["views"], got["unique_viewers"], got["total_watch_seconds"]) == (2, 1, 180.0)
    assert got == want


def test_a_leave_without_a_join_changes_nothing(any_api):
    got, want = run(any_api, [leave(at(1), "v1"), join(at(2), "v2"), leave(at(3), "v2")])
    assert (got["views"], got["unique_viewers"], got["total_watch_seconds"], got["peak_concurrent_viewers"]) == \
        (1, 1, 60.0, 1)
    assert got == want


def test_viewers_online_at_the_end_count_until_the_end(any_api):
    got, want = run(any_api, [join(at(8), "v1"), join(at(-3), "v2")])
    assert got["total_watch_seconds"] == 120.0 + 600.0  # v2 joined before the start: counted from 20:00
    assert got["timeline"][-1]["online"] == 2
    assert got == want


def test_a_live_broadcast_is_measured_up_to_now(any_api, monkeypatch):
    got, want = run(any_api, [join(at(8), "v1")], ended=None, now=at(9, 30), monkeypatch=monkeypatch)
    assert got["total_watch_seconds"] == 90.0
    assert got["timeline"][-1]["minute"] == "2024-05-01T20:09:00+00:00"
    assert got == want


def test_failed_then_paid_is_paid_once_at_the_first_paid_amount(any_api):
    got, want = run(any_api, [order(at(1), "o1", "b1", [("A", 1, "10.00")]), payment(at(2), "o1", "10.00", "failed"),
                              payment(at(3), "o1", "10.00"), payment(at(4), "o1", "12.00")])
    assert (got["orders"], got["paid_orders"], got["buyers"], got["gmv"]) == (1, 1, 1, "10.00")
    assert got == want


def test_an_order_cancelled_after_payment_is_not_paid(any_api):
    got, want = run(any_api, [order(at(1), "o1", "b1", [("A", 2, "5.00")]), payment(at(2), "o1", "10.00"),
                              cancel(at(6), "o1"), order(at(2), "o2", "b1", [("A", 1, "5.00")]),
                              payment(at(3), "o2", "5.00")])
    assert (got["orders"], got["paid_orders"], got["buyers"], got["gmv"]) == (2, 1, 1, "5.00")
    assert got["by_product"]["A"]["units"] == 1
    assert got == want


@pytest.mark.parametrize("days, orders, gmv", [(7, 3, "7.00"), (0, 2, "3.00")])
@pytest.mark.slow
def test_orders_count_only_inside_the_attribution_window(any_api, days, orders, gmv):
    cutoff = END + timedelta(days=days)
    events = [
        order(cutoff, "o1", "b1", [("A", 1, "1.00")], source="post_stream"), payment(cutoff, "o1", "1.00"),  # in
        order(cutoff + timedelta(microseconds=1), "o2", "b2", [("A", 1, "2.00")], source="post_stream"),  # out
        payment(cutoff + timedelta(days=1), "o2", "2.00"),
        order(at(-1), "o3", "b3", [("A", 1, "2.00")], source="product_link"), payment(at(30), "o3", "2.00"),  # in
        order(END + timedelta(days=1), "o4", "b4", [("B", 1, "4.00")], source="post_stream"),  # in with 7 days
        payment(END + timedelta(days=1), "o4", "4.00"),
    ]
    got, want = run(any_api, events, days=days)
    assert (got["orders"], got["paid_orders"], got["gmv"]) == (orders, orders, gmv)
    assert got["by_source"]["product_link"] == {"orders": 1, "gmv": "2.00"}
    # Only o1 with no window is placed within [start, end]: at the end, in the last row.
    assert [row["orders"] for row in got["timeline"]][-1] == (1 if days == 0 else 0)
    assert sum(row["orders"] for row in got["timeline"]) == (1 if days == 0 else 0)
    assert got == want


def test_a_repeated_delivery_counts_once(any_api):
    first = join(at(1), "v1")
    paid = payment(at(3), "o1", "9.90")
    events = [first, dict(first), order(at(2), "o1", "v1", [("A", 1, "9.90")]), paid, dict(paid), chat(at(4), "v1")]
    got, want = run(any_api, events, batch=1)
    assert (got["views"], got["paid_orders"], got["gmv"]) == (1, 1, "9.90")
    assert got == want


def test_nothing_to_divide_by_gives_nulls(any_api):
    got, want = run(any_api, [])
    assert got["views"] == 0 and got["gmv"] == "0.00"
    assert all(got[name] is None for name in ("avg_watch_seconds", "click_rate", "gpm", "gpm_per_viewer",
                                              "uv_value", "aov", "conversion_rate", "click_to_buy_rate"))
    assert got == want


def test_the_peak_inside_a_minute_between_the_first_and_the_last(any_api):
    events = [join(at(5, 10), "v1"), join(at(5, 20), "v2"), join(at(5, 30), "v3"),
              leave(at(5, 40), "v1"), leave(at(5, 50), "v2"), leave(at(5, 55), "v3"), join(at(0), "v4")]
    got, want = run(any_api, events)
    assert got["peak_concurrent_viewers"] == 4
    assert got == want


def test_clicks_and_orders_while_pinned_count_to_the_microsecond_across_minutes(any_api):
    events = [pin(at(1, 30), "A"), click(at(1, 29.999999), "v1", "A"), click(at(1, 30), "v1", "A"),
              click(at(2, 10), "v2", "A"), click(at(4, 14.999999), "v3", "A"), click(at(4, 15), "v3", "A"),
              order(at(1, 30), "o1", "v1", [("A", 1, "1.00")]), payment(at(5), "o1", "1.00"),
              order(at(4, 15), "o2", "v3", [("A", 1, "1.00")]), payment(at(5), "o2", "1.00"), unpin(at(4, 15), "A")]
    got, want = run(any_api, events)
    product = got["by_product"]["A"]
    assert (product["clicks"], product["clicks_while_pinned"], product["orders_while_pinned"]) == (5, 3, 1)
    assert product["pinned_seconds"] == 165.0
    assert got == want


def test_viewer_events_arriving_out_of_order_are_recomputed_from_the_log(any_api):
    events = [join(at(5), "v1"), leave(at(6), "v1"), leave(at(2), "v1"), join(at(1), "v1"), join(at(6), "v1"),
              leave(at(6), "v1"), join(at(3), "v2"), leave(at(1), "v2")]
    got, want = run(any_api, events, batch=1)
    # v1: join 1, leave 2, join 5, then at 6 the two leaves apply before the join: [1,2) and [5,10).
    # v2: the leave at 1 comes before any join and changes nothing: [3,10).
    assert got["total_watch_seconds"] == 60.0 + 300.0 + 420.0
    assert got == want
