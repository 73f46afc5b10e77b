"""The comment-selling contract as the issue names it (issue 13), called as an outside tool would.

Claims typed in the chat resolve by link number, become drafts, are completed by the platform's order, and the
claims and reconciliation APIs report each one; nothing claimed is lost.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from orders.expiry import sweep
from tests.support import databases
from tests.support.api import ApiClient, now_iso, order_event
from tests.support.auth import csrf_token, login

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)
CLAIM_FIELDS = {"comment_id", "viewer_id", "text", "product_sku", "variant_sku", "qty", "status"}


@pytest.fixture
def app(any_app):
    """Every test of this file runs on SQLite, then on PostgreSQL (CI=true): the contract holds on both."""
    return any_app


@pytest.fixture
def api(any_api):
    """The API client of any_app, with the legacy scopes (ingest, display)."""
    return any_api


@pytest.fixture
def sale(app):
    """Return (api, broadcast id): link 1 is TEE (M and L, 3 each), link 12 is MUG (5 units)."""
    databases.create_users(app)
    api = ApiClient(app.test_client(), databases.create_token(app, "adapter"))
    api.product("TEE", price="59.00", variants=[{"sku": "TEE-M", "name": "M", "stock": 3},
                                                {"sku": "TEE-L", "name": "L", "stock": 3}])
    api.product("MUG", stock=5, price="20.00")
    broadcast_id = api.live_broadcast()
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "TEE", "link_no": 1}).status_code == 201
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "MUG", "link_no": 12}).status_code == 201
    return api, broadcast_id


def chat(event_id: str, viewer_id: str, text: str, seconds: int = 0) -> dict:
    """Return a chat event `seconds` after T0."""
    return {"id": event_id, "type": "chat", "ts": (T0 + timedelta(seconds=seconds)).isoformat(),
            "viewer_id": viewer_id, "text": text}


def post(api, broadcast_id, *events) -> list[dict]:
    """Post events; return their results."""
    response = api.events(broadcast_id, list(events))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def claims(api, broadcast_id, status: str | None = None) -> dict:
    """Return the claims API's answer (optionally filtered by status)."""
    response = api.get(f"/api/v1/broadcasts/{broadcast_id}/claims" + (f"?status={status}" if status else ""))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def claim_of(api, broadcast_id, comment_id: str) -> dict:
    """Return the one claim of a comment."""
    [claim] = [c for c in claims(api, broadcast_id)["claims"] if c["comment_id"] == comment_id]
    return claim


def reserved(api, sku: str) -> int:
    """Return the units of a SKU held by unpaid orders."""
    product = api.get(f"/api/v1/products/{sku.split('-')[0]}").get_json()
    [row] = [row for row in [product, *product["variants"]] if row["sku"] == sku]
    return row["reserved"]


def platform_order(order_id: str, sku: str, qty: int, buyer_id: str, comment_id: str | None = None) -> dict:
    """Return the platform's order event for a claim (carrying comment_id when given)."""
    event = order_event(sku, qty, order_id=order_id, unit_price="20.00" if sku == "MUG" else "59.00")
    event["buyer"]["id"] = buyer_id
    if comment_id is not None:
        event["comment_id"] = comment_id
    return event


def pay(order_id: str, amount: str) -> dict:
    """Return a payment event paying order_id in full."""
    return {"id": f"pay-{order_id}", "type": "payment", "ts": now_iso(), "order_id": order_id, "status": "paid",
            "amount": amount, "method": "alipay"}


@pytest.mark.parametrize("text, product_sku, variant_sku, qty", [
    ("拍了 2件 12号", "MUG", None, 2),
    ("SOLD A12 2", "MUG", None, 2),
    ("SOLD A1 M 2", "TEE", "TEE-M", 2),
    ("1号链接 拍了 L", "TEE", "TEE-L", 1),
    ("拍了 12号", "MUG", None, 1),
])
def test_link_numbers_and_codes_resolve_the_product_size_words_the_variant_and_qty_defaults_to_one(
        sale, text, product_sku, variant_sku, qty):
    api, broadcast_id = sale
    post(api, broadcast_id, chat("c-1", "v1", text))
    body = claims(api, broadcast_id)
    assert body["total"] == 1
    [claim] = body["claims"]
    assert CLAIM_FIELDS <= set(claim)
    assert (claim["product_sku"], claim["variant_sku"], claim["qty"], claim["status"]) == (
        product_sku, variant_sku, qty, "claimed")
    assert reserved(api, variant_sku or product_sku) == qty


