"""Logging in, roles, CSRF, password hashing and the UI language."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import User
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from tests.support.auth import csrf_token, login


def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password_is_refused_with_a_message(client, users):
    response = client.post("/login", data={"username": "host", "password": "nope-nope", "csrf_token": csrf_token(client)})
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"username": "host", "password": "password123"})
    assert response.status_code == 400


def test_host_logs_in_and_sees_the_broadcast_list(app, users):
    page = login(app, "host").get("/").get_data(as_text=True)
    assert "Broadcasts" in page


def test_login_does_not_redirect_off_site(app, users):
    client = app.test_client()
    response = client.post("/login?next=https://evil.example/", data={
        "username": "host", "password": "password123", "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"


def test_passwords_are_hashed_with_argon2id_at_owasp_cost():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong")


def test_api_writes_with_a_session_need_the_csrf_header(app, users):
    client = login(app, "admin")
    body = {"sku": "S1", "name": "n", "price": "1.00", "stock": 1}
    assert client.post("/api/v1/products", json=body).status_code == 403
    token = csrf_token(client, "/")
    assert client.post("/api/v1/products", json=body, headers={"X-CSRFToken": token}).status_code == 201


def test_roles_limit_api_writes(app, users):
    client = login(app, "analyst")
    response = client.post("/api/v1/products", json={"sku": "S1", "name": "n", "price": "1", "stock": 1},
                           headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_ui_language_follows_accept_language(app, users):
    client = login(app, "host")
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "直播场次" in page


def test_users_language_setting_wins_over_the_browser(app, users):
    client = login(app, "host")
    client.post("/settings", data={"locale": "en", "csrf_token": csrf_token(client, "/settings")})
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Broadcasts" in page and "直播场次" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(User.locale).where(User.username == "host")) == "en"


def test_settings_reject_an_unknown_language(app, users):
    client = login(app, "host")
    client.post("/settings", data={"locale": "xx", "csrf_token": csrf_token(client, "/settings")})
    with app.app_context():
        assert db.session.scalar(sa.select(User.locale).where(User.username == "host")) is None
