"""A person who chose 简体中文 in Settings reads the refusals of the console's forms in Chinese: the new-broadcast
form, the moderator's blocked terms and policy thresholds. The API behind them keeps its codes and field names."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_moderator_console import RemoteApi, open_console

pytestmark = pytest.mark.browser

ENGLISH_SENTENCE = re.compile(r"\b(is|are|must|be|between|required|nothing|left)\b")


def choose_chinese(page, base: str) -> None:
    """Set the logged-in user's language to 简体中文 on the Settings page."""
    page.goto(base + "/settings")
    page.select_option("select[name=locale]", "zh_CN")
    page.click("form:has(select[name=locale]) [type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_the_new_broadcast_form_refuses_an_empty_title_in_chinese(live_server, page):
    server, _token = live_server
    log_in(page, server.url, "admin")
    choose_chinese(page, server.url)
    page.goto(server.url + "/")
    form = page.locator("#new-broadcast")
    if not form.is_visible():
        page.click("details.new-broadcast summary")
    form.locator("button[type=submit]").click()

    slot = form.locator(".field-error[data-field=title]")
    expect(slot).to_have_text("必须填写 标题")
    assert not ENGLISH_SENTENCE.search(slot.inner_text())
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_moderators_term_and_threshold_forms_refuse_in_chinese(live_server, page):
    server, token = live_server
    broadcast_id = RemoteApi(server.url, token).live_broadcast("春季上新")
    log_in(page, server.url, "moderator")
    choose_chinese(page, server.url)
    open_console(page, server.url, broadcast_id)
    page.wait_for_function("document.querySelector('#policy-form [name=timeout_s]').value !== ''")
    page.click("#open-settings")

    page.fill("#term-form input[name=term]", "\u200b\u200b")  # zero-width spaces: nothing left to match
    page.click("#term-form button[type=submit]")
    terms = page.locator("#terms-status")
    expect(terms).to_contain_text("规范化后没有可匹配的文字")
    assert not ENGLISH_SENTENCE.search(terms.inner_text()), terms.inner_text()

    page.fill("#policy-form [name=timeout_s]", "0")
    page.click("#policy-form button[type=submit]")
    policy = page.locator("#policy-status")
    expect(policy).to_contain_text("必须在 1 到 2592000 之间")
    label = page.locator("#policy-form label:has([name=timeout_s])").evaluate("node => node.firstChild.textContent.trim()")
    # The field named by its label on the page, in the sentence itself ("再次违规：禁言（秒） 必须在 …"), not by its path.
    assert policy.inner_text().startswith(label) and "policy." not in policy.inner_text()
    assert not ENGLISH_SENTENCE.search(policy.inner_text()), policy.inner_text()
    assert page.errors == [] and page.dialogs == []
