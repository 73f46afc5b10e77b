"""In the browser (probe 1, D2 and D3): a refused "Payout done" on an ended case shows why under the refunds; an order
refunded in full before it shipped says so on its page and offers no ship form; one whose refund is asked for is
on hold on /fulfilment, without a ship form."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.auth.tokens import issue_token
from app.extensions import db
from orders.aftersales.models import AftersaleCase
from tests.browser.test_aftersales_flow import log_in_as_agent, paid_order
from tests.browser.test_audit_queue import Platform
from tests.support.axe import blocking_violations
from tests.support.databases import make_app

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(live_server, sqlite_url):
    """Return (server address, after-sales tool, live broadcast id selling TEA at ¥80); the tool's token has the
    scope aftersales."""
    server, token = live_server
    broadcast_id = Platform(server.url, token).broadcast()
    with make_app(sqlite_url).app_context():
        raw = issue_token(db.session, "after-sales tool", scopes=["aftersales", "ingest", "display"])
        db.session.commit()
    return server.url, Platform(server.url, raw), broadcast_id


def refund_case(platform: Platform, order_id: str, **refund) -> tuple[str, dict]:
    """Open and approve a refund_only case of the order and refund it; return (case id, the refund)."""
    case_id = platform.call("POST", f"/api/v1/orders/{order_id}/aftersales",
                            {"type": "refund_only", "reason": "other"})["case_id"]
    platform.call("POST", f"/api/v1/aftersales/{case_id}/approve", {})
    return case_id, platform.call("POST", f"/api/v1/aftersales/{case_id}/refunds", refund)


@pytest.mark.slow
def test_a_refused_payout_on_an_ended_case_shows_its_error_under_the_refunds(shop, sqlite_url, page):
    base, platform, broadcast_id = shop
    paid_order(platform, broadcast_id, "PAYOUT-1", 1)
    case_id, refund = refund_case(platform, "PAYOUT-1", amount="80.00", status="pending")
    with make_app(sqlite_url).app_context():  # where the old cancel left such a case: ended, its refund pending
        db.session.execute(sa.update(AftersaleCase).where(AftersaleCase.case_id == case_id)
                           .values(status="cancelled", deadline_at=None, deadline_kind=None))
        db.session.commit()

    log_in_as_agent(page, base)
    page.goto(f"{base}/aftersales/{case_id}")
    expect(page.locator("#case-actions")).to_have_count(0)
    done = page.locator(f'button[data-settle="succeed"][data-refund="{refund["refund_id"]}"]')
    expect(done).to_be_enabled()
    # Another agent records the payout first: this page's button is now stale and the API refuses it.
    platform.call("POST", f"/api/v1/aftersales/{case_id}/refunds/{refund['refund_id']}/succeed", {})
    done.click()
    error = page.locator("#ledger-error")
    expect(error).to_have_text("This refund was settled already; reload the page to see it as it is now.")
    assert page.url == f"{base}/aftersales/{case_id}"
    assert blocking_violations(page) == []

    page.reload()
    expect(page.locator(f'#refunds tr[data-refund-id="{refund["refund_id"]}"]')).to_have_attribute(
        "data-status", "succeeded")
    expect(page.locator("#timeline tr").last).to_have_attribute("data-action", "refund_succeeded")


@pytest.mark.slow
def test_an_order_refunded_before_shipping_says_why_and_offers_no_ship_form(shop, page):
    base, platform, broadcast_id = shop
    paid_order(platform, broadcast_id, "GONE-1", 2)
    paid_order(platform, broadcast_id, "ASK-1", 1)
    paid_order(platform, broadcast_id, "SHIP-1", 1)
    case_id, _refund = refund_case(platform, "GONE-1", amount="160.00")
    asked = platform.call("POST", "/api/v1/orders/ASK-1/aftersales", {"type": "refund_only", "reason": "other"})

    log_in_as_agent(page, base)
    page.goto(f"{base}/orders/GONE-1")
    note = page.locator("#refund-note")
    expect(note).to_be_visible()
    expect(note).to_have_attribute("data-reason", "refunded")
    expect(note.locator(f'a[href="/aftersales/{case_id}"]')).to_have_text(case_id)
    expect(page.locator("#order-ship-form")).to_have_count(0)
    assert blocking_violations(page) == []

    page.goto(f"{base}/fulfilment")
    expect(page.locator('#to-pack tr[data-order-id="SHIP-1"] .ship-toggle')).to_have_count(1)
    expect(page.locator('#to-pack tr[data-order-id="GONE-1"]')).to_have_count(0)
    held = page.locator('#to-pack tr[data-order-id="ASK-1"]')
    expect(held.locator(".refund-hold-badge")).to_be_visible()
    expect(held.locator(".ship-toggle")).to_have_count(0)
    expect(held.locator(".select-order")).to_have_count(0)
    expect(held.locator(f'a[href="/aftersales/{asked["case_id"]}"]')).to_be_visible()
    expect(page.locator('[data-count="to_pack"] strong')).to_have_text("2")

    page.goto(f"{base}/orders/ASK-1")
    expect(page.locator("#refund-note")).to_have_attribute("data-reason", "refund_requested")
    expect(page.locator("#order-ship-form")).to_have_count(0)
