"""Chinese pages on a 390 px phone: headers stay readable and the time zone is named (issue 10, item 24)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_audit_queue import Platform

pytestmark = pytest.mark.browser

# Lines of text in each visible table header cell (its content height over its line height).
HEADER_LINES = """() => Array.from(document.querySelectorAll("table.grid th")).filter((th) => th.offsetParent).map((th) => {
  const style = getComputedStyle(th);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
  const content = th.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return [th.textContent.trim(), content / line];
})"""


@pytest.fixture
def phone(browser):
    """Return a Chinese-speaking 390 px wide page in Shanghai that records JavaScript errors."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"}, bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_table_headers_of_a_chinese_order_page_never_wrap_one_character_per_line(live_server, phone):
    server, token = live_server
    platform = Platform(server.url, token)
    platform.held_order(platform.broadcast(), "NARROW-1")
    log_in(phone, server.url, "auditor")
    phone.goto(server.url + "/orders/NARROW-1")
    phone.wait_for_selector("#history")
    lines = phone.evaluate(HEADER_LINES)
    assert lines and all(count <= 2.05 for _text, count in lines), lines
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the tables scroll, not the page
    screenshot(phone, "order-page-zh-390")
    assert phone.errors == []


def test_the_host_page_names_the_time_zone_its_times_are_in(live_server, phone):
    server, token = live_server
    broadcast_id = Platform(server.url, token).broadcast()
    log_in(phone, server.url, "host")
    phone.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    note = phone.wait_for_selector("#zone-note:not([hidden])")
    assert "Asia/Shanghai (UTC+08:00)" in note.inner_text() and "时间" in note.inner_text()
    assert phone.errors == []
