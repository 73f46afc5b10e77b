"""The downloadable HTML report shows its times in one zone, the reader's, and names it once (issue 10, item 24)."""
from __future__ import annotations

import re

import pytest

from tests.functional.test_analytics_pages import _platform_clock, broadcast_id  # noqa: F401 (fixtures)
from tests.functional.test_chinese_labels import visible_text
from tests.support.auth import login


def _report(app, broadcast_id, query="") -> str:
    response = login(app, "analyst").get(f"/broadcasts/{broadcast_id}/report.html{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_standalone_report_shows_its_times_in_the_zone_asked_for_and_names_it_once(app, users, broadcast_id):
    html = _report(app, broadcast_id, "?tz=Asia/Shanghai")
    shown = visible_text(html)
    # The broadcast started 2024-05-01 20:00 UTC: 04:00 the next morning in Shanghai.
    assert "2024-05-02 04:00" in shown and "2024-05-01 20:00" not in shown
    assert not re.search(r"\bUTC\b(?![+−-])", shown), "a time is still labelled UTC"
    assert shown.count("Asia/Shanghai (UTC+08:00)") == 1
    timeline = html[html.index('id="chart-timeline"'):]
    assert '"2024-05-02T04:00:00"' in timeline and '"2024-05-01T20:00:00' not in timeline  # the chart's minutes too


@pytest.mark.slow
def test_without_a_zone_the_report_is_in_utc_and_says_so(app, users, broadcast_id):
    shown = visible_text(_report(app, broadcast_id))
    assert "2024-05-01 20:00" in shown and shown.count("UTC (UTC+00:00)") == 1


def test_an_unknown_zone_is_refused(app, users, broadcast_id):
    response = login(app, "analyst").get(f"/broadcasts/{broadcast_id}/report.html?tz=Mars/Olympus")
    assert response.status_code == 400
