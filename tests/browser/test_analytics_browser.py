"""Analytics in Chromium: the offline report draws every chart from file://, the dashboard redraws on its push."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.browser.conftest import log_in, screenshot
from tests.support import analytics as ax
from tests.unit.analytics.events import at, chat, click, join, leave, order, payment, pin, unpin

pytestmark = pytest.mark.browser
CHARTS = ("funnel", "timeline", "watch_time", "sources", "products", "comparison")
HOSTILE = '<img src=x onerror="alert(1)">'


def _sample_log(sku: str = "A") -> list[dict]:
    return [
        join(at(0), "v1"), join(at(0, 30), "v2"), join(at(1, 5), "v3"), pin(at(1), sku),
        click(at(1, 10), "v1", sku), click(at(1, 20), "v2", sku), chat(at(1, 40), "v3", text=HOSTILE),
        order(at(2, 30), "o1", "v1", [(sku, 2, "49.90")]), payment(at(2, 50), "o1", "99.80"),
        order(at(3, 10), "o2", "v2", [("B", 1, "19.90")], source="product_link"), payment(at(3, 20), "o2", "19.90"),
        unpin(at(3, 30), sku), leave(at(4), "v2"),
    ]


@pytest.mark.slow
def test_the_standalone_report_opens_offline_with_every_chart_drawn(app, api, page, tmp_path):
    earlier = ax.start_broadcast(api, at(-60 * 24))
    ax.ingest(api, earlier, [join(at(-60 * 24), "v9")], prefix="old-")
    ax.end_broadcast(api, earlier, at(-60 * 24 + 30))
    broadcast_id = ax.start_broadcast(api, at(0), skus=("A", "B", HOSTILE))
    ax.ingest(api, broadcast_id, _sample_log(HOSTILE))
    ax.end_broadcast(api, broadcast_id, at(5))
    out = tmp_path / "report.html"
    result = app.test_cli_runner().invoke(args=["report", str(broadcast_id), "--out", str(out)])
    assert result.exit_code == 0, result.output

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(out.as_uri())
    for name in CHARTS:
        page.wait_for_selector(f"#chart-{name} .plotly .main-svg", timeout=10_000)
    assert [url for url in requested if not url.startswith("file://")] == []
    assert HOSTILE in page.inner_text("#products")
    assert page.query_selector("img") is None
    screenshot(page, "analytics-report")
    assert page.errors == [] and page.dialogs == []


class RemoteApi:
    """The v1 API of a running server, with a bearer token, shaped like tests.support.api.ApiClient."""

    def __init__(self, base: str, token: str):
        self.base, self.http = base, requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, json=None):
        """POST json; return a response with get_json() like Flask's."""
        response = self.http.post(self.base + path, json=json, timeout=10)
        response.get_json = response.json
        response.status_code = response.status_code
        return response

    def events(self, broadcast_id: int, events: list):
        """POST events to a broadcast."""
        return self.post(f"/api/v1/broadcasts/{broadcast_id}/events", {"events": events})


@pytest.mark.slow
def test_the_dashboard_redraws_when_the_metrics_push_arrives(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    started = datetime.now(timezone.utc) - timedelta(minutes=3)
    broadcast_id = ax.start_broadcast(api, started)
    ax.ingest(api, broadcast_id, [join(started + timedelta(seconds=5), "v1")])
    log_in(page, server.url, "analyst")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/analytics")
    page.wait_for_selector("#analytics[data-connection=connected]")
    for name in ("funnel", "timeline"):
        page.wait_for_selector(f"#chart-{name} .plotly .main-svg")
    assert page.inner_text("[data-metric=unique_viewers]") == "1"

    now = datetime.now(timezone.utc)
    ax.ingest(api, broadcast_id, [join(now, "v2"), join(now, "v3"), click(now, "v2", "A")], prefix="late-")
    # The server's metrics-push job runs every 4.5 s; the page must redraw without a reload.
    page.wait_for_function("document.querySelector('[data-metric=unique_viewers]').textContent === '3'",
                           timeout=15_000)
    assert int(page.get_attribute("#analytics", "data-updates")) >= 1
    page.wait_for_selector('#products-body tr[data-sku="A"]')
    screenshot(page, "analytics-dashboard")
    assert page.errors == [] and page.dialogs == []
