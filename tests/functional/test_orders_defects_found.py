"""Defects a probe of ingestion, the order audit, the audit queue and chat claims found: an order is checked
against the product and quantity its chat claim resolved to (link number, on-air code), the queue's API refuses what it
cannot store or does not know, extending a hold never shortens it, an order the buyer paid while in line is sold when
stock comes back, and audit thresholds are bounded."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from orders.audit.policy import MAX_RESERVATION_MINUTES, AuditPolicy
from orders.expiry import sweep
from tests.functional.test_chat_ingestion import chat, post_chat
from tests.support import databases
from tests.support.api import ApiClient, order_event
from tests.support.auth import csrf_token, login

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


@pytest.fixture
def sale(any_app):
    """Return (api client, broadcast id): link 1 is TEE (sizes M and L), link 2 is MUG (10 units at ¥20)."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("TEE", price="59.00", variants=[{"sku": "TEE-M", "name": "M", "stock": 5},
                                                {"sku": "TEE-L", "name": "L", "stock": 5}])
    api.product("MUG", stock=10, price="20.00")
    return api, api.live_broadcast(skus=("TEE", "MUG"))


@pytest.fixture
def auditor(any_app):
    """Return a function sending an auditor's API call: auditor(method, path, body) -> response."""
    client = login(any_app, "auditor")
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    return lambda method, path, body: client.open(path, method=method, json=body, headers=headers)


def _codes(order: dict) -> list[str]:
    return [f["code"] for f in order["findings"] if not f.get("override")]


def test_an_order_for_more_units_than_claimed_by_link_number_is_held(sale):
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2件 2号", T0))
    api.events(broadcast_id, [order_event("MUG", 3, order_id="DY-1", comment_id="c-1", unit_price="20.00")])
    order = api.get("/api/v1/orders/DY-1").get_json()
    assert (order["status"], _codes(order)) == ("held", ["claim_mismatch"])
    assert order["findings"][0]["field"] == "items[0].qty"


def test_an_order_for_another_product_than_the_claimed_link_is_held(sale):
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2件 2号", T0))  # link 2 is MUG
    api.events(broadcast_id, [order_event("TEE-M", 2, order_id="DY-2", comment_id="c-1", unit_price="59.00")])
    order = api.get("/api/v1/orders/DY-2").get_json()
    assert (order["status"], _codes(order)) == ("held", ["claim_mismatch"])


def test_the_order_a_link_claim_names_still_completes_its_draft(sale):
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 1号 M 2件", T0))
    api.events(broadcast_id, [order_event("TEE-M", 2, order_id="DY-3", comment_id="c-1", unit_price="59.00")])
    order = api.get("/api/v1/orders/DY-3").get_json()
    assert (order["status"], _codes(order)) == ("accepted", [])


@pytest.mark.slow
def test_an_order_for_the_product_an_on_air_code_names_completes_its_claim(sale):
    api, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "SOLD A2 2", T0))  # A2: the host's code for link 2
    assert result["claim"]["status"] == "claimed"
    api.events(broadcast_id, [order_event("MUG", 2, order_id="DY-4", comment_id="c-1", unit_price="20.00")])
    order = api.get("/api/v1/orders/DY-4").get_json()
    assert (order["status"], _codes(order)) == ("accepted", [])


@pytest.mark.parametrize("bad", ["A\x00B", "x" * 65, ""])
def test_bulk_approval_of_an_id_no_order_can_have_is_a_400_naming_it_not_a_500(sale, auditor, bad):
    response = auditor("POST", "/api/v1/orders/bulk-approve", {"order_ids": ["OK-1", bad], "reason": "checked"})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["field"] == "order_ids[1]"


def test_an_unknown_address_field_in_an_edit_is_refused_and_nothing_is_written(sale, auditor):
    api, broadcast_id = sale
    event = order_event("MUG", 1, order_id="NO-PHONE", unit_price="20.00")
    event["buyer"]["phone"] = None
    api.events(broadcast_id, [event])
    response = auditor("PATCH", "/api/v1/orders/NO-PHONE", {"buyer": {"address": {"zip": "310000"}}})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "buyer.address.zip"
    history = api.get("/api/v1/orders/NO-PHONE").get_json()["history"]
    assert [h["action"] for h in history if h["action"] == "edit"] == []


