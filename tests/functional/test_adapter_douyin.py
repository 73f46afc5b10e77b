"""抖店 end to end: signed pushes answered at once, processed from the inbox with the (fake) detail API, landing
as orders, payments and after-sales cases of the connection's broadcast — once, however often 抖店 redelivers."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from live.adapters.models import AdapterInboxMessage
from live.adapters.processing import process_due
from live.models import EventLog
from orders.aftersales.models import AftersaleCase
from tests.support.auth import csrf_token, login
from tests.support.platform_fakes import WriteLockProbe
from tests.support.platform_fakes import douyin as fake
from tests.support.platform_fakes.stubs import douyin_push, douyin_signed

ORDER = "4951234567890123456"
APP_KEY, APP_SECRET = "7123456789012345678", "2ad2355c-01d0-11f8-91dc-05a8cd1054b1"


@pytest.fixture
def platform():
    """Return the fake 抖店 API (its order placed and paid a minute ago), served while the test runs."""
    state = fake.default_state(APP_KEY, APP_SECRET)
    now = int(time.time())
    fake.add_order(state, ORDER, create_time=now - 60, pay_time=now - 30)
    aftersale = state.answers[("afterSale.Detail", "7123456789012345678")]["data"]["process_info"]["after_sale_info"]
    aftersale["status_deadline"] = now + 3 * 86400
    server = fake.serve(state)
    yield server
    server.stop()


@pytest.fixture
def shop(app, users, api, platform):
    """Return the name of a douyin connection feeding a live broadcast that sells TEA-01."""
    api.product("TEA-01", stock=10, price="79.00")
    broadcast_id = api.live_broadcast("抖店 test", skus=("TEA-01",))
    client = login(app, "admin")
    response = client.post("/api/v1/connections", headers={"X-CSRFToken": csrf_token(client, "/settings")}, json={
        "name": "dy-shop", "platform": "douyin", "broadcast_id": broadcast_id, "shop_id": "4463798",
        "app_key": APP_KEY, "app_secret": APP_SECRET,
        "settings": {"api_base_url": platform.url, "access_token": "test-access-token", "backoff": 0}})
    assert response.status_code == 201, response.get_json()
    return "dy-shop"


def push(client, *messages, secret: str = APP_SECRET):
    """Post a signed 抖店 push to the connection's endpoint."""
    raw = douyin_push(*messages)
    return client.post("/api/v1/adapters/douyin/dy-shop", data=raw, headers=douyin_signed(raw, APP_KEY, secret))


def work(app) -> dict:
    """Run one pass of the inbox worker; return its counts."""
    with app.app_context():
        return process_due(db.session, utcnow(), app.config)


def inbox(app) -> list[tuple[str, str]]:
    """Return (kind, status) of every inbox row."""
    with app.app_context():
        return [(r.kind, r.status) for r in db.session.scalars(sa.select(AdapterInboxMessage).order_by(
            AdapterInboxMessage.id))]


def created(msg_id: str = "m-100") -> tuple[str, str, dict]:
    """Return a 100 (order created) message of the fake's order, made a minute ago."""
    return "100", msg_id, {"p_id": int(ORDER), "create_time": int(time.time()) - 60, "order_status": 1}


def paid(msg_id: str = "m-101") -> tuple[str, str, dict]:
    """Return a 101 (paid) message of the fake's order: 15800 fen by Alipay, half a minute ago."""
    return "101", msg_id, {"p_id": int(ORDER), "pay_amount": 15800, "pay_time": int(time.time()) - 30, "pay_type": 2}


def test_a_push_is_acknowledged_before_the_detail_api_is_asked(app, client, shop, platform):
    response = push(client, created())
    assert (response.status_code, response.get_json()) == (200, {"code": 0, "msg": "success"})
    assert platform.state.calls == [] and inbox(app) == [("100", "pending")]


def test_a_created_and_paid_order_lands_with_items_buyer_and_exact_payment(app, client, api, shop, platform):
    push(client, created(), paid())
    assert work(app) == {"done": 2}
    order = api.get(f"/api/v1/orders/{ORDER}").get_json()
    assert (order["status"], order["source"], order["paid_amount"]) == ("paid", "in_stream", "158.00")
    assert [(i["sku"], i["qty"], i["unit_price"]) for i in order["items"]] == [("TEA-01", 2, "79.00")]
    assert order["buyer"]["address"]["city"] == "杭州市"
    assert platform.state.bad_signatures == 0


