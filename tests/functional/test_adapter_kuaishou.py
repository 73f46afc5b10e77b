"""快手小店 end to end: encrypted pushes answered {"result": 1}, decrypted and processed with the (fake) API into
orders and payments of the connection's broadcast; a body the message key does not open stores nothing."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from live.adapters.models import AdapterInboxMessage
from live.adapters.processing import process_due
from tests.support.auth import csrf_token, login
from tests.support.platform_fakes import WriteLockProbe
from tests.support.platform_fakes import kuaishou as fake
from tests.support.platform_fakes.stubs import KUAISHOU_KEY, KUAISHOU_OLD_KEY, kuaishou_body

ORDER = "2607602240240301"
APP_KEY = "ks699183844582124027"


@pytest.fixture
def platform():
    """Return the fake 快手 API (its order placed and paid a minute ago), served while the test runs."""
    state = fake.default_state(APP_KEY)
    now_ms = int(time.time() * 1000)
    fake.add_order(state, ORDER, createTime=now_ms - 60_000, payTime=now_ms - 30_000)
    server = fake.serve(state)
    yield server
    server.stop()


@pytest.fixture
def shop(app, users, api, platform):
    """Return the name of a kuaishou connection feeding a live broadcast that sells TEA-01."""
    api.product("TEA-01", stock=10, price="79.00")
    broadcast_id = api.live_broadcast("快手 test", skus=("TEA-01",))
    client = login(app, "admin")
    response = client.post("/api/v1/connections", headers={"X-CSRFToken": csrf_token(client, "/settings")}, json={
        "name": "ks-shop", "platform": "kuaishou", "broadcast_id": broadcast_id, "app_key": APP_KEY,
        "app_secret": KUAISHOU_KEY, "settings": {"api_base_url": platform.url, "access_token": "test-access-token",
                                                "sign_secret": fake.SIGN_SECRET, "backoff": 0}})
    assert response.status_code == 201, response.get_json()
    return "ks-shop"


def push(client, name: str, key: str = KUAISHOU_KEY, **changes):
    """Post an encrypted 快手 message (a fixture, info times set to now) to the connection's endpoint."""
    return client.post("/api/v1/adapters/kuaishou/ks-shop", data=kuaishou_body(name, key=key, **changes))


def work(app) -> dict:
    """Run one pass of the inbox worker; return its counts."""
    with app.app_context():
        return process_due(db.session, utcnow(), app.config)


def test_an_added_and_paid_order_lands_with_the_exact_payment(app, client, api, shop, platform):
    first = push(client, "order_add")
    assert (first.status_code, first.get_json()) == (200, {"result": 1, "msg": "success"})
    push(client, "order_pay_success")
    assert work(app) == {"done": 2}
    order = api.get(f"/api/v1/orders/{ORDER}").get_json()
    assert (order["status"], order["paid_amount"]) == ("paid", "158.00")
    assert [(i["sku"], i["qty"], i["unit_price"]) for i in order["items"]] == [("TEA-01", 2, "79.00")]
    assert platform.state.bad_signatures == 0


def test_the_detail_api_is_called_with_no_database_transaction_open(app, client, shop, platform):
    probe = platform.state.on_call = WriteLockProbe(app.config["SQLALCHEMY_DATABASE_URI"])
    push(client, "order_add")
    push(client, "order_pay_success")
    assert work(app) == {"done": 2}
    assert probe.seen and set(probe.seen) == {"free"}, probe.seen


def test_a_redelivered_message_is_stored_once(app, client, shop):
    push(client, "order_add")
    push(client, "order_add")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AdapterInboxMessage)) == 1


def test_a_body_another_key_encrypted_is_refused(app, client, shop):
    assert push(client, "order_add", key=KUAISHOU_OLD_KEY).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AdapterInboxMessage)) == 0


def test_the_heartbeat_is_acknowledged_and_ignored(app, client, shop):
    assert push(client, "heartbeat").status_code == 200
    work(app)
    with app.app_context():
        assert [r.status for r in db.session.scalars(sa.select(AdapterInboxMessage))] == ["ignored"]


def test_the_admins_test_delivery_is_an_encrypted_heartbeat(app, shop):
    client = login(app, "admin")
    response = client.post("/api/v1/connections/ks-shop/test", headers={"X-CSRFToken": csrf_token(client, "/settings")})
    assert response.status_code == 200 and response.get_json()["answer"] == {"result": 1, "msg": "success"}
    work(app)
    with app.app_context():
        assert [r.status for r in db.session.scalars(sa.select(AdapterInboxMessage))] == ["ignored"]
