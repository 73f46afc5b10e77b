"""The host's approved chat keeps following new messages while nobody touches it (probe 4, item 1). Rows change
height in place (a claim's row grows when its order arrives), the list trims itself to its newest 200 rows, and the
browser scrolls to keep the row in view in place: none of that is the reader scrolling away. The list pauses only
while pointed at, focused, or scrolled away by the reader, and catches up when the reader scrolls back."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_audit_queue import Platform
from tests.browser.test_moderator_console import chat_event
from tests.browser.test_viewports import new_page

pytestmark = pytest.mark.browser

GAP = """() => { const body = document.querySelector('#chat').closest('.panel-body');
  return body.scrollHeight - body.scrollTop - body.clientHeight; }"""
# Two rows grow in the same moment, as rows do when the orders of their claims arrive: the one just above the view
# (the browser scrolls to keep the rows in view in place) and the newest one.
GROW_TWO_ROWS = """() => {
  const body = document.querySelector('#chat').closest('.panel-body'), top = body.getBoundingClientRect().top;
  const rows = Array.from(document.querySelectorAll('#chat li'));
  const above = rows[rows.findIndex((li) => li.getBoundingClientRect().bottom > top + 2) - 1];
  [above, rows[rows.length - 1]].forEach((li) => {
    li.querySelector('.text').textContent += ' 这条围巾还有红色的吗，我想要两条，一条送妈妈，一条送姐姐，还有优惠券吗';
  });
}"""


def _message(n: int) -> dict:
    """Return chat message n from its own viewer, in words of its own (so no spam rule holds it)."""
    own = "".join(chr(0x4E00 + (n * 131 + k * 17) % 5000) for k in range(6))
    return chat_event(f"follow-{n}", f"viewer-{n}", own, f"Fan{n}")


def _send(platform: Platform, broadcast_id: int, first: int, count: int) -> None:
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events",
                  {"events": [_message(n) for n in range(first, first + count)]})


def _newest_shown(page, n: int) -> None:
    expect(page.locator("#chat li").last).to_have_attribute("data-event-id", f"follow-{n}")


@pytest.fixture
def host_page(live_server, browser):
    """Return (page, platform, broadcast id): the host's page of a live broadcast with a chat longer than its panel,
    at 1440×900, the pointer resting on the page's corner."""
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    page = new_page(browser, "en", (1440, 900))
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    page.mouse.move(1, 1)
    _send(platform, broadcast_id, 0, 30)
    _newest_shown(page, 29)
    yield page, platform, broadcast_id
    page.context.close()


def test_an_untouched_chat_keeps_showing_new_messages_when_its_rows_grow_in_place(host_page):
    page, platform, broadcast_id = host_page
    page.evaluate(GROW_TWO_ROWS)
    page.wait_for_timeout(300)  # the scroll events of the rows that grew
    _send(platform, broadcast_id, 30, 1)
    _newest_shown(page, 30)
    expect(page.locator("#chat-new")).to_be_hidden()
    page.wait_for_function(f"({GAP})() <= 1")
    assert page.errors == []


def test_the_chat_waits_while_the_reader_scrolls_back_and_catches_up_when_they_return(host_page):
    page, platform, broadcast_id = host_page
    page.hover("#chat li:last-child")
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"({GAP})() > 300")
    page.mouse.move(1, 1)  # the pointer leaves; the list stays where the reader scrolled it
    _send(platform, broadcast_id, 30, 1)
    expect(page.locator("#chat-new")).to_have_text("1 new · resume")
    assert page.eval_on_selector("#chat li:last-child", "li => li.dataset.eventId") == "follow-29"
    page.hover("#chat li:last-child")
    page.mouse.wheel(0, 2000)  # back to the newest end, then away from the list
    page.wait_for_function(f"({GAP})() <= 1")
    page.mouse.move(1, 1)
    _newest_shown(page, 30)
    expect(page.locator("#chat-new")).to_be_hidden()
    assert page.errors == []
