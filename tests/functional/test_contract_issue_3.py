"""The order audit and the back-office queue as their users rely on them: statuses, finding shapes and codes, the
audit policy API, stock that never oversells, the waitlist, expiry, payments, and the auditors' actions."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db, socketio
from orders.expiry import sweep
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login

SEVERITIES = {"block", "warn", "info"}


@pytest.fixture
def shop(api):
    """Return a live broadcast selling A1 (stock 2) and a product with variants, V (M: 5, L: 0)."""
    api.product("A1", stock=2, price="99.00")
    api.product("V", stock=0, price="99.00", variants=[{"sku": "V-M", "name": "M", "stock": 5},
                                                       {"sku": "V-L", "name": "L", "stock": 0}])
    return api.live_broadcast(skus=("A1", "V"))


@pytest.fixture
def auditor(app, users):
    """Return (client logged in as the auditor, headers with its CSRF token)."""
    client = login(app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def _order(api, broadcast_id, event) -> dict:
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    return api.get(f"/api/v1/orders/{event['order_id']}").get_json()


def _codes(order: dict) -> set[str]:
    return {f["code"] for f in order["findings"]}


def _payment(order_id: str, status: str = "paid", amount: str = "99.00", event_id: str | None = None) -> dict:
    return {"id": event_id or f"pay-{order_id}-{status}-{amount}", "type": "payment", "ts": now_iso(),
            "order_id": order_id, "status": status, "amount": amount, "method": "alipay"}


# --- statuses and findings ----------------------------------------------------------------------------------------

def test_a_finding_has_code_severity_field_and_a_message_in_both_languages(api, shop):
    event = order_event("A1", 1, order_id="F-1")
    event["buyer"]["phone"] = None
    order = _order(api, shop, event)
    assert order["status"] == "held"
    finding = next(f for f in order["findings"] if f["code"] == "phone_missing")
    assert finding["severity"] in SEVERITIES and finding["severity"] == "block"
    assert finding["field"] == "buyer.phone"
    assert set(finding["message"]) >= {"en", "zh-CN"}


@pytest.mark.parametrize("part", ["province", "city", "district", "detail"])
def test_a_missing_address_part_holds_the_order_and_names_that_part(api, shop, part):
    event = order_event("A1", 1)
    event["buyer"]["address"][part] = ""
    order = _order(api, shop, event)
    assert order["status"] == "held"
    assert f"buyer.address.{part}" in {f.get("field") for f in order["findings"]}


def test_a_missing_name_holds_and_is_never_rejected(api, shop):
    event = order_event("A1", 1)
    event["buyer"]["name"] = ""
    order = _order(api, shop, event)
    assert (order["status"], "buyer_name_missing" in _codes(order)) == ("held", True)


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "+86-138-1234-5678", "138-1234-5678",
                                   "+14155552671", "+447911123456"])
def test_mainland_mobiles_with_spaces_dashes_or_plus86_and_e164_numbers_pass(api, shop, phone):
    event = order_event("A1", 1, buyer={**order_event()["buyer"], "phone": phone})
    order = _order(api, shop, event)
    assert "phone_invalid" not in _codes(order), order["findings"]


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "abc", "+1"])
def test_other_phone_numbers_are_held_as_invalid(api, shop, phone):
    event = order_event("A1", 1, buyer={**order_event()["buyer"], "phone": phone})
    order = _order(api, shop, event)
    assert order["status"] == "held"
    assert "phone_invalid" in _codes(order)


@pytest.mark.parametrize("qty", [0, -1, 1.5, "2"])
def test_a_quantity_that_is_not_a_positive_integer_is_held_not_rejected(api, shop, qty):
    result = api.events(shop, [order_event("A1", qty, order_id=f"Q-{qty}")]).get_json()["results"][0]
    if result["status"] == "rejected":  # refused at the envelope: it must name the field
        assert result["error"]["field"] == "items[0].qty"
        return
    order = api.get(f"/api/v1/orders/Q-{qty}").get_json()
    assert order["status"] == "held"
    assert "qty_invalid" in _codes(order)


def test_a_product_with_variants_ordered_without_one_is_held_as_variant_missing(api, shop):
    order = _order(api, shop, order_event("V", 1))
    assert order["status"] == "held"
    assert "variant_missing" in _codes(order)


def test_an_unknown_sku_and_a_sku_outside_the_line_up_are_held(api, shop):
    api.product("OFF", stock=5)
    unknown = _order(api, shop, order_event("GHOST", 1))
    outside = _order(api, shop, order_event("OFF", 1))
    assert (unknown["status"], "sku_unknown" in _codes(unknown)) == ("held", True)
    assert (outside["status"], "sku_not_in_lineup" in _codes(outside)) == ("held", True)


def test_a_post_stream_order_may_buy_from_the_whole_catalogue(api, shop):
    api.product("CAT", stock=5)
    order = _order(api, shop, order_event("CAT", 1, source="post_stream"))
    assert order["status"] == "accepted", order["findings"]


def _put_policy(auditor, broadcast_id: int, body: dict):
    client, headers = auditor
    return client.put(f"/api/v1/broadcasts/{broadcast_id}/audit-policy", json=body, headers=headers)


def test_the_per_buyer_limit_counts_earlier_orders_of_the_same_product(api, shop, auditor):
    assert _put_policy(auditor, shop, {"max_qty_per_buyer_per_product": 3}).status_code == 200
    buyer = {**order_event()["buyer"], "id": "limited"}
    first = _order(api, shop, order_event("V-M", 2, buyer=buyer))
    second = _order(api, shop, order_event("V-M", 2, buyer=buyer, items=[{"sku": "V-M", "qty": 2,
                                                                         "unit_price": "99.00"}, ]))
    assert first["status"] == "accepted"
    assert second["status"] == "held"
    assert "qty_over_limit" in _codes(second)


def test_a_status_change_is_a_history_row(api, shop):
    order = _order(api, shop, order_event("A1", 1, order_id="H-1"))
    assert order["history"][0]["action"] == "received"
    assert any(h["to_status"] == "accepted" for h in order["history"])
    assert {"action", "from_status", "to_status", "actor", "reason", "at"} <= set(order["history"][-1])


# --- the audit policy ---------------------------------------------------------------------------------------------

def test_the_audit_policy_has_defaults_and_saves_what_is_put(api, shop, auditor):
    defaults = api.get(f"/api/v1/broadcasts/{shop}/audit-policy")
    assert defaults.status_code == 200
    body = defaults.get_json()
    assert body["reservation_minutes"] == 15 and body["sla_seconds"] == 300
    saved = _put_policy(auditor, shop, {"max_qty_per_buyer_per_product": 5, "price_tolerance": "0.50"})
    assert saved.status_code == 200, saved.get_json()
    again = api.get(f"/api/v1/broadcasts/{shop}/audit-policy").get_json()
    assert again["max_qty_per_buyer_per_product"] == 5 and again["price_tolerance"] == "0.50"


@pytest.mark.parametrize("body, field", [({"nonsense": 1}, "nonsense"), ({"sla_seconds": -1}, "sla_seconds"),
                                         ({"reservation_minutes": True}, "reservation_minutes")])
def test_a_bad_audit_policy_is_a_400_naming_the_field(api, shop, auditor, body, field):
    response = _put_policy(auditor, shop, body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_the_audit_policy_of_an_unknown_broadcast_is_a_404(api, auditor):
    response = api.get("/api/v1/broadcasts/987654/audit-policy")
    assert response.status_code == 404
    assert response.get_json()["error"]["field"] == "broadcast_id"
    assert _put_policy(auditor, 987654, {}).status_code == 404


def test_a_token_cannot_change_the_audit_policy(api, shop):
    assert api.put(f"/api/v1/broadcasts/{shop}/audit-policy", json={"sla_seconds": 60}).status_code == 403


# --- inventory ----------------------------------------------------------------------------------------------------

def test_stock_never_oversells_and_the_rest_wait_in_line(api, shop):
    statuses = [_order(api, shop, order_event("A1", 1, order_id=f"I-{n}"))["status"] for n in range(4)]
    assert statuses == ["accepted", "accepted", "waitlisted", "waitlisted"]
    product = api.get("/api/v1/products/A1").get_json()
    assert (product["stock"], product["reserved"]) == (0, 2)
    waitlisted = api.get("/api/v1/orders/I-2").get_json()
    assert "stock_short" in _codes(waitlisted)


def test_two_lines_of_one_sku_count_together_and_a_short_order_changes_nothing(api, shop):
    event = order_event("A1", 1, items=[{"sku": "A1", "qty": 2, "unit_price": "99.00"},
                                        {"sku": "A1", "qty": 1, "unit_price": "99.00"}])
    order = _order(api, shop, event)
    assert order["status"] != "accepted"
    product = api.get("/api/v1/products/A1").get_json()
    assert (product["stock"], product["reserved"]) == (2, 0)


def test_a_cancel_releases_the_units_and_promotes_the_first_in_line(api, shop):
    for n in range(4):
        api.events(shop, [order_event("A1", 1, order_id=f"C-{n}")])
    api.events(shop, [{"id": "cancel-0", "type": "order_cancel", "ts": now_iso(), "order_id": "C-0",
                       "reason": "changed mind"}])
    assert api.get("/api/v1/orders/C-0").get_json()["status"] == "cancelled"
    assert api.get("/api/v1/orders/C-2").get_json()["status"] == "accepted"
    assert api.get("/api/v1/orders/C-3").get_json()["status"] == "waitlisted"


def test_a_restock_through_put_stock_promotes_waitlisted_orders_in_order(api, shop):
    for n in range(4):
        api.events(shop, [order_event("A1", 1, order_id=f"P-{n}")])
    assert api.put("/api/v1/products/A1/stock", json={"stock": 1}).status_code == 200
    assert [api.get(f"/api/v1/orders/P-{n}").get_json()["status"] for n in (2, 3)] == ["accepted", "waitlisted"]
    product = api.get("/api/v1/products/A1").get_json()
    assert (product["stock"], product["reserved"]) == (0, 3)


def test_payment_turns_reserved_into_sold(api, shop):
    api.events(shop, [order_event("A1", 1, order_id="S-1")])
    api.events(shop, [_payment("S-1")])
    product = api.get("/api/v1/products/A1").get_json()
    assert (product["stock"], product["reserved"], product["sold"]) == (1, 0, 1)
    assert api.get("/api/v1/orders/S-1").get_json()["status"] == "paid"


def test_an_unpaid_reservation_expires_and_the_next_in_line_is_promoted(app, api, shop):
    for n in range(3):
        api.events(shop, [order_event("A1", 1, order_id=f"E-{n}")])
    with app.app_context():
        expired = sweep(db.session, datetime.now(timezone.utc) + timedelta(minutes=15, seconds=5))
    assert expired >= 2
    statuses = [api.get(f"/api/v1/orders/E-{n}").get_json()["status"] for n in range(3)]
    assert statuses[:2] == ["expired", "expired"]
    assert statuses[2] in ("accepted", "expired")  # promoted, then its own timer runs from the promotion


def test_an_unpaid_reservation_is_kept_before_its_time(app, api, shop):
    api.events(shop, [order_event("A1", 1, order_id="K-1")])
    with app.app_context():
        assert sweep(db.session, datetime.now(timezone.utc) + timedelta(minutes=14)) == 0
    assert api.get("/api/v1/orders/K-1").get_json()["status"] == "accepted"


def test_the_sweep_command_exists(app):
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output


def test_stock_can_never_go_negative_in_the_database(app, api, shop):
    for column in ("available", "reserved", "sold"):
        with app.app_context():
            with pytest.raises(sa.exc.IntegrityError):
                db.session.execute(sa.text(f"UPDATE stock_levels SET {column} = -1 WHERE sku = 'A1'"))
            db.session.rollback()


# --- payments and risk --------------------------------------------------------------------------------------------

def test_a_second_paid_payment_is_a_duplicate_payment_with_a_refund_flag(api, shop):
    api.events(shop, [order_event("A1", 1, order_id="DP-1")])
    api.events(shop, [_payment("DP-1", event_id="pay-1"), _payment("DP-1", event_id="pay-2")])
    order = api.get("/api/v1/orders/DP-1").get_json()
    assert order["status"] == "paid"
    assert "duplicate_payment" in _codes(order)
    assert order.get("refund") or order.get("refund_due") or order.get("refund_flag")


def test_a_failed_payment_keeps_the_reservation_and_tells_the_buyer(api, shop):
    api.events(shop, [order_event("A1", 1, order_id="FP-1")])
    api.events(shop, [_payment("FP-1", status="failed")])
    order = api.get("/api/v1/orders/FP-1").get_json()
    assert order["status"] == "accepted"
    assert api.get("/api/v1/products/A1").get_json()["reserved"] == 1
    assert "payment_failed" in _codes(order)


def test_a_unit_price_differing_from_ours_is_held_as_price_mismatch(api, shop):
    order = _order(api, shop, order_event("A1", 1, unit_price="50.00"))
    assert order["status"] == "held"
    assert "price_mismatch" in _codes(order)


def test_the_same_buyer_ordering_the_same_items_twice_within_the_window_is_held_as_a_duplicate(api, shop):
    buyer = {**order_event()["buyer"], "id": "twice"}
    _order(api, shop, order_event("V-M", 1, buyer=buyer))
    second = _order(api, shop, order_event("V-M", 1, buyer=buyer))
    assert second["status"] == "held"
    assert "duplicate_order" in _codes(second)


def test_a_blocklisted_phone_is_held(app, api, shop, auditor):
    client, headers = auditor
    response = client.post("/api/v1/blocklist", json={"kind": "phone", "value": "+86 139 0000 1111", "reason": "fraud"},
                           headers=headers)
    assert response.status_code in (200, 201), response.get_json()
    order = _order(api, shop, order_event("V-M", 1, buyer={**order_event()["buyer"], "phone": "13900001111"}))
    assert order["status"] == "held" and "blocklisted" in _codes(order)


def test_an_abnormal_quantity_is_held(api, shop, auditor):
    assert _put_policy(auditor, shop, {"abnormal_qty_per_sku": 3, "max_qty_per_buyer_per_product": None}).status_code == 200
    order = _order(api, shop, order_event("V-M", 4))
    assert order["status"] == "held" and "abnormal_quantity" in _codes(order)


# --- coupons ------------------------------------------------------------------------------------------------------

def test_a_refused_coupon_is_explained_on_the_order(api, shop):
    order = _order(api, shop, order_event("A1", 1, coupon_codes=["NOSUCH"]))
    assert order["status"] == "accepted"
    assert "coupon_refused" in _codes(order)


# --- the back office -----------------------------------------------------------------------------------------------

def _held(api, broadcast_id, order_id: str, sku: str = "A1") -> None:
    event = order_event(sku, 1, order_id=order_id)
    event["buyer"]["phone"] = None
    assert api.events(broadcast_id, [event]).get_json()["results"][0]["order"]["status"] == "held"


def test_the_queue_lists_held_orders_with_findings_age_and_sla(api, shop, auditor):
    client, _ = auditor
    _held(api, shop, "Q-1")
    body = client.get(f"/api/v1/audit/queue?broadcast_id={shop}&code=phone_missing").get_json()
    assert body["total"] == 1
    row = body["orders"][0]
    assert row["order_id"] == "Q-1"
    assert {"age_seconds", "sla_seconds", "late", "findings"} <= set(row)
    assert client.get(f"/api/v1/audit/queue?code=price_mismatch").get_json()["total"] == 0


@pytest.mark.parametrize("code", ["<script>", "PHONE MISSING", "x" * 49, "a%00b"])
def test_a_malformed_queue_code_is_a_400_naming_it(auditor, code):
    client, _ = auditor
    response = client.get(f"/api/v1/audit/queue?code={code}")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "code"


def test_approve_reject_and_hold_need_a_reason_and_record_it_with_the_actor(api, shop, auditor):
    client, headers = auditor
    _held(api, shop, "B-1")
    assert client.post("/api/v1/orders/B-1/approve", json={}, headers=headers).status_code == 400
    approved = client.post("/api/v1/orders/B-1/approve", json={"reason": "called the buyer"}, headers=headers)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "accepted"
    last = api.get("/api/v1/orders/B-1").get_json()["history"][-1]
    assert (last["actor"], last["reason"]) == ("auditor", "called the buyer")
    held = client.post("/api/v1/orders/B-1/hold", json={"reason": "check again"}, headers=headers)
    assert held.status_code == 200 and held.get_json()["status"] == "held"
    rejected = client.post("/api/v1/orders/B-1/reject", json={"reason": "fake"}, headers=headers)
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    assert api.get("/api/v1/products/A1").get_json()["reserved"] == 0


def test_a_rejected_order_cannot_be_approved(api, shop, auditor):
    client, headers = auditor
    _held(api, shop, "B-2")
    client.post("/api/v1/orders/B-2/reject", json={"reason": "fake"}, headers=headers)
    response = client.post("/api/v1/orders/B-2/approve", json={"reason": "oops"}, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_state"


def test_the_back_office_actions_refuse_api_tokens(api, shop):
    _held(api, shop, "B-3")
    response = api.post("/api/v1/orders/B-3/approve", json={"reason": "x"})
    assert response.status_code == 403


def test_two_auditors_never_act_on_the_same_order(app, api, shop, auditor):
    client, headers = auditor
    _held(api, shop, "CL-1")
    assert client.post("/api/v1/orders/CL-1/claim", headers=headers).status_code == 200
    from app.auth.models import User
    from tests.support.databases import _PASSWORD_HASH
    with app.app_context():
        db.session.add(User(username="auditor2", password_hash=_PASSWORD_HASH, role="auditor"))
        db.session.commit()
    other = login(app, "auditor2")
    response = other.post("/api/v1/orders/CL-1/approve", json={"reason": "mine"},
                          headers={"X-CSRFToken": csrf_token(other, "/")})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "claimed"


def test_patching_the_buyer_phone_re_audits_the_order(api, shop, auditor):
    client, headers = auditor
    _held(api, shop, "ED-1")
    response = client.patch("/api/v1/orders/ED-1", json={"buyer": {"phone": "13912345678"}, "reason": "buyer replied"},
                            headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "accepted"
    edit = api.get("/api/v1/orders/ED-1").get_json()["history"]
    assert any(h["action"] == "edit" for h in edit)


def test_overriding_a_finding_with_a_reason_reviews_the_order_again(api, shop, auditor):
    client, headers = auditor
    _order(api, shop, order_event("A1", 1, order_id="OV-1", unit_price="98.00"))
    response = client.post("/api/v1/orders/OV-1/findings/price_mismatch/override",
                           json={"reason": "host agreed 98 on air"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "accepted"


def test_bulk_approve_answers_per_order_with_its_final_status_and_a_summary(api, shop, auditor):
    client, headers = auditor
    _held(api, shop, "BK-1")
    response = client.post("/api/v1/orders/bulk-approve", json={"order_ids": ["BK-1", "NOPE"], "reason": "ok"},
                           headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert [(r["order_id"], r["status"]) for r in body["results"]] == [("BK-1", "approved"), ("NOPE", "failed")]
    assert body["summary"]["approved"] == 1 and body["summary"]["failed"] == 1


def test_the_queue_csv_escapes_formulas(app, api, shop, auditor):
    client, _ = auditor
    event = order_event("A1", 1, order_id="CSV-1")
    event["buyer"]["phone"] = None
    event["buyer"]["name"] = "=HYPERLINK(\"http://x\")"
    api.events(shop, [event])
    response = client.get("/audit/queue.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert any("HYPERLINK" in cell for cell in cells)


# --- notices and pushes --------------------------------------------------------------------------------------------

def test_a_held_order_queues_a_needs_info_notice_visible_on_the_order(api, shop, auditor):
    client, _ = auditor
    _held(api, shop, "N-1")
    order = client.get("/api/v1/orders/N-1").get_json()
    notices = order.get("notices")
    assert notices, sorted(order)
    assert any(n.get("kind") == "needs_info" for n in notices), notices


def test_each_status_change_is_pushed_as_order_updated(app, api, shop, token):
    sock = socketio.test_client(app, namespace="/live", auth={"token": token})
    sock.emit("join", {"broadcast_id": shop}, namespace="/live", callback=True)
    api.events(shop, [order_event("A1", 1, order_id="PU-1")])
    sock.get_received("/live")
    api.events(shop, [_payment("PU-1")])
    updates = [m["args"][0] for m in sock.get_received("/live") if m["name"] == "order.updated"]
    assert [u["order"]["status"] for u in updates] == ["paid"]


def test_a_percent_coupon_with_a_minimum_spend_applies_only_above_it_and_explains_a_refusal(api):
    api.product("C1", stock=10, price="99.00")
    broadcast_id = api.live_broadcast(skus=("C1",))
    created = api.post("/api/v1/promotions", json={"code": "save20", "kind": "coupon", "coupon_type": "percent",
                                                   "value": "20", "min_spend": "200.00"})
    assert created.status_code == 201, created.get_json()
    small = _order(api, broadcast_id, order_event("C1", 1, coupon_codes=["SAVE20"]))
    assert small["status"] == "accepted" and small["total"] == "99.00"
    refusal = next(f for f in small["findings"] if f["code"] == "coupon_refused")
    assert "200" in refusal["message"]["en"]
    big = _order(api, broadcast_id, order_event("C1", 3, coupon_codes=["save20"]))
    assert big["status"] == "accepted", big["findings"]
    assert big["total"] == "237.60"  # 297.00 − 20 %


def test_a_coupon_limited_to_one_use_is_applied_once(api):
    api.product("C2", stock=10, price="50.00")
    broadcast_id = api.live_broadcast(skus=("C2",))
    api.post("/api/v1/promotions", json={"code": "ONCE", "kind": "coupon", "coupon_type": "fixed", "value": "10",
                                         "uses_left": 1})
    totals = [_order(api, broadcast_id, order_event("C2", 1, coupon_codes=["ONCE"], unit_price="50.00"))["total"]
              for _ in range(2)]
    assert sorted(totals) == ["40.00", "50.00"]


def test_approval_and_promotion_from_the_waitlist_are_pushed(app, api, shop, token, auditor):
    client, headers = auditor
    sock = socketio.test_client(app, namespace="/live", auth={"token": token})
    sock.emit("join", {"broadcast_id": shop}, namespace="/live", callback=True)
    _held(api, shop, "PA-1")
    api.events(shop, [order_event("A1", 1, order_id="PA-2"), order_event("A1", 1, order_id="PA-3")])
    sock.get_received("/live")
    client.post("/api/v1/orders/PA-1/approve", json={"reason": "ok"}, headers=headers)
    api.put("/api/v1/products/A1/stock", json={"stock": 1})
    updates = [(u["order"]["order_id"], u["order"]["status"])
               for u in (m["args"][0] for m in sock.get_received("/live") if m["name"] == "order.updated")]
    assert ("PA-1", "accepted") in updates
    assert ("PA-3", "accepted") in updates


def test_the_queue_filters_by_minimum_age(api, shop, auditor):
    client, _ = auditor
    _held(api, shop, "AGE-1")
    assert client.get("/api/v1/audit/queue?min_age=0").get_json()["total"] == 1
    assert client.get("/api/v1/audit/queue?min_age=3600").get_json()["total"] == 0
    assert client.get("/api/v1/audit/queue?min_age=-1").status_code == 400
