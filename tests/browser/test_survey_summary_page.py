"""The analysts' surveys page in a real Chromium: tiles, weekly trend, segments with top words, the campaign form;
axe-clean at 1440 px and at 390 px in Chinese with no sideways scrolling. Screenshot: docs/screenshots/surveys-summary.png."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.care.surveys.answers import record_answer
from orders.care.surveys.invitations import invite
from orders.care.surveys.models import SurveyInvitation
from tests.browser.conftest import log_in
from tests.support import survey_rows as rows
from tests.support.axe import blocking_violations
from tests.support.databases import make_app

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
COMMENTS = ["物流很快，包装很好", "物流太慢了", "客服态度很好", None, "Great tea, fast delivery", "包装破损"]


@pytest.fixture
def answered(live_server, sqlite_url):
    """Return the server of a shop with CSAT and NPS answers over three weeks."""
    server, _token = live_server
    app = make_app(sqlite_url)
    with app.app_context():
        b = rows.broadcast("Spring tea").id
        for n, comment in enumerate(COMMENTS):
            at = utcnow() - timedelta(days=3 * n)
            order = rows.paid_order(b, buyer_id=f"B-{n}", skus=("TEA-1",) if n % 2 else ("TEA-1", "CUP-1"))
            rows.deliver(order, at=at, commit=False)
            csat = db.session.scalar(sa.select(SurveyInvitation).where(SurveyInvitation.order_pk == order.id))
            record_answer(db.session, csat, [5, 2, 4, 3, 5, 1][n], comment, "zh_CN", at)
            nps = invite(db.session, "nps", "campaign", f"demo:{n}", order, at)
            record_answer(db.session, nps, [10, 6, 9, 8, 10, 3][n], None, "zh_CN", at)
        db.session.commit()
        db.engine.dispose()
    return server


def test_an_analyst_reads_csat_nps_segments_and_the_trend(page, answered):
    server = answered
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, server.url, "analyst")
    page.click("nav >> text=Surveys")
    page.wait_for_selector("#survey-tiles")
    page.wait_for_load_state()  # the click only started loading the page: the segments below the tiles too
    assert page.inner_text("#tile-responses") == "12"
    assert page.inner_text("#tile-csat") == "50.0 %" and page.inner_text("#tile-nps") == "+16.7"
    assert "物流" in page.inner_text("#top-words")
    assert page.locator("#segment-product tbody tr").count() == 2
    assert blocking_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "surveys-summary.png"), full_page=True)
    assert page.errors == []


def test_the_page_fits_a_phone_in_chinese(browser, answered):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True,
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = context.new_page()
    log_in(page, answered.url, "analyst")
    page.goto(answered.url + "/surveys")
    assert page.inner_text("h1") == "满意度调查"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert blocking_violations(page) == []
    context.close()


def test_an_analyst_creates_an_nps_campaign_only_after_confirming_it(page, answered):
    log_in(page, answered.url, "analyst")
    page.goto(answered.url + "/surveys")
    page.click(".campaign-create summary")
    page.fill("#campaign-form input[name=name]", "Spring NPS")
    page.fill("#campaign-form input[name=from]", (utcnow() - timedelta(days=30)).strftime("%Y-%m-%d"))
    page.fill("#campaign-form input[name=to]", utcnow().strftime("%Y-%m-%d"))
    page.click("#campaign-form button[type=submit]")  # invitations to every buyer are asked about first
    page.wait_for_selector("#confirm-dialog[open]")
    assert page.inner_text("#confirm-question") == "Create the campaign and send the NPS invitation now?"
    page.click("#confirm-cancel")
    assert page.locator("#campaign-table").count() == 0
    page.click("#campaign-form button[type=submit]")
    with page.expect_navigation():
        page.click("#confirm-ok")
    assert "Spring NPS" in page.inner_text("#campaign-table")
    assert "buyers invited" in page.inner_text("main")
    assert page.errors == []
