"""A moderator escalates a chat message as a complaint from the console (issue 15): one click, a toast naming the
complaint, and the after-sales queue has it with the viewer as complainant and the message as its text."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from tests.browser.test_complaints_queue import log_in
from tests.support.axe import blocking_violations

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_a_moderator_escalates_a_message_and_the_agent_finds_it_in_the_queue(live_server, page, browser):
    server, token = live_server
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    broadcast_id = session.post(server.url + "/api/v1/broadcasts", json={"title": "Scarves", "platform": "douyin"},
                                timeout=20).json()["id"]
    session.post(f"{server.url}/api/v1/broadcasts/{broadcast_id}/start", json={}, timeout=20)
    session.post(f"{server.url}/api/v1/broadcasts/{broadcast_id}/events", timeout=20, json={"events": [
        {"id": "m-1", "type": "chat", "ts": datetime.now(timezone.utc).isoformat(), "viewer_id": "v-5",
         "nickname": "粉丝5", "text": "主播说包邮结果收了运费"}]})
    log_in(page, server.url, "moderator")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/moderation")
    message = page.wait_for_selector('#stream li.msg[data-event-id="m-1"]')
    assert blocking_violations(page) == []
    message.query_selector('button[data-action="escalate"]').click()
    toast = page.wait_for_selector(".toast.good:has-text('Escalated as complaint CP-')")
    complaint_id = toast.inner_text().split("Escalated as complaint ")[1].split()[0]
    assert page.errors == []

    agent = browser.new_context(locale="en-US", timezone_id="Asia/Shanghai", bypass_csp=True).new_page()
    log_in(agent, server.url, "aftersales")
    agent.goto(f"{server.url}/complaints")
    row = agent.locator(f'#complaint-queue tr[data-complaint-id="{complaint_id}"]')
    assert "主播说包邮结果收了运费" in row.inner_text() and "v-5" in row.inner_text()
    assert "Live chat" in row.inner_text()
    agent.context.close()
