"""Viewer sanctions whose every field is optional (ban, unban) take a request with no body at all as `{}`, from a
console user and from a moderation token alike; a body that is there must still be a JSON object."""
from __future__ import annotations

from app.auth.tokens import issue_token
from app.extensions import db
from tests.functional.test_chat_ingestion import Moderator, chat, post_chat

VIEWER = "/api/v1/moderation/viewers/v9"


def _moderation_token(app) -> dict:
    with app.app_context():
        raw = issue_token(db.session, "moderation-script", scopes=["moderation"])
        db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _error(response, status: int, code: str, field: str) -> None:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error.get("field")) == (code, field), error


def test_a_ban_and_an_unban_with_no_body_ban_and_unban_the_viewer_everywhere(app, api, users):
    mod = Moderator(app)
    ban = mod.client.post(f"{VIEWER}/ban", headers=mod.headers)  # no body, no Content-Type
    assert ban.status_code == 201, ban.get_json()
    assert (ban.get_json()["kind"], ban.get_json()["broadcast_id"], ban.get_json()["reason"]) == ("ban", None, None)
    unban = mod.client.post(f"{VIEWER}/unban", headers=mod.headers)
    assert unban.status_code == 200, unban.get_json()
    assert [s["id"] for s in unban.get_json()["lifted"]] == [ban.get_json()["id"]]


def test_a_moderation_token_bans_with_no_body_or_an_empty_json_one(app, api, users):
    headers = _moderation_token(app)
    client = app.test_client()
    assert client.post(f"{VIEWER}/ban", headers=headers).status_code == 201
    empty = client.post(f"{VIEWER}/unban", data=b"", content_type="application/json", headers=headers)
    assert empty.status_code == 200 and len(empty.get_json()["lifted"]) == 1


def test_a_timeout_with_no_body_names_the_seconds_it_needs(app, api, users):
    mod = Moderator(app)
    _error(mod.client.post(f"{VIEWER}/timeout", headers=mod.headers), 400, "missing_field", "seconds")


def test_a_body_that_is_there_but_not_a_json_object_is_still_refused(app, api, users):
    mod = Moderator(app)
    for data, content_type in (("[]", "application/json"), ("nope", "application/json"), ("null", "application/json"),
                               ("broadcast_id=1", "application/x-www-form-urlencoded")):
        response = mod.client.post(f"{VIEWER}/ban", data=data, content_type=content_type, headers=mod.headers)
        _error(response, 400, "invalid_json", "body")
    assert mod.get(f"{VIEWER}").get_json()["sanctions"] == []


def test_approve_and_restore_with_no_body_still_work_and_a_bad_body_is_still_refused(app, api, users):
    mod, broadcast_id = Moderator(app), api.live_broadcast()
    mod.add_term("便宜", action="hold")
    post_chat(api, broadcast_id, chat("c-1", "v1", "便宜点"))
    [held] = mod.messages(broadcast_id, "held")
    path = f"/api/v1/chat/{held['message_id']}"
    _error(mod.client.post(f"{path}/approve", data="[]", content_type="application/json", headers=mod.headers),
           400, "invalid_json", "body")
    assert mod.client.post(f"{path}/approve", headers=mod.headers).get_json()["status"] == "approved"
    assert mod.client.post(f"{path}/restore", headers=mod.headers).get_json()["status"] == "held"