@pytest.mark.parametrize("text, reason", [
    ("拍了 9号", "unknown_link"),
    ("拍了 1号", "variant_missing"),
    ("拍了 99件 12号", "qty_over_limit"),
])
def test_a_claim_that_cannot_be_resolved_stays_visible_as_unresolved_with_its_reason(sale, text, reason):
    api, broadcast_id = sale
    post(api, broadcast_id, chat("c-1", "v1", text))
    [claim] = claims(api, broadcast_id, "unresolved")["claims"]
    assert claim["status"] == "unresolved" and claim["reason"] == reason and claim.get("order_id") is None
    reconciliation = api.get(f"/api/v1/broadcasts/{broadcast_id}/reconciliation").get_json()
    assert [c["comment_id"] for c in reconciliation["claims_without_order"]["items"]] == ["c-1"]


def test_a_claim_is_a_draft_order_claimed_in_stream_with_the_viewer_as_buyer_and_a_claimed_notice(sale):
    api, broadcast_id = sale
    post(api, broadcast_id, chat("c-1", "v1", "拍了 12号"))
    order = api.get(f"/api/v1/orders/{claim_of(api, broadcast_id, 'c-1')['order_id']}").get_json()
    assert (order["status"], order["source"], order["buyer"]["id"]) == ("claimed", "in_stream", "v1")
    assert order["claim"] == {"comment_id": "c-1", "text": "拍了 12号"}
    assert [n["kind"] for n in order["notices"]] == ["claimed"]
    assert order["reserved_until"] is not None


def test_the_default_policy_is_draft_with_a_ten_minute_hold_and_off_only_tags(sale):
    api, broadcast_id = sale
    policy = api.get(f"/api/v1/broadcasts/{broadcast_id}/claim-policy")
    assert policy.status_code == 200
    assert policy.get_json()["mode"] == "draft" and policy.get_json()["hold_minutes"] == 10
    host = login(api.client.application, "host")
    headers = {"X-CSRFToken": csrf_token(host, "/settings")}
    assert host.put(f"/api/v1/broadcasts/{broadcast_id}/claim-policy", json={"mode": "off"},
                    headers=headers).status_code == 200
    post(api, broadcast_id, chat("c-1", "v1", "拍了 12号"))
    claim = claim_of(api, broadcast_id, "c-1")
    assert claim["status"] == "claimed" and claim.get("order_id") is None and reserved(api, "MUG") == 0


def test_the_platform_order_naming_the_comment_completes_the_draft_one_order_one_reservation(sale):
    api, broadcast_id = sale
    post(api, broadcast_id, chat("c-1", "v1", "拍了 2件 12号"))
    result = post(api, broadcast_id, platform_order("DY-1", "MUG", 2, "v1", comment_id="c-1"))[0]
    assert result["status"] == "accepted", result
    claim = claim_of(api, broadcast_id, "c-1")
    assert claim["status"] == "ordered" and claim["order_id"] == "DY-1"
    assert reserved(api, "MUG") == 2
    orders = api.get(f"/api/v1/orders?broadcast_id={broadcast_id}").get_json()
    assert orders["total"] == 1
    post(api, broadcast_id, pay("DY-1", "40.00"))
    assert claim_of(api, broadcast_id, "c-1")["status"] == "paid"
    order = api.get("/api/v1/orders/DY-1").get_json()
    assert order["claim"] == {"comment_id": "c-1", "text": "拍了 2件 12号"}
    assert [n["kind"] for n in order["notices"]].count("claimed") == 1


def test_delivered_twice_and_order_before_comment_still_converge_to_one_order(sale):
    api, broadcast_id = sale
    order = platform_order("DY-2", "MUG", 1, "v2", comment_id="c-2")
    post(api, broadcast_id, order)
    post(api, broadcast_id, chat("c-2", "v2", "拍了 12号"), order)
    post(api, broadcast_id, chat("c-2", "v2", "拍了 12号"))
    claim = claim_of(api, broadcast_id, "c-2")
    assert claim["order_id"] == "DY-2" and claim["status"] == "ordered"
    assert claims(api, broadcast_id)["total"] == 1
    assert api.get(f"/api/v1/orders?broadcast_id={broadcast_id}").get_json()["total"] == 1
    assert reserved(api, "MUG") == 1


