"""The analyst's screens in Chromium at 1440×900, 820×1180 and 390×844 (issue 12): readable pin lanes, human time
ticks, "no data yet" instead of empty axes, one zone named at the top, the GPM switch, variants folded, comparison
with one broadcast, axe-core clean, Chinese with no English left; screenshots go to docs/screenshots/."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_analytics_browser import RemoteApi
from tests.browser.test_narrow_chinese_pages import HEADER_LINES, english_left
from tests.support import analytics as ax
from tests.support.axe import blocking_violations
from tests.unit.analytics.events import chat, click, join, order, payment, pin

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = ((1440, 900), (820, 1180), (390, 844))
LONG_SKU = "LIPSTICK-SPRING-LIMITED-EDITION-2024"
SKUS = ("SCARF", "TEE", LONG_SKU, "围巾冬季款")
TITLE = "春季上新 Spring launch"
# Ticks of the x axis, and lane labels of the pinned-products axis, as drawn.
X_TICKS = "() => Array.from(document.querySelectorAll('#chart-timeline .xtick text')).map((t) => t.textContent)"
LANE_BOXES = """() => Array.from(document.querySelectorAll('#chart-timeline .yaxislayer-above .y3tick text'))
  .map((t) => { const r = t.getBoundingClientRect(); return [t.textContent, r.top, r.bottom]; })"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def save(page, name: str) -> None:
    """Save the whole page as a person sees it into docs/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def shop(live_server):
    """Return (server, ids): an ended earlier broadcast, a live one with ten pins over four products (one with two
    variants sold), and a live one that has just started with nothing in it."""
    server, token = live_server
    api = RemoteApi(server.url, token)
    api.post("/api/v1/products", {"sku": "SCARF", "name": "Scarf", "price": "99.00", "stock": 0, "variants": [
        {"sku": "SCARF-RED", "name": "Red", "stock": 500}, {"sku": "SCARF-BLU", "name": "Blue", "stock": 500}]})
    now = datetime.now(timezone.utc).replace(microsecond=0)
    earlier = ax.start_broadcast(api, now - timedelta(days=2), skus=SKUS)
    ax.ingest(api, earlier, [join(now - timedelta(days=2, minutes=-1), "old-v1")], prefix="old-")
    ax.end_broadcast(api, earlier, now - timedelta(days=2, minutes=-40))
    started = now - timedelta(minutes=45)
    busy = ax.start_broadcast(api, started, skus=())
    renamed = api.http.patch(f"{server.url}/api/v1/broadcasts/{busy}", json={"title": TITLE}, timeout=10)
    assert renamed.status_code == 200, renamed.text
    minute = lambda m, s=0: started + timedelta(minutes=m, seconds=s)  # noqa: E731
    events = [join(minute(i // 2, 10), f"v{i}") for i in range(24)]
    events += [pin(minute(2 + 4 * i), SKUS[i % len(SKUS)]) for i in range(10)]
    events += [click(minute(3 + 4 * i, 20), f"v{i}", SKUS[i % len(SKUS)]) for i in range(10)]
    events += [chat(minute(5, i), f"v{i}", text="多少钱") for i in range(3)]
    for i, (sku, price) in enumerate((("SCARF-RED", "99.00"), ("SCARF-BLU", "99.00"), ("TEE", "49.90"),
                                      (LONG_SKU, "129.00"), ("SCARF-RED", "99.00"))):
        events += [order(minute(4 + 6 * i, 30), f"busy-o{i}", f"v{i}", [(sku, 1, price)]),
                   payment(minute(4 + 6 * i, 50), f"busy-o{i}", price)]
    ax.ingest(api, busy, events, prefix="busy-")
    empty = ax.start_broadcast(api, now - timedelta(seconds=30), skus=())
    return server, {"earlier": earlier, "busy": busy, "empty": empty}


def open_page(page, url: str, ready: str) -> None:
    """Go to url and wait until its script has drawn (ready: the root element's selector)."""
    page.goto(url)
    page.wait_for_selector(f"{ready}[data-drawn=true]")


@pytest.mark.slow
def test_the_dashboard_reads_at_every_size_with_a_lane_per_pinned_product(shop, page):
    server, ids = shop
    log_in(page, server.url, "analyst")
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, f"{server.url}/broadcasts/{ids['busy']}/analytics", "#analytics")
        page.wait_for_selector("#chart-timeline .main-svg")
        assert page.evaluate(OVERFLOW) <= 0, (width, "the page scrolls sideways")
        ticks = page.evaluate(X_TICKS)
        assert ticks and all(re.fullmatch(r"\d\d:\d\d", tick) for tick in ticks), ticks
        lanes = page.evaluate(LANE_BOXES)
        assert len(lanes) == len(SKUS), lanes  # one lane per product, however many pins
        assert all(a[2] <= b[1] + 0.5 for a, b in zip(lanes, lanes[1:])), lanes  # labels never overlap
        assert any(label.endswith("…") for label, _top, _bottom in lanes)  # a long SKU is cut, not spilled
        note = page.inner_text("#zone-note")
        assert "Asia/Shanghai (UTC+08:00)" in note and page.locator(".zone-note").count() == 1
        assert blocking_violations(page) == [], width
        if width == 1440:
            save(page, "analytics-dashboard")
        elif width == 390:
            save(page, "analytics-dashboard-390")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_variants_of_a_product_fold_under_it_and_open_on_a_click(shop, page):
    server, ids = shop
    log_in(page, server.url, "analyst")
    open_page(page, f"{server.url}/broadcasts/{ids['busy']}/analytics", "#analytics")
    variants = page.locator('#products tr.variant[data-sku="SCARF"]')
    assert variants.count() == 2 and not variants.first.is_visible()
    toggle = page.locator('#products tr.product[data-sku="SCARF"] .variant-toggle')
    assert toggle.get_attribute("aria-expanded") == "false" and "2" in toggle.inner_text()
    toggle.click()
    expect(variants.first).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert page.locator('#products tr.variant[data-variant="SCARF-RED"] td').nth(3).inner_text() == "2"
    assert page.errors == []


