"""A signed whole number typed on the product page goes to the API as a number (probe 3, session 14), so "-2" is
refused with the range the field allows, not as "must be an integer" (which -2 is): in Restock or correct
(units, and the counted stock) and in the product form's stock fields. Text that is no number still goes as text."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_viewports import log_in, new_page

pytestmark = pytest.mark.browser


@pytest.fixture
def host_page(live_server, browser, call):
    """Return (host's page on the product page of HAT, 30 in stock, at 390×844, server url)."""
    server, _token = live_server
    call("POST", "/api/v1/products", {"sku": "HAT", "name": "Wool hat", "price": "59.00", "stock": 30})
    page = new_page(browser, "en-US", (390, 844))
    log_in(page, server.url, "host")
    page.goto(server.url + "/products/HAT")
    expect(page.locator("#stock-form button[type=submit]")).to_be_enabled()
    yield page, server.url
    page.context.close()


def change_stock(page, units: str, counted: bool = False) -> None:
    """Fill Restock or correct and press Change stock."""
    page.check('#stock-form input[name=mode][value="correction"]' if counted
               else '#stock-form input[name=mode][value="restock"]')
    page.fill("#stock-form input[name=units]", units)
    page.fill("#stock-form input[name=reason]", "delivery")
    page.click("#stock-form button[type=submit]")


def test_a_negative_restock_or_count_is_refused_with_the_range(host_page):
    page, _base = host_page
    change_stock(page, "-2")
    expect(page.locator('#stock-form .field-error[data-field="units"]')).to_have_text(
        "Units must be between 1 and 10000000")
    change_stock(page, " -1 ", counted=True)
    expect(page.locator('#stock-form .field-error[data-field="stock"]')).to_have_text(
        "Units must be between 0 and 10000000")
    change_stock(page, "two")
    expect(page.locator('#stock-form .field-error[data-field="units"]')).to_have_text("Units must be an integer")
    change_stock(page, "+3")
    expect(page.locator('#stock-table tr[data-sku="HAT"] td.available')).to_have_text("33")
    assert page.errors == []


def test_the_product_forms_stock_fields_send_a_signed_number_too(host_page):
    page, base = host_page
    page.goto(base + "/products/new")
    form = page.locator("#product-form")
    expect(form.locator("button[type=submit]")).to_be_enabled()
    form.locator("input[name=sku]").fill("GLOVE")
    form.locator("input[name=name]").fill("Wool gloves")
    form.locator("input[name=price]").fill("39.00")
    form.locator("input[name=stock]").fill("-5")
    form.locator("button[type=submit]").click()
    expect(form.locator('.field-error[data-field="stock"]')).to_have_text("Stock must be between 0 and 10000000")

    page.click("#add-variant")
    row = page.locator("#variants-table tr.variant-row").first
    row.locator("input[name=sku]").fill("GLOVE-M")
    row.locator("input[name=size]").fill("M")
    row.locator("input[name=stock]").fill("-1")
    form.locator("button[type=submit]").click()
    expect(form.locator('.field-error[data-field="variants"]')).to_have_text("Row 1 · Stock must be between 0 and 10000000")
    expect(row.locator("input[name=stock]")).to_have_attribute("aria-invalid", "true")
    assert page.errors == []
