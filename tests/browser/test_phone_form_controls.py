"""On a phone every text field and select is at least 44 px tall, like the buttons (UI.md: tap targets ≥ 44 px;
probe 4, item 5): the design system's touch rule must win over its general form rule."""
from __future__ import annotations

import pytest

from tests.browser.test_audit_queue import Platform
from tests.browser.test_viewports import log_in, new_page

pytestmark = pytest.mark.browser

SHORT_CONTROLS = """() => Array.from(document.querySelectorAll(
    'main input:not([type=checkbox]):not([type=radio]):not([type=hidden]), main select, main textarea'))
  .filter((node) => node.getClientRects().length > 0)
  .map((node) => [node.id || node.name || node.className, Math.round(node.getBoundingClientRect().height)])
  .filter(([, height]) => height < 44)"""


@pytest.mark.parametrize("role, path", [("auditor", "/settings"), ("auditor", "/audit"),
                                        ("moderator", "/broadcasts/{id}/moderation"), ("host", "/broadcasts/{id}")])
@pytest.mark.slow
def test_every_text_field_and_select_on_a_phone_is_a_44_px_tap_target(live_server, browser, role, path):
    server, token = live_server
    broadcast_id = Platform(server.url, token).broadcast()
    page = new_page(browser, "en", (390, 844))
    log_in(page, server.url, role)
    page.goto(server.url + path.format(id=broadcast_id))
    page.wait_for_load_state("networkidle")
    assert page.evaluate(SHORT_CONTROLS) == []
    assert page.errors == []
    page.context.close()
