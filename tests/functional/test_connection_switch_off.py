"""An admin switches a connection off and on, and ends a leaked secret at once (probe 2 of session 15: a
connection could not be stopped, and a rotated-away secret kept working 24 hours whatever had happened to it)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.adapters.connections import connection_named
from live.adapters.models import AdapterRejection
from live.models import EventLog
from tests.functional.test_adapter_live_room import create, deliver, now_item
from tests.support.auth import csrf_token, login
from tests.support.live_room import body


@pytest.fixture
def admin(app, users):
    """Return (a client logged in as admin, its API headers)."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


@pytest.fixture
def room(admin, api):
    """Return a tiktok_live connection's JSON (with its secret), feeding a live broadcast."""
    return create(admin, "room-1", "tiktok_live", api.live_broadcast("Switch test"))


def _events(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(EventLog))


def test_a_switched_off_connection_refuses_every_request_until_switched_on(app, admin, room, client):
    admin_client, headers = admin
    off = admin_client.post("/api/v1/connections/room-1/disable", headers=headers)
    assert off.status_code == 200
    assert (off.get_json()["enabled"], off.get_json()["disabled_by"]) == (False, "admin")
    assert off.get_json()["disabled_at"] is not None

    refused = deliver(client, room, body(now_item("tiktok_live", "chat", "a")))
    assert refused.status_code == 403
    assert refused.get_json()["error"] == {"code": "connection_disabled", "field": "name",
                                           "message": "this connection is switched off; an admin can switch it on"}
    assert _events(app) == 0
    with app.app_context():
        assert [r.code for r in db.session.scalars(sa.select(AdapterRejection))] == ["connection_disabled"]
    test = admin_client.post("/api/v1/connections/room-1/test", headers=headers).get_json()
    assert test["status"] == 403 and test["stored"] == 0

    assert admin_client.post("/api/v1/connections/room-1/disable", headers=headers).get_json()["enabled"] is False
    on = admin_client.post("/api/v1/connections/room-1/enable", headers=headers).get_json()
    assert (on["enabled"], on["disabled_at"], on["disabled_by"]) == (True, None, None)
    assert deliver(client, room, body(now_item("tiktok_live", "chat", "b"))).status_code == 200
    assert _events(app) == 1


def test_a_leaked_secret_stops_at_once_by_rotation_or_afterwards(admin, room, client):
    admin_client, headers = admin
    rotated = admin_client.post("/api/v1/connections/room-1/rotate", json={"keep_previous": False},
                                headers=headers).get_json()
    assert rotated["previous_secret_fingerprint"] is None
    assert deliver(client, room, body(now_item("tiktok_live", "chat", "a"))).status_code == 401
    assert deliver(client, rotated, body(now_item("tiktok_live", "chat", "b"))).status_code == 200

    graced = admin_client.post("/api/v1/connections/room-1/rotate", headers=headers).get_json()
    assert graced["previous_secret_fingerprint"] == rotated["secret_fingerprint"]
    assert deliver(client, rotated, body(now_item("tiktok_live", "chat", "c"))).status_code == 200
    ended = admin_client.delete("/api/v1/connections/room-1/previous-secret", headers=headers)
    assert ended.status_code == 200 and ended.get_json()["previous_secret_fingerprint"] is None
    assert deliver(client, rotated, body(now_item("tiktok_live", "chat", "d"))).status_code == 401
    assert deliver(client, graced, body(now_item("tiktok_live", "chat", "e"))).status_code == 200

    again = admin_client.delete("/api/v1/connections/room-1/previous-secret", headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "no_previous_secret"


def test_bad_values_are_refused_and_change_nothing(admin, room):
    admin_client, headers = admin
    bad = admin_client.post("/api/v1/connections/room-1/rotate", json={"keep_previous": "no"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "keep_previous"
    shown = admin_client.get("/api/v1/connections/room-1", headers=headers).get_json()
    assert shown["secret_fingerprint"] == room["secret_fingerprint"] and shown["rotated_at"] is None
    for path in ("/api/v1/connections/nope/disable", "/api/v1/connections/nope/enable"):
        assert admin_client.post(path, headers=headers).status_code == 404
    assert admin_client.delete("/api/v1/connections/nope/previous-secret", headers=headers).status_code == 404


def test_the_pages_switch_off_and_on_and_end_the_previous_secret(app, admin, room):
    admin_client, _headers = admin
    token = csrf_token(admin_client, "/connections/room-1")
    off = admin_client.post("/connections/room-1/enabled", data={"csrf_token": token, "enabled": "0"},
                            follow_redirects=True).get_data(as_text=True)
    assert 'id="switched-off"' in off and 'id="switch-on"' in off and 'id="switch-off"' not in off
    assert "switched-off" in admin_client.get("/connections").get_data(as_text=True)
    on = admin_client.post("/connections/room-1/enabled", data={"csrf_token": token, "enabled": "1"},
                           follow_redirects=True).get_data(as_text=True)
    assert 'id="switched-off"' not in on and 'id="switch-off"' in on

    rotated = admin_client.post("/connections/room-1/rotate", data={"csrf_token": token}).get_data(as_text=True)
    assert 'id="end-previous"' in rotated
    ended = admin_client.post("/connections/room-1/previous-secret/end", data={"csrf_token": token},
                              follow_redirects=True).get_data(as_text=True)
    assert "The previous secret is no longer accepted." in ended and 'id="end-previous"' not in ended
    assert admin_client.post("/connections/room-1/previous-secret/end", data={"csrf_token": token}).status_code == 409
    dropped = admin_client.post("/connections/room-1/rotate", data={"csrf_token": token, "drop_previous": "1"})
    assert dropped.status_code == 200 and 'id="end-previous"' not in dropped.get_data(as_text=True)


def test_the_cli_switches_a_connection_and_rotates_without_grace(app, room):
    runner = app.test_cli_runner()
    assert "switched off" in runner.invoke(args=["switch-connection", "room-1", "off"]).output
    with app.app_context():
        assert connection_named(db.session, "room-1").disabled_by == "cli"
    assert "switched on" in runner.invoke(args=["switch-connection", "room-1", "on"]).output
    rotated = runner.invoke(args=["rotate-connection-secret", "room-1", "--drop-previous"])
    assert rotated.exit_code == 0 and "no longer accepted" in rotated.output
    with app.app_context():
        row = connection_named(db.session, "room-1")
        assert row.previous_secret is None and row.secret == rotated.output.split()[-1]
    assert runner.invoke(args=["switch-connection", "nope", "off"]).exit_code != 0


def test_a_refusal_reads_in_the_pages_language(app, admin, room, client):
    deliver(client, room, body(now_item("tiktok_live", "chat", "a")), {})  # no signature
    admin_client, _headers = admin
    page = admin_client.get("/connections/room-1", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "签名缺失、已过期，或不是用此连接的密钥生成的。" in page
    english = admin_client.get("/connections/room-1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The signature is missing, too old, or not made with this connection's secret." in english
