"""Undo and bulk decisions in the moderation API (issue 12): restore a message to its status before the latest
approve or hide, lift one timeout or ban (restoring the message it hid), approve or hide many at once.

Each is logged, pushed to moderators (and to the host when what the host sees changes) and answers errors
naming the field, writing nothing."""
from __future__ import annotations

from app.auth.tokens import issue_token
from app.extensions import db
from tests.functional.test_chat_ingestion import (
    Moderator,
    chat,
    joined_socket,
    post_chat,
    received,
)
from tests.functional.test_moderation_api import _error, _now, _row_counts, _setup
from tests.support.auth import login

VIEWERS = "/api/v1/moderation/viewers"


def _held(mod, api, broadcast_id: int, *texts: str) -> list[dict]:
    """Post one held message per text (viewers v1, v2, …) and return them, oldest first."""
    mod.add_term("便宜", action="hold")
    post_chat(api, broadcast_id, *(chat(f"c-{n}", f"v{n}", text, _now()) for n, text in enumerate(texts, 1)))
    return list(reversed(mod.messages(broadcast_id, "held")))


def test_restoring_a_hidden_held_message_puts_it_back_in_the_held_queue(app, api, users):
    mod, broadcast_id = _setup(app, api)
    [held] = _held(mod, api, broadcast_id, "便宜点")
    message_id = held["message_id"]
    assert mod.post(f"/api/v1/chat/{message_id}/hide", {"reason": "rude"}).get_json()["status"] == "hidden"
    restored = mod.post(f"/api/v1/chat/{message_id}/restore", {"expected_status": "hidden"})
    assert restored.status_code == 200 and restored.get_json()["status"] == "held"
    assert [m["message_id"] for m in mod.messages(broadcast_id, "held")] == [message_id]
    _error(mod.post(f"/api/v1/chat/{message_id}/restore"), 409, "message_id")  # a restore is not undone
    log = mod.get("/api/v1/moderation/log").get_json()["actions"]
    assert [(a["action"], a["detail"]["from"]) for a in log if a["message_id"]] == [
        ("restore", "hidden"), ("hide", "held")]


def test_restoring_an_approve_takes_the_message_off_the_host_page_again(app, api, users):
    mod, broadcast_id = _setup(app, api)
    [held] = _held(mod, api, broadcast_id, "便宜点")
    host = joined_socket(app, login(app, "host"), broadcast_id)
    moderators = joined_socket(app, login(app, "admin"), broadcast_id)
    message_id = held["message_id"]
    mod.post(f"/api/v1/chat/{message_id}/approve")
    assert [p["message"]["message_id"] for p in received(host, "chat.message")] == [message_id]
    received(moderators, "chat.moderated")
    assert mod.post(f"/api/v1/chat/{message_id}/restore").get_json()["status"] == "held"
    assert [m["message_id"] for m in received(host, "chat.hidden")] == [message_id]
    assert [p["message"]["status"] for p in received(moderators, "chat.moderated")] == ["held"]


def test_restore_refuses_when_someone_decided_since_and_writes_nothing(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    message_id = mod.messages(broadcast_id)[0]["message_id"]
    _error(mod.post(f"/api/v1/chat/{message_id}/restore"), 409, "message_id")  # nothing decided by hand yet
    mod.post(f"/api/v1/chat/{message_id}/hide")
    Moderator(app, "admin").post(f"/api/v1/chat/{message_id}/approve")
    before = _row_counts(app)
    _error(mod.post(f"/api/v1/chat/{message_id}/restore", {"expected_status": "hidden"}), 409, "expected_status")
    _error(mod.post(f"/api/v1/chat/{message_id}/restore", {"expected_status": "gone"}), 400, "expected_status")
    _error(mod.post(f"/api/v1/chat/{message_id}/restore", {"reason": 5}), 400, "reason")
    _error(mod.post("/api/v1/chat/999/restore"), 404, "message_id")
    assert _row_counts(app) == before


def test_lifting_a_timeout_from_the_held_queue_restores_the_message_it_hid(app, api, users):
    mod, broadcast_id = _setup(app, api)
    [held] = _held(mod, api, broadcast_id, "便宜点")
    sanction = mod.post(f"{VIEWERS}/v1/timeout", {"broadcast_id": broadcast_id, "seconds": 600,
                                                  "message_id": held["message_id"]}).get_json()
    assert mod.messages(broadcast_id)[0]["status"] == "hidden"
    assert post_chat(api, broadcast_id, chat("c-9", "v1", "hi", _now()))[0]["action"] == "hide"
    sock = joined_socket(app, login(app, "admin"), broadcast_id)
    body = mod.post(f"{VIEWERS}/v1/lift", {"sanction_id": sanction["id"], "reason": "undo"}).get_json()
    assert body["lifted"]["id"] == sanction["id"] and body["lifted"]["active"] is False
    assert body["message"]["message_id"] == held["message_id"] and body["message"]["status"] == "held"
    assert [p["lifted"][0]["id"] for p in received(sock, "viewer.sanctioned")] == [sanction["id"]]
    assert post_chat(api, broadcast_id, chat("c-10", "v1", "hi again", _now()))[0]["action"] == "allow"
    log = mod.get(f"/api/v1/moderation/log?broadcast_id={broadcast_id}").get_json()["actions"]
    assert [a["action"] for a in log][:2] == ["restore", "lift"]
    assert log[1]["detail"] == {"sanction_id": sanction["id"], "kind": "timeout"} and log[1]["reason"] == "undo"


def test_lifting_a_ban_leaves_a_message_hidden_by_hand_hidden(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "scam link"))
    message_id = mod.messages(broadcast_id)[0]["message_id"]
    mod.post(f"/api/v1/chat/{message_id}/hide")
    ban = mod.post(f"{VIEWERS}/v1/ban", {"broadcast_id": broadcast_id, "message_id": message_id}).get_json()
    body = mod.post(f"{VIEWERS}/v1/lift", {"sanction_id": ban["id"]}).get_json()
    assert body["message"] is None and mod.messages(broadcast_id)[0]["status"] == "hidden"


