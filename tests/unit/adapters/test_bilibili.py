"""Bilibili live room (blivedm through a forwarder): signature, split and mapping per command (pure)."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from live.adapters import bilibili
from live.events import ParsedEvent, parse_event, recorded_window
from tests.support.live_room import body, connection, item, signed

CONNECTION = connection("bilibili")


def events_of(*names: str) -> list[dict]:
    """Return the events the fixtures named become."""
    found = []
    for message in bilibili.split({}, body(*(item("bilibili", name) for name in names))):
        found.extend(bilibili.to_events(message, CONNECTION, None))
    return found


def valid(event: dict) -> ParsedEvent:
    """Return the event parsed by the ingestion's envelope check, failing the test when it is refused."""
    parsed = parse_event(event, recorded_window(datetime.now(timezone.utc)))
    assert isinstance(parsed, ParsedEvent), parsed
    return parsed


def test_signatures_valid_tampered_wrong_secret_missing_and_stale():
    payload = body(item("bilibili", "danmu_msg"))
    assert bilibili.verify(signed(payload), payload, CONNECTION)
    assert not bilibili.verify(signed(payload), payload.replace("还有".encode(), "没有".encode()), CONNECTION)
    assert not bilibili.verify(signed(payload, "lds_not-this-connections-secret-0"), payload, CONNECTION)
    assert not bilibili.verify({"Content-Type": "application/json"}, payload, CONNECTION)
    assert not bilibili.verify(signed(payload, at=int(time.time()) + 900), payload, CONNECTION)


def test_commands_are_keyed_by_their_own_ids():
    messages = bilibili.split({}, body(item("bilibili", "danmu_msg"), item("bilibili", "send_gift"),
                                       item("bilibili", "interact_word")))
    assert [m.message_id for m in messages] == ["DANMU_MSG:6fa9959ab8feabcd1b337aa5066768334027",
                                                "SEND_GIFT:1721106117110800002",
                                                "INTERACT_WORD:37089851-1721106114541000000-1"]


def test_a_cmd_suffix_is_dropped_as_blivedm_does():
    entry = item("bilibili", "danmu_msg")
    entry["event"] = "DANMU_MSG:4:0:2:2:2:0"
    [message] = bilibili.split({}, body(entry))
    assert message.kind == "DANMU_MSG"
    assert bilibili.to_events(message, CONNECTION, None)[0]["type"] == "chat"


def test_danmu_msg_becomes_a_chat_event():
    [event] = events_of("danmu_msg")
    assert event == {"id": "DANMU_MSG:6fa9959ab8feabcd1b337aa5066768334027", "type": "chat", "viewer_id": "37089851",
                     "nickname": "Dark2笑", "text": "3号还有吗", "ts": "2024-07-16T05:01:55.633+00:00"}
    valid(event)


def test_a_danmaku_without_uid_is_keyed_by_the_uid_crc32():
    [event] = events_of("danmu_msg_anonymous")
    assert event["viewer_id"] == "crc32:a1b2c3d4"
    valid(event)


def test_a_danmaku_without_id_str_is_keyed_by_user_time_and_rnd():
    entry = item("bilibili", "danmu_msg")
    entry["data"]["info"][0][15] = {"mode": 0}
    [message] = bilibili.split({}, body(entry))
    assert message.message_id == "DANMU_MSG:37089851-1721106115633-1721105800"


def test_an_entry_interact_word_becomes_a_viewer_join_and_a_follow_is_ignored():
    [event] = events_of("interact_word")
    assert (event["type"], event["viewer_id"], event["nickname"]) == ("viewer_join", "37089851", "Dark2笑")
    assert event["ts"] == "2024-07-16T05:01:54.000+00:00"
    valid(event)
    assert events_of("interact_word_follow") == []


def test_send_gift_becomes_a_gift_with_its_coins():
    [event] = events_of("send_gift")
    assert (event["type"], event["gift_id"], event["gift_name"], event["count"], event["value"], event["unit"]) == \
        ("gift", "31036", "小花花", 3, 300, "gold_coin")
    valid(event)


def test_the_combo_summary_is_ignored_so_gifts_are_not_counted_twice():
    assert events_of("combo_send") == []


def test_a_like_click_becomes_one_like():
    [event] = events_of("like_click")
    assert (event["type"], event["count"], event["viewer_id"]) == ("like", 1, "37089851")
    valid(event)


def test_preparing_ends_the_broadcast():
    [message] = bilibili.split({}, body(item("bilibili", "preparing")))
    assert bilibili.to_events(message, CONNECTION, None) == []
    assert bilibili.ends_broadcast(message, CONNECTION) == datetime(2024, 7, 16, 6, 6, 40, tzinfo=timezone.utc)


@pytest.mark.parametrize("cmd", ["WATCHED_CHANGE", "ONLINE_RANK_COUNT", "NOTICE_MSG", "SUPER_CHAT_MESSAGE"])
def test_commands_livedesk_does_not_keep_map_to_nothing(cmd):
    [message] = bilibili.split({}, body({"event": cmd, "data": {"cmd": cmd, "data": {"num": 1}}}))
    assert bilibili.to_events(message, CONNECTION, None) == []


def test_a_danmaku_with_a_broken_info_array_maps_to_nothing_rather_than_failing():
    [message] = bilibili.split({}, body({"event": "DANMU_MSG", "id": "x", "data": {"cmd": "DANMU_MSG", "info": []}}))
    assert bilibili.to_events(message, CONNECTION, None) == []


def test_the_sample_request_is_signed_and_maps_to_one_chat():
    headers, payload = bilibili.sample_request(CONNECTION, datetime.now(timezone.utc))
    assert bilibili.verify(headers, payload, CONNECTION)
    [message] = bilibili.split(headers, payload)
    [event] = bilibili.to_events(message, CONNECTION, None)
    valid(event)
