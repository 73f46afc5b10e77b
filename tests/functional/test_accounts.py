"""Accounts and access: the users API and the users and tokens pages, set-password links, the first admin, the
password policy, login throttling and its log (API tokens themselves: test_api_tokens.py)."""
from __future__ import annotations

import logging
import re
import time
from types import SimpleNamespace

import itsdangerous.timed
import sqlalchemy as sa

from app.auth.models import User
from app.auth.passwords import password_problem
from app.extensions import db
from tests.support.auth import csrf_token, login

STRONG = "violet-harbour-1987"


def _admin(app):
    """Return (client logged in as admin, headers for its API calls)."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def test_the_password_policy_wants_length_and_refuses_common_passwords_and_the_username():
    assert password_problem("short") == "password_too_short"
    assert password_problem("password123") == "password_common"
    assert password_problem("Qwerty123456") == "password_common"  # compared case-folded
    assert password_problem("li.na-at-the-desk", "li.na") == "password_has_username"
    assert password_problem(STRONG, "li.na") is None


def test_an_admin_creates_a_user_with_a_password_who_can_then_log_in(app, users):
    client, headers = _admin(app)
    response = client.post("/api/v1/users", json={"username": "li.na", "role": "auditor", "password": STRONG},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["role"] == "auditor" and "set_password_url" not in response.get_json()
    login(app, "li.na", STRONG)
    listed = client.get("/api/v1/users").get_json()["users"]
    assert [u["username"] for u in listed] == sorted(u["username"] for u in listed) and \
        {"username": "li.na", "role": "auditor", "disabled": False}.items() <= \
        next(u for u in listed if u["username"] == "li.na").items()


def test_a_weak_initial_password_or_a_taken_name_is_refused_naming_the_field(app, users):
    client, headers = _admin(app)
    weak = client.post("/api/v1/users", json={"username": "bob", "role": "host", "password": "password123"},
                       headers=headers)
    assert weak.status_code == 400 and weak.get_json()["error"] == {
        "code": "password_common", "field": "password",
        "message": "this password is on the list of common passwords; choose another"}
    taken = client.post("/api/v1/users", json={"username": "host", "role": "host"}, headers=headers)
    assert taken.status_code == 409 and taken.get_json()["error"]["field"] == "username"
    bad = client.post("/api/v1/users", json={"username": "a b", "role": "host"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "username"


def test_a_user_made_without_a_password_chooses_one_through_a_link_that_works_once(app, users):
    client, headers = _admin(app)
    body = client.post("/api/v1/users", json={"username": "zhou", "role": "host"}, headers=headers).get_json()
    path = re.sub(r"^https?://[^/]+", "", body["set_password_url"])
    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "zhou" in page.get_data(as_text=True)
    token = csrf_token(visitor, path)
    weak = visitor.post(path, data={"password": "1234567890", "confirm": "1234567890", "csrf_token": token})
    assert weak.status_code == 400 and "common passwords" in weak.get_data(as_text=True)
    done = visitor.post(path, data={"password": STRONG, "confirm": STRONG, "csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    login(app, "zhou", STRONG)
    assert app.test_client().get(path).status_code == 404  # used: dead


def test_a_set_password_link_expires(app, users, monkeypatch):
    app.config["SET_PASSWORD_LINK_SECONDS"] = 1
    client, headers = _admin(app)
    body = client.post("/api/v1/users", json={"username": "late", "role": "host"}, headers=headers).get_json()
    # The link is read 2.1 s later by the signer's clock (itsdangerous counts whole seconds), without waiting for it.
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: time.time() + 2.1))
    assert app.test_client().get(re.sub(r"^https?://[^/]+", "", body["set_password_url"])).status_code == 404


def test_disabling_a_user_ends_their_session_at_once_and_enabling_lets_them_log_in_again(app, users):
    client, headers = _admin(app)
    host = login(app, "host")
    assert host.get("/api/v1/me").status_code == 200
    response = client.patch("/api/v1/users/host", json={"disabled": True}, headers=headers)
    assert response.status_code == 200 and response.get_json()["disabled"] is True
    assert host.get("/api/v1/me").status_code == 401
    assert client.patch("/api/v1/users/host", json={"disabled": False}, headers=headers).get_json()["disabled"] is False
    login(app, "host")


def test_a_role_change_ends_the_users_sessions_and_applies_to_the_next_login(app, users):
    client, headers = _admin(app)
    analyst = login(app, "analyst")
    assert client.patch("/api/v1/users/analyst", json={"role": "moderator"}, headers=headers).status_code == 200
    assert analyst.get("/api/v1/me").status_code == 401
    assert login(app, "analyst").get("/api/v1/me").get_json()["role"] == "moderator"


def test_the_last_admin_and_an_admins_own_account_are_protected(app, users):
    client, headers = _admin(app)
    own = client.patch("/api/v1/users/admin", json={"disabled": True}, headers=headers)
    assert own.status_code == 409 and own.get_json()["error"]["code"] == "own_account"
    with app.app_context():
        from app.auth import users as actions
        with __import__("pytest").raises(actions.UserActionError) as refused:
            actions.disable_user(db.session, actions.find_user(db.session, "admin"))
        assert refused.value.code == "last_admin"
    assert client.patch("/api/v1/users/nobody", json={"role": "host"}, headers=headers).status_code == 404
    assert client.patch("/api/v1/users/host", json={"role": "king"}, headers=headers).status_code == 400


def test_reset_password_stops_the_old_password_and_answers_a_link(app, users):
    client, headers = _admin(app)
    response = client.post("/api/v1/users/auditor/reset-password", headers=headers)
    assert response.status_code == 200 and "/set-password/" in response.get_json()["set_password_url"]
    refused = app.test_client()
    assert refused.post("/login", data={"username": "auditor", "password": "password123",
                                        "csrf_token": csrf_token(refused)}).status_code == 401


def test_every_user_changes_their_own_password_with_the_current_one_and_every_session_ends(app, users):
    host = login(app, "host")
    other_device = login(app, "host")
    headers = {"X-CSRFToken": csrf_token(host, "/settings")}
    wrong = host.put("/api/v1/me/password", json={"current_password": "nope", "new_password": STRONG}, headers=headers)
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "current_password"
    ok = host.put("/api/v1/me/password", json={"current_password": "password123", "new_password": STRONG},
                  headers=headers)
    assert ok.status_code == 200
    assert other_device.get("/api/v1/me").status_code == 401 and host.get("/api/v1/me").status_code == 401
    login(app, "host", STRONG)


def test_a_new_password_the_policy_refuses_is_named_new_password(app, users):
    host = login(app, "host")
    headers = {"X-CSRFToken": csrf_token(host, "/settings")}
    for weak, code in (("short", "password_too_short"), ("password123", "password_common"),
                       ("host-host-host-2026", "password_has_username")):
        refused = host.put("/api/v1/me/password", json={"current_password": "password123", "new_password": weak},
                           headers=headers)
        assert refused.status_code == 400, weak
        assert (refused.get_json()["error"]["code"], refused.get_json()["error"]["field"]) == (code, "new_password")
    assert host.get("/api/v1/me").status_code == 200  # nothing changed: the session lives on


def test_the_settings_page_changes_the_password_and_logs_out_everywhere(app, users):
    host = login(app, "host")
    page = host.get("/settings").get_data(as_text=True)
    assert "Change password" in page and "Log out everywhere" in page
    token = csrf_token(host, "/settings")
    weak = host.post("/settings/password", data={"current_password": "password123", "new_password": "short",
                                                 "csrf_token": token})
    assert weak.status_code == 400 and "at least 10 characters" in weak.get_data(as_text=True)
    done = host.post("/settings/password", data={"current_password": "password123", "new_password": STRONG,
                                                 "csrf_token": token})
    assert done.status_code == 302 and host.get("/settings").status_code == 302
    again = login(app, "host", STRONG)
    elsewhere = login(app, "host", STRONG)
    again.post("/logout", data={"csrf_token": csrf_token(again, "/settings")})
    assert elsewhere.get("/api/v1/me").status_code == 401


def test_log_out_everywhere_through_the_api_ends_every_session(app, users):
    one, two = login(app, "moderator"), login(app, "moderator")
    assert one.post("/api/v1/me/log-out-everywhere", headers={"X-CSRFToken": csrf_token(one, "/settings")}
                    ).status_code == 200
    assert two.get("/api/v1/me").status_code == 401


def test_a_fresh_install_offers_the_first_admin_page_once(app):
    client = app.test_client()
    assert "Create the first administrator" in client.get("/login").get_data(as_text=True)
    token = csrf_token(client, "/setup")
    weak = client.post("/setup", data={"username": "boss", "password": "password1", "confirm": "password1",
                                       "csrf_token": token})
    assert weak.status_code == 400
    made = client.post("/setup", data={"username": "boss", "password": STRONG, "confirm": STRONG,
                                       "csrf_token": token})
    assert made.status_code == 302 and made.headers["Location"].endswith("/users")
    assert client.get("/users").status_code == 200  # logged in as the new admin
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.username == "boss")) == "admin"
    later = app.test_client()
    assert later.get("/setup").status_code == 404
    assert "Create the first administrator" not in later.get("/login").get_data(as_text=True)


def test_five_failures_lock_a_username_for_fifteen_minutes_and_every_failure_and_lockout_is_logged(app, users, caplog):
    assert (app.config["LOGIN_FAILURES_PER_USERNAME"], app.config["LOGIN_FAILURES_PER_ADDRESS"],
            app.config["LOGIN_THROTTLE_WINDOW_SECONDS"]) == (5, 20, 900)
    client = app.test_client()
    caplog.set_level(logging.INFO, logger="livedesk.auth")
    for _ in range(5):
        client.post("/login", data={"username": "host", "password": "wrong-guess", "csrf_token": csrf_token(client)})
    refused = client.post("/login", data={"username": "host", "password": "password123",
                                          "csrf_token": csrf_token(client)})
    assert refused.status_code == 429 and 850 < int(refused.headers["Retry-After"]) <= 900
    assert 'data-seconds="' in refused.get_data(as_text=True)
    messages = [r.getMessage() for r in caplog.records if r.name == "livedesk.auth"]
    assert sum("failed login for 'host'" in m for m in messages) == 5
    assert any("locked out for 'host'" in m for m in messages)
    assert any("login refused (locked out) for 'host'" in m for m in messages)


def test_a_success_clears_the_usernames_failures(app, users):
    client = app.test_client()
    for _ in range(4):
        client.post("/login", data={"username": "host", "password": "wrong-guess", "csrf_token": csrf_token(client)})
    login(app, "host")
    for _ in range(4):
        client.post("/login", data={"username": "host", "password": "wrong-guess", "csrf_token": csrf_token(client)})
    login(app, "host")  # 8 failures in the window, but never 5 since the last success


def test_the_users_and_tokens_pages_work_for_admins_only(app, users):
    client, _headers = _admin(app)
    token = csrf_token(client, "/users")
    made = client.post("/users", data={"username": "wu", "role": "analyst", "mode": "link", "csrf_token": token})
    assert made.status_code == 201 and "/set-password/" in made.get_data(as_text=True)
    assert client.post("/users/wu/disabled", data={"disabled": "1", "csrf_token": token}).status_code == 302
    assert "Disabled" in client.get("/users").get_data(as_text=True)
    assert client.post("/users/admin/disabled", data={"disabled": "1", "csrf_token": token}).status_code == 302
    assert "Not on your own account" in client.get("/users").get_data(as_text=True)
    created = client.post("/tokens", data={"name": "tv", "scopes": ["display"], "signing_secret": "1",
                                           "csrf_token": token})
    text = created.get_data(as_text=True)
    assert created.status_code == 201 and "ldk_" in text and "whsec_" in text
    assert "ldk_" not in client.get("/tokens").get_data(as_text=True)  # shown once
    assert client.post("/tokens/tv/revoke", data={"csrf_token": token}).status_code == 302
    assert "Revoked" in client.get("/tokens").get_data(as_text=True)
    host = login(app, "host")
    assert host.get("/users").status_code == 403 and host.get("/tokens").status_code == 403
    assert "/users" not in host.get("/settings").get_data(as_text=True).split("<main>")[0]
