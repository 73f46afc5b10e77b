"""A shop connection's settings through the API (probe 3, session 14): a 抖店 / TikTok Shop / 快手 connection
made without its access token used to fail every order ("the connection has no access_token setting") with no
way to give the token afterwards. Now PATCH sets it (checked, unknown fields refused), the connection says what
it lacks, its orders wait for the token instead of failing, and no answer ever echoes a credential."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from live.adapters.models import AdapterInboxMessage, AdapterRejection
from live.adapters.processing import process_due
from tests.support.auth import csrf_token, login
from tests.support.platform_fakes import douyin as fake
from tests.support.platform_fakes.stubs import douyin_push, douyin_signed

ORDER = "4951234567890123456"
APP_KEY, APP_SECRET = "7123456789012345678", "2ad2355c-01d0-11f8-91dc-05a8cd1054b1"
TOKEN = "dy-token-7f3a9c1e5b"


@pytest.fixture
def platform():
    """Return the fake 抖店 API with one order placed and paid a minute ago."""
    state = fake.default_state(APP_KEY, APP_SECRET)
    state.access_token = TOKEN  # it answers only calls made with the token an admin gives
    now = int(time.time())
    fake.add_order(state, ORDER, create_time=now - 60, pay_time=now - 30)
    server = fake.serve(state)
    yield server
    server.stop()


@pytest.fixture
def admin(app, users):
    """Return (an admin's client, headers with its CSRF token) for the JSON API."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


@pytest.fixture
def shop(app, admin, api):
    """Return the JSON of a 抖店 connection made as the page and the CLI made them: no access token."""
    api.product("TEA-01", stock=10, price="79.00")
    broadcast_id = api.live_broadcast("抖店 settings", skus=("TEA-01",))
    client, headers = admin
    response = client.post("/api/v1/connections", headers=headers, json={
        "name": "dy-shop", "platform": "douyin", "broadcast_id": broadcast_id, "shop_id": "4463798",
        "app_key": APP_KEY, "app_secret": APP_SECRET})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def patch(admin, body, name: str = "dy-shop"):
    """PATCH the connection; return the response."""
    client, headers = admin
    return client.patch(f"/api/v1/connections/{name}", headers=headers, json=body)


def push_created(client):
    """Post a signed 抖店 order-created message (tag 100) of the fake's order."""
    raw = douyin_push(("100", "m-100", {"p_id": int(ORDER), "create_time": int(time.time()) - 60,
                                         "order_status": 1, "shop_id": 4463798}))
    response = client.post("/api/v1/adapters/douyin/dy-shop", data=raw, headers=douyin_signed(raw, APP_KEY,
                                                                                              APP_SECRET))
    assert response.status_code == 200, response.get_data(as_text=True)


def work(app) -> dict:
    """Run one pass of the inbox worker; return its counts."""
    with app.app_context():
        return process_due(db.session, utcnow(), app.config)


def inbox(app) -> list[tuple[str, str | None]]:
    """Return (status, note) of every inbox row."""
    with app.app_context():
        return [(row.status, row.error) for row in db.session.scalars(sa.select(AdapterInboxMessage))]


def test_a_shop_made_without_its_token_says_it_is_not_ready_and_what_it_lacks(shop):
    assert (shop["ready"], shop["missing"]) == (False, ["access_token"])


def test_the_access_token_is_set_later_and_never_echoed_back(admin, shop):
    response = patch(admin, {"settings": {"access_token": TOKEN}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["ready"], body["missing"]) == (True, [])
    assert body["settings"]["access_token"].startswith("fingerprint:")
    client, _headers = admin
    for answer in (response, client.get("/api/v1/connections/dy-shop"), client.get("/api/v1/connections"),
                   client.get("/connections/dy-shop"), client.get("/connections")):
        assert TOKEN not in answer.get_data(as_text=True)


def test_an_order_waits_for_the_token_then_lands_once_it_is_given(app, client, admin, api, shop, platform):
    push_created(client)
    assert work(app) == {"waiting": 1}
    assert inbox(app) == [("pending", "waiting for the connection's access_token")]
    assert platform.state.calls == []  # nothing asked of the platform without a token
    with app.app_context():  # waiting is no failure: nothing in the rejected messages
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AdapterRejection)) == 0
    assert patch(admin, {"settings": {"access_token": TOKEN, "api_base_url": platform.url,
                                      "backoff": 0}}).status_code == 200
    assert work(app) == {"done": 1}  # taken at the next pass, not a minute later
    assert api.get(f"/api/v1/orders/{ORDER}").get_json()["items"][0]["sku"] == "TEA-01"


