"""The promotions page in a real Chromium: an API error lands at its field, a coupon is created and deactivated."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_an_auditor_creates_a_coupon_from_the_page_and_deactivates_it(live_server, page):
    server, token = live_server
    log_in(page, server.url, "auditor")
    page.goto(server.url + "/promotions")
    coupon = 'form.promo-form[data-kind="coupon"]'
    page.click('details:has(form[data-kind="coupon"]) > summary')  # the create forms are folded

    page.fill(f"{coupon} input[name=code]", "SAVE10")
    page.fill(f"{coupon} input[name=value]", "ten")
    page.click(f"{coupon} button[type=submit]")
    error = f'{coupon} .field-error[data-field="value"]'
    page.wait_for_function("selector => document.querySelector(selector).textContent !== ''", arg=error)
    assert "value" in page.inner_text(error)
    assert page.query_selector('tr[data-code="SAVE10"]') is None

    page.fill(f"{coupon} input[name=value]", "10")  # the form kept what was typed
    page.fill(f"{coupon} input[name=min_spend]", "100")
    page.fill(f"{coupon} input[name=uses_left]", "50")
    page.click(f"{coupon} button[type=submit]")
    page.wait_for_selector('tr[data-code="SAVE10"]')
    assert "50" in page.inner_text('tr[data-code="SAVE10"] td.num')
    stored = requests.get(f"{server.url}/api/v1/promotions/SAVE10", timeout=10,
                          headers={"Authorization": f"Bearer {token}"}).json()
    assert (stored["value"], stored["min_spend"], stored["uses_left"], stored["active"]) == ("10.00", "100.00", 50, True)

    page.click('tr[data-code="SAVE10"] button.deactivate')
    expect(page.locator("#confirm-question")).to_have_text("Deactivate promotion SAVE10?")
    page.click("#confirm-ok")
    page.wait_for_selector('tr[data-code="SAVE10"].inactive')
    assert requests.get(f"{server.url}/api/v1/promotions/SAVE10", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).json()["active"] is False
    screenshot(page, "promotions-page")
    assert page.errors == [] and page.dialogs == []
