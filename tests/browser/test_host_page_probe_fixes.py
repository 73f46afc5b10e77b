"""What a host reads and clicks on the live page, fixed after probe 1 (notes/probe-1.md F4, F5, F6, F9, F11, F12, F16):
the flash price while a sale sells the pinned product, sold counts that say they cover every show, money with
thousands separators, no Pin button once a broadcast is not live, the host's "Ordered value" tile, a renamed
broadcast on the open pages, and the line-up form's refusals in the form's own words (real server, real Chromium)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_chinese_form_errors import choose_chinese
from tests.support.api import order_event

pytestmark = pytest.mark.browser


def _live_show(call) -> int:
    """Return the id of a live broadcast selling a coat (list ¥1,299, live ¥1,199) with a flash sale ready to start."""
    call("POST", "/api/v1/products", {"sku": "COAT", "name": "Wool coat", "price": "1299.00", "stock": 20})
    call("POST", "/api/v1/products", {"sku": "TEA", "name": "Longjing tea", "price": "89.00", "stock": 30})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Winter show", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "COAT", "live_price": "1199.00"})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEA"})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    starts = datetime.now(timezone.utc) + timedelta(hours=1)
    call("POST", "/api/v1/promotions", {
        "code": "COAT999", "kind": "flash", "broadcast_id": broadcast_id, "skus": ["COAT"], "price": "999.00",
        "remaining": 2, "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=10)).isoformat()})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/pin", {"sku": "COAT"})
    return broadcast_id


def _open_host(page, server, broadcast_id: int) -> None:
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    page.wait_for_selector('#rail li[data-sku="COAT"]')


@pytest.mark.slow
def test_the_pinned_card_rail_and_wall_show_the_flash_price_while_the_sale_sells_and_money_is_grouped(
        live_server, page, call):
    server, _token = live_server
    broadcast_id = _live_show(call)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, server.url, "host")
    _open_host(page, server, broadcast_id)
    wall = page.context.new_page()
    wall.goto(f"{server.url}/broadcasts/{broadcast_id}/live?display=wall")
    wall.wait_for_selector("#wall[data-pinned=COAT]")

    price = page.locator("#pinned-price")
    expect(price).to_have_text("¥1,199.00")  # the live price, grouped
    expect(wall.locator("#wall-price")).to_have_text("¥1,199.00")
    expect(page.locator("#pinned-price s")).to_have_count(0)

    page.click('#flash-starter-list li[data-code="COAT999"] button.start-flash')
    page.click("#confirm-ok")
    # While it runs the buyer pays the flash price: that is the price shown, the live price struck through.
    expect(price.locator(".price-now")).to_have_text("¥999.00")
    expect(price.locator("s.price-was")).to_have_text("¥1,199.00")
    expect(page.locator('#rail li[data-sku="COAT"] .price .price-now')).to_have_text("¥999.00")
    expect(wall.locator("#wall-price .price-now")).to_have_text("¥999.00")
    expect(wall.locator("#wall-price s.price-was")).to_have_text("¥1,199.00")
    expect(page.locator("#pinned-flash")).to_be_visible()

    # Its two flash units sold, the coat sells at the live price again, sale or no sale.
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/events",
         {"events": [order_event("COAT", 2, order_id="FLASH-1", unit_price="999.00")]})
    expect(price).to_have_text("¥1,199.00")
    expect(wall.locator("#wall-price")).to_have_text("¥1,199.00")
    expect(page.locator("#total-gmv")).to_have_text("¥1,998.00")

    # "sold" is the catalogue's count, over every show: the host reading it on air is told so.
    expect(page.locator("#pinned-stock")).to_contain_text("2 sold in all shows")
    expect(wall.locator("#wall-sold")).to_have_text("2 sold in all shows")
    expect(page.locator("#rail-heading")).to_contain_text("sold: all shows")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_ordered_value_tile_says_what_it_counts(live_server, page, call):
    server, _token = live_server
    broadcast_id = _live_show(call)
    log_in(page, server.url, "host")
    _open_host(page, server, broadcast_id)
    tile = page.locator(".host-totals div:has(#total-gmv)")
    expect(tile.locator(".label")).to_have_text("Ordered value")
    assert "paid orders only" in tile.get_attribute("title")
    choose_chinese(page, server.url)
    _open_host(page, server, broadcast_id)
    expect(tile.locator(".label")).to_have_text("下单金额")
    assert "GMV" in tile.get_attribute("title")


@pytest.mark.slow
def test_pin_buttons_go_when_the_broadcast_ends_with_the_page_open_and_an_ended_show_has_none(live_server, page, call):
    server, _token = live_server
    broadcast_id = _live_show(call)
    log_in(page, server.url, "host")
    _open_host(page, server, broadcast_id)
    expect(page.locator('#rail li[data-sku="TEA"] button.pin')).to_be_visible()
    expect(page.locator("#pinned-unpin")).to_be_visible()
    expect(page.locator("#flash-starter-list button.start-flash")).to_have_count(1)

    call("POST", f"/api/v1/broadcasts/{broadcast_id}/end", {})
    expect(page.locator("#broadcast-status")).to_have_text("ended")
    expect(page.locator("#rail button")).to_have_count(0)
    expect(page.locator("#pinned-unpin")).to_be_hidden()
    expect(page.locator("#rail-not-live")).to_be_visible()
    expect(page.locator("#flash-starter-list button")).to_have_count(0)  # a flash sale starts only on air

    page.reload()
    page.wait_for_selector('#rail li[data-sku="TEA"]')
    expect(page.locator("#rail button")).to_have_count(0)
    expect(page.locator("#rail-not-live")).to_be_visible()
    assert page.errors == []


@pytest.mark.slow
def test_a_renamed_broadcast_is_renamed_on_the_open_host_page_and_wall(live_server, page, call):
    server, _token = live_server
    broadcast_id = _live_show(call)
    log_in(page, server.url, "host")
    _open_host(page, server, broadcast_id)
    wall = page.context.new_page()
    wall.goto(f"{server.url}/broadcasts/{broadcast_id}/live?display=wall")
    wall.wait_for_selector("#wall[data-connection=connected]")

    call("PATCH", f"/api/v1/broadcasts/{broadcast_id}", {"title": "Winter show, part 2"})
    expect(page.locator("h1#broadcast-title")).to_have_text("Winter show, part 2")
    expect(page).to_have_title("Winter show, part 2 · LiveDesk")
    expect(wall.locator("#wall-title")).to_have_text("Winter show, part 2")
    expect(wall).to_have_title("Winter show, part 2 · LiveDesk")
    assert page.errors == []


def test_the_line_up_form_refuses_in_chinese_with_its_own_labels_and_a_readable_window(live_server, page, call):
    server, _token = live_server
    call("POST", "/api/v1/products", {"sku": "TEA", "name": "Longjing tea", "price": "89.00", "stock": 30})
    call("POST", "/api/v1/products", {"sku": "HONEY", "name": "Honey", "price": "58.00", "stock": 30})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Spring show", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEA", "link_no": 1})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "HONEY", "link_no": 2})
    log_in(page, server.url, "host")
    choose_chinese(page, server.url)
    page.goto(f"{server.url}/broadcasts/{broadcast_id}")
    page.wait_for_selector('#setup[data-loaded="2"]')
    honey = page.locator('#lineup tr[data-sku="HONEY"]')
    error = honey.locator('.field-error[data-field="link_no"]')  # at the row, under the field (setup.js)

    honey.locator('input[name="link_no"]').fill("1")
    honey.locator("button.save").click()
    expect(error).to_have_text("1 号链接已被本场直播的其他商品使用")
    error = honey.locator('.field-error[data-field="live_price"]')

    honey.locator('input[name="live_price"]').fill("abc")
    honey.locator('input[name="link_no"]').fill("2")
    honey.locator("button.save").click()
    expect(error).to_contain_text("直播价")
    assert "live_price" not in error.inner_text()

    page.fill('#details input[name="planned_start_at"]', "2020-01-01T10:00")
    page.click('#details button[type="submit"]')
    slot = page.locator('#details .field-error[data-field="planned_start_at"]')
    expect(slot).to_contain_text("计划开播")
    text = slot.inner_text()
    # The window's bounds in the reader's zone and language, to the minute: no field name, ISO or microseconds.
    assert "planned_start_at" not in text and "T" not in text and "+00:00" not in text, text
    assert str(datetime.now().year) in text, text
    assert page.errors == []


def test_the_new_broadcast_form_gives_the_planned_start_window_in_the_readers_zone(live_server, page):
    server, _token = live_server
    log_in(page, server.url, "host")
    page.goto(server.url + "/")
    form = page.locator("#new-broadcast")
    if not form.is_visible():
        page.click("details.new-broadcast summary")
    form.locator("input[name=title]").fill("Too early")
    form.locator("input[name=planned_start_at]").fill("2020-01-01T10:00")
    form.locator("button[type=submit]").click()
    slot = form.locator(".field-error[data-field=planned_start_at]")
    expect(slot).to_contain_text(str(datetime.now().year))
    text = slot.inner_text()
    assert "+00:00" not in text and not re.search(r"\dT\d", text), text
    assert page.errors == []
