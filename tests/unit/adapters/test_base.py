"""The adapter contract (live.adapters.base) and the pure helpers every platform module shares (mapping)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from live.adapters.base import OPTIONAL_ATTRIBUTES, REQUIRED_ATTRIBUTES, AdapterError, Connection, InboundMessage
from live.adapters.mapping import (content_id, count, event_id, message, optional_id, platform_id, platform_time,
                                   zone_of)

SHANGHAI = zone_of("Asia/Shanghai", "UTC")


def test_the_contract_names_the_five_functions_and_the_platform():
    assert set(REQUIRED_ATTRIBUTES) == {"PLATFORM", "verify", "split", "to_events", "ack", "detail_client"}
    assert set(OPTIONAL_ATTRIBUTES) == {"sample_request", "ends_broadcast"}


def test_a_connection_and_a_message_are_frozen_values():
    connection = Connection("shop", "tiktok_live", None, 1, None, ("new", "old"), {"zone": "UTC"})
    with pytest.raises(AttributeError):
        connection.name = "other"  # type: ignore[misc]
    assert connection.secrets[0] == "new"
    assert InboundMessage("m1", "chat", {"a": 1}) == InboundMessage("m1", "chat", {"a": 1})


def test_an_adapter_error_is_the_api_error_triple():
    error = AdapterError("invalid_json", "body", "the body must be JSON")
    assert error.as_dict() == {"error": {"code": "invalid_json", "field": "body", "message": "the body must be JSON"}}


def test_event_ids_derive_from_the_message_id_so_redelivery_repeats_them():
    assert event_id("chat:123") == "chat:123"
    assert event_id("chat:123", 1) == "chat:123#1"
    long_id = "x" * 128
    assert event_id(long_id, 1).startswith("h:") and len(event_id(long_id, 1)) <= 128
    assert event_id(long_id, 1) == event_id(long_id, 1)


def test_a_message_id_that_is_too_long_becomes_its_digest():
    assert message("y" * 300, "chat", {}).message_id == message("y" * 300, "chat", {}).message_id
    assert len(message("y" * 300, "chat", {}).message_id) <= 128


def test_platform_ids_are_text_without_slash_and_bounded():
    assert platform_id(6813181309701719620, "userId") == "6813181309701719620"
    assert platform_id("a/b", "userId").startswith("h:")
    assert len(platform_id("s" * 90, "secUid")) <= 64
    assert optional_id(0, "uid") is None and optional_id("", "uid") is None
    with pytest.raises(AdapterError):
        platform_id(None, "userId")
    with pytest.raises(AdapterError):
        platform_id(True, "userId")


@pytest.mark.parametrize("value", [1721106115, 1721106115633, "1721106115633", 1721106115633000,
                                   1721106115633000000])
def test_epoch_times_in_seconds_milliseconds_micro_and_nanoseconds_are_read(value):
    moment = platform_time(value, "ts", SHANGHAI)
    assert moment.tzinfo is not None
    assert moment.replace(microsecond=0) == datetime(2024, 7, 16, 5, 1, 55, tzinfo=timezone.utc)


def test_a_time_without_offset_is_read_in_the_platform_zone_and_stored_in_utc():
    assert platform_time("2024-07-16 13:01:55", "ts", SHANGHAI) == datetime(2024, 7, 16, 5, 1, 55, tzinfo=timezone.utc)
    assert platform_time("2024-07-16T13:01:55+08:00", "ts", zone_of(None, "UTC")) == \
        datetime(2024, 7, 16, 5, 1, 55, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", [None, "", "yesterday", True, {"t": 1}, "9" * 50])
def test_an_unreadable_time_is_an_adapter_error(value):
    with pytest.raises(AdapterError):
        platform_time(value, "ts", SHANGHAI)


def test_counts_accept_numbers_and_numeric_text_only():
    assert count("15", "count") == 15 and count(3, "count") == 3 and count(None, "count", default=0) == 0
    for bad in ("many", -1, True):
        with pytest.raises(AdapterError):
            count(bad, "count")


def test_content_ids_are_stable_whatever_the_key_order():
    assert content_id({"a": 1, "b": [1, 2]}) == content_id({"b": [1, 2], "a": 1})
    assert content_id({"a": 1}) != content_id({"a": 2})


def test_an_unknown_zone_falls_back_to_the_platform_default():
    assert str(zone_of("Mars/Olympus", "Asia/Shanghai")) == "Asia/Shanghai"
