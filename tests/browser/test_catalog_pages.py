"""The catalogue pages in a real Chromium: a host creates a product with variants, restocks it with a reason and
sees the history; the list marks low and sold-out stock; a CSV is previewed line by line, then imported."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, name: str) -> None:
    """Save the page as a person sees it at 1440×900 into docs/screenshots/."""
    page.set_viewport_size({"width": 1440, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def api(server, token, method, path, **kwargs):
    return requests.request(method, server.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=10,
                            **kwargs)


def wait_for_text(page, selector: str) -> str:
    page.wait_for_function("s => document.querySelector(s) && document.querySelector(s).textContent.trim() !== ''",
                           arg=selector)
    return page.inner_text(selector)


@pytest.mark.slow
def test_a_host_creates_a_product_with_variants_restocks_it_and_reads_the_history(live_server, page):
    server, token = live_server
    log_in(page, server.url, "host")
    page.click("nav >> text=Products")
    with page.expect_navigation():  # "Add variant" works once the form page's script has run
        page.click("#new-product")
    page.fill("#product-form input[name=sku]", "TEE")
    page.fill("#product-form input[name=name]", "Cotton T-shirt")
    page.fill("#product-form input[name=price]", "59.999")
    page.click("#add-variant")
    page.click("#add-variant")
    rows = page.locator("#variants-table tr.variant-row")
    for index, (sku, size, stock) in enumerate([("TEE-M", "M", "3"), ("TEE-L", "L", "12")]):
        rows.nth(index).locator("input[name=sku]").fill(sku)
        rows.nth(index).locator("input[name=size]").fill(size)
        rows.nth(index).locator("input[name=colour]").fill("Black")
        rows.nth(index).locator("input[name=stock]").fill(stock)
    page.click("#product-form button[type=submit]")
    # Named by the field's label, as the page names it.
    assert wait_for_text(page, '#product-form .field-error[data-field="price"]') == "Price has more than 2 decimal places"

    page.fill("#product-form input[name=price]", "59.90")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(server.url + "/products/TEE")
    assert page.inner_text('#stock-table tr[data-sku="TEE-M"]').count("M / Black") == 1
    assert "stock-low" in page.get_attribute('#stock-table tr[data-sku="TEE-M"]', "class")

    page.select_option("#stock-form select[name=sku]", "TEE-M")
    page.fill("#stock-form input[name=units]", "20")
    page.click("#stock-form button[type=submit]")
    assert wait_for_text(page, '#stock-form .field-error[data-field="reason"]') == "Reason is required"
    page.fill("#stock-form input[name=reason]", "delivery <b>42</b>")
    page.click("#stock-form button[type=submit]")
    page.wait_for_selector('#history-table tr[data-kind="restock"]')
    restock_row = page.inner_text('#history-table tr[data-kind="restock"]')
    assert "delivery <b>42</b>" in restock_row and "host" in restock_row  # shown as text, never as markup
    assert page.inner_text('#stock-table tr[data-sku="TEE-M"] td.available') == "23"
    shoot(page, "catalog-product")

    page.fill("#product-form input[name=name]", "Organic T-shirt")
    page.locator("#variants-table tr.variant-row").nth(1).locator("input[name=price]").fill("69")
    page.click("#product-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Organic T-shirt')")
    stored = api(server, token, "GET", "/api/v1/products/TEE").json()
    assert [(v["sku"], v["price"], v["stock"]) for v in stored["variants"]] == [
        ("TEE-M", "59.90", 23), ("TEE-L", "69.00", 12)]
    history = api(server, token, "GET", "/api/v1/products/TEE-M/stock-history").json()["entries"]
    assert (history[0]["actor"], history[0]["reason"], history[0]["available_before"]) == ("host", "delivery <b>42</b>", 3)
    assert page.errors == [] and page.dialogs == []


def test_the_list_finds_by_sku_and_marks_low_and_sold_out_stock(live_server, page):
    server, token = live_server
    for sku, name, stock in [("MUG", "Mug", 40), ("SCARF", "Cashmere scarf", 2), ("LIP", "Lipstick", 0)]:
        api(server, token, "POST", "/api/v1/products", json={"sku": sku, "name": name, "price": "29", "stock": stock})
    log_in(page, server.url, "auditor")
    page.goto(server.url + "/products")
    states = {row.get_attribute("data-sku"): row.get_attribute("data-state")
              for row in page.query_selector_all("#catalog-table tbody tr")}
    assert states == {"MUG": "ok", "SCARF": "low", "LIP": "soldout"}
    assert page.query_selector("#new-product") is None  # auditors restock but do not edit the catalogue
    shoot(page, "catalog-list")
    page.fill("#catalog-q", "scar")
    page.press("#catalog-q", "Enter")
    page.wait_for_url("**/products?q=scar")
    assert [r.get_attribute("data-sku") for r in page.query_selector_all("#catalog-table tbody tr")] == ["SCARF"]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url + "/products")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_a_csv_is_previewed_line_by_line_and_imported_only_when_every_line_is_right(live_server, page, tmp_path):
    server, token = live_server
    bad = tmp_path / "bad.csv"
    bad.write_bytes("sku,name,price,variant_sku,size,colour,stock\r\n"
                    "TEA,龙井茶,abc,,,,10\r\nHAT,Hat,39,HAT-S,S,Red,4\r\n".encode("gb18030"))
    good = tmp_path / "good.csv"
    good.write_text("\ufeffsku,name,price,variant_sku,size,colour,stock\r\n"
                    "TEA,龙井茶,89,,,,10\r\nHAT,Hat,39,HAT-S,S,Red,4\r\nHAT,,,HAT-M,M,Red,6\r\n", encoding="utf-8")
    log_in(page, server.url, "admin")
    page.goto(server.url + "/products")
    with page.expect_navigation():  # "Preview" works once the import page's script has run
        page.click("#import-link")
    page.set_input_files("#import-file", str(bad))
    page.click("#preview-button")
    page.wait_for_selector('#preview-table tr[data-line="2"].import-error')
    assert "price" in page.inner_text('#preview-table tr[data-line="2"]')
    assert page.is_disabled("#apply-button")

    page.set_input_files("#import-file", str(good))
    page.click("#preview-button")
    page.wait_for_selector('#preview-table tr[data-line="4"].import-create')
    page.wait_for_function("() => !document.getElementById('apply-button').disabled")
    shoot(page, "catalog-import")
    page.click("#apply-button")
    # the preview's summary already holds a 3 ("3 to create"): wait for the import's own line
    page.wait_for_function("() => document.getElementById('import-summary').textContent.startsWith('Imported: 3 created')")
    assert api(server, token, "GET", "/api/v1/products?q=hat").json()["products"][0]["stock"] == 10
    assert api(server, token, "GET", "/api/v1/products/TEA").json()["name"] == "龙井茶"
    assert page.errors == [] and page.dialogs == []