@pytest.mark.slow
def test_extending_a_hold_never_shortens_the_reservation(sale, auditor):
    api, broadcast_id = sale
    event = order_event("MUG", 1, order_id="HELD", unit_price="20.00")
    event["buyer"]["phone"] = None
    api.events(broadcast_id, [event])
    long = auditor("POST", "/api/v1/orders/HELD/extend", {"reason": "buyer calls back tonight", "minutes": 120})
    assert long.status_code == 200, long.get_json()
    until = long.get_json()["reserved_until"]
    short = auditor("POST", "/api/v1/orders/HELD/extend", {"reason": "extend from the queue"})
    assert short.status_code == 200, short.get_json()
    assert short.get_json()["reserved_until"] == until
    assert api.get("/api/v1/orders/HELD").get_json()["reserved_until"] == until


def test_an_order_an_override_lets_through_is_no_longer_claimed(sale, auditor):
    api, broadcast_id = sale
    event = order_event("MUG", 1, order_id="ODD-PHONE", unit_price="20.00")
    event["buyer"]["phone"] = "12345"
    api.events(broadcast_id, [event])
    response = auditor("POST", "/api/v1/orders/ODD-PHONE/findings/phone_invalid/override",
                       {"reason": "confirmed by phone call"})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["status"], response.get_json()["claimed_by"]) == ("accepted", None)


def test_an_order_paid_while_in_line_is_sold_when_stock_comes_back_and_never_expires(any_app, any_api):
    any_api.product("ONE", stock=1, price="10.00")
    broadcast_id = any_api.live_broadcast(skus=("ONE",))
    first, second = (order_event("ONE", 1, order_id=order_id, unit_price="10.00") for order_id in ("FIRST", "SECOND"))
    statuses = [r["order"]["status"] for r in any_api.events(broadcast_id, [first, second]).get_json()["results"]]
    assert statuses == ["accepted", "waitlisted"]
    paid = {"id": "pay-2", "type": "payment", "ts": first["ts"], "order_id": "SECOND", "status": "paid", "amount": "10.00"}
    assert any_api.events(broadcast_id, [paid]).get_json()["results"][0]["status"] == "accepted"
    cancel = {"id": "cancel-1", "type": "order_cancel", "ts": first["ts"], "order_id": "FIRST", "reason": "changed mind"}
    assert any_api.events(broadcast_id, [cancel]).get_json()["results"][0]["status"] == "accepted"
    order = any_api.get("/api/v1/orders/SECOND").get_json()
    assert (order["status"], order["reserved_until"]) == ("paid", None)
    product = any_api.get("/api/v1/products/ONE").get_json()
    assert (product["stock"], product["reserved"], product["sold"]) == (0, 0, 1)
    with any_app.app_context():
        assert sweep(db.session, utcnow() + timedelta(minutes=16)) == 0
        db.session.commit()
    assert any_api.get("/api/v1/orders/SECOND").get_json()["status"] == "paid"


@pytest.mark.parametrize("field,value", [("reservation_minutes", 10**12), ("sla_seconds", 10**30),
                                         ("duplicate_window_seconds", 10**20), ("abnormal_qty_per_sku", 10**9),
                                         ("max_qty_per_buyer_per_product", 10**9), ("price_tolerance", "1e12")])
def test_a_policy_number_too_large_for_any_use_is_a_400_and_orders_still_flow(sale, auditor, field, value):
    api, broadcast_id = sale
    response = auditor("PUT", f"/api/v1/broadcasts/{broadcast_id}/audit-policy", {field: value})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    result = api.events(broadcast_id, [order_event("MUG", 1, unit_price="20.00")])
    assert result.status_code == 200 and result.get_json()["results"][0]["order"]["status"] == "accepted"


def test_a_saved_policy_above_todays_bounds_is_read_within_them():
    stored = {"reservation_minutes": 10**12, "max_qty_per_buyer_per_product": None}
    policy = AuditPolicy.from_stored(stored)
    assert (policy.reservation_minutes, policy.max_qty_per_buyer_per_product) == (MAX_RESERVATION_MINUTES, None)
