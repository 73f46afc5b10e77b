"""Douyin live-room messages from DouyinLiveWebFetcher (saermart), posted by a forwarder (pure).

The fetcher decodes each ``Message`` of the room's push frames by its ``method`` with betterproto classes
(protobuf/douyin.py); the forwarder posts ``{"event": method, "data": parsed.to_dict()}``. betterproto writes
camelCase keys and 64-bit integers as strings; snake_case keys (``to_dict(casing=Casing.SNAKE)``) are read too.
Mapped: WebcastChatMessage → chat, WebcastMemberMessage (entering the room) → viewer_join,
WebcastRoomUserSeqMessage → viewer_count (``total``: viewers now), WebcastGiftMessage → gift (a combo gift
counts once, at its ``repeatEnd`` message), WebcastLikeMessage → like, WebcastControlMessage status 3 → the
broadcast ends. The web feed sends no leave message. Everything else is acknowledged and logged as ignored.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from live.adapters import forwarder
from live.adapters.base import AdapterError, Connection, InboundMessage
from live.adapters.mapping import content_id, count, event_id, iso, message, platform_id, platform_time, text, zone_of

PLATFORM = "douyin_live"
DEFAULT_ZONE = "Asia/Shanghai"  # Douyin's zone, for a text time without offset (the fetcher's are epoch numbers)
STREAM_ENDED = 3  # WebcastControlMessage.status when the host stops the stream (下播)
MASKED_USER_IDS = frozenset({"111111"})  # what the web feed shows instead of a logged-out viewer's id

verify = forwarder.verify
ack = forwarder.ack


def field(data: Any, camel: str, snake: str | None = None) -> Any:
    """Return data's value under its camelCase name, else its snake_case name (None when neither)."""
    if not isinstance(data, Mapping):
        return None
    value = data.get(camel)
    if value is None:
        value = data.get(snake or _snake(camel))
    return value


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _common(data: Any) -> Mapping[str, Any]:
    common = field(data, "common") or field(data, "commonInfo")  # FansclubMessage names it common_info
    return common if isinstance(common, Mapping) else {}


def split(headers: Mapping[str, str], body: bytes) -> list[InboundMessage]:
    """Return one message per forwarded Douyin message, its id the message's common.msgId when present."""
    found = []
    for item in forwarder.items(body):
        msg_id = field(_common(item["data"]), "msgId") or item["id"]
        message_id = f"{item['event']}:{msg_id}" if msg_id not in (None, "", 0, "0") else content_id(item)
        found.append(message(message_id, item["event"], item))
    return found


def detail_client(connection: Connection, config: Mapping) -> None:
    """Return None: the fetcher forwards the full message."""
    return None


def to_events(msg: InboundMessage, connection: Connection, details: Any = None) -> list[dict]:
    """Return the LiveDesk events of one Douyin message ([] when not mapped or a combo gift goes on)."""
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
    """Return when the stream ended for a WebcastControlMessage of status 3, else None."""
    data = msg.payload.get("data")
    if msg.kind != "WebcastControlMessage" or not isinstance(data, Mapping):
        return None
    if count(field(data, "status"), "status", default=0) != STREAM_ENDED:
        return None
    return _when(msg.payload, connection, required=False)


def sample_request(connection: Connection, now: datetime) -> tuple[dict[str, str], bytes]:
    """Return a signed one-comment request as a forwarder would post it."""
    stamp = int(now.timestamp() * 1000)
    body = json.dumps([{"event": "WebcastChatMessage", "ts": stamp, "data": {
        "common": {"method": "WebcastChatMessage", "msgId": f"test-{stamp}", "createTime": str(stamp)},
        "user": {"id": "livedesk-test", "nickName": "LiveDesk 测试"}, "content": "LiveDesk 测试评论"}}],
        ensure_ascii=False).encode()
    return forwarder.sign(body, connection.secrets[0], int(now.timestamp())), body


def _when(payload: Mapping[str, Any], connection: Connection, required: bool = True) -> datetime | None:
    """Return the message's time: common.createTime, else its eventTime / sendTime, else the forwarder's ts."""
    data = payload.get("data")
    for value in (field(_common(data), "createTime"), field(data, "eventTime"), field(data, "sendTime"),
                  payload.get("ts")):
        if value not in (None, "", 0, "0"):
            return platform_time(value, "createTime", zone_of(connection.settings.get("zone"), DEFAULT_ZONE))
    if not required:
        return None
    raise AdapterError("missing_field", "ts", "the message has no createTime and the forwarder sent no ts")


def _viewer(data: Mapping[str, Any]) -> tuple[str, str | None]:
    """Return (viewer id, nickname): idStr or id, else secUid when the id is masked, else the display id."""
    user = field(data, "user")
    if not isinstance(user, Mapping):
        raise AdapterError("missing_field", "user", "the message has no user")
    candidates = [field(user, "idStr"), field(user, "id"), field(user, "secUid"), field(user, "displayId")]
    usable = [str(c) for c in candidates if c not in (None, "", 0, "0") and str(c) not in MASKED_USER_IDS]
    raw = usable[0] if usable else next((str(c) for c in candidates if c not in (None, "", 0, "0")), None)
    return platform_id(raw, "user.id"), text(field(user, "nickName"), 100)


def _chat(data: Mapping[str, Any]) -> dict | None:
    words = text(field(data, "content"), 2000)
    if words is None:
        return None
    viewer_id, nickname = _viewer(data)
    return {"type": "chat", "viewer_id": viewer_id, "nickname": nickname, "text": words}


def _member(data: Mapping[str, Any]) -> dict:
    viewer_id, nickname = _viewer(data)
    return {"type": "viewer_join", "viewer_id": viewer_id, "nickname": nickname}


def _room_user_seq(data: Mapping[str, Any]) -> dict | None:
    total = field(data, "total")
    return None if total is None else {"type": "viewer_count", "count": count(total, "total")}


def _like(data: Mapping[str, Any]) -> dict | None:
    likes = count(field(data, "count"), "count", default=0)
    if likes == 0:
        return None
    viewer_id, nickname = _viewer(data) if isinstance(field(data, "user"), Mapping) else (None, None)
    total = field(data, "total")
    return {"type": "like", "viewer_id": viewer_id, "nickname": nickname, "count": likes,
            "total": None if total is None else count(total, "total")}


def _gift(data: Mapping[str, Any]) -> dict | None:
    gift = field(data, "gift") if isinstance(field(data, "gift"), Mapping) else {}
    if field(gift, "combo") and count(field(data, "repeatEnd"), "repeatEnd", default=0) != 1:
        return None  # a combo in progress: the repeatEnd message carries the final count
    gifts = max(1, count(field(data, "comboCount"), "comboCount", default=0)
                or count(field(data, "repeatCount"), "repeatCount", default=0)
                or count(field(data, "groupCount"), "groupCount", default=1))
    diamonds = field(gift, "diamondCount")
    viewer_id, nickname = _viewer(data)
    gift_ref = field(data, "giftId") or field(gift, "id")
    return {"type": "gift", "viewer_id": viewer_id, "nickname": nickname,
            "gift_id": platform_id(gift_ref, "giftId"), "gift_name": text(field(gift, "name"), 100),
            "count": gifts, "value": None if diamonds is None else count(diamonds, "gift.diamondCount") * gifts,
            "unit": "douyin_coin"}


_MAPPERS = {"WebcastChatMessage": _chat, "WebcastMemberMessage": _member, "WebcastRoomUserSeqMessage": _room_user_seq,
            "WebcastLikeMessage": _like, "WebcastGiftMessage": _gift}
