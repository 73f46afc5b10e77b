"""The fulfilment pages (issue 14): who sees what, the order page's Shipments panel, the printable packing list."""
from __future__ import annotations

import pytest

from tests.support import databases
from tests.support.auth import login
from tests.support.fulfilment import SF_NUMBER, AgentClient, neutral, place_paid_order


@pytest.fixture
def shop(app, api):
    """Return (events API, broadcast id, agent) with a paid order PAID-1 (TEE ×2) and a shipped one SHIPPED-1."""
    api.product("TEE", stock=50, price="99.00")
    broadcast_id = api.live_broadcast(title="<b>Night sale</b>", skus=("TEE",))
    databases.create_users(app)
    agent = AgentClient(app, "aftersales")
    place_paid_order(api, broadcast_id, "PAID-1", [("TEE", 2)])
    place_paid_order(api, broadcast_id, "SHIPPED-1", [("TEE", 1)])
    shipment = agent.post("/api/v1/orders/SHIPPED-1/shipments", json={"carrier": "SF", "tracking_no": SF_NUMBER})
    agent.post(f"/api/v1/shipments/{shipment.get_json()['shipment_id']}/tracking", json={"checkpoints": [
        neutral("2026-12-06T01:00:00Z", "in_transit", "<img src=x onerror=alert(1)> 到达杭州")]})
    return api, broadcast_id, agent


def test_an_agent_sees_orders_to_pack_with_ship_forms_and_the_nav_link(shop):
    _, _, agent = shop
    page = agent.get("/fulfilment").get_data(as_text=True)
    assert 'data-order-id="PAID-1"' in page and 'id="mark-packed"' in page and 'class="ship-form"' in page
    assert 'href="/fulfilment"' in page
    assert "<b>Night sale</b>" not in page and "&lt;b&gt;Night sale&lt;/b&gt;" in page
    assert 'data-order-id="SHIPPED-1"' not in page  # fully shipped: nothing left to pack


@pytest.mark.parametrize("role, acts", [("auditor", False), ("host", False), ("admin", True)])
def test_auditors_and_hosts_read_the_page_without_acting(app, shop, role, acts):
    page = login(app, role).get("/fulfilment")
    assert page.status_code == 200
    assert ('id="mark-packed"' in page.get_data(as_text=True)) is acts


@pytest.mark.parametrize("role", ["moderator", "analyst"])
def test_other_roles_cannot_open_it(app, shop, role):
    client = login(app, role)
    assert client.get("/fulfilment").status_code == 403
    assert 'href="/fulfilment"' not in client.get("/settings").get_data(as_text=True)


def test_the_order_page_shows_shipments_and_their_tracking_as_text(app, shop):
    _, _, agent = shop
    page = agent.get("/orders/SHIPPED-1").get_data(as_text=True)
    assert 'id="shipments"' in page and SF_NUMBER in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; 到达杭州" in page
    paid = agent.get("/orders/PAID-1").get_data(as_text=True)
    assert 'id="order-ship-form"' in paid
    assert 'id="order-ship-form"' not in login(app, "auditor").get("/orders/PAID-1").get_data(as_text=True)


def test_the_packing_list_prints_units_by_sku_with_totals(shop):
    _, broadcast_id, agent = shop
    page = agent.get(f"/fulfilment/packing-list?broadcast_id={broadcast_id}").get_data(as_text=True)
    assert 'data-sku="TEE"' in page and 'id="total-units">2<' in page and 'data-order-id="PAID-1"' in page
    csv_file = agent.get(f"/fulfilment/packing-list.csv?broadcast_id={broadcast_id}")
    assert csv_file.mimetype == "text/csv" and "TEE" in csv_file.get_data(as_text=True)
    assert agent.get("/fulfilment?broadcast_id=abc").status_code == 400
    assert agent.get("/fulfilment?status=lost").status_code == 400


def test_the_chinese_page_uses_chinese_words(app, shop):
    client = login(app, "aftersales")
    page = client.get("/fulfilment", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "待发货" in page or "发货" in page