def test_lift_errors_name_the_field_and_write_nothing(app, api, users):
    mod, broadcast_id = _setup(app, api)
    ban = mod.post(f"{VIEWERS}/v1/ban", {"broadcast_id": broadcast_id}).get_json()
    assert mod.post(f"{VIEWERS}/v1/lift", {"sanction_id": ban["id"]}).status_code == 200
    before = _row_counts(app)
    _error(mod.post(f"{VIEWERS}/v1/lift", {"sanction_id": ban["id"]}), 409, "sanction_id")
    _error(mod.post(f"{VIEWERS}/v2/lift", {"sanction_id": ban["id"]}), 404, "sanction_id")
    _error(mod.post(f"{VIEWERS}/v1/lift", {}), 400, "sanction_id")
    _error(mod.post(f"{VIEWERS}/v1/lift", {"sanction_id": "1"}), 400, "sanction_id")
    _error(mod.post(f"{VIEWERS}/" + "v" * 65 + "/lift", {"sanction_id": 1}), 400, "viewer_id")
    assert api.post(f"{VIEWERS}/v1/lift", json={"sanction_id": ban["id"]}).status_code == 403
    _error(login(app, "host").post(f"{VIEWERS}/v1/lift", json={"sanction_id": 1}), 403, "X-CSRFToken")
    assert _row_counts(app) == before


def test_a_bulk_decision_goes_through_for_each_message_it_can_and_says_why_not_for_the_rest(app, api, users):
    mod, broadcast_id = _setup(app, api)
    first, second, third = _held(mod, api, broadcast_id, "便宜1", "便宜2", "便宜3")
    mod.post(f"/api/v1/chat/{third['message_id']}/hide")
    sock = joined_socket(app, login(app, "admin"), broadcast_id)
    ids = [first["message_id"], second["message_id"], third["message_id"], 999, first["message_id"]]
    body = mod.post("/api/v1/chat/bulk", {"action": "approve", "message_ids": ids, "reason": "fine"}).get_json()
    assert [(r["message_id"], r["ok"]) for r in body["results"]] == [
        (first["message_id"], True), (second["message_id"], True), (third["message_id"], True), (999, False)]
    assert body["done"] == 3 and body["results"][3]["error"]["code"] == "not_found"
    assert mod.messages(broadcast_id, "held") == []
    assert len(received(sock, "chat.moderated")) == 3
    again = mod.post("/api/v1/chat/bulk", {"action": "approve", "message_ids": [first["message_id"]]}).get_json()
    assert again["done"] == 0 and again["results"][0]["error"]["code"] == "invalid_state"
    hidden = mod.post("/api/v1/chat/bulk", {"action": "hide", "message_ids": [first["message_id"]]}).get_json()
    assert hidden["results"][0]["message"]["status"] == "hidden"


def test_bulk_errors_name_the_field_and_write_nothing(app, api, users):
    mod, _broadcast_id = _setup(app, api)
    before = _row_counts(app)
    _error(mod.post("/api/v1/chat/bulk", {"message_ids": [1]}), 400, "action")
    _error(mod.post("/api/v1/chat/bulk", {"action": "ban", "message_ids": [1]}), 400, "action")
    _error(mod.post("/api/v1/chat/bulk", {"action": "hide"}), 400, "message_ids")
    _error(mod.post("/api/v1/chat/bulk", {"action": "hide", "message_ids": []}), 400, "message_ids")
    _error(mod.post("/api/v1/chat/bulk", {"action": "hide", "message_ids": list(range(1, 102))}), 400, "message_ids")
    _error(mod.post("/api/v1/chat/bulk", {"action": "hide", "message_ids": [1, "2"]}), 400, "message_ids[1]")
    _error(mod.post("/api/v1/chat/bulk", {"action": "hide", "message_ids": [True]}), 400, "message_ids[0]")
    assert api.post("/api/v1/chat/bulk", json={"action": "hide", "message_ids": [1]}).status_code == 403
    assert _row_counts(app) == before


def test_a_token_with_the_moderation_scope_may_undo_and_is_logged_by_name(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    message_id = mod.messages(broadcast_id)[0]["message_id"]
    with app.app_context():
        raw = issue_token(db.session, "mod-bot", scopes=["moderation"])
        db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    client = app.test_client()
    assert client.post(f"/api/v1/chat/{message_id}/hide", json={}, headers=headers).status_code == 200
    restored = client.post(f"/api/v1/chat/{message_id}/restore", json={}, headers=headers)
    assert restored.status_code == 200 and restored.get_json()["status"] == "visible"
    assert restored.get_json()["decided_by"] == "token:mod-bot"
