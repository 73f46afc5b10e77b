"""On a phone every tap target of every page an admin can open is at least 44 px tall and 24 px wide (UI.md: tap
targets ≥ 44 px): buttons, fields, a details' summary, the brand, the skip link, links that stand on their own,
and the label around a checkbox or radio (what a thumb taps). Links inside running text are exempt, as WCAG 2.5.8
exempts them; a label for a text field is not a target of its own (the field is)."""
from __future__ import annotations

import pytest

from tests.browser.test_viewports import log_in, new_page, pages_of, site  # noqa: F401  (site: the module's server)

pytestmark = pytest.mark.browser

SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=tab], label'))
  .filter((node) => node.getClientRects().length > 0 && getComputedStyle(node).visibility !== 'hidden')
  .filter((node) => !node.closest('.visually-hidden, .sr-only'))
  .filter((node) => !(node.tagName === 'A' && getComputedStyle(node).display === 'inline'
                      && node.closest('p, li, td, dd')))
  .filter((node) => !(node.matches('input[type=checkbox], input[type=radio]') && node.closest('label')
                      && node.closest('label').getBoundingClientRect().height >= 44))
  .filter((node) => !node.matches('label') || node.querySelector(':scope > input[type=checkbox], :scope > input[type=radio]'))
  .map((node) => {
    const box = node.getBoundingClientRect();
    const name = (node.innerText || node.value || node.getAttribute('aria-label') || '').trim().slice(0, 30);
    return [node.tagName.toLowerCase() + (node.id ? '#' + node.id : ''), name, Math.round(box.width),
            Math.round(box.height)];
  })
  .filter(([, , width, height]) => height < 44 || width < 24)"""


@pytest.mark.slow
def test_every_tap_target_of_every_admin_page_on_a_phone(site, browser):  # noqa: F811
    server, ids = site
    page = new_page(browser, "en", (390, 844))
    log_in(page, server.url, "admin")
    small = {}
    for path in pages_of("admin", ids):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        found = page.evaluate(SMALL_TARGETS)
        if found:
            small[path] = found
    assert small == {}
    assert page.errors == []
    page.context.close()
