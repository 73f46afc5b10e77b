"""Analytics on a phone (probe 2 of session 15): every category label under a report's chart (SKUs, watch-time
buckets, sources, broadcasts) is drawn inside its chart, none on top of another, in English and Chinese; the
pinned lanes' title clears their labels; the numbers' definitions, hover titles on a laptop, open with a tap."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, new_context
from tests.browser.test_analytics_layout import open_page, shop  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

# Per chart: its x tick labels' boxes, and the chart's own box.
LABELS = """(id) => {
  const chart = document.getElementById(id), box = chart.getBoundingClientRect();
  const ticks = Array.from(chart.querySelectorAll('.xaxislayer-above .xtick text'), (t) => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  return {ticks, chart: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 \
        and b["top"] < a["bottom"] - 1


def _phone_page(browser, shop, locale: str, path: str, ready: str, **options):  # noqa: F811
    """Return (the context, its page) of an analyst's 390 px phone, open at path once its script has drawn."""
    server, ids = shop
    context = new_context(browser, locale=locale, timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                          **options)
    page = context.new_page()
    log_in(page, server.url, "analyst")
    open_page(page, server.url + path.format(busy=ids["busy"]), ready)
    return context, page


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.slow
def test_category_labels_are_whole_and_apart_at_390_px(shop, browser, locale):  # noqa: F811
    context, page = _phone_page(browser, shop, locale, "/broadcasts/{busy}/report", "#report")
    for name in ("watch", "sources", "products", "comparison"):
        page.wait_for_selector(f"#chart-{name} .main-svg")
        drawn = page.evaluate(LABELS, f"chart-{name}")
        ticks, chart = drawn["ticks"], drawn["chart"]
        assert ticks, name
        for tick in ticks:
            assert chart["left"] - 1 <= tick["left"] and tick["right"] <= chart["right"] + 1, (name, tick)
            assert tick["bottom"] <= chart["bottom"] + 1, (name, tick)
        for i, first in enumerate(ticks):
            for second in ticks[i + 1:]:
                assert not _overlap(first, second), (name, first, second)
    context.close()


# The pinned lanes' axis: its title's box and its tick labels' boxes.
LANES = """() => {
  const chart = document.getElementById('chart-timeline');
  const box = (node) => { const r = node.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top,
                                                                         bottom: r.bottom, text: node.textContent}; };
  const title = chart.querySelector('.g-y3title text');
  return {title: title && box(title), ticks: Array.from(chart.querySelectorAll('.yaxislayer-above .y3tick text'), box)};
}"""


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.slow
def test_the_pinned_lanes_title_never_covers_their_labels_at_390_px(shop, browser, locale):  # noqa: F811
    context, page = _phone_page(browser, shop, locale, "/broadcasts/{busy}/analytics", "#analytics")
    page.wait_for_selector("#chart-timeline .main-svg")
    lanes = page.evaluate(LANES)
    assert lanes["title"] and lanes["ticks"], lanes
    for tick in lanes["ticks"]:
        assert not _overlap(lanes["title"], tick), (lanes["title"], tick)
        assert tick["left"] >= 0, tick
    context.close()


@pytest.mark.slow
def test_the_numbers_definitions_open_with_a_tap_on_a_phone(shop, browser):  # noqa: F811
    context, page = _phone_page(browser, shop, "zh-CN", "/broadcasts/{busy}/analytics", "#analytics", has_touch=True,
                                is_mobile=True)
    definitions = page.locator("#metric-definitions")
    assert not definitions.locator("dd").first.is_visible()
    definitions.locator("summary").tap()
    assert definitions.locator("dd").first.is_visible()
    assert definitions.locator("dt").count() >= 8 and "GMV" in definitions.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
