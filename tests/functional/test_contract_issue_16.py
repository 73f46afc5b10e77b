"""Issue 16 as its text names it: connections made by the CLI, the adapter endpoint, signatures, acknowledgements,
redelivery and unknown messages, and the live-room forwarder."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import time

import pytest
import sqlalchemy as sa

from app.auth.tokens import sign
from app.extensions import db
from live.adapters.models import AdapterInboxMessage
from live.models import EventLog

APP_KEY, APP_SECRET = "7123456789012345678", "2ad2355c-01d0-11f8-91dc-05a8cd1054b1"


@pytest.fixture
def broadcast_id(api):
    """Return the id of a live broadcast selling TEA-01."""
    api.product("TEA-01", stock=10, price="79.00")
    return api.live_broadcast("Adapter contract", skus=("TEA-01",))


@pytest.fixture
def douyin_shop(app, broadcast_id):
    """Return the endpoint of a 抖店 connection made as the issue says: create-connection NAME --platform douyin."""
    result = app.test_cli_runner().invoke(args=[
        "create-connection", "dy", "--platform", "douyin", "--broadcast", str(broadcast_id),
        "--app-key", APP_KEY, "--app-secret", APP_SECRET])
    assert result.exit_code == 0, result.output
    assert "/api/v1/adapters/douyin/dy" in result.output
    return "/api/v1/adapters/douyin/dy"


def _stored(app) -> tuple[int, int]:
    """Return (inbox rows, event log rows)."""
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(AdapterInboxMessage)),
                db.session.scalar(sa.select(sa.func.count()).select_from(EventLog)))


def _unknown_tag_push(msg_id: str = "7358930184512349999") -> bytes:
    return json.dumps([{"tag": "999", "msg_id": msg_id,
                        "data": json.dumps({"p_id": 4951234567890123456, "shop_id": 4463798})}]).encode()


def _event_sign(body: bytes, key: str = APP_KEY, secret: str = APP_SECRET) -> str:
    """Return event-sign as the issue states it: MD5(app_key + body + app_secret)."""
    return hashlib.md5(key.encode() + body + secret.encode()).hexdigest()


def test_a_douyin_push_signed_as_the_issue_states_is_acknowledged_as_douyin_requires(client, douyin_shop):
    body = _unknown_tag_push()
    response = client.post(douyin_shop, data=body, headers={"event-sign": _event_sign(body),
                                                            "Content-Type": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"code": 0, "msg": "success"}


@pytest.mark.parametrize("headers_for", [
    lambda body: {},
    lambda body: {"event-sign": _event_sign(body + b" ")},
    lambda body: {"event-sign": _event_sign(body, secret="not-the-secret")},
    lambda body: {"event-sign": "0" * 32},
], ids=["missing", "tampered", "wrong-secret", "made-up"])
def test_a_bad_or_missing_signature_answers_401_and_stores_nothing(app, client, douyin_shop, headers_for):
    before = _stored(app)
    body = _unknown_tag_push()
    response = client.post(douyin_shop, data=body, headers={**headers_for(body), "Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_signature"
    assert _stored(app) == before


def test_a_redelivered_message_is_kept_once(app, client, douyin_shop):
    body = _unknown_tag_push("m-redelivered")
    for _ in range(3):
        response = client.post(douyin_shop, data=body, headers={"event-sign": _event_sign(body)})
        assert response.status_code == 200 and response.get_json() == {"code": 0, "msg": "success"}
    with app.app_context():
        rows = db.session.scalars(sa.select(AdapterInboxMessage.message_id)).all()
    assert rows.count("m-redelivered") == 1


def test_an_unknown_connection_or_platform_is_a_404_in_the_api_error_shape(client, douyin_shop):
    for path, field in (("/api/v1/adapters/douyin/nobody", "name"), ("/api/v1/adapters/taobao/dy", "platform"),
                        ("/api/v1/adapters/tiktok_shop/dy", "name")):
        response = client.post(path, data=b"[]")
        assert response.status_code == 404
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == ("not_found", field) and error["message"]


def test_every_platform_the_issue_names_can_be_connected_from_the_cli(app, broadcast_id):
    runner = app.test_cli_runner()
    for platform in ("douyin", "tiktok_shop", "kuaishou", "tiktok_live", "douyin_live", "bilibili"):
        secret = {"kuaishou": "MDEyMzQ1Njc4OWFiY2RlZg=="}.get(platform, "s3cret-0123456789-" + platform)
        args = ["create-connection", f"c-{platform}", "--platform", platform, "--broadcast", str(broadcast_id)]
        if platform in ("douyin", "tiktok_shop", "kuaishou"):
            args += ["--app-key", "key-" + platform, "--app-secret", secret]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (platform, result.output)
        assert re.search(rf"/api/v1/adapters/{platform}/c-{platform}\b", result.output), result.output


def test_a_forwarded_tiktok_live_chat_lands_as_a_chat_event_of_the_connections_broadcast(app, client, broadcast_id):
    result = app.test_cli_runner().invoke(args=["create-connection", "room", "--platform", "tiktok_live", "--broadcast",
                                                str(broadcast_id), "--app-secret", "room-secret-0123456789"])
    assert result.exit_code == 0, result.output
    body = json.dumps([{"event": "chat", "id": "fw-1", "ts": int(time.time() * 1000), "data": {
        "comment": "3号 还有吗", "userId": "6813181309701719620", "uniqueId": "tester", "nickname": "Tester",
        "msgId": "7137750790064065286", "createTime": str(int(time.time() * 1000))}}]).encode()
    unsigned = client.post("/api/v1/adapters/tiktok_live/room", data=body, content_type="application/json")
    assert unsigned.status_code == 401
    signed = {"X-LiveDesk-Signature": sign(body, "room-secret-0123456789", int(time.time()))}
    for _ in range(2):  # a forwarder that retries gives one event
        response = client.post("/api/v1/adapters/tiktok_live/room", data=body, headers=signed,
                               content_type="application/json")
        assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        events = db.session.execute(sa.select(EventLog.broadcast_id, EventLog.type)
                                    .where(EventLog.type == "chat")).all()
    assert [tuple(e) for e in events] == [(broadcast_id, "chat")]


def test_the_openapi_document_describes_the_adapter_endpoint_and_the_connections_api(api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/adapters/{platform}/{name}"]
    assert {"get", "post"} <= set(paths["/api/v1/connections"])


TTS_KEY, TTS_SECRET = "6aa1b2c3d4e5f", "e59af819cc2a3b4c5d6e7f8091a2b3c4d5e6f708"


@pytest.fixture
def tiktok_shop(app, broadcast_id):
    """Return the endpoint of a TikTok Shop connection made from the CLI."""
    result = app.test_cli_runner().invoke(args=[
        "create-connection", "tts", "--platform", "tiktok_shop", "--broadcast", str(broadcast_id),
        "--shop-id", "7494049642642441621", "--app-key", TTS_KEY, "--app-secret", TTS_SECRET])
    assert result.exit_code == 0, result.output
    return "/api/v1/adapters/tiktok_shop/tts"


def _tts_body(notification_id: str = "7327112393057371999") -> bytes:
    return json.dumps({"type": 99, "tts_notification_id": notification_id, "shop_id": "7494049642642441621",
                       "timestamp": int(time.time()), "data": {"order_id": "576486316948490001"}}).encode()


def _tts_signature(body: bytes, secret: str = TTS_SECRET) -> str:
    """Return TikTok Shop's webhook signature: hex HMAC-SHA256(app_secret, app_key + body)."""
    return hmac.new(secret.encode(), TTS_KEY.encode() + body, hashlib.sha256).hexdigest()


