"""Douyin live room (DouyinLiveWebFetcher through a forwarder): signature, split and mapping per method (pure)."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from live.adapters import douyin_live
from live.adapters.base import AdapterError
from live.events import ParsedEvent, parse_event, recorded_window
from tests.support.live_room import body, connection, item, signed

CONNECTION = connection("douyin_live")


def events_of(*names: str) -> list[dict]:
    """Return the events the fixtures named become."""
    found = []
    for message in douyin_live.split({}, body(*(item("douyin_live", name) for name in names))):
        found.extend(douyin_live.to_events(message, CONNECTION, None))
    return found


def valid(event: dict) -> ParsedEvent:
    """Return the event parsed by the ingestion's envelope check, failing the test when it is refused."""
    parsed = parse_event(event, recorded_window(datetime.now(timezone.utc)))
    assert isinstance(parsed, ParsedEvent), parsed
    return parsed


def test_signatures_valid_tampered_wrong_secret_missing_and_stale():
    payload = body(item("douyin_live", "chat"))
    assert douyin_live.verify(signed(payload), payload, CONNECTION)
    assert not douyin_live.verify(signed(payload), payload.replace("M码".encode(), "L码".encode()), CONNECTION)
    assert not douyin_live.verify(signed(payload, "lds_not-this-connections-secret-0"), payload, CONNECTION)
    assert not douyin_live.verify({}, payload, CONNECTION)
    assert not douyin_live.verify(signed(payload, at=int(time.time()) - 900), payload, CONNECTION)


def test_messages_are_keyed_by_method_and_common_msg_id():
    messages = douyin_live.split({}, body(item("douyin_live", "chat"), item("douyin_live", "member")))
    assert [m.message_id for m in messages] == ["WebcastChatMessage:7392094459690748497",
                                                "WebcastMemberMessage:7392094459690748501"]


def test_chat_becomes_a_chat_event_in_utc():
    [event] = events_of("chat")
    assert event == {"id": "WebcastChatMessage:7392094459690748497", "type": "chat", "viewer_id": "3581736216493064",
                     "nickname": "小鹿🦌", "text": "3号链接有M码吗", "ts": "2024-07-16T05:01:55.633+00:00"}
    valid(event)


def test_a_masked_viewer_id_is_replaced_by_the_sec_uid():
    [event] = events_of("chat_masked")
    assert event["viewer_id"] != "111111" and event["viewer_id"].startswith("h:")
    valid(event)


def test_snake_case_keys_are_read_as_well():
    entry = item("douyin_live", "chat")
    data = entry["data"]
    entry["data"] = {"common": {"msg_id": "1", "create_time": data["common"]["createTime"]},
                     "user": {"id_str": "42", "nick_name": "snake"}, "content": "hi"}
    entry["data"]["common"]["msgId"] = "9"  # split reads camelCase first
    [message] = douyin_live.split({}, body(entry))
    [event] = douyin_live.to_events(message, CONNECTION, None)
    assert (event["viewer_id"], event["nickname"], event["text"]) == ("42", "snake", "hi")


def test_member_becomes_a_viewer_join():
    [event] = events_of("member")
    assert (event["type"], event["viewer_id"], event["nickname"]) == ("viewer_join", "3581736216493064", "小鹿🦌")
    valid(event)


def test_room_user_seq_becomes_the_viewer_count_of_viewers_now():
    [event] = events_of("room_user_seq")
    assert (event["type"], event["count"]) == ("viewer_count", 1835)
    valid(event)


def test_a_combo_gift_counts_once_at_its_end_with_the_combo_count():
    assert events_of("gift_combo_running") == []
    [event] = events_of("gift_combo_end")
    assert (event["type"], event["gift_id"], event["gift_name"], event["count"], event["value"], event["unit"]) == \
        ("gift", "463", "小心心", 10, 10, "douyin_coin")
    valid(event)


def test_like_becomes_a_like():
    [event] = events_of("like")
    assert (event["type"], event["count"], event["total"]) == ("like", 15, 48213)
    valid(event)


def test_control_status_3_ends_the_broadcast_and_makes_no_event():
    [message] = douyin_live.split({}, body(item("douyin_live", "control_end")))
    assert douyin_live.to_events(message, CONNECTION, None) == []
    assert douyin_live.ends_broadcast(message, CONNECTION) == datetime(2024, 7, 16, 6, 6, 40, tzinfo=timezone.utc)
    running = item("douyin_live", "control_end")
    running["data"]["status"] = 1
    [message] = douyin_live.split({}, body(running))
    assert douyin_live.ends_broadcast(message, CONNECTION) is None


@pytest.mark.parametrize("entry", [{"event": "WebcastSocialMessage", "data": {"common": {"msgId": "1"}}},
                                   {"event": "WebcastRoomRankMessage", "data": {"ranksList": []}},
                                   {"event": "WebcastSomethingNew", "data": {}}])
def test_methods_livedesk_does_not_keep_map_to_nothing(entry):
    [message] = douyin_live.split({}, body(entry))
    assert douyin_live.to_events(message, CONNECTION, None) == []


def test_a_chat_without_user_or_time_is_an_adapter_error():
    entry = item("douyin_live", "chat")
    del entry["data"]["user"]
    [message] = douyin_live.split({}, body(entry))
    with pytest.raises(AdapterError):
        douyin_live.to_events(message, CONNECTION, None)
    entry = item("douyin_live", "chat")
    del entry["data"]["common"]["createTime"], entry["data"]["eventTime"]
    [message] = douyin_live.split({}, body(entry))
    with pytest.raises(AdapterError, match="no createTime"):
        douyin_live.to_events(message, CONNECTION, None)


def test_the_sample_request_is_signed_and_maps_to_one_chat():
    headers, payload = douyin_live.sample_request(CONNECTION, datetime.now(timezone.utc))
    assert douyin_live.verify(headers, payload, CONNECTION)
    [message] = douyin_live.split(headers, payload)
    [event] = douyin_live.to_events(message, CONNECTION, None)
    valid(event)
