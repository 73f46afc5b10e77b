"""Readable chart axes and empty states of the report (pure); static/analytics/charts.js follows the same rules.

Time ticks fall on whole minutes (1, 2, 5, 10, 15, 30 min, then hours) and read HH:MM in the page's zone, so a
broadcast one minute long never shows ticks like 01:32:59.9996. Count axes of small numbers tick by one, so no
chart shows half an order. A chart with nothing to draw says so instead of showing empty axes.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

TICK_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440)
MIN_SPAN = timedelta(minutes=5)
MAX_TIME_TICKS = 6
SMALL_COUNT = 5
LANE_LABEL_CHARS = 14


def tick_minutes(span: timedelta, max_ticks: int = MAX_TIME_TICKS) -> int:
    """Return the smallest step of TICK_MINUTES that puts at most max_ticks ticks on a span of time."""
    minutes = span.total_seconds() / 60
    return next((step for step in TICK_MINUTES if minutes / step <= max_ticks), TICK_MINUTES[-1])


def time_axis(first: datetime, last: datetime, max_ticks: int = MAX_TIME_TICKS) -> dict[str, Any]:
    """Return a Plotly date axis from the first to the end of the last minute (at least MIN_SPAN), ticked HH:MM on
    whole minutes counted from the first day's midnight (so ticks land on :00, :15, …)."""
    end = max(last + timedelta(minutes=1), first + MIN_SPAN)
    step = tick_minutes(end - first, max_ticks)
    midnight = first.replace(hour=0, minute=0, second=0, microsecond=0)
    return {"type": "date", "range": [_stamp(first), _stamp(end)], "tickmode": "linear", "tick0": _stamp(midnight),
            "dtick": step * 60_000, "tickformat": "%H:%M", "hoverformat": "%H:%M"}


def count_axis(values: list[float]) -> dict[str, Any]:
    """Return a count axis from zero that ticks by one while the counts are small (no fractional ticks)."""
    axis: dict[str, Any] = {"rangemode": "tozero", "tickformat": ",~r"}
    top = max(values, default=0)
    if top <= SMALL_COUNT:
        axis.update(range=[0, max(top, 1) * 1.1], dtick=1)
    return axis


def right_axis(axis: dict[str, Any]) -> dict[str, Any]:
    """Return axis drawn over the left one, on the right, ticking on its own values.

    Left to plotly, an overlaying axis takes the left axis's tick positions and prints them in its own units
    (142.755 orders, ¥127k, 26.8 %); static/analytics/charts.js rightAxis does the same for the live charts.
    """
    return {"overlaying": "y", "side": "right", "tickmode": "linear" if "dtick" in axis else "auto", "nticks": 6,
            **axis}


def lane_label(sku: str) -> str:
    """Return a product's lane label: its SKU, cut with an ellipsis when longer than LANE_LABEL_CHARS."""
    return sku if len(sku) <= LANE_LABEL_CHARS else sku[:LANE_LABEL_CHARS - 1] + "…"


def lane_order(pinned: list[dict[str, str]]) -> list[str]:
    """Return the pinned SKUs in the order they were first pinned, each once (one lane per product)."""
    return list(dict.fromkeys(interval["sku"] for interval in pinned))


def empty_charts(report: dict[str, Any]) -> set[str]:
    """Return the names of the report's charts that have nothing to draw yet (they show "no data yet")."""
    metrics = report["metrics"]
    quiet = not any(row["joins"] or row["online"] or row["chat"] or row["clicks"] or row["orders"]
                    for row in metrics["timeline"])
    empty = {
        "funnel": metrics["funnel"]["viewers"] == 0 and metrics["funnel"]["buyers"] == 0,
        "timeline": quiet and not report.get("pinned"),
        "products": not metrics["by_product"],
        "watch_time": not any(row["viewers"] for row in report.get("watch_histogram", [])),
        "sources": not any(row["orders"] for row in metrics["by_source"].values()),
        "comparison": len(report["tables"]["comparison"]) < 2,
    }
    return {name for name, is_empty in empty.items() if is_empty}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
