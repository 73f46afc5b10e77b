"""The auditor's screens (issue 12) in a real Chromium: one green Approve per row and a ⋯ menu, findings that say what
the auditor should do (linked orders are links), the waiting and late counts, cards on a phone, no sideways scrolling
at 1440, 820 and 390 px, axe-core clean, empty states, Chinese with no English left. Screenshots go to
docs/screenshots/ (audit-queue, audit-queue-390, order-page, audit-queue-zh-390)."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_audit_queue import Platform, row
from tests.browser.test_narrow_chinese_pages import HEADER_LINES, english_left
from tests.support.api import order_event
from tests.support.axe import blocking_violations

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {"desktop": (1440, 900), "tablet": (820, 1180), "phone": (390, 844)}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# Visible buttons and links of a row a person can press without opening its menu.
ROW_CONTROLS = """row => Array.from(row.querySelectorAll('button, a')).filter(n => n.offsetParent !== null)
  .map(n => n.dataset.action || n.className)"""


def shoot(page, name: str) -> None:
    """Save the page as a person sees it (the viewport, not the whole page) into docs/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def read(page, selector: str, function: str):
    """Return function(element) for the first element matching selector, found and read in one step: the queue
    draws its rows again when its socket connects, and a row found first and read later may be gone by then."""
    return page.evaluate(f"(selector) => ({function})(document.querySelector(selector))", selector)


def read_all(page, selector: str, function: str):
    """Return function(elements) for every element matching selector, found and read in one step (see read)."""
    return page.evaluate(f"(selector) => ({function})(Array.from(document.querySelectorAll(selector)))", selector)


def colour(page, selector: str, prop: str = "background-color") -> str:
    """Return what a computed colour of the first element matching selector means: green, red or neutral."""
    rgb = read(page, selector, f"n => getComputedStyle(n).getPropertyValue('{prop}')")
    r, g, b = (int(part) for part in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    if g > r + 40 and g > b + 40:
        return "green"
    if r > g + 40 and r > b + 40:
        return "red"
    return "neutral" if max(r, g, b) - min(r, g, b) < 24 else rgb


@pytest.fixture
def desk(live_server):
    """Return (server url, platform) after a live broadcast with three held orders: no phone, a repeat, too many."""
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    platform.held_order(broadcast_id, "SIM-42-12", name="周浩然")
    first = order_event("TEA", 1, order_id="SIM-42-20", unit_price="80.00")
    repeat = order_event("TEA", 1, order_id="SIM-42-21", unit_price="80.00")
    repeat["buyer"]["id"] = first["buyer"]["id"]
    many = order_event("TEA", 60, order_id="SIM-42-30", unit_price="80.00")
    results = platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [first, repeat, many]})
    assert [r["order"]["status"] for r in results["results"]] == ["accepted", "held", "held"]
    platform.broadcast_id = broadcast_id
    return server.url, platform


def set_sla(page, broadcast_id: int, seconds: int) -> None:
    """Set a broadcast's SLA as the logged-in auditor, through the API from the open page (tokens cannot)."""
    result = page.evaluate("""([id, sla]) => LiveDesk.send("PUT", "/api/v1/broadcasts/" + id + "/audit-policy",
                                                         {sla_seconds: sla})""", [broadcast_id, seconds])
    assert result["ok"], result


def open_queue(page, base: str, path: str = "/audit") -> None:
    """Open the queue (logged in) and wait until its rows are drawn and it is live."""
    page.goto(base + path)
    page.wait_for_selector("#audit[data-loaded=true][data-connection=connected]")


