"""The host page on a tablet (probe 4): the order feed reads in time placed even when a chat claim's draft is
completed by a later platform order (D5), a finger on the feed holds it like a hovering mouse (D6), and the pinned
card with nothing pinned shows only its empty state (D7)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, new_context
from tests.browser.test_host_feed_completed_claims import _chat, _claim_sale, _open_host_page, _platform_order
from tests.browser.test_host_page import RemoteApi
from tests.support.api import order_event

pytestmark = pytest.mark.browser

PLACED = "Array.from(document.querySelectorAll('#feed tr'), (tr) => [tr.dataset.orderId, Number(tr.dataset.placed)])"


def _at(seconds_ago: int) -> str:
    """Return an aware UTC time this many seconds ago, as the platform sends it."""
    return (datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=seconds_ago)).isoformat()


def _order(order_id: str, seconds_ago: int) -> dict:
    """Return a plain platform order for JACKET placed seconds_ago."""
    event = order_event("JACKET", 1, order_id=order_id, unit_price="899.00")
    event["ts"] = _at(seconds_ago)
    return event


def _completing(order_id: str, comment_id: str, viewer_id: str, seconds_ago: int) -> dict:
    """Return the platform order completing the claim of comment_id, placed seconds_ago."""
    event = _platform_order(order_id, comment_id, viewer_id)
    event["ts"] = _at(seconds_ago)
    return event


def _feed(page) -> list[list]:
    """Return [order id, placed ms] of the feed's rows, top first."""
    return page.evaluate(PLACED)


def _newest_first(rows: list[list]) -> bool:
    """Return whether the rows read newest placed first."""
    return all(above[1] >= below[1] for above, below in zip(rows, rows[1:]))


def _draft_then_order(api: RemoteApi, page, events: str) -> str:
    """Post a chat claim (a draft placed 30 s ago) and then an order placed 20 s ago; return the draft's id."""
    api.post(events, {"events": [_chat("cm-1", "viewer-1", "拍了 2号 1件")]})
    expect(page.locator("#feed tr[data-order-id^='claim-']")).to_have_count(1)
    draft_id = page.locator("#feed tr").first.get_attribute("data-order-id")
    api.post(events, {"events": [_order("DY-0", 20)]})
    expect(page.locator("#feed tr")).to_have_count(2)
    assert [row[0] for row in _feed(page)] == ["DY-0", draft_id]
    return draft_id


@pytest.mark.slow
def test_a_draft_completed_by_a_later_order_moves_to_its_place_by_time(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _claim_sale(api)
    _open_host_page(page, server, broadcast_id)
    events = f"/api/v1/broadcasts/{broadcast_id}/events"
    draft_id = _draft_then_order(api, page, events)

    api.post(events, {"events": [_completing("DY-1", "cm-1", "viewer-1", 5)]})
    expect(page.locator("#feed tr").first).to_have_attribute("data-order-id", "DY-1")
    rows = _feed(page)
    assert [row[0] for row in rows] == ["DY-1", "DY-0"] and _newest_first(rows), rows
    expect(page.locator(f"#feed tr[data-order-id='{draft_id}']")).to_have_count(0)

    page.reload()  # the server's snapshot agrees: the completed order sits at its own time placed
    page.wait_for_selector("#host[data-connection=connected]")
    expect(page.locator("#feed tr")).to_have_count(2)
    assert [row[0] for row in _feed(page)] == ["DY-1", "DY-0"]
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_while_the_host_reads_the_feed_a_completed_draft_waits_and_then_moves(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _claim_sale(api)
    _open_host_page(page, server, broadcast_id)
    events = f"/api/v1/broadcasts/{broadcast_id}/events"
    draft_id = _draft_then_order(api, page, events)

    page.hover("#feed tr")  # pointing at the feed: nothing moves under the pointer
    api.post(events, {"events": [_completing("DY-1", "cm-1", "viewer-1", 5)]})
    expect(page.locator("#feed-new")).to_be_visible()
    rows = _feed(page)
    assert [row[0] for row in rows] == ["DY-0", draft_id] and _newest_first(rows), rows

    page.mouse.move(0, 0)
    expect(page.locator("#feed tr").first).to_have_attribute("data-order-id", "DY-1")
    rows = _feed(page)
    assert [row[0] for row in rows] == ["DY-1", "DY-0"] and _newest_first(rows), rows
    assert page.errors == [] and page.dialogs == []


@pytest.fixture
def tablet(browser):
    """Return a touch page of a 768 x 1024 tablet that records JavaScript errors."""
    context = new_context(browser, locale="en-US", timezone_id="Asia/Shanghai", bypass_csp=True, has_touch=True,
                          is_mobile=True, viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _tap_then_new_order(live_server, tablet) -> None:
    """Open the host page on the tablet with one order in the feed, tap that row, then post a newer order."""
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _claim_sale(api)
    log_in(tablet, server.url, "host")
    tablet.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    tablet.wait_for_selector("#host[data-connection=connected]")
    events = f"/api/v1/broadcasts/{broadcast_id}/events"
    api.post(events, {"events": [_order("DY-0", 20)]})
    expect(tablet.locator("#feed tr")).to_have_count(1)
    tablet.locator("#feed tr").first.tap()
    api.post(events, {"events": [_order("DY-1", 5)]})


@pytest.mark.slow
def test_a_finger_on_the_feed_holds_it_until_a_few_seconds_after_it_lifts(live_server, tablet):
    _tap_then_new_order(live_server, tablet)
    expect(tablet.locator("#feed-new")).to_be_visible()
    assert [row[0] for row in _feed(tablet)] == ["DY-0"]  # the row under the finger stays where it is

    # Some seconds after the finger lifted the feed resumes by itself (the button also resumes it at once).
    expect(tablet.locator("#feed tr")).to_have_count(2)
    assert [row[0] for row in _feed(tablet)] == ["DY-1", "DY-0"]
    expect(tablet.locator("#feed-new")).to_be_hidden()
    assert tablet.errors == []


def test_the_resume_button_ends_a_touch_hold_at_once(live_server, tablet):
    _tap_then_new_order(live_server, tablet)
    tablet.locator("#feed-new").tap()
    expect(tablet.locator("#feed tr")).to_have_count(2, timeout=2_000)  # well inside the hold
    assert tablet.errors == []


def _pinned_text(page) -> str:
    """Return the pinned card's body as read on screen."""
    return page.inner_text("#pinned-body").strip()


def test_the_pinned_card_with_nothing_pinned_shows_only_its_empty_state(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _claim_sale(api)
    page.set_viewport_size({"width": 390, "height": 844})
    _open_host_page(page, server, broadcast_id)
    empty = page.inner_text("#pinned-empty").strip()
    assert empty and _pinned_text(page) == empty
    expect(page.locator("#pinned")).to_be_hidden()

    api.post(f"/api/v1/broadcasts/{broadcast_id}/pin", {"sku": "JACKET"})
    expect(page.locator("#pinned")).to_have_text("JACKET")
    expect(page.locator("#pinned-name")).to_be_visible()
    expect(page.locator("#pinned-empty")).to_be_hidden()

    page.click("#pinned-unpin")  # the host unpins from the card
    expect(page.locator("#pinned-empty")).to_be_visible()
    assert "—" not in _pinned_text(page) and _pinned_text(page) == empty
    expect(page.locator("#pinned-title")).to_be_hidden()
    expect(page.locator("#pinned-facts")).to_be_hidden()
    assert page.errors == [] and page.dialogs == []
