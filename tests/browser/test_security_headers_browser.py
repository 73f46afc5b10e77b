"""Every console page runs under the Content-Security-Policy without a single violation (issue 10, item 20):
scripts only from the site, no inline script or handler, and the charts, sockets and forms still work."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.browser.conftest import log_in, recording_page
from tests.browser.test_analytics_browser import RemoteApi
from tests.support import analytics as ax
from tests.unit.analytics.events import click, join

pytestmark = pytest.mark.browser

# Reported by the page itself, so a violation Chromium does not log to the console is caught too.
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


@pytest.fixture
def enforcing_page(browser):
    """Return a recording page whose browser context enforces the CSP (the shared page fixture bypasses it)."""
    yield from recording_page(browser, bypass_csp=False)


@pytest.mark.slow
def test_no_page_of_any_role_breaks_the_content_security_policy(live_server, enforcing_page):
    page = enforcing_page
    server, token = live_server
    api = RemoteApi(server.url, token)
    started = datetime.now(timezone.utc) - timedelta(minutes=3)
    broadcast_id = ax.start_broadcast(api, started, skus=("A",))
    ax.ingest(api, broadcast_id, [join(started + timedelta(seconds=5), "v1"), click(started + timedelta(seconds=9), "v1", "A")])
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text else None)
    page.add_init_script(REPORT_VIOLATIONS)

    response = page.goto(server.url + "/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    log_in(page, server.url, "admin")
    pages = {
        "/": "main", "/promotions": "main", "/audit": "main", "/moderation": "main", "/settings": "form",
        f"/broadcasts/{broadcast_id}/live": "main", f"/broadcasts/{broadcast_id}/moderation": "main",
        f"/broadcasts/{broadcast_id}/analytics": "#chart-funnel .plotly .main-svg",
        f"/broadcasts/{broadcast_id}/report": "#chart-funnel .plotly .main-svg",
    }
    for path, ready in pages.items():
        page.goto(server.url + path)
        page.wait_for_selector(ready)
        page.wait_for_load_state("load")
    assert violations == []
    assert page.errors == [] and page.dialogs == []