@pytest.mark.slow
def test_each_row_has_one_green_approve_a_menu_and_says_what_the_finding_asks(desk, page):
    base, platform = desk
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, base, "auditor")
    open_queue(page, base)
    assert page.inner_text("#queue-count") == "3"
    assert read(page, row("SIM-42-12"), ROW_CONTROLS) == ["mono order-link", "approve", "menu-toggle neutral"]
    assert colour(page, row("SIM-42-12") + " button.approve") == "green"
    assert colour(page, "#csv-link") == "neutral"  # export is neutral, not red
    assert colour(page, "#bulk-reject", "color") == "red"

    reason = page.inner_text(row("SIM-42-12") + " .findings")
    assert "Phone missing — ask the buyer" in reason
    assert "Please tell us" not in page.inner_text("#queue")  # the buyer's text stays in the notices
    assert "138****5678" in page.inner_text(row("SIM-42-21") + " td.buyer")  # masked, as in the sketch
    assert "Same items as order SIM-42-20" in page.inner_text(row("SIM-42-21") + " .findings")
    assert page.get_attribute(row("SIM-42-21") + " a.linked-order", "href") == "/orders/SIM-42-20"
    assert "TEA: 60 units, over the threshold of" in page.inner_text(row("SIM-42-30") + " .findings")

    page.click(row("SIM-42-21") + " .menu-toggle")
    menu = page.eval_on_selector_all(row("SIM-42-21") + " .menu-items .menu-item", "items => items.map(i => i.textContent)")
    assert menu[:4] == ["Reject…", "Edit or fix…", "Extend hold…", "Claim"]
    assert "Override: Duplicate order…" in menu and menu[-1] == "Open the order page"
    assert page.get_attribute(row("SIM-42-21") + " .menu-toggle", "aria-expanded") == "true"
    assert blocking_violations(page) == []
    page.keyboard.press("Escape")
    expect(page.locator(row("SIM-42-21") + " .menu-items")).to_be_hidden()
    assert page.evaluate(OVERFLOW) <= 0
    shoot(page, "audit-queue")

    page.click(row("SIM-42-21") + " .menu-toggle")
    page.click(row("SIM-42-21") + " .menu-item[data-action=reject]")
    page.fill("#reason-dialog input[name=reason]", "double tap, the first order stands")
    page.keyboard.press("Enter")
    page.wait_for_selector(row("SIM-42-21"), state="detached")
    assert platform.order("SIM-42-21")["status"] == "rejected"

    page.click(row("SIM-42-12") + " .order-link")
    page.wait_for_selector("#order[data-status=held]")
    page.wait_for_load_state()  # the rest of the order page, read below without waiting
    assert page.inner_text("#findings").count("Phone missing — ask the buyer") == 1
    assert "Please tell us a phone number" in page.inner_text("#notices")  # the buyer's words, in the notices only
    assert "Please tell us" not in page.inner_text("#findings")
    assert page.eval_on_selector_all(".order-actions > button", "bs => bs.map(b => b.dataset.action)") == ["approve"]
    assert colour(page, ".order-actions button.approve") == "green"
    assert page.inner_text("#history .badge.held")  # statuses are word badges
    assert blocking_violations(page) == []
    shoot(page, "order-page")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_a_linked_order_on_the_order_page_is_a_link_and_the_menu_overrides_a_finding(desk, page):
    base, platform = desk
    log_in(page, base, "auditor")
    page.goto(base + "/orders/SIM-42-21")
    page.click("#findings a.linked-order")
    page.wait_for_selector('#order[data-order-id="SIM-42-20"][data-status=accepted]')
    page.wait_for_load_state()  # the whole page: an Approve button further down would otherwise be missed
    assert page.query_selector(".order-actions button.approve") is None  # nothing to approve on an accepted order
    page.go_back()
    page.click(".order-actions .menu-toggle")
    page.click(".menu-item[data-action=override]")
    page.fill("#reason-dialog input[name=reason]", "a second gift for a friend")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#findings li.overridden")
    assert "Overridden by auditor: a second gift for a friend" in page.inner_text("#findings")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.parametrize("size", ["tablet", "phone"])