def test_a_token_removed_again_makes_the_shop_not_ready(admin, shop):
    patch(admin, {"settings": {"access_token": TOKEN, "zone": "Asia/Shanghai"}})
    body = patch(admin, {"settings": {"access_token": None}}).get_json()
    assert (body["ready"], body["missing"], body["settings"]) == (False, ["access_token"], {"zone": "Asia/Shanghai"})


def test_only_the_fields_sent_change(admin, api, shop):
    other = api.live_broadcast("Next show")
    body = patch(admin, {"broadcast_id": other}).get_json()
    assert (body["broadcast_id"], body["shop_id"], body["app_key"]) == (other, "4463798", APP_KEY)
    body = patch(admin, {"shop_id": "999", "app_key": None}).get_json()
    assert (body["shop_id"], body["app_key"], body["missing"]) == ("999", None, ["app_key", "access_token"])


@pytest.mark.parametrize("body, field, code", [
    ({"app_secret": "n" * 32}, "app_secret", "unknown_field"),  # the secret changes by rotation
    ({"name": "renamed"}, "name", "unknown_field"),
    ({"settings": {"sign_secret": "x"}}, "settings.sign_secret", "unknown_field"),  # 快手's setting
    ({"settings": {"access_token": "two words"}}, "settings.access_token", "invalid_value"),
    ({"settings": {"api_base_url": "javascript:alert(1)"}}, "settings.api_base_url", "invalid_value"),
    ({"settings": {"decrypt_contacts": "no"}}, "settings.decrypt_contacts", "invalid_value"),
    ({"settings": "access_token=x"}, "settings", "invalid_value"),
    ({"broadcast_id": 999}, "broadcast_id", "unknown_broadcast"),
    ({"app_key": "k\x00"}, "app_key", "invalid_value"),
])
def test_a_refused_edit_names_the_field_and_changes_nothing(admin, shop, body, field, code):
    response = patch(admin, {"shop_id": "changed", **body})
    assert response.status_code == 400
    assert (response.get_json()["error"]["field"], response.get_json()["error"]["code"]) == (field, code)
    assert admin[0].get("/api/v1/connections/dy-shop").get_json()["shop_id"] == "4463798"


def test_a_refused_token_is_not_quoted_in_the_error(admin, shop):
    response = patch(admin, {"settings": {"access_token": "secret token"}})
    assert response.status_code == 400 and "secret token" not in response.get_data(as_text=True)


def test_settings_are_checked_when_a_connection_is_made_too(admin, shop):
    client, headers = admin
    response = client.post("/api/v1/connections", headers=headers, json={
        "name": "room", "platform": "bilibili", "broadcast_id": shop["broadcast_id"],
        "settings": {"access_token": TOKEN}})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "settings.access_token"
    response = client.post("/api/v1/connections", headers=headers, json={
        "name": "ks", "platform": "kuaishou", "broadcast_id": shop["broadcast_id"], "app_key": "ks-app",
        "app_secret": "MDEyMzQ1Njc4OWFiY2RlZg==", "settings": {"access_token": TOKEN}})
    assert response.status_code == 201 and response.get_json()["missing"] == ["sign_secret"]
    assert TOKEN not in response.get_data(as_text=True)


def test_the_test_payload_of_a_shop_without_its_token_says_the_shop_is_not_ready(admin, shop):
    client, headers = admin
    answer = client.post("/api/v1/connections/dy-shop/test", headers=headers).get_json()
    assert answer["status"] == 200 and answer["connection"]["missing"] == ["access_token"]
    page = client.post("/connections/dy-shop/test", data={"csrf_token": csrf_token(client, "/connections/dy-shop")})
    assert 'id="test-not-ready"' in page.get_data(as_text=True)
