"""The moderation API: dry-run check, term lists (with CSV), viewer sanctions, chat decisions, policy, log.

Every error is a 4xx JSON body naming the field, and writes nothing.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from app.db import Base
from app.extensions import db
from tests.functional.test_chat_ingestion import Moderator, chat, joined_socket, post_chat
from tests.support.auth import login

CHECK = "/api/v1/moderation/check"
TERMS = "/api/v1/moderation/terms"


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                for name, table in Base.metadata.tables.items()}


def _error(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error.get("field") == field, error
    return error


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _setup(app, api):
    return Moderator(app), api.live_broadcast()


# --- dry run -------------------------------------------------------------------------------------------

def test_check_answers_action_reasons_and_normalized(app, api, users):
    mod, broadcast_id = _setup(app, api)
    mod.add_term("骗子", action="timeout", category="abuse")
    body = mod.post(CHECK, {"text": "你是骗 子吗", "broadcast_id": broadcast_id}).get_json()
    assert body["action"] == "hide"
    assert [r["code"] for r in body["reasons"]] == ["term_abuse", "viewer_warning"]
    assert body["normalized"] == "你是骗子吗" and body["is_question"] is True
    assert body["viewer_action"] == {"type": "timeout", "seconds": 10}


def test_check_is_a_dry_run_that_changes_nothing(app, api, users):
    mod, broadcast_id = _setup(app, api)
    mod.policy(broadcast_id, chat_mode={"slow_seconds": 60})
    before = _row_counts(app)
    for _ in range(5):
        assert mod.post(CHECK, {"text": "加微信 abc12345", "broadcast_id": broadcast_id, "viewer_id": "v1"}).status_code == 200
    assert api.post(CHECK, json={"text": "hello", "broadcast_id": broadcast_id, "viewer_id": "v1"}).status_code == 200
    assert _row_counts(app) == before
    # Nor did it count in the spam windows: the viewer's first real message is not under slow mode.
    assert post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))[0]["action"] == "allow"


def test_check_with_a_viewer_uses_their_offences_and_sanction(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "加微信 abc12345", _now()))
    body = mod.post(CHECK, {"text": "vx abc12345", "broadcast_id": broadcast_id, "viewer_id": "v1"}).get_json()
    assert body["viewer_action"] == {"type": "timeout", "seconds": 600}
    assert mod.post("/api/v1/moderation/viewers/v2/ban", {"broadcast_id": broadcast_id}).status_code == 201
    banned = mod.post(CHECK, {"text": "hi", "broadcast_id": broadcast_id, "viewer_id": "v2"}).get_json()
    assert banned["action"] == "hide" and banned["sanction"]["kind"] == "ban"


def test_check_names_the_bad_field(app, api, users):
    mod, _ = _setup(app, api)
    _error(mod.post(CHECK, {}), 400, "text")
    _error(mod.post(CHECK, {"text": 5}), 400, "text")
    _error(mod.post(CHECK, {"text": "x" * 2001}), 400, "text")
    _error(mod.post(CHECK, {"text": "hi", "broadcast_id": "1"}), 400, "broadcast_id")
    _error(mod.post(CHECK, {"text": "hi", "broadcast_id": 999}), 404, "broadcast_id")
    _error(mod.post(CHECK, {"text": "hi", "viewer_id": "v" * 65}), 400, "viewer_id")
    _error(login(app, "host").post(CHECK, json={"text": "hi"}), 403, "X-CSRFToken")
    assert Moderator(app, "host").post(CHECK, {"text": "hi"}).status_code == 403


# --- terms ---------------------------------------------------------------------------------------------

def test_adding_a_term_is_201_and_adding_it_again_as_it_is_listed_is_200_with_the_existing_one(app, api, users):
    mod, broadcast_id = _setup(app, api)
    first = mod.post(TERMS, {"term": "scam", "category": "scam", "action": "hide"})
    assert first.status_code == 201
    again = mod.post(TERMS, {"term": "SCAM", "category": "scam", "action": "hide"})  # another one: test_term_changes
    assert again.status_code == 200 and again.get_json() == first.get_json()
    scoped = mod.post(TERMS, {"term": "scam", "broadcast_id": broadcast_id})
    assert scoped.status_code == 201 and scoped.get_json()["broadcast_id"] == broadcast_id
    listed = mod.get(f"{TERMS}?broadcast_id={broadcast_id}").get_json()
    assert [(t["term"], t["broadcast_id"]) for t in listed["terms"]] == [("scam", None), ("scam", broadcast_id)]
    assert [t["term"] for t in mod.get(TERMS).get_json()["terms"]] == ["scam"]


def test_a_term_that_writes_a_letter_more_often_is_another_term_and_its_spellings_are_one(app, api, users):
    mod, _ = _setup(app, api)
    ass = mod.post(TERMS, {"term": "ass", "category": "abuse", "action": "hide"})
    assert ass.status_code == 201
    as_ = mod.post(TERMS, {"term": "as", "category": "custom", "action": "hold"})
    assert as_.status_code == 201 and as_.get_json()["id"] != ass.get_json()["id"]
    for spelling in ("ASS", " a s s ", "a.s.s", "ＡＳＳ"):
        again = mod.post(TERMS, {"term": spelling})
        assert again.status_code == 200 and again.get_json() == ass.get_json(), spelling
    assert mod.post(TERMS, {"term": "AS"}).get_json() == as_.get_json()
    assert mod.post(TERMS, {"term": "asss"}).status_code == 201  # asks for three: a third term
    assert [t["term"] for t in mod.get(TERMS).get_json()["terms"]] == ["ass", "as", "asss"]
    # Removing by term finds that spelling's own term, not the one it collapses to.
    assert mod.delete(TERMS, {"term": "AS"}).get_json()["deleted"] == as_.get_json()
    assert [t["term"] for t in mod.get(TERMS).get_json()["terms"]] == ["ass", "asss"]
    imported = mod.client.post(f"{TERMS}/import", data="term\r\nas\r\nA S S\r\n".encode(), content_type="text/csv",
                               headers=mod.headers)
    assert imported.get_json() == {"added": 1, "existing": 1, "changed": 0}


def test_a_term_too_long_once_normalised_is_refused_and_stores_nothing(app, api, users):
    mod, _ = _setup(app, api)
    refused = mod.post(TERMS, {"term": "⅒" * 100})  # 100 characters, each 4 once normalised
    assert refused.status_code == 400
    assert (refused.get_json()["error"]["code"], refused.get_json()["error"]["field"]) == ("invalid_term", "term")
    assert mod.get(TERMS).get_json()["terms"] == []


def test_a_new_term_applies_to_the_next_message_and_a_removed_one_no_longer(app, api, users):
    mod, broadcast_id = _setup(app, api)
    mod.add_term("rivalshop", action="hide", category="competitor")
    assert post_chat(api, broadcast_id, chat("c-1", "v1", "rivalshop is cheaper"))[0]["action"] == "hide"
    response = mod.delete(TERMS, {"term": "RivalShop", "reason": "too broad"})
    assert response.status_code == 200 and response.get_json()["deleted"]["term"] == "rivalshop"
    assert post_chat(api, broadcast_id, chat("c-2", "v2", "rivalshop is cheaper"))[0]["action"] == "allow"


def test_an_allow_term_suppresses_a_blocked_one_inside_it(app, api, users):
    mod, broadcast_id = _setup(app, api)
    mod.add_term("微信", action="hide", category="diversion")
    mod.add_term("微信支付", action="allow")
    assert post_chat(api, broadcast_id, chat("c-1", "v1", "可以微信支付吗"))[0]["action"] == "allow"


def test_a_term_can_be_removed_by_id(app, api, users):
    mod, _ = _setup(app, api)
    term = mod.add_term("spam")
    assert mod.delete(f"{TERMS}/{term['id']}").status_code == 200
    _error(mod.delete(f"{TERMS}/{term['id']}"), 404, "term")
    assert mod.get(TERMS).get_json()["terms"] == []


def test_term_errors_name_the_field_and_write_nothing(app, api, users):
    mod, _ = _setup(app, api)
    before = _row_counts(app)
    _error(mod.post(TERMS, {"category": "scam"}), 400, "term")
    _error(mod.post(TERMS, {"term": "\u200b\u200d"}), 400, "term")  # invisible: nothing to match
    _error(mod.post(TERMS, {"term": "x" * 101}), 400, "term")
    _error(mod.post(TERMS, {"term": "a\x00b"}), 400, "term")
    _error(mod.post(TERMS, {"term": "ok", "category": "nope"}), 400, "category")
    _error(mod.post(TERMS, {"term": "ok", "action": "delete"}), 400, "action")
    _error(mod.post(TERMS, {"term": "ok", "broadcast_id": 999}), 404, "broadcast_id")
    _error(mod.delete(TERMS, {"term": "never-added"}), 404, "term")
    _error(mod.delete(TERMS, {}), 400, "term")
    # A misspelt scope must not turn a broadcast's term into a global one.
    _error(mod.post(TERMS, {"term": "ok", "broadcastId": 1}), 400, "broadcastId")
    _error(mod.delete(TERMS, {"term": "ok", "scope": "all"}), 400, "scope")
    _error(Moderator(app, "host").post(TERMS, {"term": "ok"}), 403, None)
    assert _row_counts(app) == before


def test_terms_export_escapes_formula_cells_and_imports_back_unchanged(app, api, users):
    mod, broadcast_id = _setup(app, api)
    for term in ("=cmd|' /C calc'!A0", "+1 scam", "-2 scam", "@sum", "plain"):
        mod.add_term(term)
    exported = mod.get(f"{TERMS}/export.csv").get_data(as_text=True)
    cells = [line.split(",")[0] for line in exported.splitlines()[1:]]
    assert cells == ["'=cmd|' /C calc'!A0", "'+1 scam", "'-2 scam", "'@sum", "plain"]
    for term in mod.get(TERMS).get_json()["terms"]:
        mod.delete(f"{TERMS}/{term['id']}")
    response = mod.client.post(f"{TERMS}/import", data=exported.encode(), content_type="text/csv", headers=mod.headers)
    assert response.get_json() == {"added": 5, "existing": 0, "changed": 0}
    terms = [t["term"] for t in mod.get(TERMS).get_json()["terms"]]
    assert terms == ["=cmd|' /C calc'!A0", "+1 scam", "-2 scam", "@sum", "plain"]
    again = mod.client.post(f"{TERMS}/import", data=exported.encode(), content_type="text/csv", headers=mod.headers)
    assert again.get_json() == {"added": 0, "existing": 5, "changed": 0}


def test_a_csv_import_with_one_bad_row_names_it_and_adds_nothing(app, api, users):
    mod, _ = _setup(app, api)
    before = _row_counts(app)
    body = "term,category,action\r\ngood,scam,hide\r\nbad,nope,hide\r\n"
    response = mod.client.post(f"{TERMS}/import", data=body.encode(), content_type="text/csv", headers=mod.headers)
    _error(response, 400, "csv.row[3].category")
    no_header = mod.client.post(f"{TERMS}/import", data=b"a,b\r\n", content_type="text/csv", headers=mod.headers)
    _error(no_header, 400, "csv")
    assert _row_counts(app) == before


# --- viewers -------------------------------------------------------------------------------------------

def test_timeout_ban_and_unban_a_viewer_are_logged_with_actor_and_reason(app, api, users):
    mod, broadcast_id = _setup(app, api)
    base = "/api/v1/moderation/viewers/v1"
    timeout = mod.post(f"{base}/timeout", {"broadcast_id": broadcast_id, "seconds": 300, "reason": "spam"})
    assert timeout.status_code == 201 and timeout.get_json()["kind"] == "timeout"
    assert post_chat(api, broadcast_id, chat("c-1", "v1", "hi", _now()))[0]["action"] == "hide"
    assert mod.post(f"{base}/ban", {"reason": "again"}).get_json()["broadcast_id"] is None
    lifted = mod.post(f"{base}/unban", {"broadcast_id": broadcast_id, "reason": "appeal"}).get_json()["lifted"]
    assert sorted(s["kind"] for s in lifted) == ["ban", "timeout"]
    assert post_chat(api, broadcast_id, chat("c-2", "v1", "hi", _now()))[0]["action"] == "allow"
    log = mod.get("/api/v1/moderation/log").get_json()["actions"]
    assert [(a["action"], a["actor"], a["reason"]) for a in log] == [
        ("unban", "moderator", "appeal"), ("ban", "moderator", "again"), ("timeout", "moderator", "spam")]
    history = mod.get(f"{base}?broadcast_id={broadcast_id}").get_json()
    assert [s["active"] for s in history["sanctions"]] == [False, False]
    assert [m["id"] for m in history["messages"]] == ["c-2", "c-1"]


def test_timing_out_from_the_held_queue_hides_that_message_too(app, api, users):
    mod, broadcast_id = _setup(app, api)
    mod.add_term("便宜", action="hold")
    post_chat(api, broadcast_id, chat("c-1", "v1", "便宜点"))
    [held] = mod.messages(broadcast_id, "held")
    response = mod.post("/api/v1/moderation/viewers/v1/timeout",
                        {"broadcast_id": broadcast_id, "seconds": 60, "message_id": held["message_id"]})
    assert response.status_code == 201
    assert mod.messages(broadcast_id)[0]["status"] == "hidden"
    _error(mod.post("/api/v1/moderation/viewers/v2/ban", {"message_id": held["message_id"]}), 400, "message_id")


def test_viewer_offences_are_counted(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "加微信 abc12345", _now()))
    history = mod.get(f"/api/v1/moderation/viewers/v1?broadcast_id={broadcast_id}").get_json()
    assert history["offences"]["recent"] == 1 and history["offences"]["total"] == 1
    assert history["sanctions"][0]["actor"] == "auto" and history["sanctions"][0]["active"] is True


def test_sanction_errors_name_the_field_and_write_nothing(app, api, users):
    mod, broadcast_id = _setup(app, api)
    before = _row_counts(app)
    base = "/api/v1/moderation/viewers/v1"
    _error(mod.post(f"{base}/timeout", {"broadcast_id": broadcast_id}), 400, "seconds")
    _error(mod.post(f"{base}/timeout", {"seconds": 0}), 400, "seconds")
    _error(mod.post(f"{base}/timeout", {"seconds": "60"}), 400, "seconds")
    _error(mod.post(f"{base}/ban", {"reason": "x" * 501}), 400, "reason")
    _error(mod.post(f"{base}/ban", {"broadcast_id": 999}), 404, "broadcast_id")
    _error(mod.post(f"{base}/ban", {"message_id": 999}), 404, "message_id")
    _error(mod.post("/api/v1/moderation/viewers/" + "v" * 65 + "/ban", {}), 400, "viewer_id")
    _error(mod.client.post(f"{base}/ban", data="nope", headers=mod.headers), 400, "body")
    # A misspelt broadcast_id would ban or time the viewer out in every broadcast: refused, naming it.
    _error(mod.post(f"{base}/ban", {"broadcastId": broadcast_id}), 400, "broadcastId")
    _error(mod.post(f"{base}/timeout", {"seconds": 60, "broadcast_id": broadcast_id, "bogus": 1}), 400, "bogus")
    _error(mod.post(f"{base}/unban", {"broadcast_id": broadcast_id, "bogus": 1}), 400, "bogus")
    _error(mod.post(f"{base}/lift", {"sanction_id": 1, "bogus": 1}), 400, "bogus")
    assert api.post(f"{base}/ban", json={}).status_code == 403
    assert _row_counts(app) == before


# --- chat decisions and listing ------------------------------------------------------------------------

def test_chat_lists_filter_by_status_and_viewer(app, api, users):
    mod, broadcast_id = _setup(app, api)
    mod.add_term("便宜", action="hold")
    mod.add_term("垃圾", action="hide")
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"), chat("c-2", "v2", "便宜"), chat("c-3", "v1", "垃圾"))
    assert [m["id"] for m in mod.messages(broadcast_id)] == ["c-3", "c-2", "c-1"]
    assert [m["id"] for m in mod.messages(broadcast_id, "held")] == ["c-2"]
    assert [m["id"] for m in mod.messages(broadcast_id, "hidden")] == ["c-3"]
    assert [m["id"] for m in mod.messages(broadcast_id, "visible")] == ["c-1"]
    assert [m["id"] for m in mod.messages(broadcast_id, viewer_id="v1")] == ["c-3", "c-1"]
    page = mod.get(f"/api/v1/broadcasts/{broadcast_id}/chat?limit=2").get_json()
    assert page["next_before"] is not None
    rest = mod.get(f"/api/v1/broadcasts/{broadcast_id}/chat?before={page['next_before']}").get_json()
    assert [m["id"] for m in rest["messages"]] == ["c-1"]


def test_hosts_see_only_visible_messages(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    host = login(app, "host")
    assert host.get(f"/api/v1/broadcasts/{broadcast_id}/chat?status=visible").status_code == 200
    _error(host.get(f"/api/v1/broadcasts/{broadcast_id}/chat?status=held"), 403, "status")
    _error(host.get(f"/api/v1/broadcasts/{broadcast_id}/chat"), 403, "status")


def test_chat_listing_errors_name_the_field(app, api, users):
    mod, broadcast_id = _setup(app, api)
    _error(mod.get(f"/api/v1/broadcasts/{broadcast_id}/chat?status=deleted"), 400, "status")
    _error(mod.get(f"/api/v1/broadcasts/{broadcast_id}/chat?limit=0"), 400, "limit")
    _error(mod.get(f"/api/v1/broadcasts/{broadcast_id}/chat?before=x"), 400, "before")
    _error(mod.get("/api/v1/broadcasts/999/chat"), 404, "broadcast_id")


def test_approve_and_hide_follow_the_message_states(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    message_id = mod.messages(broadcast_id)[0]["message_id"]
    before = _row_counts(app)
    _error(mod.post(f"/api/v1/chat/{message_id}/approve"), 409, "message_id")
    assert _row_counts(app) == before
    assert mod.post(f"/api/v1/chat/{message_id}/hide", {"reason": "rude"}).get_json()["status"] == "hidden"
    _error(mod.post(f"/api/v1/chat/{message_id}/hide"), 409, "message_id")
    approved = mod.post(f"/api/v1/chat/{message_id}/approve", {"reason": "on second thought"}).get_json()
    assert approved["status"] == "approved" and approved["decided_by"] == "moderator"
    _error(mod.post("/api/v1/chat/999/approve"), 404, "message_id")
    _error(mod.post(f"/api/v1/chat/{message_id}/hide", {"reason": 5}), 400, "reason")
    assert [a["action"] for a in mod.get("/api/v1/moderation/log").get_json()["actions"]] == ["approve", "hide"]


def test_moderator_actions_reach_every_moderator_socket(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    other = joined_socket(app, login(app, "admin"), broadcast_id)
    host = joined_socket(app, login(app, "host"), broadcast_id)
    message_id = mod.messages(broadcast_id)[0]["message_id"]
    mod.post(f"/api/v1/chat/{message_id}/hide")
    mod.post("/api/v1/moderation/viewers/v1/timeout", {"broadcast_id": broadcast_id, "seconds": 60})
    mod.put(f"/api/v1/broadcasts/{broadcast_id}/moderation-policy", {"chat_mode": {"shield": True}})
    names = sorted(m["name"] for m in other.get_received("/live"))
    assert names == ["chat.hidden", "chat.moderated", "moderation.changed", "viewer.sanctioned"]
    assert [m["name"] for m in host.get_received("/live")] == ["chat.hidden"]


def test_a_failed_action_pushes_nothing(app, api, users):
    mod, broadcast_id = _setup(app, api)
    post_chat(api, broadcast_id, chat("c-1", "v1", "hello"))
    sock = joined_socket(app, mod.client, broadcast_id)
    message_id = mod.messages(broadcast_id)[0]["message_id"]
    _error(mod.post("/api/v1/moderation/viewers/v2/timeout", {"seconds": 5, "message_id": message_id}), 400, "message_id")
    assert sock.get_received("/live") == []


# --- policy --------------------------------------------------------------------------------------------

def test_policy_defaults_and_partial_changes(app, api, users):
    mod, broadcast_id = _setup(app, api)
    path = f"/api/v1/broadcasts/{broadcast_id}/moderation-policy"
    defaults = mod.get(path).get_json()
    assert defaults["policy"]["warning_timeout_s"] == 10 and defaults["policy"]["timeout_s"] == 600
    assert defaults["chat_mode"] == {"slow_seconds": 0, "shield": False}
    changed = mod.put(path, {"policy": {"timeout_s": 900, "contact_action": "hold", "allowed_domains": ["Taobao.com"]},
                             "chat_mode": {"slow_seconds": 5}}).get_json()
    assert changed["policy"]["timeout_s"] == 900 and changed["policy"]["allowed_domains"] == ["taobao.com"]
    assert changed["overrides"] == ["allowed_domains", "contact_action", "timeout_s"]
    assert changed["chat_mode"] == {"slow_seconds": 5, "shield": False} and changed["updated_by"] == "moderator"
    shield = mod.put(path, {"chat_mode": {"shield": True}}).get_json()
    assert shield["chat_mode"] == {"slow_seconds": 5, "shield": True} and shield["policy"]["timeout_s"] == 900
    assert login(app, "host").get(path).status_code == 200
    assert post_chat(api, broadcast_id, chat("c-1", "v1", "加微信 abc12345"))[0]["action"] == "hold"


def test_policy_errors_name_the_field_and_write_nothing(app, api, users):
    mod, broadcast_id = _setup(app, api)
    path = f"/api/v1/broadcasts/{broadcast_id}/moderation-policy"
    before = mod.get(path).get_json()
    counts = _row_counts(app)
    _error(mod.put(path, {"policy": {"timeout_s": "600"}}), 400, "policy.timeout_s")
    _error(mod.put(path, {"policy": {"timeout_s": 1.5}}), 400, "policy.timeout_s")
    _error(mod.put(path, {"policy": {"warning_timeout_s": 0}}), 400, "policy.warning_timeout_s")
    _error(mod.put(path, {"policy": {"caps_ratio": 2}}), 400, "policy.caps_ratio")
    _error(mod.put(path, {"policy": {"flood_action": "delete"}}), 400, "policy.flood_action")
    _error(mod.put(path, {"policy": {"repetition_count": 1}}), 400, "policy.repetition_count")
    _error(mod.put(path, {"policy": {"nope": 1}}), 400, "policy.nope")
    _error(mod.put(path, {"policy": {"timeout_s": 60, "allowed_domains": "x"}}), 400, "policy.allowed_domains")
    _error(mod.put(path, {"chat_mode": {"slow_seconds": -1}}), 400, "chat_mode.slow_seconds")
    _error(mod.put(path, {"chat_mode": {"shield": "yes"}}), 400, "chat_mode.shield")
    _error(mod.put(path, {"policy": []}), 400, "policy")
    _error(mod.put(path, {"thresholds": {}}), 400, "thresholds")
    _error(mod.put("/api/v1/broadcasts/999/moderation-policy", {}), 404, "broadcast_id")
    _error(Moderator(app, "host").put(path, {"chat_mode": {"shield": True}}), 403, None)
    assert mod.get(path).get_json() == before and _row_counts(app) == counts
