"""zh-CN words of the admin pages (probe 2, findings 3, 4 and 8): a thing's name is 名称 (a person's stays 姓名), the
Settings page shows the language the console is in when the user never chose one (so Save keeps it), and a Kuaishou
connection whose app secret is not a message key is refused in Chinese, naming the form's 应用密钥 field."""
from __future__ import annotations

import pytest
import requests
from flask_babel import force_locale, pgettext
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_narrow_chinese_pages import phone  # noqa: F401  (fixture: a Chinese 390 px page)
from tests.support.databases import make_app

pytestmark = pytest.mark.browser


def test_settings_shows_the_browsers_chinese_and_save_keeps_it(live_server, phone):
    server, _token = live_server
    log_in(phone, server.url, "admin")
    phone.goto(server.url + "/settings")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(phone.locator("select[name=locale]")).to_have_value("zh_CN")
    phone.click("form:has(select[name=locale]) [type=submit]")
    expect(phone.locator(".flash")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(phone.locator("select[name=locale]")).to_have_value("zh_CN")


def test_a_things_name_is_mingcheng_in_chinese(live_server, phone):
    server, _token = live_server
    log_in(phone, server.url, "admin")
    phone.goto(server.url + "/tokens")
    headers = phone.locator("table.grid th").all_inner_texts()
    assert "名称" in headers and "姓名" not in headers, headers
    phone.goto(server.url + "/fulfilment")
    carriers = phone.locator("#carriers table th, table:has(td[data-label]) th").all_inner_texts()
    assert "名称" in carriers and "姓名" not in carriers, carriers


def test_a_persons_name_keeps_xingming(sqlite_url):
    with make_app(sqlite_url).test_request_context(), force_locale("zh_CN"):
        assert pgettext("person", "Name") == "姓名"


def test_a_kuaishou_secret_that_is_no_message_key_is_refused_in_chinese_naming_the_app_secret(live_server, phone):
    server, token = live_server
    response = requests.post(server.url + "/api/v1/broadcasts", json={"title": "快手专场", "platform": "kuaishou"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=20)
    assert response.status_code == 201, response.text
    log_in(phone, server.url, "admin")
    phone.goto(server.url + "/connections")
    phone.fill("#connection-name", "ks-shop")
    phone.select_option("#connection-platform", "kuaishou")
    phone.fill("input[name=app_key]", "k")
    phone.fill("#connection-app-secret", "s")
    phone.click("#create-connection")
    refusal = phone.locator(".flash.error")
    expect(refusal).to_contain_text("应用密钥")
    assert "message key" not in refusal.inner_text() and "AES" in refusal.inner_text()
    assert phone.errors == []
