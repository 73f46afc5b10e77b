"""The moderator console names a refused field by its control's label, in the page's language, never by the API's
field path ("必须填写 term", "policy.flood_messages 必须在…"; probe 4, item 6)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_audit_queue import Platform
from tests.browser.test_viewports import log_in, new_page

pytestmark = pytest.mark.browser

RAW_FIELD = re.compile(r"\b(term|policy|flood_messages)\b")


@pytest.mark.slow
def test_chinese_moderation_errors_name_the_field_by_its_label(live_server, browser):
    server, token = live_server
    broadcast_id = Platform(server.url, token).broadcast()
    page = new_page(browser, "zh-CN", (390, 844))
    log_in(page, server.url, "moderator")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/moderation")
    page.click("#open-settings:not([disabled])")

    page.fill("#term-form input[name=term]", "   ")
    page.click("#term-form button[type=submit]")
    status = page.locator("#terms-status")
    expect(status).to_contain_text("词条")
    assert not RAW_FIELD.search(status.inner_text()), status.inner_text()

    flood = page.locator("#policy-form [name=flood_messages]")
    label = flood.evaluate("node => node.closest('label').firstChild.textContent.trim()")
    flood.fill("1000000000")
    page.click("#policy-form button[type=submit]")
    status = page.locator("#policy-status")
    expect(status).to_contain_text(label)
    assert not RAW_FIELD.search(status.inner_text()), status.inner_text()
    assert page.errors == []
    page.context.close()


@pytest.mark.slow
def test_a_refused_chinese_term_import_names_the_line_and_the_field_and_says_nothing_was_imported(live_server, browser):
    server, token = live_server
    broadcast_id = Platform(server.url, token).broadcast()
    page = new_page(browser, "zh-CN", (390, 844))
    log_in(page, server.url, "moderator")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/moderation")
    page.click("#open-settings:not([disabled])")
    expect(page.locator("#terms-empty")).to_be_visible()
    category = page.locator("#term-form select[name=category]")
    label = category.evaluate("node => node.closest('label').firstChild.textContent.trim()")
    choices = category.evaluate("node => Array.from(node.options).map(o => o.textContent.trim())")

    page.set_input_files("#terms-import", files=[{"name": "terms.csv", "mimeType": "text/csv",
                                                  "buffer": b"term,category,action\nfoo,custom,hide\nfoo2,notacat,hide\n"}])
    status = page.locator("#terms-status")
    expect(status).to_contain_text(f"第 3 行：{label}")
    text = status.inner_text()
    assert all(choice in text for choice in choices), text  # the choices as the select names them
    assert not re.search(r"csv|row|diversion|scam|custom", text), text
    assert text.endswith("没有任何修改。"), text
    expect(page.locator("#terms-empty")).to_be_visible()  # nothing was imported, not even the good first line
    assert page.errors == []
    page.context.close()
