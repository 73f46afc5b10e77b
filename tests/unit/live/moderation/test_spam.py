"""Spam rules: flood, repetition, raid, slow mode, shield mode, length, caps and symbols."""

from __future__ import annotations

import importlib
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from live.moderation.rules import (
    ChatMode,
    ModerationContext,
    ModerationPolicy,
    RecentChat,
    RecentMessage,
    activity_from_history,
    moderate,
    moderate_and_record,
)
from live.moderation.rules.recent import ViewerActivity
from live.moderation.rules.spam import check_content, check_spam
from tests.unit.live.moderation.conftest import message

recent_module = importlib.import_module("live.moderation.rules.recent")  # the package re-exports names over it


WORDS = ["你好", "主播好", "今天穿什么", "这件好看", "我喜欢", "真不错", "颜色好美", "晚上好"]


def send(context: ModerationContext, texts_at: list[tuple[str, float]], viewer: str = "v1") -> list[str]:
    """Return the action of each message sent in turn by one viewer."""
    return [moderate_and_record(message(text, viewer, seconds), context).action for text, seconds in texts_at]


FLOOD = [
    ("six in ten seconds", [(WORDS[i], i) for i in range(6)], ["allow"] * 5 + ["hide"]),
    ("five in ten seconds", [(WORDS[i], i) for i in range(5)], ["allow"] * 5),
    ("six spread out", [(WORDS[i], i * 2.5) for i in range(6)], ["allow"] * 6),
    ("seven fast", [(WORDS[i], i * 0.5) for i in range(7)], ["allow"] * 5 + ["hide", "hide"]),
]


@pytest.mark.parametrize(("texts", "actions"), [r[1:] for r in FLOOD], ids=[f"flood:{r[0]}" for r in FLOOD])
def test_flood_hides_messages_beyond_the_rate(
    context: ModerationContext, texts: list[tuple[str, float]], actions: list[str]
) -> None:
    assert send(context, texts) == actions


def test_flood_reason_and_warning(context: ModerationContext) -> None:
    send(context, [(WORDS[i], i) for i in range(5)])
    decision = moderate_and_record(message(WORDS[5], seconds=5), context)
    assert decision.codes == ["spam_flood", "viewer_warning"]


REPETITION = [
    ("same text three times",
     [("主播看看我", 0), ("主播看看我", 5), ("主播看看我", 10)], ["allow", "allow", "hide"]),
    ("near-identical", [("buy now 1", 0), ("buy now 2", 5), ("Buy Now!!! 3", 10)], ["allow", "allow", "hide"]),
    ("spread over 31 s", [("主播看看我", 0), ("主播看看我", 16), ("主播看看我", 32)], ["allow", "allow", "allow"]),
    ("different texts", [("你好", 0), ("主播好", 5), ("今天穿什么", 10)], ["allow", "allow", "allow"]),
]


@pytest.mark.parametrize(
    ("texts", "actions"), [r[1:] for r in REPETITION], ids=[f"repetition:{r[0]}" for r in REPETITION]
)
def test_repetition_hides_the_third_near_identical_message(
    context: ModerationContext, texts: list[tuple[str, float]], actions: list[str]
) -> None:
    assert send(context, texts) == actions


def test_repetition_reason(context: ModerationContext) -> None:
    send(context, [("主播看看我", 0), ("主播看看我", 5)])
    assert moderate_and_record(message("主播看看我", seconds=6), context).codes == ["spam_repetition"]


RAID_TEXT = "关注我的小店每天都有大额优惠券"


def test_raid_hides_the_tenth_viewer_and_names_the_others(context: ModerationContext) -> None:
    actions = [moderate_and_record(message(RAID_TEXT, f"r{i}", i), context) for i in range(10)]
    assert [d.action for d in actions[:9]] == ["allow"] * 9
    last = actions[9]
    assert (last.action, last.codes, last.suggest_shield) == ("hide", ["spam_raid"], True)
    assert last.raid_viewer_ids == tuple(sorted(f"r{i}" for i in range(9)))


def test_nine_viewers_are_no_raid(context: ModerationContext) -> None:
    actions = [moderate_and_record(message(RAID_TEXT, f"r{i}", i), context).action for i in range(9)]
    assert actions == ["allow"] * 9


def test_raid_window_is_thirty_seconds(context: ModerationContext) -> None:
    actions = [moderate_and_record(message(RAID_TEXT, f"r{i}", i * 4), context).action for i in range(10)]
    assert actions == ["allow"] * 10


def test_short_hype_from_many_viewers_is_no_raid(context: ModerationContext) -> None:
    actions = [moderate_and_record(message("好看好看", f"r{i}", i), context).action for i in range(20)]
    assert set(actions) == {"allow"}


SLOW = [
    ("second message too soon", [("第一句", 0), ("第二句", 10)], ["allow", "hide"]),
    ("after the wait", [("第一句", 0), ("第二句", 30)], ["allow", "allow"]),
    ("hidden message does not restart the wait",
     [("第一句", 0), ("第二句", 10), ("第三句", 31)], ["allow", "hide", "allow"]),
]


@pytest.mark.parametrize(("texts", "actions"), [r[1:] for r in SLOW], ids=[f"slow:{r[0]}" for r in SLOW])
def test_slow_mode_spaces_one_viewers_messages(
    context: ModerationContext, texts: list[tuple[str, float]], actions: list[str]
) -> None:
    context.mode = ChatMode(slow_seconds=30)
    assert send(context, texts) == actions


