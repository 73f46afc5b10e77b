"""The follow-up page in a real Chromium: an after-sales agent sees the call-back a delivery opened, marks it done
with the outcome, and finds it under Closed; at 390 px the list is cards, with no sideways scrolling; axe-clean.
The screenshot docs/screenshots/followups.png is the list before the task is closed."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from orders.care.followups.models import FollowUpTask
from tests.support import survey_rows as rows
from tests.support.axe import blocking_violations
from tests.support.databases import PASSWORD, make_app

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def log_in(page, base: str, username: str) -> None:
    """Log in through the form and wait for the role's home page (after-sales agents land on their own queue)."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_function("() => !location.pathname.startsWith('/login')")


@pytest.fixture
def delivered(live_server, sqlite_url):
    """Return (server, token, app, task id): a delivered first order whose follow-up went to the agent, and one overdue."""
    server, token = live_server
    app = make_app(sqlite_url)
    with app.app_context():
        b = rows.broadcast("Spring tea").id
        rows.deliver(rows.paid_order(b, buyer_id="B-1", total="680.00"))
        late = rows.paid_order(b, buyer_id="B-2")
        rows.deliver(late, at=rows.days_ago(5))
        task_id = db.session.scalar(sa.select(FollowUpTask.id).where(FollowUpTask.buyer_id == "B-1"))
        db.engine.dispose()
    return server, token, app, task_id


@pytest.mark.slow
def test_an_agent_marks_a_follow_up_done_with_its_outcome(page, delivered):
    server, _token, app, task_id = delivered
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, server.url, "aftersales")
    page.click("nav >> text=Follow-ups")
    row = f"tr[data-followup-id='{task_id}']"
    page.wait_for_selector(row)
    page.wait_for_load_state()  # the click only started loading the list: every row, before counting them
    assert page.locator("tr.overdue").count() == 1 and "overdue" in page.inner_text("tr.overdue")
    assert blocking_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "followups.png"))

    page.click(f"{row} summary")
    page.fill(f"{row} textarea[name=outcome]", "Called back: happy with the tea, wants the autumn catalogue")
    page.click(f"{row} .done-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    page.wait_for_load_state()  # the whole list, or a row further down would not be there yet to be found
    assert page.locator(row).count() == 0  # gone from "my tasks"
    page.click("a.view-tab >> nth=3")  # Closed
    page.wait_for_selector(f"{row}[data-status=done]")
    assert "happy with the tea" in page.inner_text(row)
    with app.app_context():
        task = db.session.get(FollowUpTask, task_id)
        assert (task.status, task.closed_by) == ("done", "aftersales")
        db.engine.dispose()
    assert page.errors == []


def test_the_list_is_cards_on_a_phone_and_the_api_agrees(page, delivered):
    server, token, _app, task_id = delivered
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "aftersales")
    page.goto(server.url + "/followups")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("getComputedStyle(document.querySelector('#followups thead')).position") == "absolute"
    assert blocking_violations(page) == []
    refused = requests.get(f"{server.url}/api/v1/followups", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 403  # the legacy token has no aftersales scope
    assert page.errors == []
