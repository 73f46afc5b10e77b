"""The audit queue on a tablet in portrait (probe 4, D3): order ids, masked phones and SKUs stay whole, the broadcast's
title breaks only between words, and a row stays a few lines tall; phones, small laptops and desktops too."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_audit_queue import Platform
from tests.support.api import order_event

pytestmark = pytest.mark.browser

TITLE = "Demo live: autumn flash sale"
IDS = [f"SIM-42-{n}" for n in range(160, 166)]

# Per row: the number of lines its id, its phone and its broadcast title take, its height, and the title's words
# as drawn (a word cut in two shows as a line ending inside a word).
MEASURE = """() => Array.from(document.querySelectorAll('#queue tr.order-row'), (tr) => {
  const lines = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.bottom))).size;
  };
  const title = tr.querySelector('.broadcast');
  const style = getComputedStyle(title);
  return {id: tr.dataset.orderId, idLines: lines(tr.querySelector('a.order-link')),
          phoneLines: lines(tr.querySelector('td.buyer .mono')),
          skuLines: Array.from(tr.querySelectorAll('td.items .sku-line'), lines),
          titleLines: lines(title), titleCut: style.textOverflow === 'ellipsis' && title.scrollWidth > title.clientWidth,
          titleWraps: style.whiteSpace !== 'nowrap', titleBreaksWords: style.overflowWrap === 'anywhere',
          height: tr.getBoundingClientRect().height,
          approveRight: tr.querySelector('.row-approve').getBoundingClientRect().right};
})"""


@pytest.fixture
def queue(live_server):
    """Return the server url after six held orders with demo-like ids and masked phones in a broadcast whose
    title has several words."""
    server, token = live_server
    platform = Platform(server.url, token)
    platform.call("POST", "/api/v1/products", {"sku": "TSHIRT-01-M-BLK", "name": "T-shirt", "price": "59.00",
                                               "stock": 100})
    broadcast_id = platform.call("POST", "/api/v1/broadcasts", {"title": TITLE, "platform": "douyin"})["id"]
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TSHIRT-01-M-BLK"})
    for index, order_id in enumerate(IDS):
        event = order_event("TSHIRT-01-M-BLK", 1, order_id=order_id, unit_price="59.00")
        # Every other buyer left no phone (held for it); the others are held as a second order of the same items.
        phone = None if index % 2 == 0 else "18612342045"
        event["buyer"].update({"id": f"buyer-{index // 2}", "phone": phone, "name": "朱秀兰"})
        platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})
    return server.url


def _open(page, url: str, width: int, height: int) -> list[dict]:
    """Open the audit queue at width x height as the auditor and return the measures of its rows."""
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, url, "auditor")
    page.goto(url + "/audit")
    page.wait_for_selector("#audit[data-loaded=true][data-connection=connected]")
    page.wait_for_selector("#queue tr.order-row")
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("width,height", [(390, 844), (768, 1024), (1024, 768), (1440, 900)])
def test_ids_phones_and_skus_stay_whole_and_titles_break_between_words(queue, page, width, height):
    rows = _open(page, queue, width, height)
    assert len(rows) >= 3, rows
    assert any(row["phoneLines"] for row in rows), "no row shows a phone"
    for row in rows:
        assert row["idLines"] == 1, row
        assert row["phoneLines"] <= 1, row
        if width > 600:  # on a phone the items run inline across the whole card
            assert row["skuLines"] == [1], row
        assert not row["titleBreaksWords"], row  # wraps at spaces or is cut with "…", never "autum" / "n"
        assert row["approveRight"] <= width, row
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.errors == []


def test_on_a_tablet_in_portrait_a_row_is_a_few_lines_tall(queue, page):
    rows = _open(page, queue, 768, 1024)
    # Probe 4 measured ~170 px a row (3 orders on the screen); a row is now its buyer's three lines and padding.
    assert max(row["height"] for row in rows) <= 110, rows
    assert all(row["titleLines"] == 1 for row in rows), rows
    title = page.locator("#queue tr.order-row .broadcast").first
    assert title.get_attribute("title") == title.text_content() and TITLE in title.text_content()  # whole, on hover
    assert page.errors == []
