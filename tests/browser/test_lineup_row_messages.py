"""A line-up row's Save answers at that row on a phone (probe 3, session 14): a refusal shows under the field it
names, by the field's label, with the field focused and in view, and the saved value back in it; a Save that
went through says "Saved." at its row. Nothing goes to the line-up's own message under the whole table."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settle
from tests.browser.test_viewports import log_in, new_page
from tests.support.axe import blocking_violations

pytestmark = pytest.mark.browser

PHONE = (390, 844)
PRODUCTS = (("TEA", "Longjing tea", "89.00"), ("HONEY", "Wild honey", "58.00"), ("RICE", "Wuchang rice", "59.90"),
            ("SCARF", "Cashmere scarf", "299.00"))


@pytest.fixture
def lineup(live_server, call):
    """Return (server url, broadcast id) of a scheduled broadcast selling four products, link numbers 1 to 4."""
    server, _token = live_server
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Spring show", "platform": "douyin"})["id"]
    for link, (sku, name, price) in enumerate(PRODUCTS, start=1):
        call("POST", "/api/v1/products", {"sku": sku, "name": name, "price": price, "stock": 30})
        call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": sku, "link_no": link})
    return server.url, broadcast_id


def open_on_phone(browser, base: str, broadcast_id: int, language: str = "en-US"):
    """Return a phone-sized page of the host on the broadcast's set-up page, its line-up drawn."""
    page = new_page(browser, language, PHONE)
    log_in(page, base, "host")
    page.goto(f"{base}/broadcasts/{broadcast_id}")
    page.wait_for_selector(f"#setup[data-loaded='{len(PRODUCTS)}']")
    return page


def save(page, sku: str, field: str, typed: str) -> None:
    """Type into a row's field and press the row's Save, waiting until the answer is drawn."""
    row = page.locator(f'#lineup tr[data-sku="{sku}"]')
    row.locator(f'input[name="{field}"]').fill(typed)
    with page.expect_response(lambda response: response.request.method == "PATCH"):
        row.locator("button.save").click()
    settle(page)


def slot(page, sku: str, field: str):
    return page.locator(f'#lineup tr[data-sku="{sku}"] .field-error[data-field="{field}"]')


@pytest.mark.slow
def test_a_refused_link_number_is_told_under_it_focused_and_in_view(browser, lineup):
    base, broadcast_id = lineup
    page = open_on_phone(browser, base, broadcast_id)
    save(page, "TEA", "link_no", "3")  # RICE has 3
    link = page.locator('#lineup tr[data-sku="TEA"] input[name="link_no"]')
    expect(slot(page, "TEA", "link_no")).to_have_text("link 3 is already used in this broadcast")
    expect(link).to_have_value("1")  # the saved value back: two rows never show link 3
    expect(link).to_be_focused()
    expect(link).to_have_attribute("aria-invalid", "true")
    expect(slot(page, "TEA", "link_no")).to_be_in_viewport()
    assert link.get_attribute("aria-describedby") == slot(page, "TEA", "link_no").get_attribute("id")
    expect(page.locator("#lineup-error")).to_have_text("")
    assert blocking_violations(page) == []

    save(page, "TEA", "link_no", "abc")
    expect(slot(page, "TEA", "link_no")).to_have_text("Link number must be an integer")  # its label, not link_no
    save(page, "TEA", "link_no", "-1")
    expect(slot(page, "TEA", "link_no")).to_have_text("Link number must be between 1 and 9999")
    expect(page.locator('#lineup tr[data-sku="TEA"] .row-note')).to_have_text("")
    assert page.errors == []
    page.context.close()


def test_a_refused_live_price_far_down_the_page_is_scrolled_to(browser, lineup):
    base, broadcast_id = lineup
    page = open_on_phone(browser, base, broadcast_id)
    page.evaluate("window.scrollTo(0, 0)")
    save(page, "SCARF", "live_price", "abc")
    price = page.locator('#lineup tr[data-sku="SCARF"] input[name="live_price"]')
    expect(slot(page, "SCARF", "live_price")).to_have_text("Live price must be a decimal amount")
    expect(price).to_be_focused()
    expect(price).to_have_value("")
    expect(slot(page, "SCARF", "live_price")).to_be_in_viewport()
    expect(slot(page, "SCARF", "link_no")).to_have_text("")
    expect(page.locator("#lineup-error")).to_have_text("")
    assert page.errors == []
    page.context.close()


def test_a_save_that_goes_through_says_saved_at_its_row_and_clears_the_old_reason(browser, lineup):
    base, broadcast_id = lineup
    page = open_on_phone(browser, base, broadcast_id)
    save(page, "HONEY", "link_no", "1")
    expect(slot(page, "HONEY", "link_no")).not_to_have_text("")
    save(page, "HONEY", "link_no", "7")
    row = page.locator('#lineup tr[data-sku="HONEY"]')
    expect(row.locator(".row-note")).to_have_text("Saved.")
    expect(row.locator(".row-note")).to_be_in_viewport()
    expect(row.locator('input[name="link_no"]')).to_have_value("7")
    expect(slot(page, "HONEY", "link_no")).to_have_text("")
    expect(row.locator("button.save")).to_be_focused()  # the row was drawn anew; the keyboard stays on it
    others = page.locator("#lineup .row-note").all_inner_texts()
    assert [text for text in others if text] == ["Saved."]
    save(page, "TEA", "link_no", "7")  # refused at TEA: HONEY's "Saved." is over
    expect(slot(page, "TEA", "link_no")).to_have_text("link 7 is already used in this broadcast")
    expect(row.locator(".row-note")).to_have_text("")
    assert page.errors == []
    page.context.close()


def test_a_chinese_page_names_the_refused_field_by_its_chinese_label_at_the_row(browser, lineup):
    base, broadcast_id = lineup
    page = open_on_phone(browser, base, broadcast_id, "zh-CN")
    save(page, "RICE", "link_no", "abc")
    expect(slot(page, "RICE", "link_no")).to_have_text("链接号 必须是整数")
    save(page, "RICE", "live_price", "abc")
    expect(slot(page, "RICE", "live_price")).to_have_text("直播价 必须是金额")
    save(page, "RICE", "live_price", "49.90")
    expect(page.locator('#lineup tr[data-sku="RICE"] .row-note')).to_have_text("已保存。")
    assert page.errors == []
    page.context.close()
