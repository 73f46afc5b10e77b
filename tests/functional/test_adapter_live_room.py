"""The platform endpoint with live-room connectors: signed forwarder posts land as events in the connection's
broadcast, once, whatever the platform redelivers; bad signatures store nothing; refusals are logged."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.adapters.models import AdapterInboxMessage, AdapterRejection, PlatformConnection
from live.models import Broadcast, EventLog
from tests.support.auth import csrf_token, login
from tests.support.live_room import at, body, item, renamed, signed


@pytest.fixture
def admin(app, users):
    """Return (a client logged in as admin, its API headers)."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


@pytest.fixture
def broadcast_id(api):
    """Return the id of a live broadcast."""
    return api.live_broadcast("Room test")


def create(admin, name: str, platform: str, broadcast_id: int, **extra) -> dict:
    """Create a connection through the API; return its JSON (with the secret)."""
    client, headers = admin
    response = client.post("/api/v1/connections", json={"name": name, "platform": platform,
                                                        "broadcast_id": broadcast_id, **extra}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def tiktok(admin, broadcast_id):
    """Return a tiktok_live connection's JSON (with its secret)."""
    return create(admin, "shop-tt", "tiktok_live", broadcast_id)


def deliver(client, connection: dict, payload: bytes, headers: dict | None = None, platform: str | None = None):
    """Post payload to the connection's endpoint, signed with its secret unless headers are given."""
    headers = signed(payload, connection["secret"]) if headers is None else headers
    path = connection["endpoint"] if platform is None else f"/api/v1/adapters/{platform}/{connection['name']}"
    return client.post(path, data=payload, headers=headers)


def now_item(platform: str, name: str, suffix: str = "") -> dict:
    """Return a fixture item with its times set to now (so the broadcast's event window takes it)."""
    entry = at(item(platform, name), datetime.now(timezone.utc))
    return renamed(entry, suffix) if suffix else entry


def logged(app, source: str) -> list[tuple[str, str]]:
    """Return (type, event id) of the events logged under source."""
    with app.app_context():
        return [(r.type, r.event_id) for r in db.session.scalars(
            sa.select(EventLog).where(EventLog.source == source).order_by(EventLog.id))]


def inbox(app) -> list[tuple[str, str, str | None]]:
    """Return (kind, status, error) of every inbox row."""
    with app.app_context():
        return [(r.kind, r.status, r.error) for r in db.session.scalars(
            sa.select(AdapterInboxMessage).order_by(AdapterInboxMessage.id))]


def rejections(app) -> list[AdapterRejection]:
    """Return every logged refusal."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(AdapterRejection).order_by(AdapterRejection.id)))
        db.session.expunge_all()
        return rows


def test_creating_a_connection_shows_its_secret_once_and_its_endpoint(admin, tiktok):
    client, _headers = admin
    assert tiktok["secret"].startswith("lds_") and tiktok["endpoint"] == "/api/v1/adapters/tiktok_live/shop-tt"
    shown = client.get("/api/v1/connections/shop-tt").get_json()
    assert "secret" not in shown and tiktok["secret"] not in str(shown)
    assert shown["secret_fingerprint"] == tiktok["secret_fingerprint"]
    listed = client.get("/api/v1/connections").get_json()["connections"]
    assert [c["name"] for c in listed] == ["shop-tt"] and tiktok["secret"] not in str(listed)


def test_a_signed_chat_lands_in_the_connections_broadcast_and_is_acknowledged(app, client, tiktok, broadcast_id):
    response = deliver(client, tiktok, body(now_item("tiktok_live", "chat")))
    assert (response.status_code, response.get_json()) == (200, {"ok": True})
    assert logged(app, "adapter:shop-tt") == [("chat", "chat:7137750790064065286")]
    with app.app_context():
        row = db.session.scalar(sa.select(EventLog).where(EventLog.source == "adapter:shop-tt"))
        assert row.broadcast_id == broadcast_id and row.payload["text"] == "How are you?"
    assert inbox(app) == [("chat", "done", None)]


def test_a_redelivered_message_is_acknowledged_and_makes_one_event(app, client, tiktok):
    payload = body(now_item("tiktok_live", "chat"))
    assert deliver(client, tiktok, payload).status_code == 200
    assert deliver(client, tiktok, payload).status_code == 200
    assert len(logged(app, "adapter:shop-tt")) == 1 and len(inbox(app)) == 1
    with app.app_context():
        row = db.session.scalar(sa.select(PlatformConnection))
        assert (row.received_count, row.duplicate_count) == (1, 1)


def test_the_same_message_twice_in_one_request_is_stored_once(app, client, tiktok):
    chat = now_item("tiktok_live", "chat")
    assert deliver(client, tiktok, body(chat, chat)).status_code == 200
    assert len(inbox(app)) == 1 and len(logged(app, "adapter:shop-tt")) == 1


@pytest.mark.parametrize("headers", [{}, {"X-LiveDesk-Signature": "t=1,v1=00"}, "wrong", "tampered"])
def test_a_bad_or_missing_signature_answers_401_and_stores_nothing_but_the_reason(app, client, tiktok, headers):
    payload = body(now_item("tiktok_live", "chat"))
    if headers == "wrong":
        headers = signed(payload, "lds_a-secret-of-someone-else-0000")
    elif headers == "tampered":
        headers = signed(payload, tiktok["secret"])
        payload = payload.replace(b"How are you", b"Pay me now!")
    response = deliver(client, tiktok, payload, headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "bad_signature"
    assert inbox(app) == [] and logged(app, "adapter:shop-tt") == []
    [refusal] = rejections(app)
    assert (refusal.status, refusal.code, refusal.excerpt) == (401, "bad_signature", None)


def test_unknown_events_are_acknowledged_and_logged_as_ignored(app, client, tiktok):
    payload = body({"event": "linkMicBattle", "id": "b-1", "data": {"battleUsers": []}}, now_item("tiktok_live", "social"))
    assert deliver(client, tiktok, payload).status_code == 200
    statuses = inbox(app)
    assert [status for _kind, status, _error in statuses] == ["ignored", "ignored"]
    assert "mapped to no event" in statuses[0][2]
    assert logged(app, "adapter:shop-tt") == []


def test_a_malformed_body_answers_400_and_keeps_an_excerpt_to_see_why(app, client, tiktok):
    payload = b'[{"event": "chat"}]'
    response = deliver(client, tiktok, payload)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "[0].data"
    [refusal] = rejections(app)
    assert refusal.status == 400 and refusal.excerpt == payload.decode()
    assert inbox(app) == []


def test_a_body_over_the_limit_answers_413(app, client, tiktok):
    payload = b"[" + b" " * (1024 * 1024 + 10) + b"]"
    response = deliver(client, tiktok, payload)
    assert response.status_code == 413
    assert [r.code for r in rejections(app)] == ["too_large"]


def test_unknown_platforms_and_connections_answer_404(client, tiktok):
    payload = body(now_item("tiktok_live", "chat"))
    assert deliver(client, tiktok, payload, platform="myspace").status_code == 404
    assert deliver(client, tiktok, payload, platform="bilibili").status_code == 404  # the name is tiktok_live's
    assert client.post("/api/v1/adapters/tiktok_live/nobody", data=payload).status_code == 404


def test_gifts_likes_and_viewer_counts_are_kept_as_events(app, client, tiktok):
    payload = body(now_item("tiktok_live", "gift_streak_running"), now_item("tiktok_live", "gift_streak_end"),
                   now_item("tiktok_live", "like"), now_item("tiktok_live", "room_user"))
    assert deliver(client, tiktok, payload).status_code == 200
    assert [kind for kind, _id in logged(app, "adapter:shop-tt")] == ["gift", "like", "viewer_count"]
    assert [status for _k, status, _e in inbox(app)] == ["ignored", "done", "done", "done"]


def test_an_event_the_ingestion_refuses_fails_its_message_but_is_still_acknowledged(app, client, tiktok):
    payload = body(item("tiktok_live", "chat"))  # its time is in 2022: far outside the broadcast's window
    assert deliver(client, tiktok, payload).status_code == 200
    [(_kind, status, error)] = inbox(app)
    assert status == "failed" and "out_of_range" in error
    [refusal] = rejections(app)
    assert refusal.code == "message_failed" and refusal.message_id == "chat:7137750790064065286"


def test_the_stream_end_ends_the_live_broadcast(app, client, tiktok, broadcast_id):
    entry = {"event": "streamEnd", "id": "end-1", "ts": int(datetime.now(timezone.utc).timestamp() * 1000),
             "data": {"action": 3}}
    assert deliver(client, tiktok, body(entry)).status_code == 200
    with app.app_context():
        assert db.session.get(Broadcast, broadcast_id).status == "ended"
    assert inbox(app) == [("streamEnd", "done", None)]


def test_each_live_room_platform_lands_its_chat(app, client, admin, broadcast_id):
    for platform, name in (("douyin_live", "chat"), ("bilibili", "danmu_msg")):
        connection = create(admin, f"room-{platform}", platform, broadcast_id)
        assert deliver(client, connection, body(now_item(platform, name))).status_code == 200
        assert [kind for kind, _id in logged(app, f"adapter:room-{platform}")] == ["chat"]


def test_after_a_rotation_both_secrets_work_until_the_grace_period_ends(app, client, admin, tiktok):
    admin_client, headers = admin
    rotated = admin_client.post("/api/v1/connections/shop-tt/rotate", headers=headers).get_json()
    assert rotated["secret"] != tiktok["secret"]
    assert rotated["previous_secret_fingerprint"] == tiktok["secret_fingerprint"]
    assert deliver(client, tiktok, body(now_item("tiktok_live", "chat", "a"))).status_code == 200
    assert deliver(client, rotated, body(now_item("tiktok_live", "chat", "b"))).status_code == 200
    with app.app_context():
        row = db.session.scalar(sa.select(PlatformConnection))
        row.previous_expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
    assert deliver(client, tiktok, body(now_item("tiktok_live", "chat", "c"))).status_code == 401
    assert len(logged(app, "adapter:shop-tt")) == 2


def test_the_test_payload_goes_through_the_real_path_and_lands_an_event(app, admin, tiktok, broadcast_id):
    client, headers = admin
    result = client.post("/api/v1/connections/shop-tt/test", headers=headers).get_json()
    assert (result["status"], result["stored"]) == (200, 1)
    assert [(m["status"], m["events"]) for m in result["messages"]] == [("done", 1)]
    assert result["connection"]["last_message_at"] is not None
    assert [kind for kind, _id in logged(app, "adapter:shop-tt")] == ["chat"]


def test_the_rejected_log_lists_refusals_newest_first_with_the_reason(admin, client, tiktok):
    deliver(client, tiktok, b"{}", {})
    deliver(client, tiktok, b"not json")
    admin_client, _headers = admin
    page = admin_client.get("/api/v1/connections/shop-tt/rejected").get_json()
    assert page["total"] == 2 and [r["code"] for r in page["rejected"]] == ["invalid_json", "bad_signature"]
    assert page["rejected"][1]["excerpt"] is None


def test_a_connection_can_be_moved_to_the_next_broadcast(app, api, admin, client, tiktok):
    next_show = api.live_broadcast("Next show")
    admin_client, headers = admin
    moved = admin_client.patch("/api/v1/connections/shop-tt", json={"broadcast_id": next_show}, headers=headers)
    assert moved.status_code == 200 and moved.get_json()["broadcast_id"] == next_show
    deliver(client, tiktok, body(now_item("tiktok_live", "chat")))
    with app.app_context():
        assert db.session.scalar(sa.select(EventLog.broadcast_id).where(EventLog.source == "adapter:shop-tt")) == next_show


@pytest.mark.parametrize("body_, field", [
    ({"name": "a/b", "platform": "tiktok_live", "broadcast_id": 1}, "name"),
    ({"name": "ok", "platform": "myspace", "broadcast_id": 1}, "platform"),
    ({"name": "ok", "platform": "tiktok_live", "broadcast_id": 999}, "broadcast_id"),
    ({"name": "ok", "platform": "tiktok_live", "broadcast_id": "1"}, "broadcast_id"),
    ({"name": "ok", "platform": "douyin", "broadcast_id": 1}, "app_secret"),
    ({"name": "ok", "platform": "tiktok_live", "broadcast_id": 1, "settings": {"zone": "Mars/Base"}}, "settings.zone"),
    ({"name": "ok", "platform": "tiktok_live", "broadcast_id": 1, "app_secret": "short"}, "app_secret"),
])
def test_a_bad_connection_is_refused_naming_the_field_and_nothing_is_stored(app, admin, broadcast_id, body_, field):
    client, headers = admin
    response = client.post("/api/v1/connections", json=body_, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlatformConnection)) == 0


def test_a_second_connection_of_the_same_name_is_a_conflict(admin, tiktok, broadcast_id):
    client, headers = admin
    response = client.post("/api/v1/connections", json={"name": "shop-tt", "platform": "bilibili",
                                                        "broadcast_id": broadcast_id}, headers=headers)
    assert response.status_code == 409
