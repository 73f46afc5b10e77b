"""Tracking updates (issue 14): the neutral form, kuaidi100 and kdniao pushes, the generic signed callback.

Duplicates and out-of-order checkpoints converge; a bad signature writes nothing; an unknown parcel is
acknowledged. Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.signals import order_delivered
from orders.fulfilment.models import TrackingCheckpoint
from orders.fulfilment.providers import generic, kdniao, kuaidi100
from tests.support import databases
from tests.support.fulfilment import SF_NUMBER, AgentClient, neutral, place_paid_order

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tracking"
SALT, APP_KEY, SECRET = "kd100-salt-for-tests", "kdniao-app-key-for-tests", "generic-secret-for-tests"


def recent(text: str) -> str:
    """Return a fixture with its two days (2026-12-06, 2026-12-07) moved to the two days before today (Beijing)."""
    today = datetime.now(timezone(timedelta(hours=8))).date()
    shift = today - date(2026, 12, 8)
    # Both days at once: one after the other, a shift of one day would move 12-07 to 12-06 and then on to 12-05.
    return re.sub(r"2026-12-0[67]", lambda day: (date.fromisoformat(day.group()) + shift).isoformat(), text)


def hours_ago(hours: float) -> str:
    """Return the ISO time hours before now."""
    return (datetime.now(timezone.utc) - timedelta(hours=hours)).isoformat()


@pytest.fixture
def shop(any_app, any_api):
    """Return (events API, broadcast id, agent client) with paid orders SF-ORDER (TEE ×1) and ZTO-ORDER (TEE ×1)."""
    any_app.config.update(TRACKING_KUAIDI100_SALT=SALT, TRACKING_KDNIAO_APP_KEY=APP_KEY, TRACKING_WEBHOOK_SECRET=SECRET)
    any_api.product("TEE", stock=10, price="99.00")
    broadcast_id = any_api.live_broadcast(skus=("TEE",))
    databases.create_users(any_app)
    agent = AgentClient(any_app, "aftersales")
    for order_id in ("SF-ORDER", "ZTO-ORDER"):
        place_paid_order(any_api, broadcast_id, order_id, [("TEE", 1)])
    return any_api, broadcast_id, agent


def _ship(agent, order_id, carrier, number) -> str:
    response = agent.post(f"/api/v1/orders/{order_id}/shipments", json={"carrier": carrier, "tracking_no": number})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["shipment_id"]


def _checkpoints(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(TrackingCheckpoint.id)))


def test_a_delivered_checkpoint_delivers_the_order_and_tells_the_buyer(any_app, shop):
    api, _, agent = shop
    shipment_id = _ship(agent, "SF-ORDER", "SF", SF_NUMBER)
    seen = []
    receiver = lambda session, order, at: seen.append((order.order_id, at))  # noqa: E731
    order_delivered.connect(receiver)
    try:
        moving = agent.post(f"/api/v1/shipments/{shipment_id}/tracking",
                            json={"checkpoints": [neutral(hours_ago(20), "in_transit", "离开深圳中心")]})
        assert moving.status_code == 200 and moving.get_json()["status"] == "in_transit"
        done = agent.post(f"/api/v1/shipments/{shipment_id}/tracking",
                          json={"checkpoints": [neutral(hours_ago(1), "delivered", "本人签收")]}).get_json()
    finally:
        order_delivered.disconnect(receiver)
    assert done["status"] == "delivered" and done["order_status"] == "delivered" and done["delivered_at"]
    assert [c["status"] for c in done["checkpoints"]] == ["delivered", "in_transit"]  # newest first
    order = api.get("/api/v1/orders/SF-ORDER").get_json()
    assert order["status"] == "delivered" and [n["kind"] for n in order["notices"]].count("delivered") == 1
    assert seen and seen[0][0] == "SF-ORDER"


def test_redelivered_and_out_of_order_checkpoints_converge(any_app, shop):
    _, _, agent = shop
    shipment_id = _ship(agent, "SF-ORDER", "SF", SF_NUMBER)
    late_first = [neutral(hours_ago(2), "delivered", "签收"), neutral(hours_ago(30), "in_transit", "运输中")]
    first = agent.post(f"/api/v1/shipments/{shipment_id}/tracking", json={"checkpoints": late_first}).get_json()
    # The carrier resends one scan and adds an older one after the delivery: nothing moves a delivered parcel back.
    again = agent.post(f"/api/v1/shipments/{shipment_id}/tracking",
                       json={"checkpoints": [late_first[0], neutral(hours_ago(10), "out_for_delivery", "派件中")]})
    assert first["status"] == again.get_json()["status"] == "delivered"
    assert again.get_json()["stored"] == 1 and _checkpoints(any_app) == 3


@pytest.mark.slow
def test_an_exception_raises_a_logistics_problem_and_a_later_delivery_clears_it(any_app, shop):
    api, _, agent = shop
    shipment_id = _ship(agent, "SF-ORDER", "SF", SF_NUMBER)
    failed = agent.post(f"/api/v1/shipments/{shipment_id}/tracking",
                        json={"checkpoints": [neutral(hours_ago(5), "exception", "地址不详，无法派送")]}).get_json()
    assert failed["status"] == "delivery_failed" and failed["order_status"] == "delivery_failed"
    order = api.get("/api/v1/orders/SF-ORDER").get_json()
    problem = [f for f in order["findings"] if f["code"] == "logistics_exception"]
    assert len(problem) == 1 and "物流问题" in problem[0]["message"]["zh-CN"]
    assert any(n["kind"] == "delivery_exception" for n in order["notices"])
    fixed = agent.post(f"/api/v1/shipments/{shipment_id}/tracking",
                       json={"checkpoints": [neutral(hours_ago(1), "delivered", "本人签收")]}).get_json()
    assert fixed["order_status"] == "delivered"
    order = api.get("/api/v1/orders/SF-ORDER").get_json()
    assert not [f for f in order["findings"] if f["code"] == "logistics_exception"]
    assert [h["action"] for h in order["history"]].count("logistics_resolved") == 1


@pytest.mark.parametrize("checkpoint, field", [
    ({"status": "delivered"}, "checkpoints[0].at"),
    ({"at": "2020-01-01T00:00:00Z", "status": "delivered"}, "checkpoints[0].at"),
    ({"at": "2026-12-01T00:00:00", "status": "delivered"}, "checkpoints[0].at"),
    ({"at": "NOW", "status": "teleported"}, "checkpoints[0].status"),
    ({"at": "NOW", "status": "delivered", "description": "x" * 501}, "checkpoints[0].description"),
])
def test_a_bad_checkpoint_names_its_field_and_writes_nothing(any_app, shop, checkpoint, field):
    _, _, agent = shop
    shipment_id = _ship(agent, "SF-ORDER", "SF", SF_NUMBER)
    if checkpoint.get("at") == "NOW":
        checkpoint["at"] = hours_ago(1)
    response = agent.post(f"/api/v1/shipments/{shipment_id}/tracking", json={"checkpoints": [checkpoint]})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    assert _checkpoints(any_app) == 0


def _kuaidi100(client, param: str, sign: str | None):
    form = {"param": param} if sign is None else {"param": param, "sign": sign}
    return client.post("/api/v1/tracking/kuaidi100", data=form)


def test_a_kuaidi100_push_is_stored_once_and_acknowledged_as_kuaidi100_expects(any_app, shop):
    _, _, agent = shop
    _ship(agent, "SF-ORDER", "SF", SF_NUMBER)
    param = recent((FIXTURES / "kuaidi100_param.json").read_text())
    client = any_app.test_client()
    unsigned = _kuaidi100(client, param, None)
    forged = _kuaidi100(client, param, kuaidi100.signature(param, "wrong-salt"))
    assert unsigned.status_code == forged.status_code == 401 and _checkpoints(any_app) == 0
    signed = _kuaidi100(client, param, kuaidi100.signature(param, SALT))
    assert signed.status_code == 200 and signed.get_json() == {"result": True, "returnCode": "200", "message": "成功"}
    assert _checkpoints(any_app) == 4
    assert _kuaidi100(client, param, kuaidi100.signature(param, SALT).lower()).status_code == 200  # pushed again
    assert _checkpoints(any_app) == 4
    listed = agent.get("/api/v1/orders/SF-ORDER/shipments").get_json()["shipments"][0]
    assert listed["status"] == "out_for_delivery" and listed["checkpoints"][0]["raw_state"] == "5"


def test_a_kdniao_push_delivers_and_an_unknown_parcel_is_acknowledged(any_app, shop):
    api, _, agent = shop
    _ship(agent, "ZTO-ORDER", "ZTO", "773012345678")
    data = recent((FIXTURES / "kdniao_request_data.json").read_text())
    client = any_app.test_client()
    forged = client.post("/api/v1/tracking/kdniao", data={"RequestData": data, "DataSign": "bm9wZQ==", "RequestType": "101"})
    assert forged.status_code == 401 and _checkpoints(any_app) == 0
    signed = client.post("/api/v1/tracking/kdniao", data={"RequestData": data, "RequestType": "101",
                                                          "DataSign": kdniao.signature(data, APP_KEY)})
    assert signed.status_code == 200 and signed.get_json()["Success"] is True
    assert signed.get_json()["EBusinessID"] == "1237100"
    assert api.get("/api/v1/orders/ZTO-ORDER").get_json()["status"] == "delivered"
    stranger = data.replace("773012345678", "773099999999")
    unknown = client.post("/api/v1/tracking/kdniao", data={"RequestData": stranger, "RequestType": "101",
                                                           "DataSign": kdniao.signature(stranger, APP_KEY)})
    assert unknown.status_code == 200 and _checkpoints(any_app) == 4


def test_the_generic_callback_needs_its_hmac_and_a_provider_without_a_secret_is_closed(any_app, shop):
    api, _, agent = shop
    _ship(agent, "SF-ORDER", "SF", SF_NUMBER)
    body = json.dumps({"carrier": "SF", "tracking_no": SF_NUMBER,
                       "checkpoints": [neutral(hours_ago(3), "returned", "收件人拒收，退回")]}).encode()
    client = any_app.test_client()
    headers = {"Content-Type": "application/json"}
    bad = client.post("/api/v1/tracking/generic", data=body, headers=headers | {generic.HEADER: "sha256=00"})
    assert bad.status_code == 401 and _checkpoints(any_app) == 0
    good = client.post("/api/v1/tracking/generic", data=body,
                       headers=headers | {generic.HEADER: generic.signature(body, SECRET)})
    assert good.status_code == 200 and good.get_json() == {"stored": 1, "unknown": 0}
    assert api.get("/api/v1/orders/SF-ORDER").get_json()["status"] == "returned_to_sender"
    any_app.config["TRACKING_KUAIDI100_SALT"] = ""
    closed = _kuaidi100(client, "{}", kuaidi100.signature("{}", ""))
    assert closed.status_code == 401 and closed.get_json()["error"]["code"] == "not_configured"
    assert client.post("/api/v1/tracking/dhl", data={}).status_code == 404
