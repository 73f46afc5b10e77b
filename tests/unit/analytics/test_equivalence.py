"""The pandas recompute equals the plain-Python reference on random event logs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.frame import compute_metrics_pandas, events_to_frame
from analytics.reference import compute_metrics_reference

BASE = datetime(2024, 5, 1, 20, 0, tzinfo=timezone.utc)
VIEWERS = ["v1", "v2", "v3", "v4"]
SKUS = ["A", "B"]
ORDER_IDS = ["o1", "o2", "o3", "o4"]
WINDOWS = [timedelta(days=7), timedelta(hours=1), timedelta(0)]
KINDS = [
    "viewer_join", "viewer_join", "viewer_leave", "viewer_leave", "product_click",
    "product_pin", "product_unpin", "chat", "order", "order", "payment", "payment",
    "order_cancel",
]


@st.composite
def broadcasts(draw: st.DrawFn) -> dict[str, Any]:
    """Return a random broadcast: its period, window and a log with ties and repeats."""
    start = BASE + timedelta(seconds=draw(st.integers(0, 59)))
    end = start + timedelta(seconds=draw(st.integers(0, 300)))
    window = draw(st.sampled_from(WINDOWS))
    # A coarse 15 s grid makes equal timestamps common; the extras cross every boundary.
    grid = st.integers(-4, (end - start).seconds // 15 + 4).map(
        lambda k: start + timedelta(seconds=15 * k)
    )
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
            e["sku"] = draw(st.sampled_from(SKUS))
        if kind in ("order", "payment", "order_cancel"):
            e["order_id"] = draw(st.sampled_from(ORDER_IDS))
        if kind == "order":
            e["source"] = draw(st.sampled_from(["in_stream", "product_link", "post_stream"]))
            e["buyer"] = {"id": draw(st.sampled_from([*VIEWERS, "b9"]))}
            e["items"] = [
                {"sku": draw(st.sampled_from(SKUS)), "qty": draw(st.integers(1, 3)),
                 "unit_price": Decimal(draw(st.integers(1, 999))) / 100}
                for _ in range(draw(st.integers(0, 2)))
            ]
        if kind == "payment":
            e["status"] = draw(st.sampled_from(["paid", "paid", "failed"]))
            e["amount"] = Decimal(draw(st.integers(1, 99_999))) / 100
        events.append(e)
    repeats = draw(st.lists(st.integers(0, len(events) - 1), max_size=3)) if events else []
    events += [dict(events[i]) for i in repeats]
    live = draw(st.booleans())
    return {
        "events": draw(st.permutations(events)),
        "started_at": start,
        "ended_at": None if live else end,
        "now": end if live else None,
        "attribution_window": window,
    }


@settings(max_examples=150, deadline=None)
@given(broadcasts())
def test_pandas_recompute_equals_reference_on_random_logs(case: dict[str, Any]) -> None:
    events = case.pop("events")
    expected = compute_metrics_reference(events, **case)
    assert compute_metrics_pandas(events_to_frame(events), **case) == expected
