"""The defects list, checked as a user and an attacker would meet each item again: held orders keep their place, bulk
approval says where each order ended, the queue counts every order, flash-sale duplicates, auditors' fixes with
before/after history, claims under moderation rules, per-product analytics, bounded times and inputs."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db, socketio
from orders.expiry import sweep
from tests.functional.test_chat_ingestion import T0, Moderator, chat, post_chat
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def auditor(app, users):
    """Return (client logged in as the auditor, headers with its CSRF token)."""
    client = login(app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def _held_event(sku: str, qty: int = 1, order_id: str | None = None, **overrides) -> dict:
    event = order_event(sku, qty, order_id=order_id, **overrides)
    event["buyer"]["phone"] = None
    return event


def _status(api, order_id: str) -> str:
    return api.get(f"/api/v1/orders/{order_id}").get_json()["status"]


# --- 1. a held order keeps its unit --------------------------------------------------------------------------------

def test_a_held_order_keeps_its_unit_and_approving_never_puts_it_behind_later_buyers(api, auditor):
    client, headers = auditor
    api.product("A1", stock=1, price="299.00")
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [_held_event("A1", order_id="H-1", unit_price="299.00")])
    later = api.events(broadcast_id, [order_event("A1", 1, order_id="L-1", unit_price="299.00")]).get_json()
    assert later["results"][0]["order"]["status"] == "waitlisted"
    assert api.get("/api/v1/products/A1").get_json()["reserved"] == 1
    approved = client.post("/api/v1/orders/H-1/approve", json={"reason": "buyer called"}, headers=headers)
    assert approved.get_json()["status"] == "accepted"
    assert _status(api, "L-1") == "waitlisted"


def test_rejecting_a_held_order_gives_its_unit_to_the_next_in_line(api, auditor):
    client, headers = auditor
    api.product("A1", stock=1)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [_held_event("A1", order_id="H-2"), order_event("A1", 1, order_id="L-2")])
    client.post("/api/v1/orders/H-2/reject", json={"reason": "fake"}, headers=headers)
    assert _status(api, "L-2") == "accepted"


def test_a_held_order_with_no_stock_is_held_and_in_line(api):
    api.product("A1", stock=0)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [_held_event("A1", order_id="HW-1")])
    order = api.get("/api/v1/orders/HW-1").get_json()
    assert order["status"] == "held"
    assert "stock_short" in {f["code"] for f in order["findings"]}


# --- 2. bulk approve names the final status -------------------------------------------------------------------------

def test_bulk_approve_reports_waitlisted_orders_as_waitlisted(api, auditor):
    client, headers = auditor
    api.product("A1", stock=0)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [_held_event("A1", order_id="BW-1")])
    body = client.post("/api/v1/orders/bulk-approve", json={"order_ids": ["BW-1"], "reason": "ok"},
                       headers=headers).get_json()
    result = body["results"][0]
    assert result["status"] != "approved"
    assert result["order_status"] == "waitlisted"
    assert body["summary"]["approved"] == 0


# --- 3. the queue counts every held order --------------------------------------------------------------------------

def test_the_queue_total_counts_past_200(api, auditor):
    client, _ = auditor
    api.product("A1", stock=1000)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [_held_event("A1", order_id=f"Q-{n}") for n in range(210)])
    body = client.get("/api/v1/audit/queue").get_json()
    assert body["total"] == 210
    second = client.get("/api/v1/audit/queue?page=2&per_page=200").get_json()
    assert len(second["orders"]) == 10


# --- 4. duplicates in a flash sale -----------------------------------------------------------------------------------

def test_a_second_purchase_paid_like_the_first_is_not_held_as_a_duplicate(api):
    api.product("A1", stock=10)
    broadcast_id = api.live_broadcast(skus=("A1",))
    buyer = {**order_event()["buyer"], "id": "fan"}
    api.events(broadcast_id, [order_event("A1", 1, order_id="D-1", buyer=buyer)])
    api.events(broadcast_id, [{"id": "pay-d1", "type": "payment", "ts": now_iso(), "order_id": "D-1",
                               "status": "paid", "amount": "99.00", "method": "alipay"}])
    api.events(broadcast_id, [order_event("A1", 1, order_id="D-2", buyer=buyer)])
    api.events(broadcast_id, [{"id": "pay-d2", "type": "payment", "ts": now_iso(), "order_id": "D-2",
                               "status": "paid", "amount": "99.00", "method": "alipay"}])
    assert _status(api, "D-2") == "paid"
    assert "duplicate_order" not in {f["code"] for f in api.get("/api/v1/orders/D-2").get_json()["findings"]}


def test_the_same_items_minutes_later_are_not_a_duplicate_by_default(api):
    api.product("A1", stock=10)
    broadcast_id = api.live_broadcast(skus=("A1",))
    buyer = {**order_event()["buyer"], "id": "fan2"}
    early = (datetime.now(timezone.utc) - timedelta(minutes=3)).isoformat()
    api.events(broadcast_id, [order_event("A1", 1, order_id="DM-1", buyer=buyer, ts=early)])
    api.events(broadcast_id, [order_event("A1", 1, order_id="DM-2", buyer=buyer)])
    assert _status(api, "DM-2") == "accepted"


# --- 5, 6. auditors fix SKU and quantity; history keeps values ----------------------------------------------------

@pytest.fixture
def jackets(api):
    """Return a live broadcast selling JK with variants JK-M (5) and JK-L (5)."""
    api.product("JK", stock=0, variants=[{"sku": "JK-M", "name": "M", "stock": 5},
                                         {"sku": "JK-L", "name": "L", "stock": 5}])
    return api.live_broadcast(skus=("JK",))


def test_an_order_held_for_a_missing_variant_cannot_be_approved_onto_the_parent(api, jackets, auditor):
    client, headers = auditor
    api.events(jackets, [order_event("JK", 1, order_id="VM-1")])
    response = client.post("/api/v1/orders/VM-1/approve", json={"reason": "ok"}, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "needs_fix"


def test_an_auditor_fixes_the_variant_and_quantity_and_history_keeps_before_and_after(api, jackets, auditor):
    client, headers = auditor
    api.events(jackets, [order_event("JK", 1, order_id="VM-2")])
    response = client.patch("/api/v1/orders/VM-2", json={"items": [{"sku": "JK-L", "qty": 2}],
                                                          "reason": "buyer said L, two"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "accepted"
    product = api.get("/api/v1/products/JK").get_json()
    assert {v["sku"]: v["reserved"] for v in product["variants"]} == {"JK-M": 0, "JK-L": 2}
    edit = [h for h in client.get("/api/v1/orders/VM-2").get_json()["history"] if h["action"] == "edit"][-1]
    changes = {c["field"]: (c["before"], c["after"]) for c in edit["data"]["changes"]}
    assert changes["items[0].sku"] == ("JK", "JK-L")
    assert changes["items[0].qty"] == (1, 2)


def test_a_buyer_phone_edit_keeps_before_and_after_masked_for_a_host(app, api, auditor, users):
    client, headers = auditor
    api.product("A1", stock=5)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [order_event("A1", 1, order_id="PE-1", buyer={**order_event()["buyer"],
                                                                           "phone": "12345"})])
    client.patch("/api/v1/orders/PE-1", json={"buyer": {"phone": "13912345678"}, "reason": "fixed"},
                 headers=headers)
    full = [h for h in client.get("/api/v1/orders/PE-1").get_json()["history"] if h["action"] == "edit"][-1]
    assert {"field": "buyer.phone", "before": "12345", "after": "13912345678"} in full["data"]["changes"]
    host = login(app, "host").get("/api/v1/orders/PE-1").get_json()
    host_text = json.dumps(host["history"])
    assert "13912345678" not in host_text and "139****5678" in host_text


# --- 7, 8, 9. claims -----------------------------------------------------------------------------------------------

def test_a_correct_variant_claim_does_not_hold_the_order(api):
    api.product("A12", stock=0, variants=[{"sku": "A12-M", "name": "M", "stock": 5}])
    broadcast_id = api.live_broadcast(skus=("A12",))
    post_chat(api, broadcast_id, chat("cm-1", "buyer-1", "SOLD A12 M 2", at=datetime.now(timezone.utc)))
    event = order_event("A12-M", 2, order_id="CL-1", comment_id="cm-1")
    event["buyer"]["id"] = "buyer-1"
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["order"]["status"] == "accepted", api.get("/api/v1/orders/CL-1").get_json()["findings"]


def test_ten_identical_claims_are_never_hidden(api):
    broadcast_id = api.live_broadcast()
    events = [chat(f"w-{n}", f"b-{n}", "SOLD A12 M 1", at=T0 + timedelta(seconds=2 * n)) for n in range(10)]
    assert {r["action"] for r in post_chat(api, broadcast_id, *events)} == {"allow"}


def test_a_claim_with_an_upper_case_sku_is_not_shouting(app, users):
    body = Moderator(app).post("/api/v1/moderation/check", {"text": "SOLD SCARF-01-GRY 1"}).get_json()
    assert body["action"] == "allow"
    assert body["claim"] is not None


# --- 10a. everyday contact-diversion evasions ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["加我v信 abc12345", "威信 abc12345", "薇❤信 abc12345", "+V abc12345",
                                  "扣扣 12345678", "Q Q 12345678", "wei xin abc12345", "w x: abc12345", "w.x abc12345",
                                  "联系 一三八一二三四五六七八"])
def test_common_contact_evasions_are_caught(app, users, text):
    body = Moderator(app).post("/api/v1/moderation/check", {"text": text}).get_json()
    assert body["action"] != "allow", body


@pytest.mark.parametrize("text", ["微信支付可以吗", "支持微信付款吗", "QQ音乐放的什么歌", "我的 V 领毛衣", "身高 168 体重 52"])
def test_benign_near_misses_stay_allowed(app, users, text):
    body = Moderator(app).post("/api/v1/moderation/check", {"text": text}).get_json()
    assert body["action"] == "allow", body


# --- 10-13. analytics -----------------------------------------------------------------------------------------------

def _ts(minutes: float, start: datetime) -> str:
    return (start + timedelta(minutes=minutes)).isoformat()


@pytest.fixture
def shop_with_variants(api):
    """Return (broadcast id, start) of an ended broadcast selling JACKET with variants and SCARF, pinned in turn."""
    start = (datetime.now(timezone.utc) - timedelta(hours=2)).replace(second=0, microsecond=0)
    api.product("JACKET", price="100.00", stock=0, variants=[{"sku": "JACKET-L", "name": "L", "stock": 10},
                                                             {"sku": "JACKET-M", "name": "M", "stock": 10}])
    api.product("SCARF", price="20.00", stock=10)
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "V", "platform": "douyin"}).get_json()["id"]
    api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": start.isoformat()})
    for sku in ("JACKET", "SCARF"):
        api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": sku})
    without_price = order_event("JACKET-L", 1, order_id="AN-1", ts=_ts(2, start), buyer={
        **order_event()["buyer"], "id": "v1"})
    del without_price["items"][0]["unit_price"]
    events = [
        {"id": "j1", "type": "viewer_join", "ts": _ts(0, start), "viewer_id": "v1"},
        {"id": "pin-j", "type": "product_pin", "ts": _ts(1, start), "sku": "JACKET"},
        {"id": "clk", "type": "product_click", "ts": _ts(1.5, start), "viewer_id": "v1", "sku": "JACKET"},
        without_price,
        {"id": "pay-1", "type": "payment", "ts": _ts(2.5, start), "order_id": "AN-1", "status": "paid",
         "amount": "100.00", "method": "alipay"},
        {"id": "pin-s", "type": "product_pin", "ts": _ts(3, start), "sku": "SCARF"},  # no unpin of JACKET
        order_event("JACKET-M", 1, order_id="AN-2", ts=_ts(4, start), unit_price="100.00",
                    buyer={**order_event()["buyer"], "id": "never-joined"}),
        {"id": "pay-2", "type": "payment", "ts": _ts(4.5, start), "order_id": "AN-2", "status": "paid",
         "amount": "100.00", "method": "alipay"},
    ]
    results = api.events(broadcast_id, events).get_json()["results"]
    assert {r["status"] for r in results} == {"accepted"}, results
    api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": _ts(6, start)})
    return broadcast_id, start


def test_by_product_rolls_variants_up_and_counts_their_orders_while_pinned(api, shop_with_variants):
    broadcast_id, _ = shop_with_variants
    metrics = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics").get_json()
    jacket = metrics["by_product"]["JACKET"]
    assert "JACKET-L" not in metrics["by_product"]
    assert (jacket["clicks"], jacket["orders"], jacket["units"]) == (1, 2, 2)
    assert jacket["orders_while_pinned"] == 1  # AN-1 at 2:00; AN-2 at 4:00 is after SCARF took the pin
    assert set(jacket["variants"]) == {"JACKET-L", "JACKET-M"}


def test_by_product_gmv_prices_a_line_sent_without_unit_price(api, shop_with_variants):
    broadcast_id, _ = shop_with_variants
    metrics = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics").get_json()
    assert metrics["by_product"]["JACKET"]["variants"]["JACKET-L"]["gmv"] == "100.00"
    assert metrics["by_product"]["JACKET"]["gmv"] == "200.00"


def test_pinning_a_second_product_ends_the_first_pin(api, shop_with_variants):
    broadcast_id, _ = shop_with_variants
    metrics = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics").get_json()
    assert metrics["by_product"]["JACKET"]["pinned_seconds"] == pytest.approx(120.0)
    assert metrics["by_product"]["SCARF"]["pinned_seconds"] == pytest.approx(180.0)


def test_the_host_snapshot_shows_one_pinned_product(api):
    api.product("P1")
    api.product("P2")
    broadcast_id = api.live_broadcast(skus=("P1", "P2"))
    api.events(broadcast_id, [{"id": "p1", "type": "product_pin", "ts": now_iso(), "sku": "P1"}])
    api.events(broadcast_id, [{"id": "p2", "type": "product_pin", "ts": now_iso(), "sku": "P2"}])
    assert api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()["pinned_sku"] == "P2"


def test_the_funnel_is_a_funnel_and_no_rate_exceeds_one(api, shop_with_variants):
    broadcast_id, _ = shop_with_variants
    metrics = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics").get_json()
    funnel = metrics["funnel"]
    assert funnel["viewers"] >= funnel["clickers"] >= funnel["buyers"] >= funnel["paying_buyers"]
    for rate in ("click_rate", "conversion_rate", "click_to_buy_rate"):
        assert metrics[rate] is None or 0 <= metrics[rate] <= 1, rate
    assert metrics["aov_per_paid_order"] == "100.00"


# --- 14, 15. platform times and bad events -------------------------------------------------------------------------

@pytest.mark.parametrize("at", ["2025-03-01T12:00:00+08:00", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                                "9999-12-31T23:59:59Z", None])
def test_a_start_time_far_from_now_is_a_400_naming_at(api, at):
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "T", "platform": "douyin"}).get_json()["id"]
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": at})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "at"


@pytest.mark.parametrize("event, field", [
    ({"ts": "0001-01-01T00:00:00Z"}, "ts"),
    ({"ts": "0001-01-01T00:00:00+01:00"}, "ts"),
    ({"ts": "9999-12-31T23:59:59-01:00"}, "ts"),
    ({"ts": 10 ** 18}, "ts"),
    ({"viewer_id": "v\udfff"}, "viewer_id"),
    ({"viewer_id": "a/b"}, "viewer_id"),
    ({"viewer_id": ".."}, "viewer_id"),
    ({"viewer_id": "v" * 65}, "viewer_id"),
])
def test_a_bad_event_is_rejected_naming_its_field_and_the_others_go_through(any_api, event, field):
    broadcast_id = any_api.live_broadcast()
    bad = {"id": "bad", "type": "viewer_join", "ts": now_iso(), "viewer_id": "v", **event}
    good = {"id": "good", "type": "viewer_join", "ts": now_iso(), "viewer_id": "v2"}
    body = json.dumps({"events": [bad, good]}).encode()
    response = any_api.post(f"/api/v1/broadcasts/{broadcast_id}/events", data=body, content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["error"]["field"] == field


@pytest.mark.parametrize("field, value", [("order_id", "A/B"), ("order_id", "x" * 65), ("buyer.id", "b/1"),
                                          ("buyer.id", "b" * 65), ("items[0].sku", ".."), ("items[0].sku", "S" * 65),
                                          ("comment_id", "c" * 129), ("comment_id", "c/1")])
def test_an_order_with_an_unreachable_or_overlong_id_is_rejected_naming_it(any_api, field, value):
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1)
    if field == "order_id":
        event["order_id"] = value
    elif field == "buyer.id":
        event["buyer"]["id"] = value
    elif field == "comment_id":
        event["comment_id"] = value
    else:
        event["items"][0]["sku"] = value
    response = any_api.events(broadcast_id, [event, order_event("A1", 1, order_id="OK-1")])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    results = response.get_json()["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["field"] == field
    assert results[1]["status"] == "accepted"


# --- 16. other 500s ------------------------------------------------------------------------------------------------

def test_json_nested_a_thousand_deep_is_a_400(api):
    broadcast_id = api.live_broadcast()
    body = "[" * 1000 + "]" * 1000
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/events", data=body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/broadcasts/99999999999999999999999/products",
                                  "/api/v1/broadcasts/9223372036854775808/events"])
def test_huge_path_ids_are_not_server_errors(api, path):
    response = api.post(path, json={"sku": "A1"})
    assert response.status_code in (400, 404)


def test_a_huge_query_id_is_not_a_server_error(any_api):
    assert any_api.get("/api/v1/orders?broadcast_id=99999999999999999999999").status_code == 400


def test_socket_join_with_no_data_or_a_huge_id_is_an_error_ack(app, token):
    sock = socketio.test_client(app, namespace="/live", auth={"token": token})
    for data in (None, {"broadcast_id": 10 ** 30}, {"broadcast_id": 1, "last_seq": 10 ** 30}):
        ack = sock.emit("join", data, namespace="/live", callback=True)
        assert ack and ack.get("ok") is False, ack


# --- 21. CSV formula escaping -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [" =1+1", "\n=1+1", "＝1+1", "＋1", "＠SUM(A1)", "－1", "@SUM(A1)", "+1", "=1"])
def test_the_queue_csv_escapes_every_formula_form(api, auditor, name):
    client, _ = auditor
    api.product("A1", stock=5)
    broadcast_id = api.live_broadcast(skus=("A1",))
    event = _held_event("A1", order_id="CSV-1")
    event["buyer"]["name"] = name
    api.events(broadcast_id, [event])
    text = client.get("/audit/queue.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [cell for row in rows[1:] for cell in row if name.strip() in cell]
    assert cells, rows
    assert all(cell.startswith("'") for cell in cells), cells


@pytest.mark.parametrize("path", ["/api/v1/orders/a%00b", "/api/v1/products/a%00b"])
def test_a_nul_in_a_path_id_is_not_a_server_error(any_api, path):
    assert any_api.get(path).status_code == 404


def test_a_nul_in_an_event_string_is_rejected_or_stored_never_a_server_error(any_api):
    broadcast_id = any_api.live_broadcast()
    event = {"id": "nul-1", "type": "chat", "ts": now_iso(), "viewer_id": "v1", "nickname": "a\u0000b",
             "text": "hi\u0000there"}
    response = any_api.events(broadcast_id, [event, {"id": "nul-ok", "type": "viewer_join", "ts": now_iso(),
                                                     "viewer_id": "v2"}])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["results"][1]["status"] == "accepted"


def test_a_held_order_expires_like_an_unpaid_one_unless_an_auditor_extends_it(app, api, auditor):
    client, headers = auditor
    api.product("A1", stock=5)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [_held_event("A1", order_id="EX-1"), _held_event("A1", order_id="EX-2")])
    extended = client.post("/api/v1/orders/EX-2/extend", json={"reason": "waiting for the buyer", "minutes": 120},
                           headers=headers)
    assert extended.status_code == 200, extended.get_json()
    with app.app_context():
        sweep(db.session, datetime.now(timezone.utc) + timedelta(minutes=16))
    assert (_status(api, "EX-1"), _status(api, "EX-2")) == ("expired", "held")
    assert api.get("/api/v1/products/A1").get_json()["reserved"] == 1
