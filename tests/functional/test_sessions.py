"""Revocable sessions: logging out, a password or role change and disabling end every session and /live socket
of that user at once (issue 10, item 17)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import realtime
from app.auth.models import User
from app.extensions import db, socketio
from tests.support.auth import csrf_token, login


def _joined_socket(app, client, broadcast_id: int):
    sock = socketio.test_client(app, namespace="/live", flask_test_client=client)
    assert sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["ok"]
    sock.get_received("/live")
    return sock


def _copy_of(app, client):
    """Return a second client carrying the same session cookie (a stolen or second-device cookie)."""
    copy = app.test_client()
    cookie = client.get_cookie("session")
    copy.set_cookie(cookie.key, cookie.value)
    return copy


def _cli(app, *args: str, stdin: str | None = None):
    result = app.test_cli_runner().invoke(args=list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def broadcast_id(api):
    api.product("A1")
    return api.live_broadcast(skus=("A1",))


def test_an_auditor_who_logs_out_stops_receiving_unmasked_pushes_at_once(app, api, users, broadcast_id):
    auditor = login(app, "auditor")
    sock = _joined_socket(app, auditor, broadcast_id)
    response = auditor.post("/logout", data={"csrf_token": csrf_token(auditor, "/")})
    assert response.status_code == 302
    assert not sock.is_connected("/live")
    assert _listeners(broadcast_id, sees_pii=True) == []


def _listeners(broadcast_id: int, sees_pii: bool) -> list:
    """Return the sockets that would receive the broadcast's next push (full or masked)."""
    return [sid for sid, _eio in socketio.server.manager.get_participants("/live", realtime.room_for(broadcast_id, sees_pii))]


def test_a_session_cookie_kept_from_before_logout_no_longer_opens_anything(app, users):
    auditor = login(app, "auditor")
    kept = _copy_of(app, auditor)
    assert kept.get("/api/v1/broadcasts").status_code == 200
    auditor.post("/logout", data={"csrf_token": csrf_token(auditor, "/")})
    assert kept.get("/api/v1/broadcasts").status_code == 401
    assert "/login" in kept.get("/").headers["Location"]
    assert not socketio.test_client(app, namespace="/live", flask_test_client=kept).is_connected("/live")


def test_a_role_change_ends_every_session_and_socket_of_that_user(app, users, broadcast_id):
    auditor = login(app, "auditor")
    sock = _joined_socket(app, auditor, broadcast_id)
    _cli(app, "set-role", "auditor", "--role", "host")
    assert not sock.is_connected("/live")
    assert auditor.get("/api/v1/broadcasts").status_code == 401
    host_now = login(app, "auditor")
    assert host_now.get("/api/v1/broadcasts").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.username == "auditor")) == "host"


def test_a_password_change_ends_every_session_and_the_new_password_logs_in(app, users, broadcast_id):
    host = login(app, "host")
    sock = _joined_socket(app, host, broadcast_id)
    _cli(app, "set-password", "host", stdin="a-new-password\n")
    assert not sock.is_connected("/live")
    assert host.get("/api/v1/broadcasts").status_code == 401
    login(app, "host", "a-new-password")


def test_a_disabled_user_is_logged_out_everywhere_and_cannot_log_in_until_enabled(app, users, broadcast_id):
    moderator = login(app, "moderator")
    sock = _joined_socket(app, moderator, broadcast_id)
    _cli(app, "disable-user", "moderator")
    assert not sock.is_connected("/live")
    assert moderator.get("/api/v1/broadcasts").status_code == 401
    client = app.test_client()
    refused = client.post("/login", data={"username": "moderator", "password": "password123",
                                          "csrf_token": csrf_token(client)})
    # The right password of a disabled account says so (a wrong one still says only "wrong"), so its owner asks an
    # admin instead of retrying into the lockout.
    assert refused.status_code == 401 and "This account is disabled." in refused.get_data(as_text=True)
    wrong = client.post("/login", data={"username": "moderator", "password": "not-the-password",
                                        "csrf_token": csrf_token(client)})
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.get_data(as_text=True)
    _cli(app, "enable-user", "moderator")
    login(app, "moderator")


def test_a_rolled_back_revocation_ends_nothing(app, users, broadcast_id):
    from app.auth.sessions import end_sessions

    auditor = login(app, "auditor")
    sock = _joined_socket(app, auditor, broadcast_id)
    with app.app_context():
        end_sessions(db.session, db.session.scalar(sa.select(User).where(User.username == "auditor")))
        db.session.rollback()
    assert sock.is_connected("/live")
    assert auditor.get("/api/v1/broadcasts").status_code == 200


def test_a_socket_whose_session_was_ended_by_another_server_is_closed_by_the_periodic_check(app, users, broadcast_id):
    from live.socket import check_open_sockets

    auditor = login(app, "auditor")
    sock = _joined_socket(app, auditor, broadcast_id)
    other_user = _joined_socket(app, login(app, "host"), broadcast_id)
    with app.app_context():  # as another process would: the row changes, no signal reaches this one
        db.session.execute(sa.update(User).where(User.username == "auditor").values(session_version=User.session_version + 1))
        db.session.commit()
        check_open_sockets(app)
    assert not sock.is_connected("/live")
    assert other_user.is_connected("/live")


def test_every_join_checks_the_session_again(app, users, broadcast_id):
    auditor = login(app, "auditor")
    sock = _joined_socket(app, auditor, broadcast_id)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "auditor").values(session_version=User.session_version + 1))
        db.session.commit()
    ack = sock.emit("join", {"broadcast_id": broadcast_id, "last_seq": 0}, namespace="/live", callback=True)
    assert not (ack or {}).get("ok")
    assert not sock.is_connected("/live")
    assert _listeners(broadcast_id, sees_pii=True) == []


def test_an_unknown_user_in_a_cli_command_is_an_error(app, users):
    result = app.test_cli_runner().invoke(args=["disable-user", "nobody"])
    assert result.exit_code != 0 and "no user 'nobody'" in result.output
