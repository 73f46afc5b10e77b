"""Bilibili live-room commands from blivedm (xfgryujk), posted by a forwarder (pure).

blivedm hands every decoded command (``{"cmd": ..., "info": [...]}`` or ``{"cmd": ..., "data": {...}}``) to
its handler; the forwarder posts ``{"event": command["cmd"], "data": command}``. A cmd may carry a suffix
after ":" (as blivedm strips it, so does this module). Mapped: DANMU_MSG → chat, INTERACT_WORD of msg_type 1
(entering the room) → viewer_join, SEND_GIFT → gift (one command per batch sent, so each counts; the
COMBO_SEND summary is ignored), LIKE_INFO_V3_CLICK → like, PREPARING (the host stopped) → the broadcast ends.
Everything else is acknowledged and logged as ignored.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from live.adapters import forwarder
from live.adapters.base import AdapterError, Connection, InboundMessage
from live.adapters.mapping import content_id, count, event_id, iso, message, platform_id, platform_time, text, zone_of

PLATFORM = "bilibili"
DEFAULT_ZONE = "Asia/Shanghai"
ENTERED = 1  # INTERACT_WORD msg_type: 1 entered, 2 followed, 3 shared, 4 special follow, 5 mutual follow

verify = forwarder.verify
ack = forwarder.ack


def command_name(item: Mapping[str, Any]) -> str:
    """Return the command's name without blivedm's ":suffix" (the event name, else the command's cmd)."""
    name = item.get("event") or ""
    return name.split(":", 1)[0]


def split(headers: Mapping[str, str], body: bytes) -> list[InboundMessage]:
    """Return one message per forwarded command, its id the platform's (id_str, tid) or one made from its fields."""
    found = []
    for item in forwarder.items(body):
        kind = command_name(item)
        own = _own_id(kind, item["data"]) or item["id"]
        found.append(message(f"{kind}:{own}" if own else content_id(item), kind, item))
    return found


def _own_id(kind: str, command: Any) -> str | None:
    """Return the id the command carries: a danmaku's id_str, a gift's transaction id, else its user and time."""
    if not isinstance(command, Mapping):
        return None
    if kind == "DANMU_MSG":
        info = command.get("info")
        extra = _extra(info)
        if extra.get("id_str"):
            return str(extra["id_str"])
        head = _at(info, 0)
        if isinstance(head, list) and len(head) > 5:
            return f"{_at(_at(info, 2), 0)}-{head[4]}-{head[5]}"
        return None
    data = command.get("data") if isinstance(command.get("data"), Mapping) else {}
    if kind == "SEND_GIFT":
        return _text_id(data.get("tid") or data.get("rnd"))
    if kind == "INTERACT_WORD":
        moment = data.get("trigger_time") or data.get("timestamp")
        return f"{data.get('uid')}-{moment}-{data.get('msg_type')}" if moment else None
    return None


def _text_id(value: Any) -> str | None:
    return None if value in (None, "", 0, "0") else str(value)


def _at(sequence: Any, index: int) -> Any:
    """Return sequence[index] when sequence is a list long enough, else None."""
    return sequence[index] if isinstance(sequence, list) and len(sequence) > index else None


def _extra(info: Any) -> dict:
    """Return the danmaku's mode_info.extra (a JSON text inside info[0][15]) as a dict ({} when absent)."""
    mode_info = _at(_at(info, 0), 15)
    extra = mode_info.get("extra") if isinstance(mode_info, Mapping) else None
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except ValueError:
            return {}
    return extra if isinstance(extra, dict) else {}


def detail_client(connection: Connection, config: Mapping) -> None:
    """Return None: blivedm forwards the full command."""
    return None


def to_events(msg: InboundMessage, connection: Connection, details: Any = None) -> list[dict]:
    """Return the LiveDesk events of one command ([] when it is not mapped)."""
    command = msg.payload["data"]
    mapper = _MAPPERS.get(msg.kind)
    if mapper is None or not isinstance(command, Mapping):
        return []
    mapped = mapper(command)
    if mapped is None:
        return []
    event, moment = mapped
    event["ts"] = iso(_when(moment, msg.payload, connection))
    return [{"id": event_id(msg.message_id), **event}]


def ends_broadcast(msg: InboundMessage, connection: Connection) -> datetime | None:
    """Return when the stream ended for a PREPARING command (the forwarder's ts), else None."""
    if msg.kind != "PREPARING":
        return None
    return _when(None, msg.payload, connection, required=False)


def sample_request(connection: Connection, now: datetime) -> tuple[dict[str, str], bytes]:
    """Return a signed one-danmaku request as a forwarder would post it."""
    stamp = int(now.timestamp() * 1000)
    extra = json.dumps({"id_str": f"test-{stamp}", "content": "LiveDesk 测试弹幕"}, ensure_ascii=False)
    info = [[0, 1, 25, 16777215, stamp, 0, 0, "0", 0, 0, 0, "", 0, "{}", "{}", {"extra": extra}], "LiveDesk 测试弹幕",
            [10000001, "LiveDesk测试", 0, 0, 0, 10000, 1, ""], [], [0, 0, 0, ">50000"], ["", ""], 0, 0, None,
            {"ts": stamp // 1000, "ct": "0"}, 0, 0, None, [0]]
    body = json.dumps([{"event": "DANMU_MSG", "ts": stamp, "data": {"cmd": "DANMU_MSG", "info": info}}],
                      ensure_ascii=False).encode()
    return forwarder.sign(body, connection.secrets[0], int(now.timestamp())), body


def _when(moment: Any, payload: Mapping[str, Any], connection: Connection, required: bool = True) -> datetime | None:
    """Return the command's own time (epoch seconds or ms), else the forwarder's ts."""
    for value in (moment, payload.get("ts")):
        if value not in (None, "", 0, "0"):
            return platform_time(value, "timestamp", zone_of(connection.settings.get("zone"), DEFAULT_ZONE))
    if not required:
        return None
    raise AdapterError("missing_field", "ts", "the command has no time and the forwarder sent no ts")


def _danmaku(command: Mapping[str, Any]) -> tuple[dict, Any] | None:
    info = command.get("info")
    words = text(_at(info, 1), 2000)
    user = _at(info, 2)
    if words is None or not isinstance(user, list):
        return None
    uid = _at(user, 0)
    # Viewers not logged in (and every uid for some clients since 2023) come as uid 0 with the CRC32 of the id.
    viewer = uid if uid not in (None, 0, "0") else f"crc32:{_at(_at(info, 0), 7)}"
    return ({"type": "chat", "viewer_id": platform_id(viewer, "info[2][0]"), "nickname": text(_at(user, 1), 100),
             "text": words}, _at(_at(info, 0), 4))


def _interact(command: Mapping[str, Any]) -> tuple[dict, Any] | None:
    data = command.get("data") if isinstance(command.get("data"), Mapping) else {}
    if count(data.get("msg_type"), "msg_type", default=0) != ENTERED:
        return None
    moment = data.get("timestamp") or (count(data.get("trigger_time"), "trigger_time", default=0) or None)
    return ({"type": "viewer_join", "viewer_id": platform_id(data.get("uid"), "uid"),
             "nickname": text(data.get("uname"), 100)}, moment)


def _gift(command: Mapping[str, Any]) -> tuple[dict, Any] | None:
    data = command.get("data") if isinstance(command.get("data"), Mapping) else {}
    coin = text(data.get("coin_type"), 8)
    total = data.get("total_coin")
    return ({"type": "gift", "viewer_id": platform_id(data.get("uid"), "uid"), "nickname": text(data.get("uname"), 100),
             "gift_id": platform_id(data.get("giftId"), "giftId"), "gift_name": text(data.get("giftName"), 100),
             "count": max(1, count(data.get("num"), "num", default=1)),
             "value": None if total is None else count(total, "total_coin"),
             "unit": f"{coin}_coin" if coin else None}, data.get("timestamp"))


def _like_click(command: Mapping[str, Any]) -> tuple[dict, Any] | None:
    data = command.get("data") if isinstance(command.get("data"), Mapping) else {}
    uid = data.get("uid")
    return ({"type": "like", "viewer_id": None if uid in (None, 0, "0") else platform_id(uid, "uid"),
             "nickname": text(data.get("uname"), 100), "count": 1}, data.get("timestamp"))


_MAPPERS = {"DANMU_MSG": _danmaku, "INTERACT_WORD": _interact, "SEND_GIFT": _gift, "LIKE_INFO_V3_CLICK": _like_click}
