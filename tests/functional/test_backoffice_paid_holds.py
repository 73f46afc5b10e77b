"""Held orders the buyer already paid (probe 2 of session 11): closing one gives the money back through the refund
path a late payment takes, fixing one moves it on like an unpaid one, and the pages say that it is paid."""
from __future__ import annotations

import pytest

from app.extensions import db
from orders.aftersales.models import AftersaleCase
from orders.models import Order, OrderPayment
from tests.support import databases
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def shop(app, api):
    """Return (api, broadcast id) for a live broadcast selling TEA (¥80, stock 5)."""
    api.product("TEA", stock=5, price="80.00")
    return api, api.live_broadcast(skus=("TEA",))


@pytest.fixture
def auditor(app):
    """Return a logged-in auditor's client and its CSRF headers."""
    databases.create_users(app)
    client = login(app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def _held(api, broadcast_id, order_id, qty=1) -> dict:
    event = order_event("TEA", qty, order_id=order_id, unit_price="80.00")
    event["buyer"]["phone"] = None
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["order"]["status"] == "held", result
    return result["order"]


def _pay(api, broadcast_id, order_id, amount) -> dict:
    event = {"id": f"pay-{order_id}", "type": "payment", "ts": now_iso(), "order_id": order_id,
             "status": "paid", "amount": amount, "method": "alipay"}
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    return result["order"]


def _order(api, order_id) -> dict:
    return api.get(f"/api/v1/orders/{order_id}").get_json()


def _cases(app, order_id) -> list[tuple[str, str, str]]:
    with app.app_context():
        order = db.session.query(Order).filter_by(order_id=order_id).one()
        return [(c.type, c.reason, str(c.requested_amount))
                for c in db.session.query(AftersaleCase).filter_by(order_pk=order.id)]


def test_rejecting_a_held_order_the_buyer_paid_opens_the_refund_a_late_payment_would(app, shop, auditor):
    api, broadcast_id = shop
    client, headers = auditor
    _held(api, broadcast_id, "PAY-THEN-REJECT")
    assert _pay(api, broadcast_id, "PAY-THEN-REJECT", "80.00")["status"] == "held"
    answer = client.post("/api/v1/orders/PAY-THEN-REJECT/reject", json={"reason": "fake buyer"}, headers=headers)
    assert answer.status_code == 200, answer.get_json()

    order = _order(api, "PAY-THEN-REJECT")
    assert (order["status"], order["paid_amount"], order["refund_due"]) == ("rejected", "80.00", True)
    assert _cases(app, "PAY-THEN-REJECT") == [("refund_only", "payment_on_closed_order", "80.00")]
    with app.app_context():
        assert [p.refund_due for p in db.session.query(OrderPayment)] == [True]

    # The other order of events ends the same way: reject first, then the payment.
    _held(api, broadcast_id, "REJECT-THEN-PAY")
    assert client.post("/api/v1/orders/REJECT-THEN-PAY/reject", json={"reason": "x"}, headers=headers).status_code == 200
    _pay(api, broadcast_id, "REJECT-THEN-PAY", "80.00")
    assert _cases(app, "REJECT-THEN-PAY") == [("refund_only", "payment_on_closed_order", "80.00")]


def test_rejecting_an_unpaid_held_order_opens_no_refund(app, shop, auditor):
    api, broadcast_id = shop
    client, headers = auditor
    _held(api, broadcast_id, "UNPAID")
    assert client.post("/api/v1/orders/UNPAID/reject", json={"reason": "x"}, headers=headers).status_code == 200
    assert _order(api, "UNPAID")["refund_due"] is False and _cases(app, "UNPAID") == []


def test_a_platform_cancel_of_a_paid_held_order_leaves_the_refund_to_the_platform(app, shop):
    api, broadcast_id = shop
    _held(api, broadcast_id, "PLATFORM-CANCEL")
    _pay(api, broadcast_id, "PLATFORM-CANCEL", "80.00")
    event = {"id": "cancel-1", "type": "order_cancel", "ts": now_iso(), "order_id": "PLATFORM-CANCEL"}
    assert api.events(broadcast_id, [event]).get_json()["results"][0]["status"] == "accepted"
    assert _order(api, "PLATFORM-CANCEL")["status"] == "cancelled"
    assert _cases(app, "PLATFORM-CANCEL") == []


def test_adding_the_missing_phone_to_a_paid_held_order_completes_its_sale(app, shop, auditor):
    api, broadcast_id = shop
    client, headers = auditor
    _held(api, broadcast_id, "PAID-HELD", qty=2)
    _pay(api, broadcast_id, "PAID-HELD", "160.00")
    answer = client.patch("/api/v1/orders/PAID-HELD", json={"buyer": {"phone": "+86 137-1111-2222"},
                                                             "reason": "buyer called"}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    order = _order(api, "PAID-HELD")
    assert order["status"] == "paid"
    assert [f["code"] for f in order["findings"] if f["severity"] == "block"] == []
    product = api.get("/api/v1/products/TEA").get_json()
    assert (product["stock"], product["reserved"], product["sold"]) == (3, 0, 2)


def test_a_fixed_paid_held_order_without_stock_waits_in_line_and_completes_when_stock_comes(app, shop, auditor):
    api, broadcast_id = shop
    client, headers = auditor
    _held(api, broadcast_id, "FIRST", qty=5)  # holds every unit
    _held(api, broadcast_id, "SHORT", qty=1)  # held, and in line
    _pay(api, broadcast_id, "SHORT", "80.00")
    answer = client.patch("/api/v1/orders/SHORT", json={"buyer": {"phone": "13711112222"}, "reason": "called"},
                          headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert _order(api, "SHORT")["status"] == "waitlisted"
    assert client.post("/api/v1/orders/FIRST/reject", json={"reason": "fake"}, headers=headers).status_code == 200
    assert _order(api, "SHORT")["status"] == "paid"


def test_a_paid_hold_over_the_charged_amount_still_waits_for_a_person_after_a_fix(app, shop, auditor):
    api, broadcast_id = shop
    client, headers = auditor
    _held(api, broadcast_id, "WRONG-AMOUNT")
    _pay(api, broadcast_id, "WRONG-AMOUNT", "79.00")
    answer = client.patch("/api/v1/orders/WRONG-AMOUNT", json={"buyer": {"phone": "13711112222"}, "reason": "called"},
                          headers=headers)
    assert answer.status_code == 200, answer.get_json()
    order = _order(api, "WRONG-AMOUNT")
    assert order["status"] == "held" and order["reserved_until"] is None
    assert "price_mismatch" in [f["code"] for f in order["findings"] if f["severity"] == "block"]


def test_the_queue_says_which_held_orders_are_paid_and_masks_a_plus_86_phone_without_the_country_code(
        app, shop, auditor):
    api, broadcast_id = shop
    client, _headers = auditor
    _held(api, broadcast_id, "HELD-PAID")
    _pay(api, broadcast_id, "HELD-PAID", "80.00")
    event = order_event("TEA", 1, order_id="PLUS-86", unit_price="80.00", source="post_stream")
    event["buyer"]["phone"] = "+86 137 0000 2222"
    event["buyer"]["address"]["province"] = None
    assert api.events(broadcast_id, [event]).get_json()["results"][0]["order"]["status"] == "held"
    rows = {o["order_id"]: o for o in client.get("/api/v1/audit/queue").get_json()["orders"]}
    assert rows["HELD-PAID"]["paid_amount"] == "80.00" and rows["HELD-PAID"]["phone_masked"] is None
    assert rows["PLUS-86"]["phone_masked"] == "137****2222"

    page = client.get("/orders/HELD-PAID").get_data(as_text=True)
    assert 'id="paid-note"' in page and "Paid ¥80.00" in page
    assert 'id="paid-note"' not in client.get("/orders/PLUS-86").get_data(as_text=True)
