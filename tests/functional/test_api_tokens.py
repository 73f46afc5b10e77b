"""API tokens: created, listed and revoked by admins, limited by their scopes, signing secrets rotated, and live
sockets opened and closed by the display scope (split from test_accounts.py, which keeps users and passwords)."""
from __future__ import annotations

import json
import time

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.auth.tokens import sign
from app.extensions import db
from tests.functional.test_accounts import _admin
from tests.support.databases import create_token


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def _token(app, name: str, *scopes: str) -> str:
    with app.app_context():
        from app.auth.tokens import issue_token
        raw = issue_token(db.session, name, scopes=list(scopes))
        db.session.commit()
    return raw


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


def test_a_token_posted_without_scopes_gets_ingest_and_display_as_the_cli_gives_it(app, users):
    client, headers = _admin(app)
    made = client.post("/api/v1/tokens", json={"name": "plain"}, headers=headers)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["scopes"] == ["ingest", "display"]
    bearer = _bearer(made.get_json()["token"])
    assert app.test_client().get("/api/v1/broadcasts", headers=bearer).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.scopes).where(ApiToken.name == "plain")) == ["ingest", "display"]


def test_scopes_written_out_empty_or_not_as_a_list_of_names_stay_refused(app, users):
    client, headers = _admin(app)
    for i, scopes in enumerate(([], None, "ingest", [1], ["ingest", "root"])):
        refused = client.post("/api/v1/tokens", json={"name": f"bad-{i}", "scopes": scopes}, headers=headers)
        assert refused.status_code == 400, scopes
        assert refused.get_json()["error"]["field"] == "scopes"
    assert client.get("/api/v1/tokens").get_json()["tokens"] == []


def test_only_a_token_with_the_display_scope_opens_a_live_socket(app, users):
    from app.extensions import socketio

    watching = socketio.test_client(app, namespace="/live", auth={"token": _token(app, "wall", "display")})
    assert watching.is_connected("/live")
    watching.disconnect(namespace="/live")
    refused = socketio.test_client(app, namespace="/live", auth={"token": _token(app, "adapter", "ingest")})
    assert not refused.is_connected("/live")


def test_a_display_socket_closes_once_its_token_is_revoked_or_loses_the_display_scope(app, users, monkeypatch):
    import live.socket
    from app.auth.models import ApiToken
    from app.extensions import socketio
    from live.socket import check_open_sockets

    # Sockets that earlier tests of this worker left open are not this test's to count.
    monkeypatch.setattr(live.socket, "_principals", {})

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
