"""Issue 12 as a person uses it: a host runs the show from a 390 px phone (one-click pin and unpin on the rail,
the pinned card, nothing wider than the screen, tap targets of 44 px), and a screen beside the camera opens the
wall display with a display token and no login."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.auth.tokens import issue_token
from app.extensions import db
from tests.browser.conftest import log_in, screenshot, settle
from tests.support.databases import make_app

pytestmark = pytest.mark.browser

WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def _show(call) -> int:
    """Return the id of a live broadcast with a scarf (link 1) and a tea (link 2) in its line-up."""
    call("POST", "/api/v1/products", {"sku": "SCARF", "name": "Cashmere scarf 羊绒围巾", "price": "299.00", "stock": 40})
    call("POST", "/api/v1/products", {"sku": "TEA", "name": "Longjing tea", "price": "89.00", "stock": 3})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Phone show", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "SCARF", "live_price": "259.00"})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEA"})
    return broadcast_id


@pytest.mark.slow
def test_a_host_on_a_phone_pins_and_unpins_with_one_tap_and_nothing_is_wider_than_the_screen(page, live_server, call):
    server, _token = live_server
    broadcast_id = _show(call)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    pin_tea = page.locator('.rail-item[data-sku="TEA"] button.pin')
    expect(pin_tea).to_be_visible()
    assert pin_tea.bounding_box()["height"] >= 44
    pin_tea.click()
    expect(page.locator("#pinned-name")).to_have_text("Longjing tea")
    expect(page.locator("#pinned-link")).to_contain_text("2")
    assert call("GET", f"/api/v1/broadcasts/{broadcast_id}/snapshot")["pinned_sku"] == "TEA"
    page.locator('.rail-item[data-sku="SCARF"] button.pin').click()  # pinning B ends A's pin
    expect(page.locator("#pinned-name")).to_have_text("Cashmere scarf 羊绒围巾")
    expect(page.locator("#pinned-price")).to_contain_text("259.00")  # the live price, not the list price
    expect(page.locator("#pinned-stock")).to_contain_text("40")
    expect(page.locator('.rail-item[data-sku="TEA"] button.pin')).to_be_visible()
    page.locator("#pinned-unpin").click()
    expect(page.locator("#pinned-empty")).to_be_visible()
    assert call("GET", f"/api/v1/broadcasts/{broadcast_id}/snapshot")["pinned_sku"] is None
    settle(page)
    assert page.evaluate(WIDER_THAN_SCREEN) <= 0
    screenshot(page, "contract-host-390")
    assert page.errors == []


def test_the_wall_display_opens_with_a_display_token_without_a_login(page, live_server, call, sqlite_url):
    server, _token = live_server
    broadcast_id = _show(call)
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/pin", {"sku": "SCARF"})
    app = make_app(sqlite_url)
    with app.app_context():
        display = issue_token(db.session, "wall-screen", scopes=["display"])
        db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live?display=wall#token={display}")
    name = page.locator("#wall-name")
    expect(name).to_have_text("Cashmere scarf 羊绒围巾")
    assert "token" not in page.url  # moved out of the address bar
    assert float(name.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")) >= 40
    expect(page.locator("#wall-left")).to_have_text("40")
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/pin", {"sku": "TEA"})
    expect(name).to_have_text("Longjing tea")
    assert page.errors == []
