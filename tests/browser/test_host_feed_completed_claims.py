"""A chat claim's draft shows in the host's order feed; when the platform's order naming its comment completes it,
the draft's row becomes that order: one row, never a ghost of the draft beside it (probe 1, F15)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_host_page import RemoteApi
from tests.support.api import order_event

pytestmark = pytest.mark.browser


def _claim_sale(api: RemoteApi) -> int:
    """Return a live broadcast selling JACKET at link 2."""
    api.post("/api/v1/products", {"sku": "JACKET", "name": "Jacket", "price": "899.00", "stock": 20})
    broadcast_id = api.post("/api/v1/broadcasts", {"title": "Claims feed", "platform": "douyin"})["id"]
    api.post(f"/api/v1/broadcasts/{broadcast_id}/start", {})
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "JACKET", "link_no": 2})
    return broadcast_id


def _chat(comment_id: str, viewer_id: str, text: str) -> dict:
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=30)
    return {"id": comment_id, "type": "chat", "ts": at.isoformat(), "viewer_id": viewer_id, "text": text}


def _platform_order(order_id: str, comment_id: str, viewer_id: str) -> dict:
    event = order_event("JACKET", 1, order_id=order_id, unit_price="899.00", comment_id=comment_id)
    event["buyer"]["id"] = viewer_id
    return event


def _open_host_page(page, server, broadcast_id: int) -> None:
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")


def test_the_platform_order_takes_the_row_of_the_draft_it_completes(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _claim_sale(api)
    _open_host_page(page, server, broadcast_id)
    events = f"/api/v1/broadcasts/{broadcast_id}/events"

    api.post(events, {"events": [_chat("cm-1", "viewer-1", "拍了 2号 1件")]})
    draft = page.locator("#feed tr[data-order-id^='claim-']")
    expect(draft).to_have_count(1)
    draft_id = draft.get_attribute("data-order-id")

    api.post(events, {"events": [_platform_order("DY-1", "cm-1", "viewer-1")]})
    expect(page.locator("#feed tr[data-order-id='DY-1']")).to_have_count(1)
    expect(page.locator(f"#feed tr[data-order-id='{draft_id}']")).to_have_count(0)
    expect(page.locator("#feed tr")).to_have_count(1)
    assert "JACKET ×1" in page.inner_text("#feed tr[data-order-id='DY-1']")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_a_draft_completed_while_the_host_reads_the_feed_is_one_row_after_resume(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _claim_sale(api)
    _open_host_page(page, server, broadcast_id)
    events = f"/api/v1/broadcasts/{broadcast_id}/events"
    api.post(events, {"events": [_chat("cm-0", "viewer-0", "拍了 2号 1件")]})
    expect(page.locator("#feed tr")).to_have_count(1)

    page.hover("#feed tr")  # pointing at the feed: new orders wait behind "n new · resume"
    api.post(events, {"events": [_chat("cm-1", "viewer-1", "拍了 2号 1件")]})
    api.post(events, {"events": [_platform_order("DY-1", "cm-1", "viewer-1")]})
    expect(page.locator("#feed-new")).to_be_visible()
    page.mouse.move(0, 0)  # leaving the feed shows what waited

    expect(page.locator("#feed tr[data-order-id='DY-1']")).to_have_count(1)
    expect(page.locator("#feed tr")).to_have_count(2)
    assert page.errors == [] and page.dialogs == []
