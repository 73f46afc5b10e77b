"""Logging in, roles, CSRF, password hashing and the UI language."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from tests.support import databases
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


@pytest.mark.parametrize("target", ["////evil.example", "///evil.example", "//evil.example", "/\\evil.example",
                                    "/\\/evil.example", "/\t/evil.example", "/\n/evil.example", "https:evil.example"])
def test_login_never_redirects_to_a_path_a_browser_reads_as_another_host(app, users, target):
    client = app.test_client()
    response = client.post("/login", query_string={"next": target}, data={
        "username": "host", "password": "password123", "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_still_returns_to_a_page_of_the_console(app, users):
    client = app.test_client()
    response = client.post("/login?next=/promotions?x=1", data={
        "username": "host", "password": "password123", "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/promotions?x=1"


def _try(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)})


def test_after_five_wrong_passwords_a_username_must_wait_even_with_the_right_one(app, users):
    client = app.test_client()
    for _ in range(5):
        assert _try(client, "auditor", "wrong-guess").status_code == 401
    refused = _try(client, "auditor", "password123")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 900  # 15 minutes
    assert "Too many failed logins" in refused.get_data(as_text=True)
    assert _try(app.test_client(), "host", "password123").status_code == 302  # other users are not locked out


def test_one_address_guessing_many_usernames_must_wait(app, users):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    client = app.test_client()
    for name in ("admin", "host", "analyst"):
        assert _try(client, name, "wrong-guess").status_code == 401
    assert _try(client, "moderator", "password123").status_code == 429


def test_an_unknown_username_costs_the_same_password_check_as_a_known_one(app, users, monkeypatch):
    from app.auth import passwords

    checked = []
    real = passwords._hasher

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, stored, given):
            checked.append(stored)
            return real.verify(stored, given)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    client = app.test_client()
    assert _try(client, "host", "wrong-guess").status_code == 401
    assert _try(client, "nobody-by-this-name", "wrong-guess").status_code == 401
    assert len(checked) == 2 and all(stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for stored in checked)


def test_logging_in_starts_a_new_session_with_a_new_csrf_token(app, users):
    client = app.test_client()
    before = csrf_token(client)
    client.post("/login", data={"username": "host", "password": "password123", "csrf_token": before})
    assert csrf_token(client, "/") != before
    stale = client.post("/settings", data={"locale": "zh_CN", "csrf_token": before})
    assert stale.status_code == 400


def test_a_nul_in_the_username_is_a_failed_login_not_a_server_error(any_app):
    databases.create_users(any_app)
    client = any_app.test_client()
    response = _try(client, "ho\x00st", "password123")
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