def test_a_tiktok_shop_webhook_of_an_unknown_type_is_acknowledged_once(app, client, tiktok_shop):
    body = _tts_body()
    for _ in range(2):
        response = client.post(tiktok_shop, data=body, headers={"Authorization": _tts_signature(body)},
                               content_type="application/json")
        assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AdapterInboxMessage)) == 1


@pytest.mark.parametrize("signature_for", [
    lambda body: None,
    lambda body: _tts_signature(body + b" "),
    lambda body: _tts_signature(body, secret="another-secret-of-the-wrong-app"),
], ids=["missing", "tampered", "wrong-secret"])
def test_a_tiktok_shop_webhook_without_its_signature_answers_401_and_stores_nothing(app, client, tiktok_shop,
                                                                                    signature_for):
    body = _tts_body()
    signature = signature_for(body)
    headers = {"Authorization": signature} if signature else {}
    response = client.post(tiktok_shop, data=body, headers=headers, content_type="application/json")
    assert response.status_code == 401
    assert _stored(app) == (0, 0)


def test_a_commerce_connection_takes_the_app_secret_the_platform_issued_whatever_its_length(app, client,
                                                                                           broadcast_id):
    result = app.test_cli_runner().invoke(args=[
        "create-connection", "dy-short", "--platform", "douyin", "--broadcast", str(broadcast_id),
        "--app-key", "K1", "--app-secret", "S3cret"])
    assert result.exit_code == 0, result.output
    body = _unknown_tag_push("m-short-secret")
    signed = client.post("/api/v1/adapters/douyin/dy-short", data=body,
                         headers={"event-sign": _event_sign(body, "K1", "S3cret")})
    assert signed.status_code == 200 and signed.get_json() == {"code": 0, "msg": "success"}
    forged = client.post("/api/v1/adapters/douyin/dy-short", data=body,
                         headers={"event-sign": _event_sign(body, "K1", "S3cres")})
    assert forged.status_code == 401


def test_a_live_room_secret_a_person_chooses_must_still_be_long(app, broadcast_id):
    result = app.test_cli_runner().invoke(args=["create-connection", "room-short", "--platform", "tiktok_live",
                                                "--broadcast", str(broadcast_id), "--app-secret", "short"])
    assert result.exit_code != 0 and "16 to 128" in result.output