def test_the_detail_api_is_called_with_no_database_transaction_open(app, client, shop, platform):
    """On SQLite a transaction holds the write lock: held across a slow platform call, it froze the server."""
    probe = platform.state.on_call = WriteLockProbe(app.config["SQLALCHEMY_DATABASE_URI"])
    push(client, created(), paid())
    assert work(app) == {"done": 2}
    assert probe.seen and set(probe.seen) == {"free"}, probe.seen


def test_a_redelivered_push_is_acknowledged_and_changes_nothing(app, client, api, shop):
    push(client, created(), paid())
    work(app)
    again = push(client, created(), paid())
    assert again.get_json() == {"code": 0, "msg": "success"}
    assert work(app) == {}
    with app.app_context():
        types = [row.type for row in db.session.scalars(sa.select(EventLog).where(EventLog.source == "adapter:dy-shop"))]
    assert sorted(types) == ["order", "payment"]


def test_paid_again_under_a_new_message_id_is_not_a_second_payment(app, client, api, shop):
    push(client, created(), paid("m-101"))
    work(app)
    push(client, ("110", "m-110", {"p_id": int(ORDER), "order_status": 2}))
    work(app)
    order = api.get(f"/api/v1/orders/{ORDER}").get_json()
    assert order["paid_amount"] == "158.00" and order["findings"] == []


def test_a_message_of_another_shop_is_acknowledged_and_ignored_with_the_reason(app, client, api, shop):
    other = ("101", "m-101-other", {**paid()[2], "shop_id": 999})
    assert push(client, other).get_json() == {"code": 0, "msg": "success"}
    assert work(app) == {"ignored": 1}
    with app.app_context():
        [row] = db.session.scalars(sa.select(AdapterInboxMessage))
        assert row.status == "ignored" and "shop 999, not this connection's" in row.error
    assert api.get(f"/api/v1/orders/{ORDER}").status_code == 404


def test_a_bad_signature_stores_nothing(app, client, shop):
    response = push(client, created(), secret="not-the-secret-of-this-shop")
    assert response.status_code == 401 and inbox(app) == []


def test_unknown_tags_and_the_url_check_are_acknowledged_and_ignored(app, client, shop):
    response = push(client, ("0", "0", {}), ("999", "m-999", {"p_id": 1}))
    assert response.get_json() == {"code": 0, "msg": "success"}
    work(app)
    assert inbox(app) == [("0", "ignored"), ("999", "ignored")]


def test_while_the_detail_api_is_down_the_message_waits_and_is_done_later(app, client, api, shop, platform):
    platform.state.fail_next(3, status=503)
    push(client, created())
    assert work(app) == {"pending": 1}
    with app.app_context():
        db.session.execute(sa.update(AdapterInboxMessage).values(lease_until=None))
        db.session.commit()
    assert work(app) == {"done": 1}
    assert api.get(f"/api/v1/orders/{ORDER}").status_code == 200


def test_a_cancellation_releases_the_order(app, client, api, shop):
    push(client, created())
    work(app)
    push(client, ("106", "m-106", {"p_id": int(ORDER), "cancel_reason": "买家不想要了", "cancel_time": int(time.time())}))
    work(app)
    assert api.get(f"/api/v1/orders/{ORDER}").get_json()["status"] == "cancelled"


def test_a_refund_request_opens_a_mirrored_after_sales_case(app, client, api, shop):
    push(client, created(), paid())
    work(app)
    now = int(time.time())
    push(client, ("200", "m-200", {"aftersale_id": 7123456789012345678, "aftersale_status": 6, "aftersale_type": 1,
                                   "apply_time": now, "p_id": int(ORDER), "refund_amount": 7900}))
    assert work(app) == {"done": 1}
    with app.app_context():
        [row] = db.session.scalars(sa.select(EventLog).where(EventLog.type == "aftersale"))
        assert row.event_id == "douyin:m-200" and row.payload["reason"] == "no_reason_7d"
        [case] = db.session.scalars(sa.select(AftersaleCase))
        assert (case.platform, case.aftersale_id, case.type, case.status) == (
            "douyin", "7123456789012345678", "refund_only", "requested")
        assert (str(case.requested_amount), case.reason, case.deadline_source) == ("79.00", "no_reason_7d", "platform")


def test_the_admins_test_delivery_sends_the_url_check_and_is_acknowledged(app, shop):
    client = login(app, "admin")
    response = client.post("/api/v1/connections/dy-shop/test", headers={"X-CSRFToken": csrf_token(client, "/settings")})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["answer"] == {"code": 0, "msg": "success"}
    assert inbox(app) == [("0", "pending")]
    work(app)
    assert inbox(app) == [("0", "ignored")]
