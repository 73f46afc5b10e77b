"""Hostile and malformed input at the console's edges: platform signatures, connection settings and secrets,
user accounts and the moderation policy. Each test is a defect found by probing the running server."""
from __future__ import annotations

import base64
import json
import time

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from live.adapters.models import PlatformConnection
from tests.support.auth import csrf_token, login
from tests.support.live_room import body, item, signed

KUAISHOU_KEY = base64.b64encode(bytes(range(16))).decode()


@pytest.fixture
def admin(app, users):
    """Return (a client logged in as admin, its API headers)."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


@pytest.fixture
def broadcast_id(api):
    """Return the id of a live broadcast."""
    return api.live_broadcast("Probe show")


def _create(admin, **fields):
    client, headers = admin
    return client.post("/api/v1/connections", json=fields, headers=headers)


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(PlatformConnection))


@pytest.mark.parametrize("platform, header, value", [
    ("douyin", "event-sign", "é" * 32),
    ("tiktok_shop", "Authorization", "é" * 64),
    ("tiktok_live", "X-LiveDesk-Signature", "t={now},v1=é"),
    ("tiktok_live", "X-LiveDesk-Signature", "t=²,v1=00"),
], ids=["douyin", "tiktok_shop", "forwarder_digest", "forwarder_time"])
def test_a_signature_with_characters_outside_ascii_is_refused_with_401_not_a_500(client, admin, broadcast_id,
                                                                                  platform, header, value):
    extra = {} if platform == "tiktok_live" else {"app_key": "key-1", "app_secret": "s" * 32}
    made = _create(admin, name="shop", platform=platform, broadcast_id=broadcast_id, **extra)
    assert made.status_code == 201, made.get_json()
    payload = b'[{"tag":"0","msg_id":"0","data":"{}"}]' if platform == "douyin" else b"{}"
    response = client.post(f"/api/v1/adapters/{platform}/shop", data=payload, headers={header: value.format(now=int(time.time()))})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "bad_signature"


def test_a_signed_events_request_with_a_non_ascii_signature_is_refused_with_401(app, admin, broadcast_id):
    client, headers = admin
    made = client.post("/api/v1/tokens", json={"name": "signed", "scopes": ["ingest"], "signing_secret": True},
                       headers=headers).get_json()
    for signature in ("t=²,v1=00", f"t={int(time.time())},v1=é"):
        response = app.test_client().post(f"/api/v1/broadcasts/{broadcast_id}/events", data=b'{"events": []}',
                                          headers={"Authorization": f"Bearer {made['token']}",
                                                   "Content-Type": "application/json",
                                                   "X-LiveDesk-Signature": signature})
        assert response.status_code == 401, response.get_data(as_text=True)


@pytest.mark.parametrize("tolerance", ["abc", True, -5, 0, 10**12, 1.5])
def test_a_signature_tolerance_that_is_not_a_number_of_seconds_is_refused(app, admin, broadcast_id, tolerance):
    response = _create(admin, name="room", platform="tiktok_live", broadcast_id=broadcast_id,
                       settings={"signature_tolerance_seconds": tolerance})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "settings.signature_tolerance_seconds"
    assert _count(app) == 0


def test_a_tolerance_stored_before_it_was_checked_does_not_break_deliveries(app, client, admin, broadcast_id):
    made = _create(admin, name="room", platform="tiktok_live", broadcast_id=broadcast_id).get_json()
    with app.app_context():
        row = db.session.scalar(sa.select(PlatformConnection).where(PlatformConnection.name == "room"))
        row.settings = {"signature_tolerance_seconds": "abc"}
        db.session.commit()
    payload = body(item("tiktok_live", "chat"))
    assert client.post(made["endpoint"], data=payload, headers={"X-LiveDesk-Signature": "t=1,v1=00"}).status_code == 401
    assert client.post(made["endpoint"], data=payload, headers=signed(payload, made["secret"])).status_code == 200


def test_a_kuaishou_connection_needs_a_message_key_it_can_decrypt_with(app, admin, broadcast_id):
    refused = _create(admin, name="ks", platform="kuaishou", broadcast_id=broadcast_id, app_key="ks-app",
                      app_secret="K" * 20)
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "app_secret"
    assert _count(app) == 0
    made = _create(admin, name="ks", platform="kuaishou", broadcast_id=broadcast_id, app_key="ks-app",
                   app_secret=KUAISHOU_KEY)
    assert made.status_code == 201
    client, headers = admin
    rotated = client.post("/api/v1/connections/ks/rotate", json={"secret": "not-a-base64-aes-key!"}, headers=headers)
    assert rotated.status_code == 400 and rotated.get_json()["error"]["field"] == "secret"
    tested = client.post("/api/v1/connections/ks/test", headers=headers).get_json()
    assert tested["status"] == 200, tested


@pytest.mark.parametrize("change", [{}, {"bogus": 1}, {"role": "host", "password": "x"}])
def test_a_user_change_with_nothing_known_to_change_is_refused(app, admin, change):
    client, headers = admin
    response = client.patch("/api/v1/users/host", json=change, headers=headers)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["field"] in ("body", "bogus", "password")


def test_a_username_that_differs_only_in_case_is_taken(app, admin):
    client, headers = admin
    response = client.post("/api/v1/users", json={"username": "HOST", "role": "admin"}, headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "name_taken"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username == "HOST")) == 0


def test_a_too_long_allowed_domain_is_named_as_such(app, api, users, broadcast_id):
    client = login(app, "moderator")
    headers = {"X-CSRFToken": csrf_token(client, "/settings")}
    response = client.put(f"/api/v1/broadcasts/{broadcast_id}/moderation-policy",
                          json={"policy": {"allowed_domains": ["shop.example", "a" * 150]}}, headers=headers)
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["field"] == "policy.allowed_domains[1]"
    assert "100 characters" in error["message"]
    huge = client.put(f"/api/v1/broadcasts/{broadcast_id}/moderation-policy",
                      json={"policy": {"flood_messages": 10**9}}, headers=headers).get_json()["error"]
    assert "e+" not in huge["message"], huge
    assert json.dumps(huge)  # the body stays JSON


def test_a_superscript_digit_in_a_form_or_a_platform_time_is_refused_not_a_500(app, admin, broadcast_id):
    from live.adapters.base import AdapterError
    from live.adapters.mapping import platform_time
    from zoneinfo import ZoneInfo
    client, _headers = admin
    page = client.post("/connections", data={"csrf_token": csrf_token(client, "/connections"), "name": "room",
                                             "platform": "tiktok_live", "broadcast_id": "²"})
    assert page.status_code == 400 and _count(app) == 0
    for value in ("²", "-²", "12²"):
        with pytest.raises(AdapterError):
            platform_time(value, "createTime", ZoneInfo("Asia/Shanghai"))


def test_the_users_page_offers_no_button_the_admin_cannot_use_on_their_own_row(app, admin):
    client, _headers = admin
    page = client.get("/users").get_data(as_text=True)
    own = page.split('data-username="admin"', 1)[1].split("</tr>", 1)[0]
    assert "/users/admin/" not in own and 'href="/settings"' in own
    other = page.split('data-username="host"', 1)[1].split("</tr>", 1)[0]
    assert "/users/host/role" in other and "/users/host/disabled" in other and "/users/host/reset-password" in other


def test_a_product_added_after_link_9999_gets_a_free_link_number_within_range(api):
    api.product("A1")
    api.product("B2")
    broadcast = api.post("/api/v1/broadcasts", json={"title": "Long show", "platform": "douyin"}).get_json()["id"]
    assert api.post(f"/api/v1/broadcasts/{broadcast}/products", json={"sku": "A1", "link_no": 9999}).status_code == 201
    added = api.post(f"/api/v1/broadcasts/{broadcast}/products", json={"sku": "B2"})
    assert added.status_code == 201 and added.get_json()["link_no"] == 1


@pytest.mark.parametrize("settings", [[], "", 0, False])
def test_settings_that_are_not_an_object_are_refused(app, admin, broadcast_id, settings):
    response = _create(admin, name="room", platform="tiktok_live", broadcast_id=broadcast_id, settings=settings)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "settings"
    assert _count(app) == 0


@pytest.mark.parametrize("app_key", ["key\x00", "key\n", "\u202ekey"])
def test_an_app_key_with_control_characters_is_refused(app, admin, broadcast_id, app_key):
    response = _create(admin, name="shop", platform="douyin", broadcast_id=broadcast_id, app_key=app_key,
                       app_secret="s" * 32)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "app_key"
    assert _count(app) == 0


def test_the_add_user_form_does_not_offer_administrator_by_default(app, admin):
    page = admin[0].get("/users").get_data(as_text=True)
    select = page.split('id="new-role"', 1)[1].split("</select>", 1)[0]
    first = select.split("<option", 2)[1]
    assert 'value=""' in first and "selected" in first
    assert 'value="admin" selected' not in select


@pytest.mark.parametrize("change", [{}, {"reason": "nothing"}, {"policy": {}, "chat_mode": {}}])
def test_a_policy_change_of_nothing_is_refused_and_not_logged(app, api, users, broadcast_id, change):
    client = login(app, "moderator")
    headers = {"X-CSRFToken": csrf_token(client, "/settings")}
    response = client.put(f"/api/v1/broadcasts/{broadcast_id}/moderation-policy", json=change, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "body"
    assert client.get("/api/v1/moderation/log", headers=headers).get_json()["actions"] == []


def test_banning_a_banned_viewer_again_answers_the_same_ban_so_one_undo_lifts_it(app, api, users, broadcast_id):
    client = login(app, "moderator")
    headers = {"X-CSRFToken": csrf_token(client, "/settings")}
    path = "/api/v1/moderation/viewers/alice"
    first = client.post(f"{path}/ban", json={"broadcast_id": broadcast_id}, headers=headers).get_json()
    again = client.post(f"{path}/ban", json={"broadcast_id": broadcast_id}, headers=headers).get_json()
    assert again["id"] == first["id"]
    undone = client.post(f"{path}/lift", json={"sanction_id": again["id"]}, headers=headers)
    assert undone.status_code == 200
    check = client.post("/api/v1/moderation/check", json={"text": "hello there", "broadcast_id": broadcast_id,
                                                          "viewer_id": "alice"}, headers=headers).get_json()
    assert "viewer_ban" not in [reason["code"] for reason in check["reasons"]], check


@pytest.mark.parametrize("password", [" " * 12, "\x00" * 12, "\u200b" * 12, "abc" + " " * 9])
def test_a_password_of_spaces_or_invisible_characters_is_too_short(app, admin, password):
    client, headers = admin
    response = client.post("/api/v1/users", json={"username": "blank", "role": "host", "password": password},
                           headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "password_too_short"
    spaced = client.post("/api/v1/users", json={"username": "spaced", "role": "host",
                                                "password": "violet harbour 1987"}, headers=headers)
    assert spaced.status_code == 201
