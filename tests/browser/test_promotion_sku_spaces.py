"""SKUs with a space or a comma in the promotions page's forms (probe 3 of session 15: "TEA 250g" became the two
SKUs "TEA" and "250g"): quoted in a flash sale's list, and as the words before the price in a member price line."""
from __future__ import annotations

import pytest
import requests

from tests.browser.test_promotions_page import FLASH, open_flash_form

pytestmark = pytest.mark.browser


def test_skus_with_spaces_and_commas_are_taken_whole(live_server, page):
    server, token = live_server
    headers = {"Authorization": f"Bearer {token}"}
    for sku in ("TEA 250g", "CUP,BLUE", "MUG"):
        requests.post(f"{server.url}/api/v1/products", headers=headers, timeout=10,
                      json={"sku": sku, "name": sku, "price": "39", "stock": 5}).raise_for_status()
    open_flash_form(page, server, token, {"code": "FLASH2", "skus": '"TEA 250g", “CUP,BLUE” MUG'})
    with page.expect_navigation():
        page.click(f"{FLASH} button[type=submit]")
    created = requests.get(f"{server.url}/api/v1/promotions/FLASH2", headers=headers, timeout=10).json()
    assert sorted(created["skus"]) == ["CUP,BLUE", "MUG", "TEA 250g"]

    member = 'form.promo-form[data-kind="member"]'
    page.click('details:has(form[data-kind="member"]) > summary')
    page.fill(f"{member} [name=code]", "GOLD3")
    page.fill(f"{member} [name=tier]", "gold")
    page.fill(f"{member} [name=prices]", 'TEA 250g 30\n"CUP,BLUE" = ¥31.5\nMUG：32')
    with page.expect_navigation():
        page.click(f"{member} button[type=submit]")
    created = requests.get(f"{server.url}/api/v1/promotions/GOLD3", headers=headers, timeout=10).json()
    assert created["prices"] == {"TEA 250g": "30.00", "CUP,BLUE": "31.50", "MUG": "32.00"}
    assert page.errors == [] and page.dialogs == []
