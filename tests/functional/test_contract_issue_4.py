"""Chat moderation as its users rely on it: the chat event's action in ingestion results, the dry-run check, the
term lists, viewer sanctions, and the rules the issue names (evasions, contacts, spam, escalation, chat modes,
claims and questions)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import Base
from app.extensions import db
from tests.functional.test_chat_ingestion import T0, Moderator, chat, post_chat

CHECK = "/api/v1/moderation/check"
TERMS = "/api/v1/moderation/terms"


@pytest.fixture
def mod(app, users):
    """Return a moderator console client."""
    return Moderator(app)


@pytest.fixture
def live(api):
    """Return a live broadcast id."""
    return api.live_broadcast()


def _check(mod, text: str, **extra) -> dict:
    response = mod.post(CHECK, {"text": text, **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _codes(decision: dict) -> list[str]:
    return [r["code"] for r in decision["reasons"]]


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                for name, table in Base.metadata.tables.items()}


# --- the API -------------------------------------------------------------------------------------------------------

def test_a_chat_event_result_carries_the_action(api, live):
    results = post_chat(api, live, chat("c-1", "v1", "这件多少钱"), chat("c-2", "v2", "加微信 abc12345"))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert results[0]["action"] == "allow"
    assert results[1]["action"] in ("hide", "hold")


def test_check_answers_action_reasons_and_normalized_and_writes_nothing(app, mod, live):
    before = _row_counts(app)
    body = _check(mod, "加 微 信 abc12345", broadcast_id=live, viewer_id="v1")
    assert {"action", "reasons", "normalized"} <= set(body)
    assert body["action"] in ("hide", "hold")
    assert all({"code", "detail"} <= set(r) for r in body["reasons"])
    assert "微信" in body["normalized"]
    assert _row_counts(app) == before


def test_check_without_text_is_a_400_naming_the_field(mod):
    response = mod.post(CHECK, {})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "text"


def test_terms_are_added_listed_re_added_without_error_and_deleted(mod, live):
    first = mod.post(TERMS, {"term": "骗子", "category": "scam", "action": "hide"})
    assert first.status_code == 201, first.get_json()
    again = mod.post(TERMS, {"term": "骗子", "category": "scam", "action": "hide"})
    assert again.status_code == 200
    local = mod.post(TERMS, {"term": "某竞品", "category": "competitor", "action": "hold", "broadcast_id": live})
    assert local.status_code == 201
    listed = mod.get(f"{TERMS}?broadcast_id={live}").get_json()["terms"]
    assert {t["term"] for t in listed} >= {"骗子", "某竞品"}
    assert {"term", "category", "action", "broadcast_id"} <= set(listed[0])
    deleted = mod.delete(TERMS, {"term": "骗子"})
    assert deleted.status_code == 200, deleted.get_json()
    assert "骗子" not in {t["term"] for t in mod.get(TERMS).get_json()["terms"]}


@pytest.mark.parametrize("category", ["diversion", "scam", "abuse", "competitor", "custom"])
@pytest.mark.parametrize("action", ["hide", "hold", "timeout", "ban"])
def test_every_documented_category_and_action_is_accepted(mod, category, action):
    response = mod.post(TERMS, {"term": f"词{category}{action}", "category": category, "action": action})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("body, field", [({"category": "custom", "action": "hide"}, "term"),
                                         ({"term": "x1", "category": "nope", "action": "hide"}, "category"),
                                         ({"term": "x2", "category": "custom", "action": "explode"}, "action")])
def test_a_bad_term_is_a_400_naming_the_field(mod, body, field):
    response = mod.post(TERMS, body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_terms_are_for_moderators_not_hosts(app, users):
    host = Moderator(app, "host")
    assert host.post(TERMS, {"term": "x", "category": "custom", "action": "hide"}).status_code == 403


def test_timeout_ban_and_unban_a_viewer(api, mod, live):
    timeout = mod.post("/api/v1/moderation/viewers/v9/timeout", {"seconds": 600, "broadcast_id": live,
                                                                 "reason": "spam"})
    assert timeout.status_code == 201, timeout.get_json()
    assert timeout.get_json()["kind"] == "timeout"
    ban = mod.post("/api/v1/moderation/viewers/v9/ban", {"broadcast_id": live, "reason": "scam"})
    assert ban.status_code == 201 and ban.get_json()["kind"] == "ban"
    hidden = post_chat(api, live, chat("b-1", "v9", "hello everyone", at=T0))[0]
    assert hidden["action"] == "hide"
    lifted = mod.post("/api/v1/moderation/viewers/v9/unban", {"broadcast_id": live})
    assert lifted.status_code == 200, lifted.get_json()
    assert len(lifted.get_json()["lifted"]) == 2
    assert post_chat(api, live, chat("b-2", "v9", "hello again", at=T0 + timedelta(seconds=1)))[0]["action"] == "allow"


def test_a_timeout_without_seconds_is_a_400_naming_the_field(mod, live):
    response = mod.post("/api/v1/moderation/viewers/v9/timeout", {"broadcast_id": live})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "seconds"


# --- normalisation and terms -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["你是骗子", "你是騙子", "你是骗 子", "你是骗.子", "你是骗❤子", "你是骗\u200b子"])
def test_a_cjk_term_matches_through_traditional_characters_and_inserted_separators(mod, text):
    mod.add_term("骗子", action="hide", category="abuse")
    assert "term_abuse" in _codes(_check(mod, text))


@pytest.mark.parametrize("text", ["SCAM alert", "ｓｃａｍ alert", "ѕсаm alert", "s c a m alert", "scaaam alert",
                                  "ⓢⓒⓐⓜ alert"])
def test_a_latin_term_matches_through_full_width_circled_homoglyph_and_spaced_forms(mod, text):
    mod.add_term("scam", action="hide", category="scam")
    assert "term_scam" in _codes(_check(mod, text))


def test_a_latin_term_matches_only_on_word_boundaries(mod):
    mod.add_term("scam", action="hide", category="scam")
    assert _check(mod, "I love scampi")["action"] == "allow"


def test_smiling_is_not_wechat(mod):
    assert _check(mod, "主播微笑好甜")["action"] == "allow"


# --- contact diversion -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("打我电话 13812345678", "contact_phone"),
    ("电话 138-1234-5678", "contact_phone"),
    ("+86 138 1234 5678", "contact_phone"),
    ("１３８１２３４５６７８", "contact_phone"),
    ("一三八一二三四五六七八", "contact_phone"),
    ("加我 wx abc12345", "contact_wechat"),
    ("vx: abc12345", "contact_wechat"),
    ("QQ 12345678", "contact_qq"),
    ("去 www.example-shop.com 买", "contact_url"),
    ("https://evil.example/x", "contact_url"),
    ("号码 98765432", "contact_digits"),
])
def test_contact_diversion_is_found(mod, text, code):
    decision = _check(mod, text)
    assert decision["action"] != "allow"
    assert code in _codes(decision), decision["reasons"]


@pytest.mark.parametrize("text", ["这件 199 元", "M 码还有吗", "13:30 开始", "我要 2 件"])
def test_everyday_numbers_are_not_contacts(mod, text):
    assert not [c for c in _codes(_check(mod, text)) if c.startswith("contact_")]


# --- spam ------------------------------------------------------------------------------------------------------------

def test_more_than_five_messages_in_ten_seconds_is_a_flood(api, live):
    texts = ["主播好", "这件衣服不错", "颜色好看吗", "我想要黑色", "什么时候发货", "还有别的款式"]
    events = [chat(f"f-{n}", "flooder", text, at=T0 + timedelta(seconds=n)) for n, text in enumerate(texts)]
    actions = [r["action"] for r in post_chat(api, live, *events)]
    assert actions[:5] == ["allow"] * 5
    assert actions[5] != "allow"


def test_three_near_identical_messages_in_thirty_seconds_are_repetition(api, live):
    events = [chat(f"r-{n}", "repeater", "主播看看我", at=T0 + timedelta(seconds=5 * n)) for n in range(3)]
    results = post_chat(api, live, *events)
    assert [r["action"] for r in results][:2] == ["allow", "allow"]
    assert results[2]["action"] != "allow"


@pytest.mark.parametrize("text", ["这个直播间卖的全是假货别买", "everyone go to my channel now"])
def test_ten_viewers_sending_the_same_text_is_a_raid_and_every_copy_is_hidden(mod, api, live, text):
    events = [chat(f"raid-{n}", f"raider-{n}", text, at=T0 + timedelta(seconds=n)) for n in range(10)]
    results = post_chat(api, live, *events)
    assert [r["action"] for r in results] == ["allow"] * 9 + ["hide"]
    assert not [m for m in mod.messages(live, status="visible") if m["text"] == text]


def test_nine_viewers_sending_the_same_text_is_not_a_raid(api, live):
    events = [chat(f"nr-{n}", f"fan-{n}", "everyone go to my channel now", at=T0 + timedelta(seconds=n))
              for n in range(9)]
    assert {r["action"] for r in post_chat(api, live, *events)} == {"allow"}


def test_a_wave_of_identical_purchase_claims_is_not_a_raid(api, live):
    api.product("A12", stock=100, variants=[{"sku": "A12-M", "name": "M", "stock": 50}])
    events = [chat(f"w-{n}", f"buyer-{n}", "SOLD A12 M 1", at=T0 + timedelta(seconds=n)) for n in range(10)]
    assert {r["action"] for r in post_chat(api, live, *events)} == {"allow"}


def test_a_message_over_200_characters_is_too_long(mod):
    assert "spam_too_long" in _codes(_check(mod, "好" * 201))
    assert "spam_too_long" not in _codes(_check(mod, "好" * 200))


def test_shouting_in_latin_is_caps_but_cjk_and_skus_are_not(mod):
    assert "spam_caps" in _codes(_check(mod, "BUY THIS NOW EVERYONE LOOK HERE"))
    assert "spam_caps" not in _codes(_check(mod, "这个颜色真的太好看了我很喜欢啊"))
    assert "spam_caps" not in _codes(_check(mod, "SOLD SCARF-01-GRY 1"))
    assert not [c for c in _codes(_check(mod, "这个颜色真的太好看了我很喜欢啊")) if c == "spam_symbols"]


# --- escalation and chat modes ---------------------------------------------------------------------------------------

def test_escalation_goes_warning_then_policy_timeout_then_ban(mod, api, live):
    mod.add_term("骗子", action="timeout", category="abuse")
    viewer_actions = []
    for n in range(3):
        # each message after the previous timeout has run out, so the viewer may speak again
        at = T0 + timedelta(minutes=11 * n)
        viewer_actions.append(post_chat(api, live, chat(f"e-{n}", "offender", f"你是骗子{n}", at=at))[0]
                              .get("viewer_action"))
    assert viewer_actions[0] == {"type": "timeout", "seconds": 10}
    assert viewer_actions[1] == {"type": "timeout", "seconds": 600}
    assert viewer_actions[2] == {"type": "ban"}


def test_slow_mode_limits_one_viewer_but_not_another(mod, api, live):
    mod.policy(live, chat_mode={"slow_seconds": 30})
    first = post_chat(api, live, chat("s-1", "slow", "第一条", at=T0))[0]
    second = post_chat(api, live, chat("s-2", "slow", "第二条", at=T0 + timedelta(seconds=5)))[0]
    other = post_chat(api, live, chat("s-3", "other", "我也说", at=T0 + timedelta(seconds=6)))[0]
    assert (first["action"], other["action"]) == ("allow", "allow")
    assert second["action"] != "allow"


def test_shield_mode_holds_a_new_viewer_s_message(mod, api, live):
    mod.policy(live, chat_mode={"shield": True})
    result = post_chat(api, live, chat("sh-1", "newcomer", "你好主播", at=T0))[0]
    assert result["action"] == "hold"


def test_a_held_message_reaches_the_host_only_once_approved(mod, api, live):
    mod.policy(live, chat_mode={"shield": True})
    post_chat(api, live, chat("ap-1", "newbie", "请问有优惠吗", at=T0))
    held = mod.messages(live, status="held")
    assert [m["text"] for m in held] == ["请问有优惠吗"]
    assert not [m for m in mod.messages(live, status="visible") if m["text"] == "请问有优惠吗"]
    approved = mod.post(f"/api/v1/chat/{held[0]['message_id']}/approve", {"reason": "fine"})
    assert approved.status_code == 200, approved.get_json()
    assert [m["text"] for m in mod.messages(live, status="visible")] == ["请问有优惠吗"]


# --- claims and questions ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, sku, variant, qty", [
    ("SOLD A12 M 2", "A12", "M", 2),
    ("拍了 2件 A12", "A12", None, 2),
    ("+1 A12", "A12", None, 1),
    ("要 2 件", None, None, 2),
])
def test_purchase_claims_are_parsed(mod, text, sku, variant, qty):
    claim = _check(mod, text)["claim"]
    assert claim is not None
    assert (claim.get("sku"), claim.get("qty")) == (sku, qty)
    if variant is not None:
        assert claim.get("variant") == variant


def test_a_claim_under_a_hide_rule_is_held_with_the_claim(mod):
    mod.add_term("a12", action="hide", category="custom")
    decision = _check(mod, "SOLD A12 M 2")
    assert decision["action"] == "hold"
    assert decision["claim"] is not None
    assert "claim_held" in _codes(decision)


@pytest.mark.parametrize("text", ["多少钱", "有没有 L 码", "怎么洗", "这个好用吗?", "还有货吗？"])
def test_questions_are_flagged_for_the_host(mod, text):
    assert _check(mod, text)["is_question"] is True


def test_a_statement_is_not_a_question(mod):
    assert _check(mod, "主播好漂亮")["is_question"] is False


def test_moderator_actions_are_logged_with_actor_time_and_reason(mod, api, live):
    mod.post("/api/v1/moderation/viewers/v7/timeout", {"seconds": 60, "broadcast_id": live, "reason": "spam"})
    actions = mod.get(f"/api/v1/moderation/log?broadcast_id={live}").get_json()["actions"]
    entry = actions[0]
    assert (entry["actor"], entry["reason"], entry["viewer_id"]) == ("moderator", "spam", "v7")
    assert entry["at"]


def test_terms_round_trip_through_csv(mod):
    response = mod.client.post("/api/v1/moderation/terms/import", data="term,category,action,broadcast_id\n加微信,diversion,hide,\n".encode(),
                               content_type="text/csv", headers=mod.headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["added"] == 1
    exported = mod.get("/api/v1/moderation/terms/export.csv")
    assert exported.status_code == 200
    assert "加微信,diversion,hide" in exported.get_data(as_text=True)


def test_a_bad_csv_row_is_a_400_naming_the_row_and_column(mod):
    response = mod.client.post("/api/v1/moderation/terms/import",
                               data="term,category,action,broadcast_id\n加微信,nope,hide,\n".encode(),
                               content_type="text/csv", headers=mod.headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "csv.row[2].category"  # the file's line, header first