def test_slow_mode_is_per_viewer(context: ModerationContext) -> None:
    context.mode = ChatMode(slow_seconds=30)
    assert send(context, [("你好", 0)], "a") + send(context, [("你好呀", 1)], "b") == ["allow", "allow"]


def test_slow_mode_reason(context: ModerationContext) -> None:
    context.mode = ChatMode(slow_seconds=30)
    send(context, [("第一句", 0)])
    assert moderate_and_record(message("第二句", seconds=10), context).codes == ["slow_mode"]


SHIELD_VIEWERS = [
    ("first seen a minute ago", -60, "hold", ["shield_new_viewer"]),
    ("first seen 4 min 59 s ago", -299, "hold", ["shield_new_viewer"]),
    ("first seen five minutes ago", -300, "allow", []),
    ("first seen an hour ago", -3600, "allow", []),
]


@pytest.mark.parametrize(
    ("first_seen", "action", "codes"),
    [r[1:] for r in SHIELD_VIEWERS],
    ids=[f"shield:{r[0]}" for r in SHIELD_VIEWERS],
)
def test_shield_mode_holds_new_viewers(
    context: ModerationContext, first_seen: float, action: str, codes: list[str]
) -> None:
    context.mode = ChatMode(shield=True)
    decision = moderate(message("主播你好", first_seen=first_seen), context)
    assert (decision.action, decision.codes) == (action, codes)


def test_shield_mode_floods_sooner(context: ModerationContext) -> None:
    context.mode = ChatMode(shield=True)
    assert send(context, [(WORDS[i], i) for i in range(4)]) == ["allow"] * 3 + ["hide"]


def test_shielded_policy_is_stricter_everywhere() -> None:
    policy = ModerationPolicy()
    strict = policy.shielded()
    assert strict.flood_messages < policy.flood_messages
    assert strict.repetition_count < policy.repetition_count
    assert strict.raid_viewers < policy.raid_viewers
    assert strict.max_length < policy.max_length
    assert policy.shielded() is strict


CONTENT = [
    ("201 characters", "好" * 201, "hide", ["spam_too_long"]),
    ("200 characters", "好" * 200, "allow", []),
    ("shouting", "HELLO EVERYONE THIS IS GREAT", "hide", ["spam_caps"]),
    ("normal case", "Hello everyone this is great", "allow", []),
    ("short caps", "OK NICE", "allow", []),
    ("caps among Chinese", "主播 THANK YOU VERY MUCH 谢谢", "hide", ["spam_caps"]),
    ("symbols", "!!!!????####$$$$", "hide", ["spam_symbols"]),
    ("Chinese is letters", "好好好好好好好好好好！", "allow", []),
    ("Chinese punctuation", "主播，你好，请问，这个，多少，钱", "allow", []),
    ("emoji are reactions", "❤❤❤❤❤❤❤❤❤❤❤❤", "allow", []),
]


@pytest.mark.parametrize(
    ("text", "action", "codes"), [r[1:] for r in CONTENT], ids=[f"content:{r[0]}" for r in CONTENT]
)
def test_content_rules(context: ModerationContext, text: str, action: str, codes: list[str]) -> None:
    decision = moderate(message(text), context)
    assert (decision.action, decision.codes) == (action, codes)


def test_content_checks_are_pure() -> None:
    policy = ModerationPolicy()
    assert [h.reason.code for h in check_content("AAAAAAAAAAAA", policy)] == ["spam_caps"]
    assert check_content("aaaaaaaaaaaa", policy) == []
    assert [h.reason.code for h in check_content("?!" * 6, policy)] == ["spam_symbols"]


def test_spam_checks_are_pure() -> None:
    policy = ModerationPolicy()
    activity = ViewerActivity(recent_messages=5, similar_messages=2, raid_viewers=tuple("abcdefghi"),
                              seconds_since_last=1.0)
    hits = check_spam(activity, policy, ChatMode(slow_seconds=5))
    assert [h.reason.code for h in hits] == ["spam_flood", "spam_repetition", "spam_raid", "slow_mode"]


EVENTS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),  # seconds since the previous message
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["x", "y"]),
        st.booleans(),
    ),
    max_size=60,
)


@pytest.mark.parametrize("prune_every", [4096, 3], ids=["default", "pruning-every-3-messages"])
@settings(max_examples=200, deadline=None)
@given(events=EVENTS)
def test_recent_chat_agrees_with_the_plain_list_reference(events: list[tuple[int, str, str, bool]],
                                                          prune_every: int) -> None:
    with mock.patch.object(recent_module, "_PRUNE_EVERY", prune_every):
        _compare_with_reference(events)


def _compare_with_reference(events: list[tuple[int, str, str, bool]]) -> None:
    policy = ModerationPolicy(raid_viewers=3, raid_min_chars=1)
    recent = RecentChat(horizon_s=30)
    history: list[RecentMessage] = []
    now = 0.0
    for gap, viewer, text, visible in events:
        now += gap
        expected = activity_from_history(history, viewer, text, text, now, policy)
        assert recent.activity(viewer, text, text, now, policy) == expected
        assert recent.observe(viewer, text, text, now, policy, visible) == expected
        history.append(RecentMessage(now, viewer, text, text, visible))
