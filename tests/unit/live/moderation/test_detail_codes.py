"""Every reason detail comes as a code plus parameters, so pages can say it in the reader's language (issue 10, item 24).

The English ``detail`` stays exactly as before: API consumers and logs read it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from live.moderation.rules import ChatMode, ModerationContext, ModerationPolicy, RecentChat, moderate_and_record
from live.moderation.rules.reasons import DETAIL_CODES, Reason
from live.moderation.service import under_sanction
from tests.unit.live.moderation.conftest import message

WORDS = ["你好", "主播好", "今天穿什么", "这件好看", "我喜欢", "真不错", "颜色好美", "晚上好"]


def reasons_of(decision) -> dict[str, dict]:
    """Return the JSON form of a decision's reasons by reason code."""
    return {r["code"]: r for r in decision.as_dict()["reasons"]}


def test_a_reason_serialises_its_detail_code_and_parameters_next_to_the_english_detail():
    reason = Reason("spam_flood", "6 messages in 10 s", None, "flood", {"messages": 6, "window_s": 10})
    assert reason.as_dict() == {"code": "spam_flood", "detail": "6 messages in 10 s", "span": None,
                                "detail_code": "flood", "detail_params": {"messages": 6, "window_s": 10}}


def test_a_flood_names_its_count_and_window_as_parameters_and_keeps_its_english_text(context):
    for i in range(5):
        moderate_and_record(message(WORDS[i], seconds=i), context)
    decision = moderate_and_record(message(WORDS[5], seconds=5), context)
    assert decision.offence is True  # the offence number is a parameter; the flag stays a flag
    reasons = reasons_of(decision)
    assert reasons["spam_flood"]["detail"] == "6 messages in 10 s"
    assert (reasons["spam_flood"]["detail_code"], reasons["spam_flood"]["detail_params"]) == (
        "flood", {"messages": 6, "window_s": 10})
    warning = reasons["viewer_warning"]
    assert warning["detail"] == "offence 1 within 60 min: timeout 10 s"
    assert (warning["detail_code"], warning["detail_params"]) == (
        "offence_timeout", {"offence": 1, "window_min": 60, "seconds": 10})


def test_terms_contacts_content_and_claims_have_detail_codes(matcher):
    context = ModerationContext(matcher, ModerationPolicy(max_length=10), ChatMode(), RecentChat())
    reasons = reasons_of(moderate_and_record(message("加微信 13812345678 A1 M 2 件 要了要了"), context))
    assert (reasons["term_diversion"]["detail_code"], reasons["term_diversion"]["detail_params"]) == (
        "matched", {"text": "微信"})
    assert reasons["contact_phone"]["detail_params"] == {"text": "138****5678"}
    assert reasons["spam_too_long"]["detail"] == "29 > 10 characters"
    assert (reasons["spam_too_long"]["detail_code"], reasons["spam_too_long"]["detail_params"]) == (
        "too_long", {"length": 29, "max": 10})


def test_shield_mode_says_how_new_the_viewer_is_as_a_parameter(context):
    context.mode = ChatMode(shield=True)
    reasons = reasons_of(moderate_and_record(message("你好", first_seen=-12), context))
    assert reasons["shield_new_viewer"]["detail"] == "first seen 12 s ago"
    assert reasons["shield_new_viewer"]["detail_params"] == {"age_s": 12}


def test_a_sanctioned_viewer_s_message_names_the_sanction_with_a_detail_code(context):
    decision = moderate_and_record(message("A1 M 2"), context)
    until = datetime(2024, 5, 1, 12, 10, tzinfo=timezone.utc)
    held = reasons_of(under_sanction(decision, SimpleNamespace(kind="timeout", until=until)))
    assert held["viewer_timeout"]["detail"] == f"viewer is timed out until {until.isoformat()}"
    assert (held["viewer_timeout"]["detail_code"], held["viewer_timeout"]["detail_params"]) == (
        "timed_out_until", {"until": until.isoformat()})
    assert held["claim_held"]["detail_code"] == "claim_held"
    banned = reasons_of(under_sanction(decision, SimpleNamespace(kind="ban", until=None)))
    assert banned["viewer_ban"]["detail_code"] == "viewer_banned"


def test_every_detail_the_rules_give_has_a_known_detail_code(context):
    context.mode = ChatMode(slow_seconds=30)
    seen = set()
    texts = [("A1 M 2", "v1", 0), ("A1 M 2", "v1", 1), ("fuck", "v2", 2), ("垃圾", "v3", 3), ("HELLO WORLD NOW", "v4", 4),
             ("!!!!!!!!!!!!", "v5", 5)] + [("一起来刷屏啊一起来刷屏啊", f"r{i}", 6 + i * 0.1) for i in range(12)]
    for text, viewer, seconds in texts:
        for reason in moderate_and_record(message(text, viewer, seconds), context).reasons:
            assert reason.detail_code in DETAIL_CODES, reason
            seen.add(reason.detail_code)
    assert {"slow_mode", "ban_rule", "matched", "raid"} <= seen
