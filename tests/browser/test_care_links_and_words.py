"""Customer care pages in a real Chromium (probe 1): /followups links the after-sales case and the complaint a
call-back is about by their public ids (AS-…, CP-…, not "#39"), and refuses a follow-up for a buyer LiveDesk knows
nothing of with the reason under the buyer field, in the page's language; /surveys keeps the top words of each
segment apart at 390 px as at 1440 px (the cards' `td {display:block}` had run them together: "好但 ×1物流 ×1")."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.db import utcnow
from app.extensions import db
from orders.care.followups.models import FollowUpTask
from orders.care.surveys.answers import record_answer
from orders.care.surveys.models import SurveyInvitation
from tests.browser.test_audit_queue import Platform
from tests.browser.test_viewports import log_in, new_page
from tests.support import survey_rows as rows
from tests.support.api import order_event
from tests.support.databases import make_app

pytestmark = pytest.mark.browser

UNKNOWN = {"en-US": "LiveDesk knows no buyer with this id", "zh-CN": "LiveDesk 中没有这个买家 ID"}
COMMENTS = ("质量很好但是物流太慢了", "物流很快，质量不错", "客服态度好，物流快")


def api(page, base: str, path: str, body: dict) -> dict:
    """POST body to the API as the page's logged-in user (its cookies, its CSRF token); return the JSON answer."""
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    response = page.request.post(base + path, data=body, headers={"X-CSRFToken": token})
    assert response.ok, response.text()
    return response.json()


def count_tasks(sqlite_url) -> int:
    """Return how many follow-up tasks the server's database holds."""
    app = make_app(sqlite_url)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(FollowUpTask.id)))
        db.engine.dispose()
    return count


@pytest.mark.slow
def test_follow_ups_link_their_case_and_complaint_and_refuse_an_unknown_buyer_under_its_field(
        live_server, browser, sqlite_url):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events",
                  {"events": [order_event("TEA", 1, order_id="FU-1", unit_price="80.00")]})
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [{
        "id": "pay-FU-1", "type": "payment", "ts": datetime.now(timezone.utc).isoformat(), "order_id": "FU-1",
        "status": "paid", "amount": "80.00"}]})
    page = new_page(browser, "en-US", (1440, 900))
    log_in(page, server.url, "aftersales")
    case_id = api(page, server.url, "/api/v1/orders/FU-1/aftersales", {"type": "refund_only", "reason": "other"})[
        "case_id"]
    api(page, server.url, f"/api/v1/aftersales/{case_id}/cancel", {"reason": "buyer withdrew"})
    complaint_id = api(page, server.url, "/api/v1/complaints", {"order_id": "FU-1", "category": "logistics",
                                                                "text": "快递太慢", "channel": "back_office"})["complaint_id"]
    api(page, server.url, f"/api/v1/complaints/{complaint_id}/resolve",
        {"root_cause": "carrier", "resolution": "道歉", "feedback": "抱歉"})

    page.goto(server.url + "/followups?view=all")
    case_link = page.locator(f'#followups a[href="/aftersales/{case_id}"]')
    complaint_link = page.locator(f'#followups a[href="/complaints/{complaint_id}"]')
    expect(case_link).to_have_text(case_id)
    expect(complaint_link).to_have_text(complaint_id)
    case_link.click()
    page.wait_for_url(f"{server.url}/aftersales/{case_id}")
    expect(page.locator("h1")).to_contain_text(case_id)
    page.go_back()
    page.locator(f'#followups a[href="/complaints/{complaint_id}"]').click()
    page.wait_for_url(f"{server.url}/complaints/{complaint_id}")
    assert page.errors == []
    state = page.context.storage_state()
    page.context.close()

    stored = count_tasks(sqlite_url)
    for language in ("en-US", "zh-CN"):
        page = new_page(browser, language, (390, 844), storage_state=state)
        page.goto(server.url + "/followups?view=all")
        expect(page.locator(f'#followups a[href="/aftersales/{case_id}"]')).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.click("#new-followup summary")
        page.fill("#new-followup-form input[name=buyer_id]", "nobody-at-all")
        page.fill("#new-followup-form textarea[name=note]", "ask about the size")
        page.click("#new-followup-form button[type=submit]")
        error = page.locator('#new-followup-form .field-error[data-field="buyer_id"]')
        expect(error).to_contain_text(UNKNOWN[language])
        buyer = page.locator("#new-followup-form input[name=buyer_id]")
        expect(buyer).to_have_value("nobody-at-all")
        expect(buyer).to_have_attribute("aria-invalid", "true")
        expect(buyer).to_be_focused()
        expect(page.locator("#new-followup-form textarea[name=note]")).to_have_value("ask about the size")
        assert "buyer_id" not in error.inner_text()
        assert page.errors == []
        page.context.close()
    assert count_tasks(sqlite_url) == stored  # nothing was opened for nobody


@pytest.fixture
def commented(live_server, sqlite_url):
    """Return the server of a shop whose delivered orders got CSAT answers with comments."""
    server, _token = live_server
    app = make_app(sqlite_url)
    with app.app_context():
        b = rows.broadcast("Spring tea").id
        for n, comment in enumerate(COMMENTS):
            order = rows.paid_order(b, buyer_id=f"B-{n}")
            rows.deliver(order, commit=False)
            invitation = db.session.scalar(sa.select(SurveyInvitation).where(SurveyInvitation.order_pk == order.id))
            record_answer(db.session, invitation, 2 + n, comment, "zh_CN", utcnow())
        db.session.commit()
        db.engine.dispose()
    return server


WORD_GAPS = """(cell) => {
  const boxes = [...cell.querySelectorAll(':scope > .word')].map((w) => w.getBoundingClientRect());
  const gaps = [];
  for (let i = 1; i < boxes.length; i++) {
    if (Math.abs(boxes[i].top - boxes[i - 1].top) < 2) gaps.push(boxes[i].left - boxes[i - 1].right);
  }
  return {words: boxes.length, gaps: gaps};
}"""


@pytest.mark.parametrize("width", [390, 1440])
def test_the_top_words_of_each_segment_stay_apart_on_a_phone_and_a_desktop(browser, commented, width):
    page = new_page(browser, "zh-CN", (width, 900))
    log_in(page, commented.url, "analyst")
    page.goto(commented.url + "/surveys")
    cells = page.locator(":is(#segment-broadcast, #segment-product) :is(td.words, td .words)")
    expect(cells.first).to_be_visible()
    assert cells.count() >= 2
    for n in range(cells.count()):
        drawn = cells.nth(n).evaluate(WORD_GAPS)
        assert drawn["words"] >= 2 and drawn["gaps"], drawn
        assert min(drawn["gaps"]) >= 8, drawn  # the gap of the overall list (var(--space-3)), not 0
    overall = page.locator("#top-words .words").evaluate(WORD_GAPS)
    assert min(overall["gaps"]) >= 8, overall
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == []
    page.context.close()