@pytest.mark.slow
def test_an_empty_broadcast_says_no_data_yet_instead_of_drawing_empty_axes(shop, page):
    server, ids = shop
    log_in(page, server.url, "analyst")
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, f"{server.url}/broadcasts/{ids['empty']}/analytics", "#analytics")
        for name in ("funnel", "timeline"):
            assert page.is_visible(f"#chart-{name}-empty") and not page.is_visible(f"#chart-{name}")
            assert page.locator(f"#chart-{name} .main-svg").count() == 0
        assert page.is_visible("#products-empty") and not page.is_visible("#products")
        assert page.evaluate(OVERFLOW) <= 0
        assert blocking_violations(page) == []
        if width == 1440:
            save(page, "analytics-dashboard-empty")
    assert page.errors == []


@pytest.mark.slow
def test_the_gpm_switch_shows_either_denominator_and_the_download_keeps_it(shop, page):
    server, ids = shop
    log_in(page, server.url, "analyst")
    open_page(page, f"{server.url}/broadcasts/{ids['busy']}/report", "#report")
    metrics = page.evaluate("JSON.parse(document.getElementById('report-data').textContent).metrics")
    assert page.inner_text('.gpm-tile strong:not([hidden])') == f"¥{Decimal(metrics['gpm']):,.2f}"
    page.check('#gpm-switch input[value="viewers"]')
    expect(page.locator('.gpm-tile strong:not([hidden])')).to_have_text(f"¥{Decimal(metrics['gpm_per_viewer']):,.2f}")
    expect(page.locator('.gpm-tile .label:not([hidden])')).to_have_text("GMV per 1,000 viewers")
    expect(page.locator("#download-html")).to_have_attribute("href", re.compile("gpm=viewers"))
    expect(page).to_have_url(re.compile("gpm=viewers"))
    assert page.locator("#comparison-table tr.current [data-gpm=viewers]").inner_text() == \
        f"¥{Decimal(metrics['gpm_per_viewer']):,.2f}"
    page.reload()  # the choice is in the address
    page.wait_for_selector("#report[data-drawn=true]")
    assert page.is_checked('#gpm-switch input[value="viewers"]')
    open_page(page, f"{server.url}/broadcasts/{ids['busy']}/analytics", "#analytics")  # and remembered
    assert page.inner_text('.gpm-tile .label:not([hidden])') == "GMV per 1,000 viewers"
    assert page.errors == []


