"""The complaint forms name a refused field by its label on the form, in the page's language, never by the API's
name (probe 1: "必须填写 text" under "What the buyer said", "必须填写 root_cause" on the resolve form): "Register a
complaint" on an order page, then the cause analysis and resolution form of the complaint it opens."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_audit_queue import Platform
from tests.browser.test_viewports import log_in, new_page
from tests.support.api import order_event

pytestmark = pytest.mark.browser

RAW_NAME = re.compile(r"\b(text|root_cause|resolution|feedback)\b")
EXPECTED = {"en-US": ("What the buyer said is required", "Root cause is required"),
            "zh-CN": ("必须填写 买家反映的问题", "必须填写 根本原因")}


@pytest.mark.parametrize("language", ["en-US", "zh-CN"])
@pytest.mark.slow
def test_the_register_and_resolve_forms_name_their_fields_by_their_labels(live_server, browser, language):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events",
                  {"events": [order_event("TEA", 1, order_id="CP-ME", unit_price="80.00")]})
    page = new_page(browser, language, (390, 844))
    log_in(page, server.url, "aftersales")
    page.goto(server.url + "/orders/CP-ME")

    form = page.locator("#order-complaint-form")
    page.click("#order-complaint-form-panel details.register-complaint summary")
    form.locator("button[type=submit]:not([disabled])").click()
    text_error = form.locator('.field-error[data-field="text"]')
    expect(text_error).to_have_text(EXPECTED[language][0])
    expect(form.locator("textarea[name=text]")).to_have_attribute("aria-invalid", "true")
    shown = [text_error.inner_text()]

    form.locator("textarea[name=text]").fill("快递三天没动了")
    form.locator("button[type=submit]:not([disabled])").click()
    page.wait_for_url(re.compile(r"/complaints/CP-"))
    resolve = page.locator("#resolve-form")
    resolve.locator("#resolve:not([disabled])").click()
    root_cause = resolve.locator('.field-error[data-field="root_cause"]')
    expect(root_cause).to_have_text(EXPECTED[language][1])
    expect(resolve.locator("select[name=root_cause]")).to_be_focused()

    resolve.locator("select[name=root_cause]").select_option("carrier")
    resolve.locator("#resolve:not([disabled])").click()
    resolution = resolve.locator('.field-error[data-field="resolution"]')
    expect(resolution).not_to_be_empty()
    shown += [root_cause.inner_text(), resolution.inner_text()]
    assert not RAW_NAME.search(" ".join(shown)), shown
    assert page.errors == []
    page.context.close()