@pytest.mark.slow
def test_the_queue_and_the_order_page_fit_tablets_and_phones(desk, page, size):
    base, _platform = desk
    width, height = VIEWPORTS[size]
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, base, "auditor")
    open_queue(page, base)
    assert page.evaluate(OVERFLOW) <= 0
    table_overflow = read(page, "table.queue", "t => t.scrollWidth - t.clientWidth")
    assert table_overflow <= 0  # the rows fit: no sideways scrolling inside the table either
    display = read(page, row("SIM-42-12"), "r => getComputedStyle(r).display")
    assert display == ("grid" if size == "phone" else "table-row")  # a card on a phone
    if size == "phone":
        sizes = read_all(page, row("SIM-42-12") + " button, " + row("SIM-42-12") + " .check-target",
                         "nodes => nodes.filter(n => n.offsetParent).map(n => n.getBoundingClientRect().height)")
        assert sizes and min(sizes) >= 44, sizes  # tap targets
        page.click(row("SIM-42-12") + " .menu-toggle")
        assert page.evaluate(OVERFLOW) <= 0  # the open menu stays on the screen
        page.keyboard.press("Escape")
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, "audit-queue-390")
    assert blocking_violations(page) == []
    screenshot(page, f"audit-queue-{size}")
    page.goto(base + "/orders/SIM-42-21")
    page.wait_for_selector("#history")
    assert page.evaluate(OVERFLOW) <= 0
    assert blocking_violations(page) == []
    screenshot(page, f"order-page-{size}")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_waiting_and_late_counts_and_the_empty_states(live_server, page):
    server, token = live_server
    platform = Platform(server.url, token)
    log_in(page, server.url, "auditor")
    open_queue(page, server.url)
    assert page.is_visible("#queue-empty") and page.is_hidden("table.queue")
    assert page.inner_text("#queue-empty") == "No held orders. Well done."
    assert blocking_violations(page) == []

    broadcast_id = platform.broadcast()
    set_sla(page, broadcast_id, 1)
    for n in range(2):
        platform.held_order(broadcast_id, f"LATE-{n}")
    open_queue(page, server.url)
    page.wait_for_selector("#late-stat:not([data-late='0'])", timeout=5000)
    page.wait_for_selector("#late-stat[data-late='2']", timeout=5000)
    assert page.inner_text("#queue-count") == "2" and "past the SLA of 1 s" in page.inner_text("#late-stat")
    assert page.inner_text(row("LATE-0") + " .late-word") == "Late"  # in words, not only in red

    open_queue(page, server.url, "/audit?code=blocklisted")
    assert page.is_visible("#queue-empty-filtered")
    page.click("#clear-filters")
    page.wait_for_selector(row("LATE-0"))
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_late_count_is_the_true_count_when_the_queue_has_more_than_a_page(live_server, page):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    events = []
    for n in range(52):
        event = order_event("TEA", 1, order_id=f"MANY-{n:02d}", unit_price="80.00")
        event["buyer"]["phone"] = None
        events.append(event)
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": events})
    log_in(page, server.url, "auditor")
    open_queue(page, server.url)
    set_sla(page, broadcast_id, 1)
    open_queue(page, server.url)
    page.wait_for_selector("#late-stat[data-late='52']", timeout=15000)
    assert page.inner_text("#queue-count") == "52" and len(page.query_selector_all("#queue tr.order-row")) == 50
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_an_auditor_fixes_the_variant_from_the_queue_row(live_server, page):
    server, token = live_server
    platform = Platform(server.url, token)
    platform.call("POST", "/api/v1/products", {"sku": "TEE", "name": "T-shirt", "price": "59.00", "stock": 0,
                                               "variants": [{"sku": "TEE-M", "name": "M", "stock": 3}]})
    broadcast_id = platform.broadcast()
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEE"})
    event = order_event("TEE", 1, order_id="NOSIZE-Q", unit_price="59.00")
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})
    log_in(page, server.url, "auditor")
    open_queue(page, server.url)
    assert "Line 1: TEE has no size or colour — fix the variant" in page.inner_text(row("NOSIZE-Q"))
    page.click(row("NOSIZE-Q") + " .menu-toggle")
    page.click(row("NOSIZE-Q") + " .menu-item[data-action=edit]")
    form = "form.edit-order"
    page.wait_for_selector(form + " .fix-line datalist option[value='TEE-M']", state="attached")
    page.fill(form + " .fix-line input[name=sku]", "TEE-XL")
    page.keyboard.press("Enter")
    error = page.wait_for_selector(form + ' .field-error[data-field="items[0].sku"]:not(:empty)')
    assert "TEE-XL" in error.inner_text()
    page.fill(form + " .fix-line input[name=sku]", "TEE-M")
    page.fill(form + " input[name=reason]", "buyer said M in chat")
    page.keyboard.press("Enter")
    page.wait_for_selector(row("NOSIZE-Q"), state="detached")
    order = platform.order("NOSIZE-Q")
    assert (order["status"], order["items"][0]["sku"]) == ("accepted", "TEE-M")
    assert page.errors == [] and page.dialogs == []


@pytest.fixture
def chinese_phone(browser):
    """Return a Chinese-speaking 390 px wide page that records JavaScript errors."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"}, bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_the_chinese_queue_on_a_phone_has_no_english_and_no_one_character_headers(desk, chinese_phone):
    base, platform = desk
    page = chinese_phone
    log_in(page, base, "auditor")
    open_queue(page, base)
    page.click(row("SIM-42-21") + " .menu-toggle")
    data = ("SIM-42-12", "SIM-42-21", "SIM-42-20", "SIM-42-30", "TEA", "Spring", "tea", "live")
    words = english_left(page.inner_text("main"), data)
    assert words == [], words
    assert "与订单 SIM-42-20 商品相同" in page.inner_text(row("SIM-42-21"))
    assert "缺少手机号 — 联系买家补充" in page.inner_text(row("SIM-42-12"))
    page.keyboard.press("Escape")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "audit-queue-zh-390")
    page.set_viewport_size({"width": 820, "height": 1180})
    lines = page.evaluate(HEADER_LINES)
    assert lines and all(count <= 1.05 for _text, count in lines), lines
    page.goto(base + "/orders/SIM-42-30")
    page.wait_for_selector("#history")
    buyer_id = platform.order("SIM-42-30")["buyer"]["id"]
    assert english_left(page.inner_text("main"), data + (buyer_id,)) == []
    assert page.errors == []