@pytest.mark.slow
def test_the_report_reads_at_every_size_and_compares_one_broadcast_without_a_giant_bar(shop, page):
    server, ids = shop
    log_in(page, server.url, "analyst")
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, f"{server.url}/broadcasts/{ids['busy']}/report", "#report")
        for name in ("funnel", "timeline", "watch", "sources", "products", "comparison"):
            page.wait_for_selector(f"#chart-{name} .main-svg")
        assert page.evaluate(OVERFLOW) <= 0, width
        assert page.locator(".zone-note").count() == 1 and "UTC" not in page.inner_text("#comparison-table")
        assert blocking_violations(page) == [], width
        if width == 1440:
            save(page, "analytics-report")
    open_page(page, f"{server.url}/broadcasts/{ids['busy']}/report?compare=0", "#report")
    assert page.is_visible("#chart-comparison-empty") and not page.is_visible("#chart-comparison")
    assert page.locator("#comparison-table tbody tr").count() == 1
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_analysts_find_analytics_in_the_navigation(shop, page):
    server, ids = shop
    log_in(page, server.url, "analyst")
    page.click("header nav >> text=Analytics")
    page.wait_for_selector("#analytics-broadcasts")
    page.wait_for_load_state()  # every row, before counting them
    assert page.locator("#analytics-broadcasts tbody tr").count() == 3
    assert blocking_violations(page) == []
    page.click(f'#analytics-broadcasts tr[data-broadcast-id="{ids["busy"]}"] >> text=Report')
    page.wait_for_selector("#report[data-drawn=true]")
    assert page.errors == []


@pytest.fixture
def chinese(browser):
    """Return a Chinese-speaking page in Shanghai that records JavaScript errors."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True,
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
@pytest.mark.slow
def test_chinese_analytics_pages_have_no_english_left_and_headers_never_stack(shop, chinese, width, height):
    server, ids = shop
    chinese.set_viewport_size({"width": width, "height": height})
    log_in(chinese, server.url, "analyst")
    data = (LONG_SKU[:13] + "…", TITLE[:13] + "…", *SKUS, "SCARF-RED", "SCARF-BLU", TITLE, "metrics", "analyst")
    for path, ready in ((f"/broadcasts/{ids['busy']}/analytics", "#analytics"),
                        (f"/broadcasts/{ids['busy']}/report", "#report"),
                        (f"/broadcasts/{ids['empty']}/analytics", "#analytics")):
        open_page(chinese, server.url + path, ready)
        if path.endswith("report"):
            chinese.click("details summary")
        assert english_left(chinese.inner_text("body"), data) == [], path
        svg_text = " ".join(chinese.eval_on_selector_all("svg text", "(nodes) => nodes.map((n) => n.textContent)"))
        assert english_left(svg_text, data) == [], path
        lines = chinese.evaluate(HEADER_LINES)
        assert all(count <= 2.05 for _text, count in lines), lines
        assert chinese.evaluate(OVERFLOW) <= 0
        if width == 390 and path.endswith(f"{ids['busy']}/analytics"):
            save(chinese, "analytics-dashboard-zh-390")
    assert chinese.errors == []
