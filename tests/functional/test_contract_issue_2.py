"""The v1 contract of the foundation, as an outside script or platform adapter uses it: paths, fields, status codes,
error shapes, the event envelope, the /live socket and the command line."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import sqlalchemy as sa

from app.auth.tokens import sign
from app.extensions import db, socketio
from live.models import EventLog
from orders.models import Order
from tests.support.api import ApiClient, now_iso, now_ms, order_event
from tests.support.auth import login
from tests.support.databases import create_token


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _assert_error_shape(body: dict) -> dict:
    """Return the error object after checking it has the documented keys."""
    assert set(body) >= {"error"}, body
    assert {"code", "message", "field"} <= set(body["error"]), body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    return body["error"]


@pytest.fixture
def shop(api):
    """Return a live broadcast with product A1 (stock 10) in its line-up."""
    api.product("A1", stock=10, price="99.00")
    return api.live_broadcast(skus=("A1",))


# --- authentication -----------------------------------------------------------------------------------------------

def test_the_api_refuses_a_request_without_a_bearer_token_with_401(client):
    response = client.get("/api/v1/products/A1")
    assert response.status_code == 401
    _assert_error_shape(response.get_json())


def test_the_api_refuses_an_unknown_bearer_token_with_401(app):
    response = ApiClient(app.test_client(), "not-a-token").get("/api/v1/orders")
    assert response.status_code == 401


def test_the_openapi_document_needs_no_authentication_and_names_the_v1_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.get_json()["paths"]
    for path in ("/api/v1/products", "/api/v1/broadcasts", "/api/v1/orders"):
        assert any(p.rstrip("/") == path for p in paths), path
    assert any(p.endswith("/events") for p in paths)
    assert any(p.endswith("/stock") for p in paths)


# --- products -----------------------------------------------------------------------------------------------------

def test_a_product_with_variants_is_created_with_201_and_read_back_with_stock_and_reserved(api):
    response = api.post("/api/v1/products", json={
        "sku": "JK", "name": "Jacket", "price": "199.00", "stock": 0,
        "variants": [{"sku": "JK-M", "name": "M", "stock": 3}, {"sku": "JK-L", "name": "L", "stock": 4}]})
    assert response.status_code == 201, response.get_json()
    parent = api.get("/api/v1/products/JK").get_json()
    assert (parent["stock"], parent["reserved"]) == (7, 0)  # the sums of the variants
    by_sku = {v["sku"]: (v["stock"], v["reserved"]) for v in parent["variants"]}
    assert by_sku == {"JK-M": (3, 0), "JK-L": (4, 0)}
    assert api.get("/api/v1/products/JK-M").status_code == 200  # a variant SKU answers its product


def test_an_order_for_a_variant_reserves_that_variant_s_unit(api):
    api.product("JV", stock=0, variants=[{"sku": "JV-M", "name": "M", "stock": 3}, {"sku": "JV-L", "name": "L", "stock": 4}])
    broadcast_id = api.live_broadcast(skus=("JV",))
    result = api.events(broadcast_id, [order_event("JV-M", 2)]).get_json()["results"][0]
    assert result["order"]["status"] == "accepted", result
    product = api.get("/api/v1/products/JV").get_json()
    assert (product["stock"], product["reserved"]) == (5, 2)
    by_sku = {v["sku"]: (v["stock"], v["reserved"]) for v in product["variants"]}
    assert by_sku == {"JV-M": (1, 2), "JV-L": (4, 0)}


def test_an_unknown_product_is_a_404_with_the_error_shape(api):
    response = api.get("/api/v1/products/NOPE")
    assert response.status_code == 404
    _assert_error_shape(response.get_json())


def test_a_product_missing_its_price_is_a_400_naming_the_field(api):
    response = api.post("/api/v1/products", json={"sku": "X1", "name": "X", "stock": 1})
    assert response.status_code == 400
    assert _assert_error_shape(response.get_json())["field"] == "price"


def test_put_stock_restocks_a_product(api):
    api.product("R1", stock=1)
    response = api.put("/api/v1/products/R1/stock", json={"stock": 7})
    assert response.status_code == 200, response.get_json()
    assert api.get("/api/v1/products/R1").get_json()["stock"] == 7


def test_put_stock_without_a_stock_is_a_400_naming_the_field(api):
    api.product("R2", stock=1)
    response = api.put("/api/v1/products/R2/stock", json={})
    assert response.status_code == 400
    assert _assert_error_shape(response.get_json())["field"] == "stock"


# --- broadcasts ---------------------------------------------------------------------------------------------------

def test_a_broadcast_is_created_with_201_and_an_id_then_started_and_ended_at_platform_times(api):
    response = api.post("/api/v1/broadcasts", json={"title": "Spring", "platform": "douyin"})
    assert response.status_code == 201
    broadcast_id = response.get_json()["id"]
    assert isinstance(broadcast_id, int)
    started = api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": now_iso()})
    assert started.status_code == 200, started.get_json()
    ended = api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": now_ms()})
    assert ended.status_code == 200, ended.get_json()
    body = api.get(f"/api/v1/broadcasts/{broadcast_id}").get_json()
    assert body["status"] == "ended"


def test_start_without_a_body_uses_now(api):
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "T", "platform": "douyin"}).get_json()["id"]
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/start")
    assert response.status_code == 200, response.get_json()
    assert api.get(f"/api/v1/broadcasts/{broadcast_id}").get_json()["status"] == "live"


def test_a_broadcast_without_a_title_is_a_400_naming_the_field(api):
    response = api.post("/api/v1/broadcasts", json={"platform": "douyin"})
    assert response.status_code == 400
    assert _assert_error_shape(response.get_json())["field"] == "title"


def test_a_product_joins_the_line_up_with_a_live_price(api):
    api.product("L1", price="99.00")
    broadcast_id = api.live_broadcast()
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "L1", "live_price": "79.00"})
    assert response.status_code == 201, response.get_json()
    event = order_event("L1", 1, unit_price="79.00")
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["order"]["status"] == "accepted"
    assert result["order"]["total"] == "79.00"


def test_an_unknown_sku_cannot_join_the_line_up(api):
    broadcast_id = api.live_broadcast()
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "GHOST"})
    assert response.status_code in (400, 404)
    assert _assert_error_shape(response.get_json())["field"] == "sku"


def test_an_unknown_broadcast_is_a_404(api):
    response = api.events(999999, [order_event()])
    assert response.status_code == 404
    _assert_error_shape(response.get_json())


# --- the events endpoint ------------------------------------------------------------------------------------------

def test_results_come_back_in_request_order_and_a_rejected_event_does_not_stop_the_others(api, shop):
    bad = {"id": "bad-1", "type": "viewer_join", "ts": now_iso()}  # no viewer_id
    events = [order_event("A1", 1, order_id="R-1"), bad, {"id": "j-1", "type": "viewer_join", "ts": now_ms(),
                                                           "viewer_id": "v1"}]
    response = api.events(shop, events)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == [e["id"] for e in events]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    error = results[1]["error"]
    assert {"code", "field", "message"} <= set(error)
    assert error["field"].endswith("viewer_id")
    assert {"order_id", "status"} <= set(results[0]["order"])


@pytest.mark.parametrize("body", [
    pytest.param(b"not json", id="not-json"),
    pytest.param(b"{}", id="no-events"),
    pytest.param(b'{"events": []}', id="empty"),
    pytest.param(b'{"events": {"id": "x"}}', id="not-a-list"),
    pytest.param(json.dumps({"events": [{"id": f"v{n}", "type": "viewer_join", "ts": 1, "viewer_id": "v"}
                                        for n in range(1001)]}).encode(), id="1001-events"),
])
def test_a_malformed_body_is_a_400_and_writes_nothing(app, api, shop, body):
    before = _count(app, EventLog)
    response = api.post(f"/api/v1/broadcasts/{shop}/events", data=body, content_type="application/json")
    assert response.status_code == 400
    _assert_error_shape(response.get_json())
    assert _count(app, EventLog) == before


def test_a_batch_of_exactly_1000_events_is_accepted(app, api, shop):
    events = [{"id": f"k{n}", "type": "viewer_join", "ts": now_ms(), "viewer_id": f"v{n}"} for n in range(1000)]
    response = api.events(shop, events)
    assert response.status_code == 200
    assert {r["status"] for r in response.get_json()["results"]} == {"accepted"}


def test_every_documented_event_type_is_accepted(app, api, shop):
    ts = now_iso()
    events = [
        {"id": "t1", "type": "viewer_join", "ts": ts, "viewer_id": "v1"},
        {"id": "t2", "type": "product_pin", "ts": ts, "sku": "A1"},
        {"id": "t3", "type": "product_click", "ts": ts, "viewer_id": "v1", "sku": "A1"},
        {"id": "t4", "type": "chat", "ts": ts, "viewer_id": "v1", "nickname": "小王", "text": "好看"},
        order_event("A1", 1, order_id="T-1", event_id="t5"),
        {"id": "t6", "type": "payment", "ts": ts, "order_id": "T-1", "status": "paid", "amount": "99.00",
         "method": "alipay"},
        order_event("A1", 1, order_id="T-2", event_id="t7"),
        {"id": "t8", "type": "order_cancel", "ts": ts, "order_id": "T-2", "reason": "changed mind"},
        {"id": "t9", "type": "product_unpin", "ts": ts, "sku": "A1"},
        {"id": "t10", "type": "viewer_leave", "ts": ts, "viewer_id": "v1"},
    ]
    results = api.events(shop, events).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * len(events), results
    assert api.get("/api/v1/orders/T-1").get_json()["status"] == "paid"
    assert api.get("/api/v1/orders/T-2").get_json()["status"] == "cancelled"


def test_an_unknown_event_type_is_rejected_naming_the_type(api, shop):
    result = api.events(shop, [{"id": "u1", "type": "teleport", "ts": now_ms()}]).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["field"] == "type"


@pytest.mark.parametrize("missing", ["id", "type", "ts"])
def test_an_event_missing_an_envelope_field_is_rejected_naming_it(api, shop, missing):
    event = {"id": "env-1", "type": "viewer_join", "ts": now_ms(), "viewer_id": "v"}
    del event[missing]
    result = api.events(shop, [event]).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["field"] == missing


def test_a_ts_without_a_zone_is_rejected(api, shop):
    event = {"id": "z-1", "type": "viewer_join", "ts": "2026-01-01T10:00:00", "viewer_id": "v"}
    result = api.events(shop, [event]).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["field"] == "ts"


def test_a_duplicate_event_is_answered_duplicate_with_its_order(app, api, shop):
    event = order_event("A1", 1, order_id="D-1", event_id="dup-1")
    api.events(shop, [event])
    again = api.events(shop, [event]).get_json()["results"][0]
    assert again["status"] == "duplicate"
    assert again["order"]["order_id"] == "D-1"
    assert _count(app, Order) == 1
    assert api.get("/api/v1/products/A1").get_json()["reserved"] == 1


def test_an_order_is_readable_as_soon_as_its_2xx_answer_arrives(api, shop):
    api.events(shop, [order_event("A1", 2, order_id="C-1")])
    body = api.get("/api/v1/orders/C-1").get_json()
    assert {"order_id", "broadcast_id", "status", "source", "items", "total", "findings", "history"} <= set(body)
    assert body["broadcast_id"] == shop
    assert body["source"] == "in_stream"
    assert body["total"] == "198.00"
    assert isinstance(body["findings"], list) and isinstance(body["history"], list)


def test_an_unknown_order_is_a_404(api):
    response = api.get("/api/v1/orders/NOPE-1")
    assert response.status_code == 404
    _assert_error_shape(response.get_json())


def test_the_order_list_filters_by_broadcast_and_status_and_pages(api, shop):
    held = order_event("A1", 1, order_id="F-held")
    held["buyer"]["phone"] = None
    api.events(shop, [order_event("A1", 1, order_id="F-ok"), held])
    other = api.live_broadcast(skus=("A1",))
    api.events(other, [order_event("A1", 1, order_id="F-other")])
    listed = api.get(f"/api/v1/orders?broadcast_id={shop}&status=held&page=1")
    assert listed.status_code == 200
    ids = [o["order_id"] for o in listed.get_json()["orders"]]
    assert ids == ["F-held"]
    every = [o["order_id"] for o in api.get(f"/api/v1/orders?broadcast_id={shop}").get_json()["orders"]]
    assert set(every) == {"F-ok", "F-held"}


@pytest.mark.parametrize("query", ["broadcast_id=x", "page=0", "status=flying"])
def test_a_bad_order_list_filter_is_a_400_naming_it(api, query):
    response = api.get(f"/api/v1/orders?{query}")
    assert response.status_code == 400
    assert _assert_error_shape(response.get_json())["field"] == query.split("=")[0]


def test_every_order_source_is_accepted_and_an_unknown_one_is_rejected(api, shop):
    events = [order_event("A1", 1, order_id=f"S-{s}", source=s) for s in ("in_stream", "product_link", "post_stream")]
    events.append(order_event("A1", 1, order_id="S-bad", source="teleshop"))
    results = api.events(shop, events).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted", "accepted", "rejected"]
    assert results[3]["error"]["field"] == "source"


# --- signed webhooks ----------------------------------------------------------------------------------------------

def test_a_signed_source_answers_401_and_writes_nothing_for_a_stale_or_missing_signature(app, api, shop):
    signed = ApiClient(app.test_client(), create_token(app, "signed", ["s3cret"]))
    body = json.dumps({"events": [{"id": "sig-1", "type": "viewer_join", "ts": now_ms(), "viewer_id": "v"}]}).encode()
    path = f"/api/v1/broadcasts/{shop}/events"
    before = _count(app, EventLog)
    for header in (None, sign(body, "s3cret", int(time.time()) - 301), sign(body, "wrong", int(time.time()))):
        headers = {"X-LiveDesk-Signature": header} if header else {}
        response = signed.post(path, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 401
    assert _count(app, EventLog) == before
    good = sign(body, "s3cret", int(time.time()) + 200)
    assert signed.post(path, data=body, content_type="application/json",
                       headers={"X-LiveDesk-Signature": good}).status_code == 200


def test_the_signature_is_hmac_sha256_of_t_dot_body_in_hex(app, api, shop):
    signed = ApiClient(app.test_client(), create_token(app, "signed-by-hand", ["k"]))
    body = json.dumps({"events": [{"id": "sig-2", "type": "viewer_join", "ts": now_ms(), "viewer_id": "v"}]}).encode()
    now = int(time.time())
    digest = hmac.new(b"k", f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    response = signed.post(f"/api/v1/broadcasts/{shop}/events", data=body, content_type="application/json",
                           headers={"X-LiveDesk-Signature": f"t={now},v1={digest}"})
    assert response.status_code == 200


# --- the /live socket ---------------------------------------------------------------------------------------------

def _received(sock) -> list[dict]:
    return sock.get_received("/live")


def test_the_socket_pushes_each_event_kind_with_a_sequence_and_catches_up_from_last_seq(app, api, shop, token):
    sock = socketio.test_client(app, namespace="/live", auth={"token": token})
    assert sock.is_connected("/live")
    ack = sock.emit("join", {"broadcast_id": shop}, namespace="/live", callback=True)
    _received(sock)
    api.events(shop, [order_event("A1", 1, order_id="W-1")])
    api.events(shop, [{"id": "w-pay", "type": "payment", "ts": now_iso(), "order_id": "W-1", "status": "paid",
                       "amount": "99.00", "method": "wechat"}])
    received = _received(sock)
    names = {m["name"] for m in received}
    assert {"order.created", "order.updated", "stock.changed", "totals.changed"} <= names
    seqs = [m["args"][0]["seq"] for m in received]
    assert seqs == list(range(ack["seq"] + 1, ack["seq"] + 1 + len(seqs)))
    created = next(m["args"][0] for m in received if m["name"] == "order.created")
    assert {"order_id", "status", "items", "total"} <= set(created["order"])
    again = socketio.test_client(app, namespace="/live", auth={"token": token})
    again.emit("join", {"broadcast_id": shop, "last_seq": ack["seq"]}, namespace="/live", callback=True)
    assert [m["args"][0]["seq"] for m in _received(again)] == seqs


def test_the_socket_refuses_a_connection_without_a_session_or_token(app):
    assert not socketio.test_client(app, namespace="/live").is_connected("/live")


def test_a_host_sees_the_phone_masked_and_an_auditor_sees_it_in_full(app, api, shop, users):
    host = socketio.test_client(app, namespace="/live", flask_test_client=login(app, "host"))
    auditor = socketio.test_client(app, namespace="/live", flask_test_client=login(app, "auditor"))
    for sock in (host, auditor):
        sock.emit("join", {"broadcast_id": shop}, namespace="/live", callback=True)
        _received(sock)
    api.events(shop, [order_event("A1", 1, order_id="P-1")])

    def payload(sock) -> str:
        return json.dumps([m["args"] for m in _received(sock) if m["name"] == "order.created"], ensure_ascii=False)
    host_text, auditor_text = payload(host), payload(auditor)
    assert "P-1" in host_text and "13812345678" not in host_text and "138****5678" in host_text
    assert "文三路" not in host_text
    assert "13812345678" in auditor_text


# --- command line -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command, options", [
    ("create-user", ["--role"]),
    ("create-token", []),
    ("simulate", ["--seed", "--rate"]),
    ("replay", ["--broadcast"]),
    ("db", ["upgrade"]),
])
def test_the_documented_commands_exist_with_their_options(app, command, options):
    result = app.test_cli_runner().invoke(args=[command, "--help"])
    assert result.exit_code == 0, result.output
    for option in options:
        assert option in result.output


def test_create_token_prints_a_working_token_as_its_last_line(app, api, shop):
    result = app.test_cli_runner().invoke(args=["create-token", "outside-script"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1].strip()
    assert ApiClient(app.test_client(), raw).get("/api/v1/products/A1").status_code == 200


def test_create_user_reads_the_password_from_stdin_and_the_user_can_log_in(app):
    result = app.test_cli_runner().invoke(args=["create-user", "newhost", "--role", "host"],
                                          input="a-long-password-1\na-long-password-1\n")
    assert result.exit_code == 0, result.output
    client = app.test_client()
    logged = login(app, "newhost", "a-long-password-1")
    assert logged.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_replay_is_idempotent(app, api, shop, tmp_path):
    lines = [json.dumps(order_event("A1", 1, order_id=f"RP-{n}", event_id=f"rp-{n}")) for n in range(3)]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["replay", str(path), "--broadcast", str(shop)])
        assert result.exit_code == 0, result.output
    assert _count(app, Order) == 3
    assert api.get("/api/v1/products/A1").get_json()["reserved"] == 3


# --- payments and cancels name their order ------------------------------------------------------------------------

def test_a_payment_or_cancel_for_another_broadcast_s_order_is_rejected(api, shop):
    api.events(shop, [order_event("A1", 1, order_id="WB-1")])
    other = api.live_broadcast(skus=("A1",))
    payment = {"id": "wb-pay", "type": "payment", "ts": now_iso(), "order_id": "WB-1", "status": "paid",
               "amount": "99.00", "method": "alipay"}
    cancel = {"id": "wb-cancel", "type": "order_cancel", "ts": now_iso(), "order_id": "WB-1", "reason": "x"}
    results = api.events(other, [payment, cancel]).get_json()["results"]
    assert [(r["status"], r["error"]["field"]) for r in results] == [("rejected", "order_id")] * 2
    assert api.get("/api/v1/orders/WB-1").get_json()["status"] == "accepted"


def test_a_payment_for_an_unknown_order_is_rejected_naming_order_id(api, shop):
    payment = {"id": "un-pay", "type": "payment", "ts": now_iso(), "order_id": "NOPE", "status": "paid",
               "amount": "99.00", "method": "alipay"}
    result = api.events(shop, [payment]).get_json()["results"][0]
    assert (result["status"], result["error"]["field"]) == ("rejected", "order_id")


@pytest.mark.parametrize("change, field", [({"status": "refunded"}, "status"), ({"amount": "abc"}, "amount")])
def test_a_bad_payment_is_rejected_naming_the_field(api, shop, change, field):
    api.events(shop, [order_event("A1", 1, order_id="BP-1")])
    payment = {"id": f"bp-{field}", "type": "payment", "ts": now_iso(), "order_id": "BP-1", "status": "paid",
               "amount": "99.00", "method": "alipay", **change}
    result = api.events(shop, [payment]).get_json()["results"][0]
    assert (result["status"], result["error"]["field"]) == ("rejected", field)


def test_ingestion_results_show_the_buyer_masked_for_orders_duplicates_payments_and_cancels(api, shop):
    event = order_event("A1", 1, order_id="MK-1")
    payment = {"id": "mk-pay", "type": "payment", "ts": now_iso(), "order_id": "MK-1", "status": "failed",
               "amount": "99.00", "method": "alipay"}
    cancel = {"id": "mk-cancel", "type": "order_cancel", "ts": now_iso(), "order_id": "MK-1", "reason": "x"}
    results = api.events(shop, [event, event, payment, cancel]).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "duplicate", "accepted", "accepted"]
    for result in results:
        assert result["order"]["buyer"]["phone"] == "138****5678"
        assert "文三路" not in json.dumps(result["order"], ensure_ascii=False)


def test_ending_an_ended_broadcast_is_a_409(api, shop):
    assert api.post(f"/api/v1/broadcasts/{shop}/end", json={}).status_code == 200
    response = api.post(f"/api/v1/broadcasts/{shop}/end", json={})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_state"


# --- pages and privacy --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, path", [("host", "/broadcasts/{b}/live"), ("auditor", "/audit"),
                                        ("moderator", "/broadcasts/{b}/moderation"),
                                        ("analyst", "/broadcasts/{b}/analytics")])
def test_each_role_opens_its_page(app, users, shop, role, path):
    response = login(app, role).get(path.format(b=shop))
    assert response.status_code == 200


def test_an_auditor_sees_the_phone_in_full_and_the_view_is_logged(app, api, shop, users):
    api.events(shop, [order_event("A1", 1, order_id="PII-1")])
    order = login(app, "auditor").get("/api/v1/orders/PII-1").get_json()
    assert order["buyer"]["phone"] == "13812345678"
    entries = login(app, "admin").get("/api/v1/pii-access-log").get_json()["entries"]
    assert any(e["username"] == "auditor" for e in entries)
    host = login(app, "host").get("/api/v1/orders/PII-1").get_json()
    assert host["buyer"]["phone"] == "138****5678"
    assert host["buyer"]["address"]["district"] == "西湖区" and host["buyer"]["address"]["detail"] != "文三路 1 号"


def test_the_snapshot_gives_totals_with_the_held_count(api, shop):
    held = order_event("A1", 1)
    held["buyer"]["phone"] = None
    api.events(shop, [order_event("A1", 2), held])
    snapshot = api.get(f"/api/v1/broadcasts/{shop}/snapshot").get_json()
    assert {"orders", "units", "gmv"} <= set(snapshot["totals"])
    assert snapshot["totals"]["held"] == 1
    assert snapshot["totals"]["units"] >= 2
    stock = {row["sku"]: row for row in snapshot["stock"]}
    assert (stock["A1"]["stock"], stock["A1"]["reserved"]) == (7, 3)
