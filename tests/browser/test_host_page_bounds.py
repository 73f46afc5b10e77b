"""The host page stays the same size however long the broadcast runs (issue 17): more orders, chat messages and
questions arrive than its lists show, and each list keeps its newest rows only (orders: 200, newest first; chat:
200, newest last; questions: 50, newest first). The live pages keep following the pushes they do not draw, so
what they remember of the push stream does not grow either."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_audit_queue import Platform
from tests.browser.test_moderator_console import chat_event
from tests.support.api import order_event

pytestmark = pytest.mark.browser

FEED_ROWS, CHAT_ROWS, QUESTION_ROWS = 200, 200, 50
ORDERS, MESSAGES = 230, 230  # more than each list shows


def _orders(first: int, count: int) -> list[dict]:
    """Return count orders of TEA, placed one second apart (the newest a minute ago), ids in the same order."""
    start = datetime.now(timezone.utc) - timedelta(seconds=60 + ORDERS)
    events = []
    for n in range(first, first + count):
        event = order_event("TEA", 1, order_id=f"BOUND-{n:04d}", unit_price="80.00")
        event["ts"] = (start + timedelta(seconds=n)).isoformat()
        events.append(event)
    return events


def _chat(first: int, count: int) -> list[dict]:
    """Return count chat messages from as many viewers; every fourth one asks a question."""
    return [chat_event(f"bound-chat-{n}", f"viewer-{n}", f"{n}号多少钱？" if n % 4 == 0 else f"好看{n}", f"Fan{n}")
            for n in range(first, first + count)]


def _post(platform: Platform, broadcast_id: int, events: list[dict]) -> None:
    for start in range(0, len(events), 100):
        platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": events[start:start + 100]})


def _current_seq(platform: Platform, broadcast_id: int) -> int:
    return platform.call("GET", f"/api/v1/broadcasts/{broadcast_id}/snapshot")["seq"]


@pytest.fixture
def busy(live_server):
    """Return (server, platform, broadcast id) of a live broadcast selling TEA with plenty of stock."""
    server, token = live_server
    platform = Platform(server.url, token)
    platform.call("POST", "/api/v1/products", {"sku": "TEA", "name": "龙井 (Longjing tea)", "price": "80.00",
                                               "stock": 10000})
    broadcast_id = platform.call("POST", "/api/v1/broadcasts", {"title": "Long live", "platform": "douyin"})["id"]
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEA"})
    return server, platform, broadcast_id


@pytest.mark.slow
def test_the_feed_chat_and_questions_keep_only_their_newest_rows_however_many_arrive(busy, page):
    server, platform, broadcast_id = busy
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")

    _post(platform, broadcast_id, _orders(0, ORDERS) + _chat(0, MESSAGES))
    newest_question = max(n for n in range(MESSAGES) if n % 4 == 0)
    page.wait_for_selector(f'#feed tr[data-order-id="BOUND-{ORDERS - 1:04d}"]')
    page.wait_for_selector(f'#chat li[data-event-id="bound-chat-{MESSAGES - 1}"]')
    page.wait_for_selector(f'#questions li[data-event-id="bound-chat-{newest_question}"]')

    feed = page.eval_on_selector_all("#feed tr", "rows => rows.map(r => r.dataset.orderId)")
    assert feed == [f"BOUND-{n:04d}" for n in range(ORDERS - 1, ORDERS - 1 - FEED_ROWS, -1)]
    chat = page.eval_on_selector_all("#chat li", "items => items.map(li => li.dataset.eventId)")
    assert chat == [f"bound-chat-{n}" for n in range(MESSAGES - CHAT_ROWS, MESSAGES)]
    questions = page.eval_on_selector_all("#questions li", "items => items.map(li => li.dataset.eventId)")
    assert questions == [f"bound-chat-{n}" for n in range(newest_question, -1, -4)][:QUESTION_ROWS]
    assert page.inner_text("#total-orders") == str(ORDERS)  # the totals count every order, shown or not

    # A second wave: still the same number of rows, the newest ones.
    _post(platform, broadcast_id, _orders(ORDERS, 20))
    page.wait_for_selector(f'#feed tr[data-order-id="BOUND-{ORDERS + 19:04d}"]')
    assert page.eval_on_selector_all("#feed tr", "rows => rows.length") == FEED_ROWS
    assert page.query_selector(f'#feed tr[data-order-id="BOUND-{ORDERS + 19 - FEED_ROWS:04d}"]') is None

    # Every push was applied: nothing is left waiting for a gap in the seq numbers.
    seq = _current_seq(platform, broadcast_id)
    page.wait_for_function("(seq) => window.liveFeed.watermark === seq", arg=seq)
    assert page.errors == []


def test_the_wall_display_follows_the_pushes_it_does_not_draw(busy, page):
    server, platform, broadcast_id = busy
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live?display=wall")
    page.wait_for_selector("#wall[data-connection=connected]")

    # The wall draws stock and totals only; orders, chat and the broadcast's changes are pushed to it too.
    _post(platform, broadcast_id, _orders(0, 30) + _chat(0, 30))
    platform.call("PATCH", f"/api/v1/broadcasts/{broadcast_id}", {"title": "Long live, renamed"})
    seq = _current_seq(platform, broadcast_id)
    page.wait_for_function("(seq) => window.liveFeed.watermark === seq", arg=seq)
    assert page.errors == []
