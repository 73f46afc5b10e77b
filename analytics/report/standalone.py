"""The standalone HTML report: one file with plotly.js inside, that opens offline (page and CLI)."""
from __future__ import annotations

from typing import Any

import plotly.io as pio
from flask import render_template

from analytics.report.figures import SOURCE_LABELS, report_figures

CHART_CONFIG = {"displaylogo": False, "responsive": True}


def chart_divs(report: dict[str, Any]) -> dict[str, str]:
    """Return each chart as the HTML div plotly writes for it; the first one carries plotly.js itself."""
    divs = {}
    for index, (name, figure) in enumerate(report_figures(report).items()):
        divs[name] = pio.to_html(figure, full_html=False, include_plotlyjs=index == 0, config=CHART_CONFIG,
                                 div_id=f"chart-{name}")
    return divs


def standalone_html(report: dict[str, Any]) -> str:
    """Return the report as a complete HTML document with no external resource."""
    return render_template("analytics/standalone.html", report=report, charts=chart_divs(report),
                           source_labels=SOURCE_LABELS)
