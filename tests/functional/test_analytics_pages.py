"""Analytics pages: who sees them, what they show, the CSV tables and the standalone report (page and CLI)."""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from datetime import timedelta

import pytest

from tests.support import analytics as ax
from tests.support.auth import login
from tests.unit.analytics.events import START, at, click, join, order, payment, pin, unpin

HOSTILE = '<img src=x onerror="alert(1)">'
FORMULA = "=HYPERLINK(\"evil.example\",\"x\")"  # no "/": ids with one are refused at ingestion


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcasts with the platform clock a few days after them (times are bounded around now)."""
    ax.platform_clock(monkeypatch, START + timedelta(days=5))  # the earlier broadcast ran a day before


@pytest.fixture
def broadcast_id(api):
    """Return an ended broadcast with a hostile SKU, a formula-like SKU and a formula-like title."""
    earlier = ax.start_broadcast(api, at(-24 * 60))
    ax.end_broadcast(api, earlier, at(-24 * 60 + 30))
    broadcast = api.post("/api/v1/broadcasts", json={"title": "@SUM(1+1) " + HOSTILE, "platform": "douyin"})
    broadcast_id = broadcast.get_json()["id"]
    ax.set_period(api, broadcast_id, started_at=START)
    ax.ingest(api, broadcast_id, [join(at(0), "v1"), pin(at(1), HOSTILE), click(at(1, 5), "v1", HOSTILE),
                                  click(at(1, 6), "v1", FORMULA), order(at(2), "o1", "v1", [(HOSTILE, 1, "9.90")]),
                                  payment(at(3), "o1", "9.90"), unpin(at(4), HOSTILE)])
    ax.end_broadcast(api, broadcast_id, at(5))
    return broadcast_id


@pytest.mark.parametrize("path", ["analytics", "report", "report/timeline.csv", "report.html"])
@pytest.mark.slow
def test_analysts_hosts_and_admins_may_open_the_pages_others_may_not(app, users, broadcast_id, path):
    url = f"/broadcasts/{broadcast_id}/{path}" if "." not in path or path.endswith(".csv") else \
        f"/broadcasts/{broadcast_id}/report.html"
    assert app.test_client().get(url).status_code == 302  # to the login page
    for role in ("analyst", "host", "admin"):
        assert login(app, role).get(url).status_code == 200, role
    for role in ("moderator", "auditor"):
        assert login(app, role).get(url).status_code == 403, role


def test_unknown_and_unstarted_broadcasts_have_no_analytics(app, api, users):
    analyst = login(app, "analyst")
    assert analyst.get("/broadcasts/999/analytics").status_code == 404
    later = api.post("/api/v1/broadcasts", json={"title": "later", "platform": "douyin"}).get_json()["id"]
    # The dashboard and the report are pages with an empty state that says why (probe 4, item 7), not an error
    # page headed "someone changed this first — reload", which would never help.
    for path in ("analytics", "report"):
        unstarted = analyst.get(f"/broadcasts/{later}/{path}")
        assert unstarted.status_code == 200, path
        page = unstarted.get_data(as_text=True)
        assert 'id="not-started"' in page
        assert "This broadcast has not started yet, so there is nothing to measure." in page
        assert "Someone changed this first" not in page and "Reload the page to see the latest version" not in page
        assert "<h1>Analytics: <span class=\"title-text\">later</span>" in page
    # A download has nothing to hold yet.
    assert analyst.get(f"/broadcasts/{later}/report/timeline.csv").status_code == 409
    listing = analyst.get("/").get_data(as_text=True)
    assert f'href="/broadcasts/{later}/analytics"' not in listing


def test_the_broadcast_list_links_to_analytics(app, users, broadcast_id):
    assert f'href="/broadcasts/{broadcast_id}/analytics"' in login(app, "host").get("/").get_data(as_text=True)


def test_the_dashboard_shows_the_numbers_and_carries_them_as_json(app, api, users, broadcast_id):
    page = login(app, "analyst").get(f"/broadcasts/{broadcast_id}/analytics").get_data(as_text=True)
    assert re.search(r'data-metric="views">1<', page) and re.search(r'data-metric="gmv">¥9.90<', page)
    assert "vendor/plotly.min.js" in page and "cdn" not in page.lower()
    assert HOSTILE not in page and "&lt;img src=x" in page  # escaped in the table, \u003c in the JSON


def test_the_report_page_has_every_table_and_its_csv_links(app, users, broadcast_id):
    page = login(app, "analyst").get(f"/broadcasts/{broadcast_id}/report?compare=3").get_data(as_text=True)
    for table in ("by_product", "by_source", "timeline", "comparison"):
        assert f"/broadcasts/{broadcast_id}/report/{table}.csv?compare=3" in page
    assert 'id="comparison-table"' in page and HOSTILE not in page
    assert login(app, "analyst").get(f"/broadcasts/{broadcast_id}/report?compare=99").status_code == 400


def _csv(client, broadcast_id: int, table: str) -> list[list[str]]:
    response = client.get(f"/broadcasts/{broadcast_id}/report/{table}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"broadcast-{broadcast_id}-{table}.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_tables_escape_cells_that_would_run_as_formulas(app, api, users, broadcast_id):
    client = login(app, "analyst")
    products = _csv(client, broadcast_id, "by_product")
    assert products[0][:3] == ["sku", "clicks", "clickers"]
    assert {row[0] for row in products[1:]} == {"'" + FORMULA, HOSTILE}
    comparison = _csv(client, broadcast_id, "comparison")
    assert comparison[1][1] == "'@SUM(1+1) " + HOSTILE and len(comparison) == 3
    assert _csv(client, broadcast_id, "by_source")[1:] == [["in_stream", "1", "9.90"], ["product_link", "0", "0.00"],
                                                           ["post_stream", "0", "0.00"]]
    # Header, then 20:00 (join), 20:01 (clicks), 20:02 (order) and the last minute: 20:03 and 20:04 were quiet.
    assert len(_csv(client, broadcast_id, "timeline")) == 1 + 4
    assert client.get(f"/broadcasts/{broadcast_id}/report/orders.csv").status_code == 404


class _References(HTMLParser):
    """Collects the src and href attributes of the document's elements (script bodies are not elements)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("src", "href") and value]


def _external_references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return [url for url in parser.found if re.match(r"^(?:[a-z]+:)?//", url, re.IGNORECASE)]


def test_the_standalone_report_downloads_as_one_file_without_external_references(app, users, broadcast_id):
    response = login(app, "analyst").get(f"/broadcasts/{broadcast_id}/report.html")
    assert f"broadcast-{broadcast_id}-report.html" in response.headers["Content-Disposition"]
    html = response.get_data(as_text=True)
    assert html.count("<script") >= 6 and "Plotly.newPlot" in html and len(html) > 3_000_000
    assert _external_references(html) == []
    assert HOSTILE not in html


def test_the_report_command_writes_the_same_offline_file(app, users, broadcast_id, tmp_path):
    out = tmp_path / "report.html"
    result = app.test_cli_runner().invoke(args=["report", str(broadcast_id), "--out", str(out), "--compare", "0"])
    assert result.exit_code == 0 and "wrote" in result.output
    html = out.read_text(encoding="utf-8")
    assert 'id="chart-timeline"' in html and _external_references(html) == []
    assert app.test_cli_runner().invoke(args=["report", "999", "--out", str(out)]).exit_code != 0