def test_the_same_buyer_and_items_complete_a_draft_without_a_comment_id(sale):
    api, broadcast_id = sale
    post(api, broadcast_id, chat("c-3", "v3", "拍了 12号"))
    post(api, broadcast_id, platform_order("DY-3", "MUG", 1, "v3"))
    assert claim_of(api, broadcast_id, "c-3")["order_id"] == "DY-3"
    assert api.get(f"/api/v1/orders?broadcast_id={broadcast_id}").get_json()["total"] == 1
    assert reserved(api, "MUG") == 1


def test_an_unpaid_draft_expires_and_the_next_in_line_gets_the_unit(app, api):
    api.product("ONE", stock=1, price="10.00")
    broadcast_id = api.live_broadcast(skus=("ONE",))
    post(api, broadcast_id, chat("c-1", "v1", "拍了 1号"), chat("c-2", "v2", "拍了 1号", seconds=1))
    assert claim_of(api, broadcast_id, "c-2")["status"] == "claimed"
    with app.app_context():
        sweep(db.session, datetime.now(UTC) + timedelta(minutes=11))
        db.session.remove()
    assert claim_of(api, broadcast_id, "c-1")["status"] == "expired"
    second = api.get(f"/api/v1/orders/{claim_of(api, broadcast_id, 'c-2')['order_id']}").get_json()
    assert second["reserved_until"] is not None and reserved(api, "ONE") == 1
    assert claims(api, broadcast_id, "expired")["total"] == 1


def test_claims_filter_by_every_status_and_refuse_an_unknown_one_naming_status(sale):
    api, broadcast_id = sale
    for status in ("unresolved", "claimed", "ordered", "paid", "expired", "cancelled"):
        assert claims(api, broadcast_id, status)["total"] == 0
    bad = api.get(f"/api/v1/broadcasts/{broadcast_id}/claims?status=lost")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "status"


def test_reconciliation_lists_what_never_became_a_paid_order_and_reminds_the_unpaid(sale, app):
    api, broadcast_id = sale
    post(api, broadcast_id, chat("c-1", "v1", "拍了 12号"), chat("c-2", "v2", "拍了 9号"),
         chat("c-3", "v3", "拍了 12号"))
    post(api, broadcast_id, platform_order("DY-3", "MUG", 1, "v3", comment_id="c-3"),
         platform_order("DY-4", "MUG", 1, "v4", comment_id="never-seen"))
    response = api.get(f"/api/v1/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [r["comment_id"] for r in body["claims_without_order"]["items"]] == ["c-2"]
    assert [r["comment_id"] for r in body["open_drafts"]["items"]] == ["c-1"]
    assert "DY-3" in {r["order_id"] for r in body["unpaid"]["items"]}
    assert [r["order_id"] for r in body["orders_without_comment"]["items"]] == ["DY-4"]
    assert body["lag_seconds"]["count"] == 1
    reminded = api.post(f"/api/v1/broadcasts/{broadcast_id}/reminders", json={"order_ids": ["DY-3"]})
    assert reminded.status_code == 200 and reminded.get_json()["queued"] == ["DY-3"]
    at_once = api.post(f"/api/v1/broadcasts/{broadcast_id}/reminders", json={"order_ids": ["DY-3"]}).get_json()
    assert at_once["queued"] == [] and [s["order_id"] for s in at_once["skipped"]] == ["DY-3"]
    assert any(n["kind"] == "payment_reminder" for n in api.get("/api/v1/orders/DY-3").get_json()["notices"])
    host = login(app, "host")
    assert host.get(f"/broadcasts/{broadcast_id}/reconciliation").status_code == 200
    exported = host.get(f"/broadcasts/{broadcast_id}/reconciliation.csv")
    assert exported.status_code == 200 and "c-2" in exported.get_data(as_text=True)


def test_a_refused_event_is_kept_as_received_with_its_error(sale):
    api, broadcast_id = sale
    malformed = {"id": "bad-1", "type": "chat", "ts": now_iso(), "viewer_id": "v1", "text": 42}
    post(api, broadcast_id, malformed)
    logged = api.get(f"/api/v1/broadcasts/{broadcast_id}/rejected-events")
    assert logged.status_code == 200, logged.get_json()
    body = logged.get_json()
    rows = body["events"]
    assert rows and rows[0]["payload"] == malformed and rows[0]["error"]["field"] == "text"
