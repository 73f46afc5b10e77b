"""The audit queue refetches its rows on every pushed change; keyboard focus stays on the control the auditor is
on (the same order's same control), so Tab reaches every row and its ⋯ menu during a busy broadcast (probe 4, item 2)."""
from __future__ import annotations

import pytest

from tests.browser.test_audit_queue import open_queue, platform, row  # noqa: F401 (platform: a fixture)

pytestmark = pytest.mark.browser

FOCUSED = """() => { const node = document.activeElement, tr = node.closest('tr');
  return [tr ? tr.dataset.orderId : null, node.tagName, node.className]; }"""


@pytest.mark.slow
def test_a_refresh_keeps_focus_on_the_same_control_of_the_same_order(live_server, platform, page):
    server, _token = live_server
    broadcast_id = platform.broadcast()
    for order_id in ("FOCUS-1", "FOCUS-2", "FOCUS-3"):
        platform.held_order(broadcast_id, order_id)
    open_queue(page, server.url)
    page.focus(f"{row('FOCUS-2')} button.row-approve")
    platform.held_order(broadcast_id, "FOCUS-4")  # the push makes the page refetch and redraw its rows
    page.wait_for_selector(row("FOCUS-4"))
    assert page.evaluate(FOCUSED) == ["FOCUS-2", "BUTTON", "approve row-approve"]

    page.focus(f"{row('FOCUS-3')} input.row-check")
    page.keyboard.press("Tab")  # Tab goes on from where focus is, within the row
    moved = page.evaluate(FOCUSED)
    assert moved[0] == "FOCUS-3" and moved[1] != "INPUT"
    platform.held_order(broadcast_id, "FOCUS-5")
    page.wait_for_selector(row("FOCUS-5"))
    assert page.evaluate(FOCUSED) == moved
    assert page.errors == []
