"""TikTok LIVE (TikTok-Live-Connector through a forwarder): signature, split and mapping per event (pure)."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from live.adapters import tiktok_live
from live.adapters.base import AdapterError
from live.events import ParsedEvent, parse_event, recorded_window
from tests.support.live_room import SECRET, body, connection, item, signed

CONNECTION = connection("tiktok_live")


def events_of(*names: str) -> list[dict]:
    """Return the events the fixtures named become."""
    payload = body(*(item("tiktok_live", name) for name in names))
    found = []
    for message in tiktok_live.split({}, payload):
        found.extend(tiktok_live.to_events(message, CONNECTION, None))
    return found


def valid(event: dict) -> ParsedEvent:
    """Return the event parsed by the ingestion's envelope check, failing the test when it is refused."""
    parsed = parse_event(event, recorded_window(datetime.now(timezone.utc)))
    assert isinstance(parsed, ParsedEvent), parsed
    return parsed


# --- signature -------------------------------------------------------------------------------------------------

def test_a_request_signed_with_the_connections_secret_is_verified():
    payload = body(item("tiktok_live", "chat"))
    assert tiktok_live.verify(signed(payload), payload, CONNECTION)


def test_a_tampered_body_fails_the_signature():
    payload = body(item("tiktok_live", "chat"))
    headers = signed(payload)
    assert not tiktok_live.verify(headers, payload.replace(b"How are you", b"How are yuo"), CONNECTION)


def test_a_wrong_secret_fails_the_signature():
    payload = body(item("tiktok_live", "chat"))
    assert not tiktok_live.verify(signed(payload, "lds_someone-elses-secret-000000"), payload, CONNECTION)


def test_a_missing_signature_fails():
    payload = body(item("tiktok_live", "chat"))
    assert not tiktok_live.verify({}, payload, CONNECTION)
    assert not tiktok_live.verify({"X-LiveDesk-Signature": ""}, payload, CONNECTION)


def test_a_stale_signature_fails_so_a_recorded_request_cannot_be_replayed():
    payload = body(item("tiktok_live", "chat"))
    assert not tiktok_live.verify(signed(payload, at=int(time.time()) - 3600), payload, CONNECTION)


def test_the_previous_secret_still_verifies_during_a_rotation():
    payload = body(item("tiktok_live", "chat"))
    rotating = connection("tiktok_live", "lds_the-new-secret-000000000000", SECRET)
    assert tiktok_live.verify(signed(payload), payload, rotating)


def test_header_names_are_read_whatever_their_case():
    payload = body(item("tiktok_live", "chat"))
    headers = {key.lower(): value for key, value in signed(payload).items()}
    assert tiktok_live.verify(headers, payload, CONNECTION)


# --- split -----------------------------------------------------------------------------------------------------

def test_each_event_of_the_array_is_one_message_keyed_by_the_connectors_msg_id():
    messages = tiktok_live.split({}, body(item("tiktok_live", "chat"), item("tiktok_live", "chat_v2")))
    assert [(m.kind, m.message_id) for m in messages] == [("chat", "chat:7137750790064065286"),
                                                          ("chat", "chat:7391234567890123456")]


def test_an_event_without_msg_id_is_keyed_by_the_forwarders_id_else_by_its_content():
    room_user = item("tiktok_live", "room_user")
    assert tiktok_live.split({}, body(room_user))[0].message_id == "roomUser:fwd-room-user-1"
    del room_user["id"]
    first = tiktok_live.split({}, body(room_user))[0].message_id
    assert first.startswith("c:") and first == tiktok_live.split({}, body(room_user))[0].message_id


@pytest.mark.parametrize("payload", [b"not json", b"[]", b'{"event": 1}', b'[{"event": "chat"}]', b'"chat"',
                                     b'[{"event": "chat", "data": "x"}]', b'[{"event": "chat", "data": {}, "id": true}]'])
def test_a_malformed_body_is_refused_with_the_field_at_fault(payload):
    with pytest.raises(AdapterError) as refused:
        tiktok_live.split({}, payload)
    assert refused.value.code and refused.value.field


# --- mapping per event -----------------------------------------------------------------------------------------

def test_chat_becomes_a_chat_event_with_the_platforms_ids_and_utc_time():
    [event] = events_of("chat")
    assert event == {"id": "chat:7137750790064065286", "type": "chat", "viewer_id": "6813181309701719620",
                     "nickname": "Zerody Tester", "text": "How are you?", "ts": "2022-08-30T19:18:54.718+00:00"}
    valid(event)


