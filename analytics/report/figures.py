"""Plotly figures of the standalone report (the pages draw the same charts in static/analytics/charts.js)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import plotly.graph_objects as go
from flask_babel import lazy_gettext as _l

from analytics.report.axes import count_axis, empty_charts, lane_label, lane_order, right_axis, time_axis

SOURCE_LABELS = {"in_stream": _l("In stream"), "product_link": _l("Product link"),
                 "post_stream": _l("After the stream")}
ONLINE_COLOUR, ORDERS_COLOUR = "#2563eb", "#94a3b8"
# Categorical colours for product lanes: no green or red, which mean good and danger on every LiveDesk page.
LANE_COLOURS = ("#4c78a8", "#b279a2", "#72b7b2", "#9d755d", "#e45d9c", "#6b7280", "#1e3a8a", "#a16207")
TIMELINE_HEIGHT, LANE_PX, LANE_GAP_PX = 340, 24, 36
TOP_PX, BOTTOM_PX = 80, 50  # the title, then the legend, above the plot
LAYOUT = {"template": "plotly_white", "height": 340, "margin": {"l": 50, "r": 50, "t": TOP_PX, "b": BOTTOM_PX},
          "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}}


def plot_text(value: Any) -> str:
    """Return text for a Plotly label: Plotly reads a few HTML tags in labels, so < > & are written as entities."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _figure(title: Any, data: list, **layout: Any) -> go.Figure:
    figure = go.Figure(data=data)
    figure.update_layout(title={"text": plot_text(title), "x": 0, "y": 0.98, "yref": "container", "yanchor": "top"},
                         **{**LAYOUT, **layout})
    return figure


def funnel(metrics: dict[str, Any]) -> go.Figure:
    """Return the people funnel: viewers -> clickers -> ordering buyers -> paying buyers, each within the last."""
    steps = metrics["funnel"]
    stages = [_l("Viewers"), _l("Clickers"), _l("Ordering buyers"), _l("Paying buyers")]
    values = [steps["viewers"], steps["clickers"], steps["buyers"], steps["paying_buyers"]]
    return _figure(_l("Conversion funnel"), [go.Funnel(y=[plot_text(s) for s in stages], x=values,
                                                       textinfo="value+percent previous")],
                   margin={"l": 100, "r": 30, "t": 50, "b": 30})


def timeline(metrics: dict[str, Any], pinned: list[dict[str, str]]) -> go.Figure:
    """Return viewers online and orders per minute, with one lane per pinned product under the chart.

    Lanes are labelled on their own axis, so product names never overlap however many pins there are.
    """
    rows = metrics["timeline"]
    minutes = [_moment(row["minute"]) for row in rows]
    online, orders = [row["online"] for row in rows], [row["orders"] for row in rows]
    data = [
        go.Scatter(x=minutes, y=online, name=plot_text(_l("Online")), mode="lines", line_shape="hv",
                   line={"color": ONLINE_COLOUR}),  # quiet minutes have no row: level until the next
        go.Bar(x=minutes, y=orders, name=plot_text(_l("Orders placed")), yaxis="y2", marker={"color": ORDERS_COLOUR}),
    ]
    lanes = lane_order(pinned)
    for interval in pinned:
        start, end = _moment(interval["start"]), _moment(interval["end"])
        data.append(go.Bar(
            y=[plot_text(interval["sku"])], base=[start], x=[(end - start).total_seconds() * 1000], orientation="h",
            yaxis="y3", showlegend=False, marker={"color": LANE_COLOURS[lanes.index(interval["sku"]) % len(LANE_COLOURS)]},
            hovertemplate=f"{start:%H:%M}–{end:%H:%M}<extra>{plot_text(interval['sku'])}</extra>"))
    first = min([*minutes, *(_moment(p["start"]) for p in pinned)])
    last = max([*minutes, *(_moment(p["end"]) for p in pinned)])
    height = TIMELINE_HEIGHT + LANE_PX * len(lanes) + (LANE_GAP_PX if lanes else 0)
    plot_height = height - TOP_PX - BOTTOM_PX
    lane_top = (LANE_PX * len(lanes)) / plot_height
    layout = {"xaxis": {**time_axis(first, last), "title": {"text": plot_text(_l("Time"))}},
              "yaxis": {**count_axis(online), "title": {"text": plot_text(_l("Online"))}, "automargin": True},
              "yaxis2": right_axis({**count_axis(orders), "title": {"text": plot_text(_l("Orders placed"))}}),
              "height": height, "barmode": "overlay"}
    if lanes:  # the lanes take the bottom of the plot; the time axis is drawn under them
        layout["yaxis"]["domain"] = [lane_top + LANE_GAP_PX / plot_height, 1]
        layout["yaxis3"] = {"domain": [0, lane_top], "type": "category", "autorange": "reversed", "automargin": True,
                            "tickvals": [plot_text(sku) for sku in lanes],
                            "ticktext": [plot_text(lane_label(sku)) for sku in lanes], "fixedrange": True}
        layout["xaxis"]["anchor"] = "y3"
    return _figure(_l("Viewers online and orders per minute; pinned products below"), data, **layout)


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def products(metrics: dict[str, Any]) -> go.Figure:
    """Return clicks and paid orders per SKU."""
    skus = [plot_text(sku) for sku in metrics["by_product"]]
    rows = list(metrics["by_product"].values())
    return _figure(_l("Clicks and paid orders per product"), [
        go.Bar(x=skus, y=[r["clicks"] for r in rows], name=plot_text(_l("Clicks"))),
        go.Bar(x=skus, y=[r["orders"] for r in rows], name=plot_text(_l("Paid orders"))),
    ], barmode="group", bargap=bar_gap(len(skus)), yaxis=count_axis([r["clicks"] for r in rows]))


