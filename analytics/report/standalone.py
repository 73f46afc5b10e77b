"""The standalone HTML report: one file with plotly.js inside, that opens offline (page and CLI)."""
from __future__ import annotations

from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import plotly.io as pio
from flask import render_template

from analytics.report.figures import SOURCE_LABELS, report_figures
from analytics.report.zone import in_zone

CHART_CONFIG = {"displaylogo": False, "responsive": True}


def chart_divs(report: dict[str, Any]) -> dict[str, str]:
    """Return each chart that has data as the HTML div plotly writes for it; the first one carries plotly.js itself
    (a chart left out has nothing to draw: the page says "no data yet" in its place)."""
    divs = {}
    for index, (name, figure) in enumerate(report_figures(report).items()):
        divs[name] = pio.to_html(figure, full_html=False, include_plotlyjs=index == 0, config=CHART_CONFIG,
                                 div_id=f"chart-{name}")
    return divs


def standalone_html(report: dict[str, Any], zone: tzinfo | None = None, gpm: str = "views") -> str:
    """Return the report as a complete HTML document with no external resource, its times in zone (default UTC)
    and GPM per 1,000 views, or per 1,000 viewers when gpm is "viewers"."""
    shown = in_zone(report, zone or ZoneInfo("UTC"))
    return render_template("analytics/standalone.html", report=shown, charts=chart_divs(shown),
                           source_labels=SOURCE_LABELS, gpm=gpm)
