"""The real-time audit through the API: completeness, stock, price, risk, waitlist, expiry, payments."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from orders.expiry import sweep
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def live(api):
    """Return a live broadcast id selling A1 (10 units, ¥99) and TEE with variants M/L."""
    api.product("A1", stock=10, price="99.00")
    api.product("TEE", stock=0, price="59.00", variants=[{"sku": "TEE-M", "name": "M", "stock": 5},
                                                           {"sku": "TEE-L", "name": "L", "stock": 5}])
    return api.live_broadcast(skus=("A1", "TEE"))


def _order(api, broadcast_id, event) -> dict:
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    return result["order"]


def _codes(order) -> list[str]:
    return [f["code"] for f in order["findings"]]


def _stock(api, sku: str) -> tuple[int, int, int]:
    product = api.get(f"/api/v1/products/{sku}").get_json()
    if product["sku"] != sku:
        product = next(v for v in product["variants"] if v["sku"] == sku)
    return product["stock"], product["reserved"], product["sold"]


def test_a_complete_order_is_accepted_with_a_reservation_and_a_receipt_notice(api, live):
    order = _order(api, live, order_event("A1", 2, order_id="OK-1"))
    assert (order["status"], order["findings"]) == ("accepted", [])
    assert order["reserved_until"] is not None
    assert _stock(api, "A1") == (8, 2, 0)
    notices = api.get("/api/v1/orders/OK-1").get_json()["notices"]
    assert [n["kind"] for n in notices] == ["received"]


def test_a_missing_phone_holds_the_order_with_its_unit_and_asks_the_buyer(api, live):
    event = order_event("A1", 1, order_id="NOPHONE")
    event["buyer"]["phone"] = None
    order = _order(api, live, event)
    assert order["status"] == "held"
    assert "phone_missing" in _codes(order)
    # A held order keeps the unit it would have had while the buyer answers (first come, first served).
    assert _stock(api, "A1") == (9, 1, 0)
    assert order["reserved_until"] is not None
    notices = api.get("/api/v1/orders/NOPHONE").get_json()["notices"]
    assert [n["kind"] for n in notices] == ["needs_info"]


@pytest.mark.parametrize("mutate, code", [
    (lambda e: e["items"][0].update(sku="GHOST"), "sku_unknown"),
    (lambda e: e["items"][0].update(sku="TEE"), "variant_missing"),
    (lambda e: e["items"][0].update(qty=0), "qty_invalid"),
    (lambda e: e["items"][0].update(unit_price="1.00"), "price_mismatch"),
    (lambda e: e["buyer"].update(phone="12345"), "phone_invalid"),
    (lambda e: e["buyer"]["address"].update(district=None), "address_missing"),
    (lambda e: e["items"][0].update(qty=60), "abnormal_quantity"),
])
def test_findings_hold_the_order(api, live, mutate, code):
    event = order_event("A1", 1)
    mutate(event)
    order = _order(api, live, event)
    assert order["status"] == "held"
    assert code in _codes(order)


def test_a_missing_buyer_id_rejects(api, live):
    event = order_event("A1", 1)
    event["buyer"]["id"] = None
    assert _order(api, live, event)["status"] == "rejected"


def test_the_same_buyer_ordering_the_same_items_again_is_held_as_a_duplicate(api, live):
    first = order_event("A1", 1)
    second = order_event("A1", 1)
    second["buyer"] = first["buyer"]
    assert _order(api, live, first)["status"] == "accepted"
    assert "duplicate_order" in _codes(_order(api, live, second))


def _chat(event_id: str, text: str) -> dict:
    return {"id": event_id, "type": "chat", "ts": utcnow().isoformat(), "viewer_id": "v-1", "text": text}


def test_an_order_is_checked_against_the_chat_claim_its_comment_id_names(api, live):
    results = api.events(live, [_chat("c-claim", "拍了 2件 A1"), _chat("c-hello", "hello everyone"),
                                order_event("A1", 2, order_id="CL-SAME-REQUEST", comment_id="c-claim")]).get_json()
    assert [r["status"] for r in results["results"]] == ["accepted"] * 3
    assert "claim_mismatch" not in _codes(results["results"][2]["order"])
    assert _codes(_order(api, live, order_event("A1", 2, order_id="CL-OK", comment_id="c-claim"))) == []
    fewer = _order(api, live, order_event("A1", 1, order_id="CL-QTY", comment_id="c-claim"))
    assert (fewer["status"], _codes(fewer)) == ("held", ["claim_mismatch"])
    assert fewer["findings"][0]["data"] == {"claimed": "A1", "claimed_qty": 2, "ordered": 1}
    other = _order(api, live, order_event("TEE-M", 1, order_id="CL-SKU", comment_id="c-claim", unit_price="59.00"))
    assert (other["status"], _codes(other)) == ("held", ["claim_mismatch"])
    assert _codes(_order(api, live, order_event("A1", 1, order_id="CL-NONE", comment_id="c-hello"))) == []
    missing = _order(api, live, order_event("A1", 1, order_id="CL-404", comment_id="c-404"))
    assert (missing["status"], _codes(missing)) == ("held", ["claim_not_found"])


def test_an_order_before_its_chat_claim_in_one_request_does_not_find_it(api, live):
    results = api.events(live, [order_event("A1", 1, order_id="CL-EARLY", comment_id="c-late"),
                                _chat("c-late", "拍了 1件 A1")]).get_json()["results"]
    assert _codes(results[0]["order"]) == ["claim_not_found"]


def test_short_stock_waitlists_and_a_cancel_promotes_the_first_in_line(api, live):
    big = _order(api, live, order_event("TEE-M", 5, order_id="BIG", unit_price="59.00"))
    first = _order(api, live, order_event("TEE-M", 2, order_id="WAIT-1", unit_price="59.00"))
    second = _order(api, live, order_event("TEE-M", 1, order_id="WAIT-2", unit_price="59.00"))
    assert [big["status"], first["status"], second["status"]] == ["accepted", "waitlisted", "waitlisted"]
    assert "stock_short" in _codes(first)
    api.events(live, [{"id": "c-big", "type": "order_cancel", "ts": now_iso(), "order_id": "BIG", "reason": "x"}])
    assert api.get("/api/v1/orders/WAIT-1").get_json()["status"] == "accepted"
    assert api.get("/api/v1/orders/WAIT-2").get_json()["status"] == "accepted"
    assert _stock(api, "TEE-M") == (2, 3, 0)
    kinds = [n["kind"] for n in api.get("/api/v1/orders/WAIT-1").get_json()["notices"]]
    assert "waitlisted" in kinds and "promoted" in kinds


def test_waitlist_is_first_in_first_out(api, live):
    _order(api, live, order_event("TEE-L", 5, unit_price="59.00"))
    _order(api, live, order_event("TEE-L", 3, order_id="HEAD", unit_price="59.00"))
    _order(api, live, order_event("TEE-L", 1, order_id="TAIL", unit_price="59.00"))
    api.put("/api/v1/products/TEE-L/stock", json={"stock": 1})
    # One unit is back: the head needs 3, so the tail may not jump the queue.
    assert api.get("/api/v1/orders/HEAD").get_json()["status"] == "waitlisted"
    assert api.get("/api/v1/orders/TAIL").get_json()["status"] == "waitlisted"
    api.put("/api/v1/products/TEE-L/stock", json={"stock": 4})
    assert api.get("/api/v1/orders/HEAD").get_json()["status"] == "accepted"
    assert api.get("/api/v1/orders/TAIL").get_json()["status"] == "accepted"


def test_an_unpaid_reservation_expires_and_the_next_in_line_gets_the_stock(app, api, live):
    _order(api, live, order_event("TEE-M", 5, order_id="UNPAID", unit_price="59.00"))
    _order(api, live, order_event("TEE-M", 1, order_id="NEXT", unit_price="59.00"))
    with app.app_context():
        assert sweep(db.session, utcnow()) == 0
        assert sweep(db.session, utcnow() + timedelta(minutes=16)) == 1
    assert api.get("/api/v1/orders/UNPAID").get_json()["status"] == "expired"
    assert api.get("/api/v1/orders/NEXT").get_json()["status"] == "accepted"
    assert _stock(api, "TEE-M") == (4, 1, 0)


def _pay(api, broadcast_id, order_id, amount, status="paid", event_id=None):
    event = {"id": event_id or f"pay-{order_id}-{status}-{amount}", "type": "payment", "ts": now_iso(),
             "order_id": order_id, "status": status, "amount": amount, "method": "alipay"}
    return api.events(broadcast_id, [event]).get_json()["results"][0]


def test_payment_flow_failed_then_paid_then_a_duplicate_payment_flags_a_refund(api, live):
    _order(api, live, order_event("A1", 2, order_id="PAY-1"))
    failed = _pay(api, live, "PAY-1", "198.00", status="failed")
    assert failed["order"]["status"] == "accepted"
    paid = _pay(api, live, "PAY-1", "198.00")
    assert paid["order"]["status"] == "paid"
    assert _stock(api, "A1") == (8, 0, 2)
    again = _pay(api, live, "PAY-1", "198.00", event_id="pay-second")
    assert again["order"]["refund_due"] is True
    order = api.get("/api/v1/orders/PAY-1").get_json()
    assert [p["status"] for p in order["payments"]] == ["failed", "paid", "paid"]
    assert "duplicate_payment" in _codes(order)
    assert "payment_failed" in [n["kind"] for n in order["notices"]]


def test_a_payment_of_the_wrong_amount_holds_the_order_with_its_stock(api, live):
    _order(api, live, order_event("A1", 1, order_id="PAY-2"))
    paid = _pay(api, live, "PAY-2", "10.00")
    assert paid["order"]["status"] == "held"
    assert "price_mismatch" in _codes(paid["order"])
    assert _stock(api, "A1") == (9, 1, 0)


def _auditor(app, users):
    client = login(app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def test_auditor_approves_a_held_order_and_the_override_is_recorded(app, api, live, users):
    event = order_event("A1", 1, order_id="APPROVE-1")
    event["items"][0]["unit_price"] = "90.00"
    _order(api, live, event)
    client, headers = _auditor(app, users)
    response = client.post("/api/v1/orders/APPROVE-1/approve", json={"reason": "host agreed the price on air"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    order = response.get_json()
    assert order["status"] == "accepted"
    mismatch = next(f for f in order["findings"] if f["code"] == "price_mismatch")
    assert mismatch["override"]["by"] == "auditor"
    history = api.get("/api/v1/orders/APPROVE-1").get_json()["history"]
    assert history[-1]["actor"] == "auditor" and history[-1]["reason"] == "host agreed the price on air"


def test_approve_needs_a_reason(app, api, live, users):
    event = order_event("A1", 1, order_id="NOREASON")
    event["buyer"]["phone"] = None
    _order(api, live, event)
    client, headers = _auditor(app, users)
    response = client.post("/api/v1/orders/NOREASON/approve", json={}, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "reason"


def test_editing_the_buyer_re_audits_the_order(app, api, live, users):
    event = order_event("A1", 1, order_id="EDIT-1")
    event["buyer"]["phone"] = None
    _order(api, live, event)
    client, headers = _auditor(app, users)
    response = client.patch("/api/v1/orders/EDIT-1", json={"buyer": {"phone": "139-1234-5678"}, "reason": "buyer replied"},
                            headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "accepted"
    bad = client.patch("/api/v1/orders/EDIT-1", json={"buyer": {"email": "x"}}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "buyer.email"


def test_two_auditors_never_act_on_the_same_order(app, api, live, users):
    event = order_event("A1", 1, order_id="CLAIM-1")
    event["buyer"]["phone"] = None
    _order(api, live, event)
    first, first_headers = _auditor(app, users)
    second = login(app, "admin")
    second_headers = {"X-CSRFToken": csrf_token(second, "/")}
    assert first.post("/api/v1/orders/CLAIM-1/claim", headers=first_headers).status_code == 200
    response = second.post("/api/v1/orders/CLAIM-1/reject", json={"reason": "spam"}, headers=second_headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "claimed"
    assert first.post("/api/v1/orders/CLAIM-1/reject", json={"reason": "fake buyer"}, headers=first_headers).status_code == 200
    assert api.get("/api/v1/orders/CLAIM-1").get_json()["status"] == "rejected"


def test_rejecting_an_accepted_order_gives_its_stock_back(app, api, live, users):
    _order(api, live, order_event("A1", 3, order_id="REJ-1"))
    client, headers = _auditor(app, users)
    assert client.post("/api/v1/orders/REJ-1/reject", json={"reason": "fraud"}, headers=headers).status_code == 200
    assert _stock(api, "A1") == (10, 0, 0)


def test_the_queue_lists_held_orders_oldest_first_with_the_sla(app, api, live, users):
    for n in range(3):
        event = order_event("A1", 1, order_id=f"Q-{n}")
        event["buyer"]["phone"] = None
        _order(api, live, event)
    client, _headers = _auditor(app, users)
    queue = client.get(f"/api/v1/audit/queue?broadcast_id={live}&code=phone_missing").get_json()["orders"]
    assert [o["order_id"] for o in queue] == ["Q-0", "Q-1", "Q-2"]
    assert queue[0]["sla_seconds"] == 300 and queue[0]["late"] is False
    assert queue[0]["buyer"]["phone"] is None


def test_bulk_approve_answers_per_order(app, api, live, users):
    for order_id in ("B-1", "B-2"):
        event = order_event("A1", 1, order_id=order_id)
        event["buyer"]["address"]["detail"] = None
        _order(api, live, event)
    client, headers = _auditor(app, users)
    results = client.post("/api/v1/orders/bulk-approve", json={"order_ids": ["B-1", "B-2", "NOPE"], "reason": "ok"},
                          headers=headers).get_json()["results"]
    assert [r["status"] for r in results] == ["approved", "approved", "failed"]


def test_audit_policy_can_be_read_and_changed_and_bad_values_name_the_field(app, api, live, users):
    client, headers = _auditor(app, users)
    assert client.get(f"/api/v1/broadcasts/{live}/audit-policy").get_json()["reservation_minutes"] == 15
    response = client.put(f"/api/v1/broadcasts/{live}/audit-policy", json={"max_qty_per_buyer_per_product": 0}, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "max_qty_per_buyer_per_product"
    response = client.put(f"/api/v1/broadcasts/{live}/audit-policy", json={"max_qty_per_buyer_per_product": 2}, headers=headers)
    assert response.status_code == 200
    assert "qty_over_limit" in _codes(_order(api, live, order_event("A1", 3)))


def _tee_order(sku: str, qty: int, order_id: str) -> dict:
    event = order_event(sku, qty, order_id=order_id, unit_price="59.00")
    event["buyer"]["id"] = "buyer-tees"
    return event


@pytest.mark.parametrize("one_request", [False, True], ids=["separate-requests", "one-batch"])
def test_the_per_buyer_limit_adds_up_every_variant_of_a_product(app, api, live, users, one_request):
    client, headers = _auditor(app, users)
    client.put(f"/api/v1/broadcasts/{live}/audit-policy", json={"max_qty_per_buyer_per_product": 2}, headers=headers)
    first, second = _tee_order("TEE-M", 2, "TEE-1"), _tee_order("TEE-L", 1, "TEE-2")
    if one_request:
        results = api.events(live, [first, second]).get_json()["results"]
        medium, large = (result["order"] for result in results)
    else:
        medium, large = _order(api, live, first), _order(api, live, second)
    assert (medium["status"], _codes(medium)) == ("accepted", [])
    assert large["status"] == "held" and "qty_over_limit" in _codes(large)
    # An auditor's edit re-audits the stored order; the earlier TEE-M still counts.
    response = client.patch("/api/v1/orders/TEE-2", json={"buyer": {"name": "李四"}, "reason": "typo"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert "qty_over_limit" in _codes(api.get("/api/v1/orders/TEE-2").get_json())


def test_a_needs_info_notice_asks_only_for_what_holds_the_order(api, live):
    assert api.post("/api/v1/promotions", json={"code": "GONE", "kind": "coupon", "coupon_type": "fixed",
                                                "value": "5.00", "uses_left": 0}).status_code == 201
    event = order_event("A1", 1, order_id="ASK-1", coupon_codes=["GONE"])
    event["buyer"]["phone"] = None
    order = _order(api, live, event)
    assert order["status"] == "held" and {"phone_missing", "coupon_refused"} <= set(_codes(order))
    [notice] = api.get("/api/v1/orders/ASK-1").get_json()["notices"]
    assert notice["kind"] == "needs_info"
    assert "phone number" in notice["message"]["en"] and "GONE" not in notice["message"]["en"]


def test_blocklisted_phones_are_held(app, api, live, users):
    client, headers = _auditor(app, users)
    assert client.post("/api/v1/blocklist", json={"kind": "phone", "value": "13812345678", "reason": "chargebacks"},
                       headers=headers).status_code == 201
    assert "blocklisted" in _codes(_order(api, live, order_event("A1", 1)))


def test_two_lines_of_one_sku_are_reserved_together_or_not_at_all(app, api, users):
    api.product("BULK", stock=100)
    broadcast_id = api.live_broadcast(skus=("BULK",))
    client, headers = _auditor(app, users)
    client.put(f"/api/v1/broadcasts/{broadcast_id}/audit-policy",
               json={"max_qty_per_buyer_per_product": None, "abnormal_qty_per_sku": 1000}, headers=headers)
    event = order_event("BULK", 60)
    event["items"].append({"sku": "BULK", "qty": 60, "unit_price": "99.00"})
    order = _order(api, broadcast_id, event)
    assert order["status"] == "waitlisted"
    assert _stock(api, "BULK") == (100, 0, 0)
