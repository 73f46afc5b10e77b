"""Escalation, nickname checks, the dry run and the decision as data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from live.moderation.rules import (
    REASON_CODES,
    ChatMessage,
    ModerationContext,
    ModerationPolicy,
    TermMatcher,
    check_text,
    escalate,
    moderate,
    moderate_and_record,
)
from tests.unit.live.moderation.conftest import T0, at, message

LADDER = [
    ("first offence", [], {"type": "timeout", "seconds": 10}, "warning"),
    ("repeat within the hour", [-30 * 60], {"type": "timeout", "seconds": 600}, "timeout"),
    ("earlier offence expired", [-90 * 60], {"type": "timeout", "seconds": 10}, "warning"),
    ("third within the hour", [-10 * 60, -20 * 60], {"type": "ban"}, "ban"),
    ("one of two expired", [-10 * 60, -120 * 60], {"type": "timeout", "seconds": 600}, "timeout"),
    ("many", [-60, -120, -180, -240], {"type": "ban"}, "ban"),
    ("exactly an hour ago", [-3600], {"type": "timeout", "seconds": 600}, "timeout"),
]


@pytest.mark.parametrize(
    ("prior", "viewer_action", "level"), [r[1:] for r in LADDER], ids=[f"escalation:{r[0]}" for r in LADDER]
)
def test_escalation_ladder(prior: list[float], viewer_action: dict[str, object], level: str) -> None:
    step = escalate([at(s) for s in prior], T0, ModerationPolicy())
    assert (step.viewer_action, step.level) == (viewer_action, level)


def test_escalation_follows_the_policy_fields() -> None:
    policy = ModerationPolicy(warning_timeout_s=30, timeout_s=3600, escalation_window_s=600)
    assert escalate([], T0, policy).viewer_action == {"type": "timeout", "seconds": 30}
    assert escalate([at(-300)], T0, policy).viewer_action == {"type": "timeout", "seconds": 3600}
    assert escalate([at(-900)], T0, policy).level == "warning"


def test_repeat_offender_goes_from_warning_to_timeout_to_ban(context: ModerationContext) -> None:
    offences: list[datetime] = []
    context.offences = lambda viewer: offences
    steps = []
    for minute in (0, 5, 10):
        decision = moderate_and_record(message("加我微信", seconds=minute * 60), context)
        if decision.offence:
            offences.append(at(minute * 60))
        steps.append((decision.viewer_action, decision.codes[-1]))
    assert steps == [
        ({"type": "timeout", "seconds": 10}, "viewer_warning"),
        ({"type": "timeout", "seconds": 600}, "viewer_timeout"),
        ({"type": "ban"}, "viewer_ban"),
    ]


def test_offence_lookup_is_only_called_for_offences(context: ModerationContext) -> None:
    calls: list[str] = []
    context.offences = lambda viewer: calls.append(viewer) or ()
    moderate(message("你好"), context)
    moderate(message("垃圾"), context)  # hide without offence
    assert calls == []
    moderate(message("加我微信"), context)
    assert calls == ["v1"]


NICKNAMES = [
    ("加我微信abc", "hide", ["nickname_diversion", "viewer_warning"]),
    ("骗子本人", "hide", ["nickname_abuse", "viewer_warning"]),
    ("rivalshop官方", "hold", ["nickname_competitor"]),
    ("小明", "allow", []),
    ("微笑的猫", "allow", []),
]


@pytest.mark.parametrize(("nickname", "action", "codes"), NICKNAMES, ids=[f"nickname:{r[0]}" for r in NICKNAMES])
def test_nickname_is_checked_against_terms(
    context: ModerationContext, nickname: str, action: str, codes: list[str]
) -> None:
    decision = moderate(message("你好", nickname=nickname), context)
    assert (decision.action, decision.codes) == (action, codes)


DRY_RUNS = [
    ("加我微信", "hide", ["term_diversion", "viewer_warning"], "加我微信"),
    ("ＳＯＬＤ A12 M 2", "allow", [], "sold a12 m 2"),
    ("微 信 號", "hide", ["term_diversion", "viewer_warning"], "微信号"),
    ("多少钱？", "allow", [], "多少钱?"),
]


@pytest.mark.parametrize(
    ("text", "action", "codes", "normalized"), DRY_RUNS, ids=[f"dry-run:{r[0]}" for r in DRY_RUNS]
)
def test_dry_run_returns_action_reasons_and_normalized_text(
    matcher: TermMatcher, text: str, action: str, codes: list[str], normalized: str
) -> None:
    result = check_text(text, matcher)
    assert (result["action"], [r["code"] for r in result["reasons"]], result["normalized"]) == (
        action, codes, normalized,
    )
    json.dumps(result)  # ready for the API as it is


def test_dry_run_uses_broadcast_terms(matcher: TermMatcher) -> None:
    assert check_text("进特价群", matcher, broadcast_id="b1")["action"] == "hide"
    assert check_text("进特价群", matcher)["action"] == "allow"


def test_moderate_changes_nothing(context: ModerationContext) -> None:
    for second in range(10):
        moderate(message("你好", seconds=second), context)
    assert context.recent is not None and len(context.recent) == 0


def test_every_reason_code_is_documented_and_declared(context: ModerationContext) -> None:
    documented = (Path(__file__).resolve().parents[4] / "docs" / "moderation.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in documented for code in REASON_CODES)
    decision = moderate(message("拍了 A12 加微信 13812345678 SCAM"), context)
    assert set(decision.codes) <= REASON_CODES


def test_decision_as_dict_is_json(context: ModerationContext) -> None:
    decision = moderate(message("拍了 2件 A12 加微信"), context)
    data = decision.as_dict()
    assert data["action"] == "hold"
    assert data["claim"] == {"sku": "A12", "variant": None, "qty": 2}
    assert data["reasons"][0] == {"code": "term_diversion", "detail": "微信", "span": [11, 13],
                                  "detail_code": "matched", "detail_params": {"text": "微信"}}
    json.dumps(data)


def test_message_time_must_be_aware() -> None:
    with pytest.raises(ValueError):
        ChatMessage("你好", "v1", "小明", "b1", datetime(2024, 5, 1, 12))


def test_same_text_from_different_viewers_shares_the_clean_decision(context: ModerationContext) -> None:
    first = moderate(message("主播好美", "a"), context)
    second = moderate(message("主播好美", "b", seconds=1), context)
    assert first is second
    assert first.action == "allow"


def test_policy_rejects_thresholds_that_flag_everything() -> None:
    with pytest.raises(ValueError):
        ModerationPolicy(repetition_count=1)
    with pytest.raises(ValueError):
        ModerationPolicy(flood_action="delete")  # type: ignore[arg-type]


def test_clock_helper_is_utc() -> None:
    assert at(60) - T0 == timedelta(minutes=1)
