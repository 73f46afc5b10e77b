"""Bearer tokens cached per process (app/auth/tokens.py TokenCache): no transaction per request, and a revoke or
a signing-secret change made here is honoured at once; one made elsewhere within API_TOKEN_CACHE_SECONDS."""
from __future__ import annotations

import time

import sqlalchemy as sa

from app.auth import tokens
from app.auth.models import ApiToken
from app.db import utcnow
from app.extensions import db
from app.http.api import token_cache
from tests.support.databases import dispose, make_app


def _statements(app):
    seen: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def _token(app, name="hook") -> str:
    with app.app_context():
        raw = tokens.issue_token(db.session, name)
        db.session.commit()
    return raw


def test_a_cached_token_authenticates_without_touching_the_database(app):
    raw, client = _token(app), app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/broadcasts", headers=headers).status_code == 200
    with app.app_context():
        seen = _statements(app)
        assert client.get("/api/v1/broadcasts", headers=headers).status_code == 200
    assert not [s for s in seen if "api_tokens" in s]


def test_a_revoke_through_this_server_takes_effect_at_once(app, users):
    raw, client = _token(app, "revoked-here"), app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/broadcasts", headers=headers).status_code == 200
    with app.app_context():
        tokens.revoke_token(tokens.token_named(db.session, "revoked-here"))
        db.session.commit()
    answer = client.get("/api/v1/broadcasts", headers=headers)
    assert answer.status_code == 401 and answer.get_json()["error"]["field"] == "Authorization"


def test_a_signing_secret_added_here_is_required_at_once(app):
    raw, client = _token(app, "signed-later"), app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    url = "/api/v1/broadcasts/1/events"
    assert client.post(url, headers=headers, json={"events": "x"}).status_code == 400  # authenticated, body refused
    with app.app_context():
        tokens.add_signing_secret(tokens.token_named(db.session, "signed-later"))
        db.session.commit()
    assert client.post(url, headers=headers, json={"events": "x"}).status_code == 401


def test_a_revoke_written_by_another_server_is_seen_within_the_cache_time(sqlite_url):
    app = make_app(sqlite_url, API_TOKEN_CACHE_SECONDS=0.2)
    try:
        raw, client = _token(app, "revoked-elsewhere"), app.test_client()
        headers = {"Authorization": f"Bearer {raw}"}
        assert client.get("/api/v1/broadcasts", headers=headers).status_code == 200
        with app.app_context():  # as another server would: a plain UPDATE, no call into this process
            db.session.execute(sa.update(ApiToken).values(revoked_at=utcnow()))
            db.session.commit()
        assert client.get("/api/v1/broadcasts", headers=headers).status_code == 200  # still cached
        time.sleep(0.25)
        assert client.get("/api/v1/broadcasts", headers=headers).status_code == 401
    finally:
        dispose(app)


def test_with_the_cache_off_every_request_looks_the_token_up(sqlite_url):
    app = make_app(sqlite_url, API_TOKEN_CACHE_SECONDS=0)
    try:
        raw, client = _token(app, "uncached"), app.test_client()
        headers = {"Authorization": f"Bearer {raw}"}
        client.get("/api/v1/broadcasts", headers=headers)
        with app.app_context():
            seen = _statements(app)
            assert client.get("/api/v1/broadcasts", headers=headers).status_code == 200
        assert [s for s in seen if "api_tokens" in s]
    finally:
        dispose(app)


def test_unknown_values_are_not_kept(app):
    client = app.test_client()
    for n in range(50):
        assert client.get("/api/v1/broadcasts", headers={"Authorization": f"Bearer guess-{n}"}).status_code == 401
    with app.app_context():
        assert token_cache()._entries == {}
