"""The audit queue, the order page and the host's order feed keep to the screen however long a platform's order id (up to 64 characters),
a SKU or a buyer's name is: a probe found one such row pushing Approve off a 1440 px screen."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_audit_queue import Platform
from tests.support.api import order_event

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
LONG_ID = "DY" + "7" * 62  # 64 characters, the longest order id the API takes
LONG_NAME = "N" * 100  # the longest buyer name, typed without a space


@pytest.fixture
def long_order(live_server):
    """Return (server url, broadcast id) after a live broadcast with one held order of a 64-character id and a
    100-letter name."""
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    event = order_event("TEA", 1, order_id=LONG_ID, unit_price="80.00")
    event["buyer"].update({"phone": None, "name": LONG_NAME})
    result = platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
    assert result["order"]["status"] == "held", result
    return server.url, broadcast_id


@pytest.fixture
def long_words(long_order):
    """Return the server url of long_order."""
    return long_order[0]


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_a_long_order_id_and_name_neither_widen_the_queue_nor_hide_approve(long_words, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, long_words, "auditor")
    page.goto(long_words + "/audit")
    page.wait_for_selector("#audit[data-loaded=true][data-connection=connected]")
    approve = page.locator(f'tr.order-row[data-order-id="{LONG_ID}"] button.row-approve')
    approve.wait_for(state="visible")  # the rows may be drawn after the page reports loaded
    assert page.evaluate(OVERFLOW) <= 0
    box = approve.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    assert page.errors == []


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_the_order_page_of_a_long_order_id_fits_the_screen(long_words, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, long_words, "auditor")
    page.goto(f"{long_words}/orders/{LONG_ID}")
    page.wait_for_selector("#order")
    assert page.evaluate(OVERFLOW) <= 0
    assert page.errors == []


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_the_host_feed_wraps_a_long_order_id_and_name(long_order, page, width, height):
    url, broadcast_id = long_order
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, url, "host")
    page.goto(f"{url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector(f'.panel-feed tr[data-order-id="{LONG_ID}"]')
    assert page.evaluate(OVERFLOW) <= 0
    # The table fits its panel: the total and the status are on screen, not behind a sideways scroll.
    panel, table = page.locator(".panel-feed").bounding_box(), page.locator(".panel-feed table.feed").bounding_box()
    assert panel is not None and table is not None
    assert table["x"] + table["width"] <= panel["x"] + panel["width"] + 1 <= width + 1
    assert page.errors == []
