"""The admins' connection pages: create (secret shown once), rotate, move, send a test payload, see refusals."""
from __future__ import annotations

import re

import pytest

from tests.support.auth import csrf_token, login

SHOWN = re.compile(r'id="shown-value">([^<]+)<')


@pytest.fixture
def admin(app, users):
    """Return (a client logged in as admin, a form CSRF token)."""
    client = login(app, "admin")
    return client, csrf_token(client, "/connections")


@pytest.fixture
def broadcast_id(api):
    """Return the id of a live broadcast with a hostile title."""
    return api.live_broadcast("<img src=x onerror=alert(1)>")


def _create(admin, broadcast_id: int, name: str = "room-1", platform: str = "tiktok_live", **extra):
    client, token = admin
    return client.post("/connections", data={"csrf_token": token, "name": name, "platform": platform,
                                             "broadcast_id": str(broadcast_id), **extra})


def test_an_admin_creates_a_connection_and_sees_its_secret_once(admin, broadcast_id):
    client, _token = admin
    created = _create(admin, broadcast_id)
    assert created.status_code == 201
    page = created.get_data(as_text=True)
    [secret] = SHOWN.findall(page)
    assert 'id="shown-endpoint">http://localhost/api/v1/adapters/tiktok_live/room-1</code>' in page  # the URL alone
    assert secret not in client.get("/connections").get_data(as_text=True)
    assert secret not in client.get("/connections/room-1").get_data(as_text=True)


def test_hostile_titles_are_shown_as_text(admin, broadcast_id):
    _create(admin, broadcast_id)
    page = admin[0].get("/connections").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_refused_form_says_why_and_keeps_what_was_typed(admin, broadcast_id):
    refused = _create(admin, broadcast_id, name="bad name!")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Connection names are 1 to 48" in page and 'value="bad name!"' in page
    commerce = _create(admin, broadcast_id, name="shop", platform="douyin")
    assert commerce.status_code == 400 and "app secret" in commerce.get_data(as_text=True)


def test_the_test_button_lands_an_event_and_shows_the_last_message(admin, broadcast_id):
    _create(admin, broadcast_id)
    client, token = admin
    page = client.post("/connections/room-1/test", data={"csrf_token": token}).get_data(as_text=True)
    assert 'id="test-result"' in page and "The endpoint answered 200" in page
    assert "1 event(s) landed in broadcast #" in page
    assert 'id="inbox-done">1<' in page and 'id="last-message"><time' in page


def test_rotating_shows_the_new_secret_once_and_the_previous_fingerprint(admin, broadcast_id):
    [first] = SHOWN.findall(_create(admin, broadcast_id).get_data(as_text=True))
    client, token = admin
    page = client.post("/connections/room-1/rotate", data={"csrf_token": token}).get_data(as_text=True)
    [second] = SHOWN.findall(page)
    assert second != first and "Previous secret" in page and "accepted until" in page


def test_a_commerce_connection_is_rotated_with_the_platforms_new_secret(admin, broadcast_id):
    _create(admin, broadcast_id, name="shop", platform="douyin", app_key="key-1", app_secret="s" * 32)
    client, token = admin
    assert client.post("/connections/shop/rotate", data={"csrf_token": token}).status_code == 400
    page = client.post("/connections/shop/rotate", data={"csrf_token": token, "secret": "n" * 32})
    assert page.status_code == 200 and SHOWN.findall(page.get_data(as_text=True)) == ["n" * 32]


def test_moving_a_connection_to_another_broadcast(admin, api, broadcast_id):
    _create(admin, broadcast_id)
    other = api.live_broadcast("Next show")
    client, token = admin
    moved = client.post("/connections/room-1/broadcast", data={"csrf_token": token, "broadcast_id": str(other)},
                        follow_redirects=True)
    assert f"#{other} Next show" in moved.get_data(as_text=True)


def test_refusals_are_listed_with_the_reason_and_no_body_for_bad_signatures(admin, client, broadcast_id):
    _create(admin, broadcast_id)
    client.post("/api/v1/adapters/tiktok_live/room-1", data=b'[{"event":"chat","data":{"comment":"<b>x</b>"}}]')
    page = admin[0].get("/connections/room-1").get_data(as_text=True)
    assert "bad_signature" in page and "body not kept" in page and "<b>x</b>" not in page


def test_an_unknown_connection_page_is_404(admin):
    assert admin[0].get("/connections/nobody").status_code == 404


@pytest.mark.parametrize("role", ["host", "auditor", "moderator", "analyst"])
def test_only_admins_open_the_connection_pages(app, users, role):
    client = login(app, role)
    assert client.get("/connections").status_code == 403
    assert "/connections" not in client.get("/").get_data(as_text=True)


def test_the_nav_shows_connections_to_admins(admin):
    assert 'href="/connections"' in admin[0].get("/").get_data(as_text=True)
