"""Chat through the events API is moderated on arrival (SQLite and PostgreSQL): actions, escalation, claims,
questions, and who is pushed what (the host only visible messages, moderators every one)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db, socketio
from live.moderation.models import ModeratedMessage, ModerationOffence, ViewerSanction
from tests.support import databases
from tests.support.api import ApiClient, order_event
from tests.support.auth import csrf_token, login

# An hour ahead: timeouts stay in the future of the wall clock, and every event stays within the API's time window.
T0 = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1)


class Moderator:
    """A logged-in console user (moderator by default) calling the API with the session cookie and CSRF header."""

    def __init__(self, app, username: str = "moderator"):
        self.client = login(app, username)
        self.headers = {"X-CSRFToken": csrf_token(self.client, "/")}

    def get(self, path: str, **kwargs):
        """GET path; return the response."""
        return self.client.get(path, **kwargs)

    def post(self, path: str, body: dict | None = None):
        """POST JSON to path; return the response."""
        return self.client.post(path, json=body if body is not None else {}, headers=self.headers)

    def put(self, path: str, body: dict):
        """PUT JSON to path; return the response."""
        return self.client.put(path, json=body, headers=self.headers)

    def delete(self, path: str, body: dict | None = None):
        """DELETE path (with a JSON body when given); return the response."""
        return self.client.delete(path, json=body, headers=self.headers)

    def add_term(self, term: str, action: str = "hide", category: str = "custom", broadcast_id: int | None = None):
        """Add a term and return its JSON."""
        body = {"term": term, "action": action, "category": category}
        if broadcast_id is not None:
            body["broadcast_id"] = broadcast_id
        response = self.post("/api/v1/moderation/terms", body)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def policy(self, broadcast_id: int, policy: dict | None = None, chat_mode: dict | None = None) -> dict:
        """Change a broadcast's policy and chat modes; return the new settings."""
        response = self.put(f"/api/v1/broadcasts/{broadcast_id}/moderation-policy",
                            {"policy": policy or {}, "chat_mode": chat_mode or {}})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def messages(self, broadcast_id: int, status: str = "all", **params) -> list[dict]:
        """Return a broadcast's messages, newest first."""
        query = "&".join(f"{k}={v}" for k, v in {"status": status, **params}.items())
        response = self.get(f"/api/v1/broadcasts/{broadcast_id}/chat?{query}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["messages"]


def chat(event_id: str, viewer_id: str, text: str, at: datetime | None = None, nickname: str | None = None) -> dict:
    """Return a chat event at `at` (default T0)."""
    event = {"id": event_id, "type": "chat", "ts": (at or T0).isoformat(), "viewer_id": viewer_id, "text": text}
    if nickname is not None:
        event["nickname"] = nickname
    return event


def post_chat(api: ApiClient, broadcast_id: int, *events: dict) -> list[dict]:
    """Post chat events and return their results."""
    response = api.events(broadcast_id, list(events))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def joined_socket(app, client, broadcast_id: int):
    """Return a /live socket of a logged-in client, joined to the broadcast and with nothing received yet."""
    sock = socketio.test_client(app, namespace="/live", flask_test_client=client)
    assert sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["ok"]
    sock.get_received("/live")
    return sock


def received(sock, name: str) -> list[dict]:
    """Return the payloads of the pushes named name received since the last call."""
    return [m["args"][0] for m in sock.get_received("/live") if m["name"] == name]


@pytest.fixture
def live(any_app):
    """Return (app, api client, moderator console client, broadcast id) on SQLite, then on PostgreSQL."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    return any_app, api, Moderator(any_app), api.live_broadcast()


def _stored(app) -> list[ModeratedMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(ModeratedMessage).order_by(ModeratedMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_a_clean_message_is_allowed_stored_and_pushed_to_the_host(live):
    app, api, mod, broadcast_id = live
    host = joined_socket(app, login(app, "host"), broadcast_id)
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "主播好美", nickname="小明"))
    assert result == {"id": "c-1", "status": "accepted", "action": "allow"}
    [message] = received(host, "chat.message")
    assert message["message"]["text"] == "主播好美" and message["message"]["nickname"] == "小明"
    assert message["message"]["id"] == "c-1" and "reasons" not in message["message"]
    [row] = _stored(app)
    assert (row.action, row.status, row.event_id) == ("allow", "visible", "c-1")


def test_a_hide_term_hides_the_message_from_the_host_but_not_from_moderators(live):
    app, api, mod, broadcast_id = live
    mod.add_term("垃圾", action="hide", category="abuse")
    host = joined_socket(app, login(app, "host"), broadcast_id)
    moderators = joined_socket(app, mod.client, broadcast_id)
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "什么垃圾东西"))
    assert result["action"] == "hide"
    assert received(host, "chat.message") == []
    [pushed] = received(moderators, "chat.moderated")
    assert pushed["message"]["status"] == "hidden"
    assert [r["code"] for r in pushed["message"]["reasons"]] == ["term_abuse"]


def test_a_hold_term_holds_the_message_until_a_moderator_approves_it_then_the_host_gets_it(live):
    app, api, mod, broadcast_id = live
    mod.add_term("便宜", action="hold")
    host = joined_socket(app, login(app, "host"), broadcast_id)
    moderators = joined_socket(app, mod.client, broadcast_id)
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "有便宜的吗"))
    assert result["action"] == "hold"
    assert received(host, "chat.message") == []
    [held] = mod.messages(broadcast_id, "held")
    assert received(moderators, "chat.moderated")[0]["message"]["status"] == "held"

    response = mod.post(f"/api/v1/chat/{held['message_id']}/approve", {"reason": "fine"})
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    [shown] = received(host, "chat.message")
    assert shown["message"]["text"] == "有便宜的吗"
    [decided] = received(moderators, "chat.moderated")
    assert (decided["message"]["decided_by"], decided["message"]["decision_reason"]) == ("moderator", "fine")


def test_offences_escalate_from_warning_timeout_to_policy_timeout_to_ban(live):
    app, api, mod, broadcast_id = live
    results = post_chat(
        api, broadcast_id,
        chat("c-1", "v1", "加微信 abc12345", T0),
        chat("c-2", "v1", "hello again", T0 + timedelta(seconds=5)),  # inside the 10 s warning timeout
        chat("c-3", "v1", "vx: abc12345", T0 + timedelta(seconds=20)),
        chat("c-4", "v1", "qq 123456789", T0 + timedelta(seconds=700)),
        chat("c-5", "v1", "sorry", T0 + timedelta(hours=5)),
    )
    assert [r["action"] for r in results] == ["hide", "hide", "hide", "hide", "hide"]
    assert results[0]["viewer_action"] == {"type": "timeout", "seconds": 10}
    assert "viewer_action" not in results[1]
    assert results[2]["viewer_action"] == {"type": "timeout", "seconds": 600}
    assert results[3]["viewer_action"] == {"type": "ban"}
    with app.app_context():
        kinds = db.session.scalars(sa.select(ViewerSanction.kind).order_by(ViewerSanction.id)).all()
        offences = db.session.scalar(sa.select(sa.func.count()).select_from(ModerationOffence))
    assert kinds == ["timeout", "timeout", "ban"] and offences == 3
    assert [r["code"] for r in mod.messages(broadcast_id, viewer_id="v1")[0]["reasons"]] == ["viewer_ban"]
    viewer = mod.get(f"/api/v1/moderation/viewers/v1?broadcast_id={broadcast_id}").get_json()
    assert viewer["offences"]["total"] == 3 and [s["kind"] for s in viewer["sanctions"]] == ["ban", "timeout", "timeout"]


def test_a_viewer_is_allowed_again_once_the_warning_timeout_is_over(live):
    app, api, mod, broadcast_id = live
    results = post_chat(api, broadcast_id, chat("c-1", "v1", "加微信 abc12345", T0),
                        chat("c-2", "v1", "ok", T0 + timedelta(seconds=11)))
    assert [r["action"] for r in results] == ["hide", "allow"]


def test_a_ban_term_bans_at_once(live):
    app, api, mod, broadcast_id = live
    mod.add_term("badshop", action="ban", category="competitor")
    results = post_chat(api, broadcast_id, chat("c-1", "v1", "go to badshop"), chat("c-2", "v1", "hi"))
    assert results[0]["viewer_action"] == {"type": "ban"}
    assert [r["action"] for r in results] == ["hide", "hide"]


def test_a_claim_under_a_hide_rule_is_held_with_the_claim_never_silently_hidden(live):
    app, api, mod, broadcast_id = live
    mod.add_term("垃圾", action="hide")
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "SOLD A12 M 2 垃圾"))
    assert result["action"] == "hold"
    [held] = mod.messages(broadcast_id, "held")
    assert held["claim"] == {"sku": "A12", "variant": "M", "qty": 2}
    assert [r["code"] for r in held["reasons"]] == ["term_custom", "claim_held"]


def test_a_banned_viewers_claim_is_held_too(live):
    app, api, mod, broadcast_id = live
    assert mod.post("/api/v1/moderation/viewers/v1/ban", {"broadcast_id": broadcast_id}).status_code == 201
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2件 A12", datetime.now(timezone.utc)))
    assert result["action"] == "hold"


def test_a_question_is_flagged_for_the_host(live):
    app, api, mod, broadcast_id = live
    host = joined_socket(app, login(app, "host"), broadcast_id)
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "A12 多少钱？"))
    assert result["action"] == "allow"
    [pushed] = received(host, "chat.message")
    assert pushed["message"]["is_question"] is True


def test_messages_are_never_deleted_whatever_happens_to_them(live):
    app, api, mod, broadcast_id = live
    mod.add_term("便宜", action="hold")
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"), chat("c-2", "v2", "便宜点"),
              chat("c-3", "v3", "加微信 abc12345"))
    held = mod.messages(broadcast_id, "held")[0]["message_id"]
    shown = mod.messages(broadcast_id, "visible")[0]["message_id"]
    assert mod.post(f"/api/v1/chat/{held}/approve").status_code == 200
    assert mod.post(f"/api/v1/chat/{held}/hide").status_code == 200
    assert mod.post(f"/api/v1/chat/{shown}/hide").status_code == 200
    assert mod.post("/api/v1/moderation/viewers/v3/ban", {"broadcast_id": broadcast_id}).status_code == 201
    rows = _stored(app)
    assert [(r.event_id, r.text) for r in rows] == [("c-1", "hello"), ("c-2", "便宜点"), ("c-3", "加微信 abc12345")]
    assert [r.status for r in rows] == ["hidden", "hidden", "hidden"]


def test_a_redelivered_chat_event_is_a_duplicate_and_stored_once(live):
    app, api, mod, broadcast_id = live
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    [again] = post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    assert again["status"] == "duplicate"
    assert len(_stored(app)) == 1


def test_the_host_socket_gets_only_visible_messages_and_moderators_get_all(live):
    app, api, mod, broadcast_id = live
    mod.add_term("垃圾", action="hide")
    mod.add_term("便宜", action="hold")
    host = joined_socket(app, login(app, "host"), broadcast_id)
    moderators = joined_socket(app, mod.client, broadcast_id)
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"), chat("c-2", "v2", "垃圾"), chat("c-3", "v3", "便宜"))
    assert [m["message"]["id"] for m in received(host, "chat.message")] == ["c-1"]
    pushed = received(moderators, "chat.moderated")
    assert [(m["message"]["id"], m["message"]["status"]) for m in pushed] == [
        ("c-1", "visible"), ("c-2", "hidden"), ("c-3", "held")]


def test_hiding_a_shown_message_takes_it_off_the_hosts_chat(live):
    app, api, mod, broadcast_id = live
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    host = joined_socket(app, login(app, "host"), broadcast_id)
    [message] = mod.messages(broadcast_id)
    assert mod.post(f"/api/v1/chat/{message['message_id']}/hide", {"reason": "off topic"}).status_code == 200
    [hidden] = received(host, "chat.hidden")
    assert hidden["message_id"] == message["message_id"] and hidden["id"] == "c-1"


def test_a_raid_hides_the_other_raiders_messages_and_suggests_shield_mode(live):
    app, api, mod, broadcast_id = live
    mod.policy(broadcast_id, {"raid_viewers": 3})
    text = "关注我的小店每天都有大额优惠券"
    results = post_chat(api, broadcast_id, *[chat(f"c-{i}", f"v{i}", text, T0 + timedelta(seconds=i)) for i in range(3)])
    assert [r["action"] for r in results] == ["allow", "allow", "hide"]
    assert {m["status"] for m in mod.messages(broadcast_id)} == {"hidden"}


def test_slow_mode_hides_a_second_message_sent_too_soon(live):
    app, api, mod, broadcast_id = live
    mod.policy(broadcast_id, chat_mode={"slow_seconds": 30})
    results = post_chat(api, broadcast_id, chat("c-1", "v1", "one", T0), chat("c-2", "v1", "two", T0 + timedelta(seconds=5)),
                        chat("c-3", "v1", "three", T0 + timedelta(seconds=40)))
    assert [r["action"] for r in results] == ["allow", "hide", "allow"]
    assert mod.messages(broadcast_id, "hidden")[0]["reasons"][0]["code"] == "slow_mode"


def test_shield_mode_holds_new_viewers(live):
    app, api, mod, broadcast_id = live
    now = datetime.now(timezone.utc)
    post_chat(api, broadcast_id, chat("c-0", "old", "hi", now - timedelta(hours=1)))
    mod.policy(broadcast_id, chat_mode={"shield": True})
    results = post_chat(api, broadcast_id, chat("c-1", "new", "hello", now), chat("c-2", "old", "hello again", now))
    assert [r["action"] for r in results] == ["hold", "allow"]


def test_a_claim_is_linked_to_the_order_it_became(live):
    app, api, mod, broadcast_id = live
    api.product("A12")
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "A12"}).status_code == 201
    post_chat(api, broadcast_id, chat("c-9", "v1", "拍了 1件 A12"))
    api.events(broadcast_id, [order_event("A12", 1, order_id="O-9", comment_id="c-9")])
    [message] = mod.messages(broadcast_id)
    assert message["claim"]["sku"] == "A12"
    assert message["order"] == {"order_id": "O-9", "status": "accepted", "items": [{"sku": "A12", "qty": 1}]}
    host = login(app, "host").get(f"/api/v1/broadcasts/{broadcast_id}/chat?status=visible").get_json()
    assert host["messages"][0]["order"]["order_id"] == "O-9"


def test_a_claim_by_link_number_shows_the_product_its_order_resolved_to(live):
    app, api, mod, broadcast_id = live
    api.product("RICE", stock=5)
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "RICE"}).status_code == 201
    link = api.get(f"/api/v1/broadcasts/{broadcast_id}/products").get_json()
    link_no = next(item["link_no"] for item in link["products"] if item["sku"] == "RICE")
    post_chat(api, broadcast_id, chat("c-link", "v1", f"拍了 2件 {link_no}号"))
    [message] = mod.messages(broadcast_id)
    assert message["claim"]["sku"] is None  # the text names a link, not a SKU
    assert message["order"]["items"] == [{"sku": "RICE", "qty": 2}]


def test_a_nul_character_in_a_message_does_not_fail_its_batch(live):
    app, api, mod, broadcast_id = live
    results = post_chat(api, broadcast_id, chat("c-1", "v1", "bad\x00text"), chat("c-2", "v2", "fine"))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert [m["text"] for m in mod.messages(broadcast_id)] == ["fine", "bad\ufffdtext"]


def test_nul_characters_are_replaced_in_free_text_and_refused_in_ids_on_both_databases(live):
    app, api, mod, broadcast_id = live
    api.product("A1")
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "A1"}).status_code == 201
    named = order_event("A1", 1, order_id="NUL-1")
    named["buyer"]["name"] = "张\x00三"
    bad_sku = order_event("A1", 1, order_id="NUL-2")
    bad_sku["items"][0]["sku"] = "A\x001"
    events = [
        {"id": "j-1", "type": "viewer_join", "ts": T0.isoformat(), "viewer_id": "v1", "nickname": "a\x00b"},
        chat("c-1", "v\x002", "hi"),
        chat("c-2", "v3", "ok", nickname="n\x00n"),
        named,
        bad_sku,
    ]
    response = api.events(broadcast_id, events)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted", "accepted", "rejected"]
    assert results[1]["error"]["field"] == "viewer_id" and results[4]["error"]["field"] == "items[0].sku"
    assert [m["nickname"] for m in mod.messages(broadcast_id)] == ["n\ufffdn"]
    assert api.get("/api/v1/orders/NUL-1").get_json()["buyer"]["name"] == "张\ufffd三"
