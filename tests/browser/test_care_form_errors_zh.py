"""The SLA policy form and a customer's tags form explain a refused value on a Chinese page in Chinese, naming the
field by its label (or a tag by itself), never by the API's path ("calendar.holidays[0]: a date is YYYY-MM-DD",
"tags[1] must be…"; probe 14)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_customer_pages import shop  # noqa: F401  (the fixture)
from tests.browser.test_viewports import log_in, new_page

pytestmark = pytest.mark.browser

API_PATH = re.compile(r"calendar\.|policies\.|holidays|first_response|tags\[")


def test_the_sla_form_names_a_refused_field_by_its_label_in_chinese(live_server, browser):
    server, _token = live_server
    page = new_page(browser, "zh-CN", (390, 844))
    log_in(page, server.url, "admin")
    page.goto(server.url + "/complaints/sla")
    page.fill("textarea[name=holidays]", "2026-10-01, 2026-13-45")
    page.click("#sla-form button[type=submit]:not([disabled])")
    error = page.locator("#sla-error")
    expect(error).to_contain_text("日期写作 YYYY-MM-DD")
    assert error.inner_text().startswith("节假日 #2") and not API_PATH.search(error.inner_text()), error.inner_text()
    assert page.get_attribute("textarea[name=holidays]", "aria-invalid") == "true"

    page.fill("textarea[name=holidays]", "2026-10-01")
    page.fill("input[name='urgent.first_response_minutes']", "500")
    page.fill("input[name='urgent.resolution_minutes']", "60")
    page.click("#sla-form button[type=submit]")
    expect(error).to_contain_text("首次响应时限不能晚于解决时限")
    assert not API_PATH.search(error.inner_text()), error.inner_text()
    assert page.evaluate("document.activeElement.name") == "urgent.first_response_minutes"
    assert page.errors == []
    page.context.close()


@pytest.mark.slow
def test_a_refused_tag_is_named_by_itself_in_chinese(shop, browser):  # noqa: F811
    page = new_page(browser, "zh-CN", (390, 844))
    log_in(page, shop.url, "aftersales")
    page.goto(shop.url + "/customers/B-0")
    page.fill("#tags-form input[name=tags]", "常客, " + "很" * 30)
    page.click("#tags-form button[type=submit]:not([disabled])")
    error = page.locator("#tags-form .form-error")
    expect(error).to_contain_text("须为 1-24 个字符的文本")
    assert error.inner_text().startswith("\u201c" + "很" * 30 + "\u201d"), error.inner_text()
    assert not API_PATH.search(error.inner_text())
    assert page.errors == []
    page.context.close()
