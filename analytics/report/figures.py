"""Plotly figures of the standalone report (the pages draw the same charts in static/analytics/charts.js)."""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from flask_babel import lazy_gettext as _l

SOURCE_LABELS = {"in_stream": _l("In stream"), "product_link": _l("Product link"),
                 "post_stream": _l("After the stream")}
PIN_FILL = "rgba(255, 170, 0, 0.18)"
LAYOUT = {"template": "plotly_white", "height": 340, "margin": {"l": 50, "r": 50, "t": 50, "b": 50},
          "legend": {"orientation": "h", "y": -0.2}}


def plot_text(value: Any) -> str:
    """Return text for a Plotly label: Plotly reads a few HTML tags in labels, so < > & are written as entities."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _figure(title: Any, data: list, **layout: Any) -> go.Figure:
    figure = go.Figure(data=data)
    figure.update_layout(title={"text": plot_text(title)}, **{**LAYOUT, **layout})
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
    """Return viewers online and orders per minute, with each pinned interval shaded and labelled by SKU."""
    minutes = [row["minute"] for row in metrics["timeline"]]
    data = [
        go.Scatter(x=minutes, y=[row["online"] for row in metrics["timeline"]], name=plot_text(_l("Online")),
                   mode="lines", line_shape="hv"),  # quiet minutes have no row: level until the next
        go.Bar(x=minutes, y=[row["orders"] for row in metrics["timeline"]], name=plot_text(_l("Orders")),
               yaxis="y2", opacity=0.6),
    ]
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": p["start"], "x1": p["end"], "y0": 0, "y1": 1,
               "fillcolor": PIN_FILL, "line": {"width": 0}, "layer": "below"} for p in pinned]
    notes = [{"x": p["start"], "y": 1, "xref": "x", "yref": "paper", "text": plot_text(p["sku"]), "showarrow": False,
              "xanchor": "left", "yanchor": "bottom", "font": {"size": 10}} for p in pinned]
    return _figure(_l("Viewers online and orders per minute (shaded: product pinned)"), data, shapes=shapes,
                   annotations=notes, xaxis={"title": {"text": plot_text(_l("Time (UTC)"))}},
                   margin={"l": 50, "r": 50, "t": 50, "b": 90}, legend={"orientation": "h", "y": -0.45},
                   yaxis={"title": {"text": plot_text(_l("Online"))}, "rangemode": "tozero"},
                   yaxis2={"title": {"text": plot_text(_l("Orders"))}, "overlaying": "y", "side": "right",
                           "rangemode": "tozero"})


def products(metrics: dict[str, Any]) -> go.Figure:
    """Return clicks and paid orders per SKU."""
    skus = [plot_text(sku) for sku in metrics["by_product"]]
    rows = list(metrics["by_product"].values())
    return _figure(_l("Clicks and paid orders per product"), [
        go.Bar(x=skus, y=[r["clicks"] for r in rows], name=plot_text(_l("Clicks"))),
        go.Bar(x=skus, y=[r["orders"] for r in rows], name=plot_text(_l("Paid orders"))),
    ], barmode="group")


def watch_time(histogram: list[dict[str, Any]]) -> go.Figure:
    """Return the number of viewers per watch-time bucket."""
    return _figure(_l("Watch time"), [go.Bar(x=[plot_text(r["bucket"]) for r in histogram],
                                             y=[r["viewers"] for r in histogram], name=plot_text(_l("Viewers")))])


def sources(metrics: dict[str, Any]) -> go.Figure:
    """Return paid orders and GMV per order source."""
    names = [plot_text(SOURCE_LABELS.get(s, s)) for s in metrics["by_source"]]
    rows = list(metrics["by_source"].values())
    return _figure(_l("Paid orders and GMV by source"), [
        go.Bar(x=names, y=[r["orders"] for r in rows], name=plot_text(_l("Paid orders"))),
        go.Scatter(x=names, y=[float(r["gmv"]) for r in rows], name=plot_text(_l("GMV")), yaxis="y2",
                   mode="markers", marker={"size": 14}),
    ], yaxis2={"overlaying": "y", "side": "right", "rangemode": "tozero"})


def comparison(rows: list[dict[str, Any]]) -> go.Figure:
    """Return GMV and conversion rate of this and the previous broadcasts, oldest first."""
    ordered = list(reversed(rows))
    names = [plot_text(f"#{r['broadcast_id']} {r['title']}") for r in ordered]
    return _figure(_l("Compared with previous broadcasts"), [
        go.Bar(x=names, y=[float(r["gmv"]) for r in ordered], name=plot_text(_l("GMV"))),
        go.Scatter(x=names, y=[r["conversion_rate"] for r in ordered], name=plot_text(_l("Conversion rate")),
                   yaxis="y2", mode="lines+markers"),
    ], yaxis2={"overlaying": "y", "side": "right", "rangemode": "tozero", "tickformat": ".1%"})


def report_figures(report: dict[str, Any]) -> dict[str, go.Figure]:
    """Return every chart of the report, by name, in page order."""
    metrics = report["metrics"]
    return {
        "funnel": funnel(metrics),
        "timeline": timeline(metrics, report["pinned"]),
        "products": products(metrics),
        "watch_time": watch_time(report["watch_histogram"]),
        "sources": sources(metrics),
        "comparison": comparison(report["tables"]["comparison"]),
    }
