"""TikTok LIVE room events from TikTok-Live-Connector (zerodytrash), posted by a forwarder (pure).

Both shapes of the connector are read: 1.x flattens the user and message fields into the event
(``userId``, ``uniqueId``, ``nickname``, ``msgId``, ``createTime``), 2.x passes the decoded message with
``user`` and ``common`` objects (``user.userId``, ``common.msgId``, ``giftDetails``). Mapped: chat → chat,
member → viewer_join, like → like, gift → gift (a streakable gift, giftType 1, counts once, at its
``repeatEnd`` event with the final ``repeatCount``), roomUser → viewer_count, streamEnd → the broadcast ends.
Everything else (social, emote, envelope, questionNew, battles ...) is acknowledged and logged as ignored.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from live.adapters import forwarder
from live.adapters.base import AdapterError, Connection, InboundMessage
from live.adapters.mapping import (content_id, count, event_id, get, iso, message, platform_id, platform_time, text,
                                   zone_of)

PLATFORM = "tiktok_live"
DEFAULT_ZONE = "UTC"  # the connector's times are epoch milliseconds; a text time without offset is read here
STREAKABLE_GIFT = 1  # giftType of gifts sent in streaks (README, "gift")

verify = forwarder.verify
ack = forwarder.ack


def split(headers: Mapping[str, str], body: bytes) -> list[InboundMessage]:
    """Return one message per forwarded connector event, its id the connector's msgId when it has one."""
    found = []
    for item in forwarder.items(body):
        data = item["data"]
        msg_id = _first(get(data, "msgId"), get(data, "common", "msgId"), item["id"])
        message_id = f"{item['event']}:{msg_id}" if msg_id is not None else content_id(item)
        found.append(message(message_id, item["event"], item))
    return found


def detail_client(connection: Connection, config: Mapping) -> None:
    """Return None: the connector sends the full event, nothing needs fetching."""
    return None


def to_events(msg: InboundMessage, connection: Connection, details: Any = None) -> list[dict]:
    """Return the LiveDesk events of one connector event ([] when it is not mapped or a gift streak goes on)."""
    data = msg.payload["data"]
    mapper = _MAPPERS.get(msg.kind)
    if mapper is None or not isinstance(data, Mapping):
        return []
    event = mapper(data)
    if event is None:
        return []
    event["ts"] = iso(_when(msg.payload, connection))
    return [{"id": event_id(msg.message_id), **event}]


def ends_broadcast(msg: InboundMessage, connection: Connection) -> datetime | None:
    """Return when the stream ended for a streamEnd event (ended by the host or by TikTok), else None."""
    if msg.kind != "streamEnd":
        return None
    return _when(msg.payload, connection, required=False)


def sample_request(connection: Connection, now: datetime) -> tuple[dict[str, str], bytes]:
    """Return a signed one-comment request as a forwarder would post it."""
    stamp = int(now.timestamp() * 1000)
    body = json.dumps([{"event": "chat", "id": f"test-{stamp}", "ts": stamp, "data": {
        "comment": "LiveDesk test comment", "userId": "livedesk-test", "uniqueId": "livedesk_test",
        "nickname": "LiveDesk test", "msgId": f"test-{stamp}", "createTime": str(stamp)}}]).encode()
    return forwarder.sign(body, connection.secrets[0], int(now.timestamp())), body


def _first(*values: Any) -> str | None:
    """Return the first value that is a non-empty string or a number, as text."""
    for value in values:
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) not in ("", "0"):
            return str(value)
    return None


def _when(payload: Mapping[str, Any], connection: Connection, required: bool = True) -> datetime | None:
    """Return the event's time: the connector's createTime, else the forwarder's ts."""
    data = payload.get("data")
    value = _first(get(data, "createTime"), get(data, "common", "createTime"), get(data, "timestamp"),
                   payload.get("ts"))
    if value is None:
        if not required:
            return None
        raise AdapterError("missing_field", "ts", "the event has no createTime and the forwarder sent no ts")
    return platform_time(value, "createTime", zone_of(connection.settings.get("zone"), DEFAULT_ZONE))


def _viewer(data: Mapping[str, Any], required: bool = True) -> tuple[str | None, str | None]:
    """Return (viewer id, nickname) from the flat 1.x fields or the 2.x user object."""
    user = data.get("user") if isinstance(data.get("user"), Mapping) else {}
    raw = _first(data.get("userId"), user.get("userId"), user.get("idStr"), data.get("uniqueId"), user.get("uniqueId"))
    nickname = text(_first(data.get("nickname"), user.get("nickname"), data.get("uniqueId"), user.get("uniqueId")), 100)
    if raw is None and not required:
        return None, nickname
    return platform_id(raw, "userId"), nickname


def _chat(data: Mapping[str, Any]) -> dict | None:
    words = text(data.get("comment"), 2000)
    if words is None:
        return None
    viewer_id, nickname = _viewer(data)
    return {"type": "chat", "viewer_id": viewer_id, "nickname": nickname, "text": words}


def _member(data: Mapping[str, Any]) -> dict:
    viewer_id, nickname = _viewer(data)
    return {"type": "viewer_join", "viewer_id": viewer_id, "nickname": nickname}


def _like(data: Mapping[str, Any]) -> dict | None:
    likes = count(data.get("likeCount"), "likeCount", default=0)
    if likes == 0:
        return None
    viewer_id, nickname = _viewer(data, required=False)
    total = data.get("totalLikeCount")
    return {"type": "like", "viewer_id": viewer_id, "nickname": nickname, "count": likes,
            "total": None if total is None else count(total, "totalLikeCount")}


def _gift(data: Mapping[str, Any]) -> dict | None:
    details = data.get("giftDetails") if isinstance(data.get("giftDetails"), Mapping) else {}
    gift_type = _first(data.get("giftType"), details.get("giftType"), get(data, "gift", "gift_type"))
    if gift_type == str(STREAKABLE_GIFT) and not data.get("repeatEnd"):
        return None  # a streak in progress: its repeatEnd event carries the final count
    repeat = max(1, count(data.get("repeatCount"), "repeatCount", default=1))
    diamonds = _first(data.get("diamondCount"), details.get("diamondCount"))
    viewer_id, nickname = _viewer(data)
    return {"type": "gift", "viewer_id": viewer_id, "nickname": nickname,
            "gift_id": platform_id(_first(data.get("giftId"), get(data, "gift", "gift_id")), "giftId"),
            "gift_name": text(_first(data.get("giftName"), details.get("giftName"), data.get("describe")), 100),
            "count": repeat, "value": None if diamonds is None else count(diamonds, "diamondCount") * repeat,
            "unit": "diamond"}


def _room_user(data: Mapping[str, Any]) -> dict | None:
    viewers = data.get("viewerCount")
    if viewers is None:
        return None
    return {"type": "viewer_count", "count": count(viewers, "viewerCount")}


_MAPPERS = {"chat": _chat, "member": _member, "like": _like, "gift": _gift, "roomUser": _room_user}
