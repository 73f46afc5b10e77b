"""Signed webhooks: a source with a signing secret must sign every ingest request."""
from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from app.auth.tokens import sign
from app.extensions import db
from live.models import EventLog
from tests.support.api import ApiClient, now_ms
from tests.support.databases import create_token

SECRET_OLD, SECRET_NEW = "old-secret", "new-secret"


@pytest.fixture
def signed(app, api):
    """Return (API client of a token with two signing secrets, broadcast id)."""
    broadcast_id = api.live_broadcast()
    return ApiClient(app.test_client(), create_token(app, "signed-adapter", [SECRET_OLD, SECRET_NEW])), broadcast_id


def _body(event_id: str = "e1") -> bytes:
    return json.dumps({"events": [{"id": event_id, "type": "viewer_join", "ts": now_ms(), "viewer_id": "v"}]}).encode()


def _post(client: ApiClient, broadcast_id: int, body: bytes, signature: str | None):
    headers = {"X-LiveDesk-Signature": signature} if signature else {}
    return client.post(f"/api/v1/broadcasts/{broadcast_id}/events", data=body, content_type="application/json", headers=headers)


def _logged(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(EventLog))


def test_a_valid_signature_is_accepted(signed):
    client, broadcast_id = signed
    body = _body()
    assert _post(client, broadcast_id, body, sign(body, SECRET_NEW, int(time.time()))).status_code == 200


def test_either_secret_works_while_rotating(signed):
    client, broadcast_id = signed
    body = _body("e-old")
    assert _post(client, broadcast_id, body, sign(body, SECRET_OLD, int(time.time()))).status_code == 200


def test_one_matching_v1_among_several_is_enough(signed):
    client, broadcast_id = signed
    body, now = _body(), int(time.time())
    good = sign(body, SECRET_NEW, now).split(",")[1]
    assert _post(client, broadcast_id, body, f"t={now},v1={'0' * 64},{good}").status_code == 200


@pytest.mark.parametrize("make_signature", [
    pytest.param(lambda body, now: None, id="missing"),
    pytest.param(lambda body, now: sign(body, "wrong-secret", now), id="wrong-secret"),
    pytest.param(lambda body, now: sign(body + b" ", SECRET_NEW, now), id="body-changed"),
    pytest.param(lambda body, now: sign(body, SECRET_NEW, now - 301), id="too-old"),
    pytest.param(lambda body, now: sign(body, SECRET_NEW, now + 330), id="too-far-ahead"),  # int(now) truncates up to 1 s
    pytest.param(lambda body, now: f"v1={sign(body, SECRET_NEW, now).split('v1=')[1]}", id="no-timestamp"),
    pytest.param(lambda body, now: "garbage", id="garbage"),
])
def test_a_bad_signature_answers_401_and_writes_nothing(signed, app, make_signature):
    client, broadcast_id = signed
    body = _body()
    response = _post(client, broadcast_id, body, make_signature(body, int(time.time())))
    assert response.status_code == 401
    assert response.get_json()["error"]["field"] == "X-LiveDesk-Signature"
    assert _logged(app) == 0


def test_sources_without_a_secret_need_no_signature(api):
    broadcast_id = api.live_broadcast()
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/events", data=_body(), content_type="application/json").status_code == 200
