"""GET /metrics (SQL aggregates over the incremental rollups) equals the reference on the same logged events.

Every log goes through the real ingestion API in small batches, on SQLite and on PostgreSQL; the
reference gets exactly the events the API accepted (a payment before its order is rejected, a repeat
is a duplicate), in the order they were sent.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import analytics as ax

BASE = datetime(2024, 5, 1, 20, 0, tzinfo=timezone.utc)
VIEWERS = ["v1", "v2", "v3", "v4"]
ORDER_IDS = ["o1", "o2", "o3", "o4"]
KINDS = [
    "viewer_join", "viewer_join", "viewer_leave", "viewer_leave", "product_click",
    "product_pin", "product_unpin", "chat", "order", "order", "payment", "payment", "order_cancel",
]
_examples = itertools.count(1)


@st.composite
def logs(draw: st.DrawFn) -> dict[str, Any]:
    """Return a random broadcast whose log crosses every boundary: period, minutes, cutoff, ties, repeats."""
    start = BASE + timedelta(seconds=draw(st.integers(0, 59)))
    end = start + timedelta(seconds=draw(st.integers(0, 300)))
    days = draw(st.sampled_from([7, 1, 0]))
    window = timedelta(days=days)
    grid = st.integers(-4, (end - start).seconds // 15 + 4).map(lambda k: start + timedelta(seconds=15 * k))
    edges = st.sampled_from([start, end, end + window, end + window + timedelta(seconds=1)])
    jitter = st.sampled_from([timedelta(0), timedelta(microseconds=250_001)])
    times = st.builds(lambda t, j: t + j, st.one_of(grid, grid, edges), jitter)
    events: list[dict[str, Any]] = []
    for n in range(draw(st.integers(0, 30))):
        kind, ts = draw(st.sampled_from(KINDS)), draw(times)
        e: dict[str, Any] = {"id": f"e{n:03d}", "type": kind, "ts": ts}
        if kind in ("viewer_join", "viewer_leave", "product_click", "chat"):
            e["viewer_id"] = draw(st.sampled_from(VIEWERS))
        if kind in ("product_click", "product_pin", "product_unpin"):
            e["sku"] = draw(st.sampled_from(ax.SKUS))
        if kind == "chat":
            e["text"] = "hi"
        if kind in ("order", "payment", "order_cancel"):
            e["order_id"] = draw(st.sampled_from(ORDER_IDS))
        if kind == "order":
            e["source"] = draw(st.sampled_from(["in_stream", "product_link", "post_stream"]))
            e["buyer"] = {"id": draw(st.sampled_from([*VIEWERS, "b9"]))}
            e["items"] = [{"sku": draw(st.sampled_from(ax.SKUS)), "qty": draw(st.integers(1, 3)),
                           "unit_price": Decimal(draw(st.integers(1, 999))) / 100}
                          for _ in range(draw(st.integers(0, 2)))]
        if kind == "payment":
            e["status"] = draw(st.sampled_from(["paid", "paid", "failed"]))
            e["amount"] = Decimal(draw(st.integers(1, 99_999))) / 100
        events.append(e)
    repeats = draw(st.lists(st.integers(0, len(events) - 1), max_size=3)) if events else []
    events += [dict(events[i]) for i in repeats]
    return {"events": draw(st.permutations(events)), "start": start, "end": end, "days": days,
            "live": draw(st.booleans()), "batch": draw(st.sampled_from([1, 4, 50]))}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=logs())
def test_metrics_api_equals_the_reference_on_random_logs(any_api, monkeypatch, case):
    prefix = f"x{next(_examples)}-"
    broadcast_id = ax.start_broadcast(any_api, case["start"])
    accepted = ax.ingest(any_api, broadcast_id, case["events"], prefix, batch=case["batch"])
    if case["live"]:
        monkeypatch.setattr("analytics.service.utcnow", lambda: case["end"])
    else:
        ax.end_broadcast(any_api, broadcast_id, case["end"])
    ended = None if case["live"] else case["end"]
    want = ax.expected(accepted, case["start"], ended, case["end"], case["days"])
    assert ax.metrics(any_api, broadcast_id, case["days"]) == want