def watch_time(histogram: list[dict[str, Any]]) -> go.Figure:
    """Return the number of viewers per watch-time bucket."""
    counts = [r["viewers"] for r in histogram]
    return _figure(_l("Watch time"), [go.Bar(x=[plot_text(r["bucket"]) for r in histogram], y=counts,
                                             name=plot_text(_l("Viewers")))], yaxis=count_axis(counts))


def sources(metrics: dict[str, Any]) -> go.Figure:
    """Return paid orders and GMV per order source."""
    names = [plot_text(SOURCE_LABELS.get(s, s)) for s in metrics["by_source"]]
    rows = list(metrics["by_source"].values())
    return _figure(_l("Paid orders and GMV by source"), [
        go.Bar(x=names, y=[r["orders"] for r in rows], name=plot_text(_l("Paid orders"))),
        go.Scatter(x=names, y=[float(r["gmv"]) for r in rows], name=plot_text(_l("GMV")), yaxis="y2",
                   mode="markers", marker={"size": 14}),
    ], yaxis=count_axis([r["orders"] for r in rows]), yaxis2=right_axis({"rangemode": "tozero", "tickprefix": "¥"}))


def comparison(rows: list[dict[str, Any]]) -> go.Figure:
    """Return GMV and conversion rate of this and the previous broadcasts, oldest first (two or more: with one,
    the page shows its table and says there is nothing earlier)."""
    ordered = list(reversed(rows))
    names = [plot_text(f"#{r['broadcast_id']} {r['title']}") for r in ordered]
    return _figure(_l("Compared with previous broadcasts"), [
        go.Bar(x=names, y=[float(r["gmv"]) for r in ordered], name=plot_text(_l("GMV"))),
        go.Scatter(x=names, y=[r["conversion_rate"] for r in ordered], name=plot_text(_l("Conversion rate")),
                   yaxis="y2", mode="lines+markers"),
    ], bargap=bar_gap(len(names)), yaxis={"rangemode": "tozero", "tickprefix": "¥"},
       yaxis2=right_axis({"rangemode": "tozero", "tickformat": ".1%"}))


def bar_gap(categories: int) -> float:
    """Return the gap between bar groups: wide when there are few, so two bars never fill the chart."""
    return 0.2 if categories >= 6 else 0.8 - categories * 0.1


def report_figures(report: dict[str, Any]) -> dict[str, go.Figure]:
    """Return every chart of the report that has something to draw, by name, in page order."""
    metrics, empty = report["metrics"], empty_charts(report)
    charts = {
        "funnel": lambda: funnel(metrics),
        "timeline": lambda: timeline(metrics, report["pinned"]),
        "products": lambda: products(metrics),
        "watch_time": lambda: watch_time(report["watch_histogram"]),
        "sources": lambda: sources(metrics),
        "comparison": lambda: comparison(report["tables"]["comparison"]),
    }
    return {name: draw() for name, draw in charts.items() if name not in empty}
