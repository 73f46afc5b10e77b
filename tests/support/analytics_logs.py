"""A Hypothesis strategy for random metric test logs, shared by the reference, pandas and SQL equivalence tests."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tests.support.analytics import SKUS

VIEWERS = ["v1", "v2", "v3", "v4"]
ORDER_IDS = ["o1", "o2", "o3", "o4"]
KINDS = [
    "viewer_join", "viewer_join", "viewer_leave", "viewer_leave", "product_click",
    "product_pin", "product_unpin", "chat", "order", "order", "payment", "payment", "order_cancel",
]


def draw_log(draw: st.DrawFn, start: datetime, end: datetime, window: timedelta) -> list[dict[str, Any]]:
    """Return up to 33 events around [start, end] with ties, boundary times and repeats, in a random order."""
    # A coarse 15 s grid makes equal timestamps common; the extras cross every boundary.
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
            e["sku"] = draw(st.sampled_from(SKUS))
        if kind == "chat":
            e["text"] = "hi"
        if kind in ("order", "payment", "order_cancel"):
            e["order_id"] = draw(st.sampled_from(ORDER_IDS))
        if kind == "order":
            e["source"] = draw(st.sampled_from(["in_stream", "product_link", "post_stream"]))
            e["buyer"] = {"id": draw(st.sampled_from([*VIEWERS, "b9"]))}
            e["items"] = [{"sku": draw(st.sampled_from(SKUS)), "qty": draw(st.integers(1, 3)),
                           "unit_price": Decimal(draw(st.integers(1, 999))) / 100}
                          for _ in range(draw(st.integers(0, 2)))]
        if kind == "payment":
            e["status"] = draw(st.sampled_from(["paid", "paid", "failed"]))
            e["amount"] = Decimal(draw(st.integers(1, 99_999))) / 100
        events.append(e)
    repeats = draw(st.lists(st.integers(0, len(events) - 1), max_size=3)) if events else []
    events += [dict(events[i]) for i in repeats]
    return draw(st.permutations(events))
