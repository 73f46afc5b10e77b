"""The promotions page in a real Chromium: an API error lands at its field (an unknown SKU too), a coupon is created
and deactivated."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


FLASH = 'form.promo-form[data-kind="flash"]'


def open_flash_form(page, server, token: str, fields: dict[str, str]) -> None:
    """Log the host in, open the promotions page's flash sale form for a new broadcast and fill it with fields."""
    broadcast = requests.post(f"{server.url}/api/v1/broadcasts", headers={"Authorization": f"Bearer {token}"},
                              timeout=10, json={"title": "Tea", "platform": "douyin"}).json()["id"]
    log_in(page, server.url, "host")
    page.goto(server.url + "/promotions")
    page.click('details:has(form[data-kind="flash"]) > summary')
    for name, value in ({"broadcast_id": str(broadcast), "starts_at": "2030-03-01T20:00", "ends_at": "2030-03-01T21:00",
                         "price": "29.90", "remaining": "10"} | fields).items():
        page.fill(f"{FLASH} [name={name}]", value)


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
    assert page.inner_text(error) == "Value must be a decimal amount"  # the field by its label on the form
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


@pytest.mark.slow
def test_an_unknown_sku_is_shown_under_the_skus_or_prices_field_and_nothing_is_created(live_server, page):
    server, token = live_server
    headers = {"Authorization": f"Bearer {token}"}
    requests.post(f"{server.url}/api/v1/products", headers=headers, timeout=10,
                  json={"sku": "MUG", "name": "Mug", "price": "39", "stock": 5}).raise_for_status()
    open_flash_form(page, server, token, {"code": "FLASH1", "skus": "MUG, NOPE"})
    page.click(f"{FLASH} button[type=submit]")
    expect(page.locator(f'{FLASH} .field-error[data-field="skus"]')).to_have_text("no product has SKU 'NOPE'")
    expect(page.locator(f"{FLASH} .form-error")).to_have_text("")

    member = 'form.promo-form[data-kind="member"]'
    page.click('details:has(form[data-kind="member"]) > summary')
    page.fill(f"{member} [name=code]", "GOLD1")
    page.fill(f"{member} [name=tier]", "gold")
    page.fill(f"{member} [name=prices]", "MUG 30\nGHOST 1\nSPOOK 2")
    page.click(f"{member} button[type=submit]")
    expect(page.locator(f'{member} .field-error[data-field="prices"]')).to_have_text(
        "no product has SKU 'GHOST' · no product has SKU 'SPOOK'")  # both problems, not the last one alone

    listed = requests.get(f"{server.url}/api/v1/promotions", headers=headers, timeout=10).json()["promotions"]
    assert listed == [] and page.query_selector("tr[data-code]") is None
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_a_sku_given_two_member_prices_is_refused_and_a_yuan_sign_is_read(live_server, page):
    """Probe 3 of session 15: the later of two prices for one SKU silently won, and "MUG ¥30" was refused."""
    server, token = live_server
    headers = {"Authorization": f"Bearer {token}"}
    requests.post(f"{server.url}/api/v1/products", headers=headers, timeout=10,
                  json={"sku": "MUG", "name": "Mug", "price": "39", "stock": 5}).raise_for_status()
    log_in(page, server.url, "host")
    page.goto(server.url + "/promotions")
    member = 'form.promo-form[data-kind="member"]'
    page.click('details:has(form[data-kind="member"]) > summary')
    page.fill(f"{member} [name=code]", "GOLD2")
    page.fill(f"{member} [name=tier]", "gold")
    page.fill(f"{member} [name=prices]", "MUG 30\nMUG 29")
    page.click(f"{member} button[type=submit]")
    expect(page.locator(f'{member} .field-error[data-field="prices"]')).to_have_text(
        "MUG is on lines 1, 2: give each SKU one price.")
    assert requests.get(f"{server.url}/api/v1/promotions", headers=headers, timeout=10).json()["promotions"] == []
    page.fill(f"{member} [name=prices]", "MUG ¥30")
    with page.expect_navigation():
        page.click(f"{member} button[type=submit]")
    created = requests.get(f"{server.url}/api/v1/promotions/GOLD2", headers=headers, timeout=10).json()
    assert created["prices"] == {"MUG": "30.00"}
    assert page.errors == [] and page.dialogs == []


def test_a_refusal_names_every_field_by_its_label(live_server, page):
    """Probe 3 of session 15: "结束 必须晚于 starts_at" named the other field by its API name."""
    server, token = live_server
    open_flash_form(page, server, token, {"code": "FLASH2", "starts_at": "2030-03-01T21:00",
                                          "ends_at": "2030-03-01T20:00", "skus": "MUG"})
    page.click(f"{FLASH} button[type=submit]")
    expect(page.locator(f'{FLASH} .field-error[data-field="ends_at"]')).to_have_text("Ends must be after Starts")
    assert page.errors == []