def test_the_2x_shape_with_user_and_common_objects_is_read_too():
    [event] = events_of("chat_v2")
    assert (event["viewer_id"], event["nickname"], event["text"]) == ("7044640112358049000", "Lin 林", "拍了 2件 3号")
    assert event["ts"] == "2024-07-16T05:01:55.000+00:00"


def test_member_becomes_a_viewer_join():
    [event] = events_of("member")
    assert (event["type"], event["viewer_id"], event["nickname"]) == ("viewer_join", "6813181309701719620",
                                                                       "Zerody Tester")
    valid(event)


def test_like_becomes_a_like_with_its_count_and_the_rooms_total():
    [event] = events_of("like")
    assert (event["type"], event["count"], event["total"], event["viewer_id"]) == ("like", 6, 21349,
                                                                                    "6813181309701719620")
    valid(event)


def test_a_gift_streak_counts_once_at_its_repeat_end_with_the_final_count():
    assert events_of("gift_streak_running") == []
    [event] = events_of("gift_streak_end")
    assert (event["type"], event["gift_id"], event["gift_name"], event["count"], event["value"], event["unit"]) == \
        ("gift", "5655", "Rose", 5, 5, "diamond")
    valid(event)


def test_a_gift_that_cannot_streak_counts_at_once():
    [event] = events_of("gift_single")
    assert (event["gift_name"], event["count"], event["value"]) == ("Nevalyashka doll", 1, 25)


def test_room_user_becomes_the_viewer_count_at_the_forwarders_time():
    [event] = events_of("room_user")
    assert (event["type"], event["count"], event["ts"]) == ("viewer_count", 630, "2022-08-30T19:19:00.000+00:00")
    valid(event)


def test_stream_end_makes_no_event_but_ends_the_broadcast():
    [message] = tiktok_live.split({}, body(item("tiktok_live", "stream_end")))
    assert tiktok_live.to_events(message, CONNECTION, None) == []
    assert tiktok_live.ends_broadcast(message, CONNECTION) == datetime(2022, 8, 30, 20, 6, 40, tzinfo=timezone.utc)
    [chat] = tiktok_live.split({}, body(item("tiktok_live", "chat")))
    assert tiktok_live.ends_broadcast(chat, CONNECTION) is None


def test_the_1x_stream_end_with_a_bare_action_number_is_read():
    [message] = tiktok_live.split({}, body({"event": "streamEnd", "data": 3, "ts": 1661890000000}))
    assert tiktok_live.ends_broadcast(message, CONNECTION) is not None


@pytest.mark.parametrize("name", ["social"])
def test_events_livedesk_does_not_keep_map_to_nothing(name):
    assert events_of(name) == []


def test_an_unknown_event_name_maps_to_nothing():
    [message] = tiktok_live.split({}, body({"event": "linkMicBattle", "data": {"battleUsers": []}}))
    assert tiktok_live.to_events(message, CONNECTION, None) == []


def test_a_chat_without_a_user_is_an_adapter_error():
    entry = item("tiktok_live", "chat")
    for key in ("userId", "uniqueId"):
        del entry["data"][key]
    [message] = tiktok_live.split({}, body(entry))
    with pytest.raises(AdapterError):
        tiktok_live.to_events(message, CONNECTION, None)


def test_hostile_text_is_kept_as_text_for_the_pages_to_escape():
    entry = item("tiktok_live", "chat")
    entry["data"]["comment"] = "<script>alert(1)</script>"
    [message] = tiktok_live.split({}, body(entry))
    [event] = tiktok_live.to_events(message, CONNECTION, None)
    assert event["text"] == "<script>alert(1)</script>"


def test_the_sample_request_is_signed_and_maps_to_one_chat():
    now = datetime.now(timezone.utc)
    headers, payload = tiktok_live.sample_request(CONNECTION, now)
    assert tiktok_live.verify(headers, payload, CONNECTION)
    [message] = tiktok_live.split(headers, payload)
    [event] = tiktok_live.to_events(message, CONNECTION, None)
    assert event["type"] == "chat"
    valid(event)


def test_the_forwarder_is_answered_ok_once_stored_and_asked_to_retry_otherwise():
    assert tiktok_live.ack(True) == ({"ok": True}, 200)
    assert tiktok_live.ack(False)[1] == 503
    assert tiktok_live.detail_client(CONNECTION, {}) is None
