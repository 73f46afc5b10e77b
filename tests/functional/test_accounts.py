"""Accounts and access: the users and tokens APIs and pages, set-password links, the first admin, the password
policy, login throttling and its log, scoped tokens and signing-secret rotation."""
from __future__ import annotations

import json
import logging
import re
import time
from types import SimpleNamespace

import itsdangerous.timed
import sqlalchemy as sa

from app.auth.models import ApiToken, User
from app.auth.passwords import password_problem
from app.auth.tokens import sign
from app.extensions import db
from tests.support.auth import csrf_token, login
from tests.support.databases import create_token

STRONG = "violet-harbour-1987"


def _admin(app):
    """Return (client logged in as admin, headers for its API calls)."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def _token(app, name: str, *scopes: str) -> str:
    with app.app_context():
        from app.auth.tokens import issue_token
        raw = issue_token(db.session, name, scopes=list(scopes))
        db.session.commit()
    return raw


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


def test_admins_create_list_and_revoke_tokens_and_the_value_is_shown_once(app, users):
    client, headers = _admin(app)
    made = client.post("/api/v1/tokens", json={"name": "wall", "scopes": ["display"]}, headers=headers)
    assert made.status_code == 201
    raw = made.get_json()["token"]
    assert made.get_json()["scopes"] == ["display"]
    assert app.test_client().get("/api/v1/broadcasts", headers=_bearer(raw)).status_code == 200
    listed = client.get("/api/v1/tokens").get_json()["tokens"]
    wall = next(t for t in listed if t["name"] == "wall")
    assert "token" not in wall and wall["last_used_at"] is not None
    assert client.post("/api/v1/tokens", json={"name": "wall", "scopes": ["display"]}, headers=headers).status_code == 409
    assert client.post("/api/v1/tokens", json={"name": "x", "scopes": ["root"]}, headers=headers).status_code == 400
    assert client.delete("/api/v1/tokens/wall", headers=headers).get_json()["revoked_at"] is not None
    assert app.test_client().get("/api/v1/broadcasts", headers=_bearer(raw)).status_code == 401


def test_a_token_may_do_only_what_its_scopes_allow(app, users):
    display = _bearer(_token(app, "display-only", "display"))
    ingest = _bearer(_token(app, "ingest-only", "ingest"))
    api = app.test_client()
    assert api.get("/api/v1/broadcasts", headers=display).status_code == 200
    refused = api.post("/api/v1/broadcasts", json={"title": "x", "platform": "douyin"}, headers=display)
    assert refused.status_code == 403 and "ingest" in refused.get_json()["error"]["message"]
    assert refused.get_json()["error"]["field"] is None  # a scope refused is no one field's fault (docs/api.md)
    assert api.post("/api/v1/broadcasts", json={"title": "x", "platform": "douyin"}, headers=ingest).status_code == 201
    assert api.get("/api/v1/broadcasts", headers=ingest).status_code == 403


def test_what_no_token_may_do_is_refused_in_a_plain_sentence(app, users):
    ingest = _bearer(_token(app, "adapter", "ingest"))
    refused = app.test_client().post("/api/v1/carriers", json={"code": "XX"}, headers=ingest)
    assert refused.status_code == 403
    assert refused.get_json()["error"] == {"code": "forbidden", "field": None,
                                           "message": "no API token may do this; a person does it on the console"}


def test_a_moderation_token_manages_terms_and_runs_the_check_and_an_ingest_token_cannot(app, users):
    moderation = _bearer(_token(app, "mod-bot", "moderation"))
    ingest = _bearer(_token(app, "adapter", "ingest"))
    api = app.test_client()
    added = api.post("/api/v1/moderation/terms", json={"term": "加微信", "category": "diversion"}, headers=moderation)
    assert added.status_code == 201, added.get_json()
    assert "token:mod-bot" in json.dumps(added.get_json(), ensure_ascii=False)  # the actor the log records
    assert api.get("/api/v1/moderation/terms", headers=moderation).status_code == 200
    assert api.post("/api/v1/moderation/check", json={"text": "加微信 abc"}, headers=moderation).status_code == 200
    assert api.get("/api/v1/moderation/terms", headers=ingest).status_code == 403
    assert api.post("/api/v1/moderation/check", json={"text": "加微信 abc"}, headers=ingest).status_code == 403


def test_a_token_made_before_scopes_keeps_todays_rights(app, users):
    legacy = _bearer(create_token(app, "old-adapter"))  # no scopes named: ingest and display
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.scopes).where(ApiToken.name == "old-adapter")) == ["ingest", "display"]
    api = app.test_client()
    assert api.post("/api/v1/broadcasts", json={"title": "x", "platform": "douyin"}, headers=legacy).status_code == 201
    assert api.get("/api/v1/broadcasts", headers=legacy).status_code == 200
    assert api.post("/api/v1/moderation/check", json={"text": "hello"}, headers=legacy).status_code == 200
    assert api.get("/api/v1/audit/queue", headers=legacy).status_code == 403


def test_rotating_a_signing_secret_accepts_old_and_new_until_the_old_is_removed(app, users):
    client, headers = _admin(app)
    made = client.post("/api/v1/tokens", json={"name": "douyin", "scopes": ["ingest"], "signing_secret": True},
                       headers=headers).get_json()
    raw, old = made["token"], made["signing_secret"]
    new = client.post("/api/v1/tokens/douyin/signing-secrets", headers=headers).get_json()
    assert new["signing_secret"] == new["secret"]  # the name token creation answers with, and the older one
    body = json.dumps({"title": "x", "platform": "douyin"}).encode()

    def post_signed(secret):
        signature = sign(body, secret, int(time.time()))
        return app.test_client().post("/api/v1/broadcasts/1/events", data=body, headers={
            **_bearer(raw), "Content-Type": "application/json", "X-LiveDesk-Signature": signature})

    assert post_signed(old).status_code != 401 and post_signed(new["secret"]).status_code != 401
    old_id = made["signing_secrets"][0]
    left = client.delete(f"/api/v1/tokens/douyin/signing-secrets/{old_id}", headers=headers).get_json()
    assert left["signing_secrets"] == [new["id"]]
    assert post_signed(old).status_code == 401 and post_signed(new["secret"]).status_code != 401


def test_create_token_takes_scopes_and_keeps_todays_rights_without_them(app):
    runner = app.test_cli_runner()
    scoped = runner.invoke(args=["create-token", "analyst-bot", "--scope", "analytics", "--scope", "display"])
    assert scoped.exit_code == 0, scoped.output
    plain = runner.invoke(args=["create-token", "adapter-2"])
    assert plain.exit_code == 0 and "ingest, display" in plain.output
    with app.app_context():
        rows = dict(db.session.execute(sa.select(ApiToken.name, ApiToken.scopes)).all())
    assert rows == {"analyst-bot": ["display", "analytics"], "adapter-2": ["ingest", "display"]}
    assert runner.invoke(args=["create-token", "x", "--scope", "root"]).exit_code != 0


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


def test_only_a_token_with_the_display_scope_opens_a_live_socket(app, users):
    from app.extensions import socketio

    watching = socketio.test_client(app, namespace="/live", auth={"token": _token(app, "wall", "display")})
    assert watching.is_connected("/live")
    watching.disconnect(namespace="/live")
    refused = socketio.test_client(app, namespace="/live", auth={"token": _token(app, "adapter", "ingest")})
    assert not refused.is_connected("/live")


def test_a_display_socket_closes_once_its_token_is_revoked_or_loses_the_display_scope(app, users):
    from app.auth.models import ApiToken
    from app.extensions import socketio
    from live.socket import check_open_sockets

    walls = {name: socketio.test_client(app, namespace="/live", auth={"token": _token(app, name, "display")})
             for name in ("revoked", "rescoped", "kept")}
    assert all(wall.is_connected("/live") for wall in walls.values())
    with app.app_context():  # as another server would: the rows change, no signal reaches this process
        db.session.execute(sa.update(ApiToken).where(ApiToken.name == "revoked").values(revoked_at=sa.func.now()))
        db.session.execute(sa.update(ApiToken).where(ApiToken.name == "rescoped").values(scopes=["ingest"]))
        db.session.commit()
        assert check_open_sockets(app) == 2
    assert not walls["revoked"].is_connected("/live") and not walls["rescoped"].is_connected("/live")
    assert walls["kept"].is_connected("/live")
