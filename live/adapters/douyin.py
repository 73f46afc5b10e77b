"""Douyin 抖店 message push: a JSON array of ``{tag, msg_id, data}`` (data a JSON string), signed ``event-sign``.

``event-sign`` = lower-case hex MD5(app_key + raw body + app_secret); the ``app-id`` header, when sent, must be
the connection's app key. Answer ``{"code": 0, "msg": "success"}`` once stored (anything else: 抖店 retries).
Tag ``0`` is the check 抖店 sends when the push URL is saved. Trade tags map to order events (details from
``order.orderDetail``), refund tags to ``aftersale`` events. Amounts are fen, times epoch seconds or
Asia/Shanghai wall time. Sources and assumptions: tests/fixtures/adapters/douyin/SOURCES.md; what is mapped
or ignored: docs/adapters.md.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timezone

from live.adapters.base import AdapterError, Connection, InboundMessage
from live.adapters.clients import douyin as api
from live.adapters.clients.push import (MAX_MESSAGES, embedded_object, header, ignored, load_json, message,
                                        other_shop, same)
from live.adapters.clients.records import cancel_event, complaint_event, order_event, payment_event
from live.adapters.clients.values import event_id, fen_to_yuan, optional_time, ref, zone
from live.adapters.douyin_aftersales import aftersale_events
from live.adapters.mapping import platform_time

PLATFORM = "douyin"

IGNORED_TAGS = {
    "0": "the check 抖店 sends when the push URL is saved",
    "102": "shipping happens in LiveDesk's fulfilment; 抖店's shipping notice is not mapped",
    "103": "trade completed on 抖店: nothing changes in LiveDesk",
    "104": "logistics changed on 抖店: shipping happens in LiveDesk's fulfilment",
    "105": "address changed on 抖店: LiveDesk has no address-edit path; the new address is in 抖店",
    "108": "partial shipment on 抖店: shipping happens in LiveDesk's fulfilment",
    "109": "order amount changed on 抖店: the payment message carries what was paid",
    "111": "address change requested on 抖店: LiveDesk has no address-edit path; the seller answers in 抖店",
    "113": "seller remark added on 抖店",
    "126": "delivery promise changed on 抖店",
}


def verify(headers: Mapping[str, str], body: bytes, connection: Connection) -> bool:
    """Return True when event-sign is MD5(app_key + body + secret) for the current or a previous secret."""
    given = header(headers, "event-sign")
    app_id = header(headers, "app-id")
    if not given or not connection.app_key or (app_id is not None and app_id != connection.app_key):
        return False
    prefix = connection.app_key.encode()
    return any(same(hashlib.md5(prefix + body + secret.encode()).hexdigest(), given)
               for secret in connection.secrets if secret)


def split(headers: Mapping[str, str], body: bytes) -> list[InboundMessage]:
    """Return the push's messages, data decoded; raise AdapterError for a malformed body."""
    raw = load_json(body, "body")
    if not isinstance(raw, list):
        raise AdapterError("invalid_type", "body", "body must be a JSON array of messages")
    if len(raw) > MAX_MESSAGES:
        raise AdapterError("too_many_messages", "body", f"at most {MAX_MESSAGES} messages per push")
    messages = []
    for index, item in enumerate(raw):
        path = f"body[{index}]"
        if not isinstance(item, dict):
            raise AdapterError("invalid_type", path, f"{path} must be an object")
        data = embedded_object(item.get("data") if item.get("data") not in (None, "") else "{}", f"{path}.data")
        messages.append(message(item.get("msg_id"), item.get("tag"), data, f"{path}.msg_id", f"{path}.tag"))
    return messages


def ack(ok: bool) -> tuple[object, int]:
    """Return 抖店's answer: code 0 once stored, code 1 otherwise (抖店 then pushes again)."""
    return ({"code": 0, "msg": "success"}, 200) if ok else ({"code": 1, "msg": "fail"}, 200)


def detail_client(connection: Connection, config: Mapping) -> api.DouyinClient:
    """Return the 抖店 open API client of connection (pushes are thin: items and buyer come from it)."""
    return api.make_client(connection, config)


def sample_request(connection: Connection, now) -> tuple[dict, bytes]:
    """Return (headers, body) of the check 抖店 sends when its push URL is saved (tag 0), signed as 抖店 signs."""
    body = b'[{"tag":"0","msg_id":"0","data":"{}"}]'
    secret = connection.secrets[0] if connection.secrets else ""
    key = connection.app_key or ""
    return {"app-id": key, "event-sign": hashlib.md5(key.encode() + body + secret.encode()).hexdigest(),
            "Content-Type": "application/json"}, body


def to_events(inbound: InboundMessage, connection: Connection, details) -> list[dict]:
    """Return the v1 events of one 抖店 message ([] when it maps to nothing; the reason is logged)."""
    tag = inbound.kind
    shop = inbound.payload.get("shop_id")
    if other_shop(connection.shop_id, shop):
        return ignored(PLATFORM, inbound, f"message of shop {shop}, not this connection's")
    if tag in IGNORED_TAGS:
        return ignored(PLATFORM, inbound, IGNORED_TAGS[tag])
    handler = _TRADE.get(tag)
    if handler is not None:
        return handler(inbound, connection, details)
    if tag.startswith("2") and tag.isdigit():
        return aftersale_events(inbound, connection, details)
    return ignored(PLATFORM, inbound, f"unknown tag {tag}")


def _order_id(data: Mapping) -> str:
    """Return the parent order id (p_id) of a trade message."""
    return ref(data.get("p_id"), "data.p_id")


def _source(detail, connection: Connection) -> str:
    """Return the envelope source: in_stream when 抖店 names a live room, product_link when it names none,
    the connection's ``order_source`` (default in_stream) when it does not say."""
    if detail.from_live_room:
        return "in_stream"
    if detail.from_live_room is False:
        return "product_link"
    return str((connection.settings or {}).get("order_source") or "in_stream")


def _order(order_id: str, connection: Connection, details, fallback_ts) -> tuple[dict, object]:
    """Return (the order event, the detail) of an order fetched from the detail API."""
    detail = details.order(order_id)
    ts = detail.created_at or fallback_ts or datetime.now(timezone.utc)
    return order_event(event_id(PLATFORM, "order", order_id), ts, detail, _source(detail, connection)), detail


def _created(inbound, connection, details) -> list[dict]:
    """Tag 100: an order was placed. Items and buyer come from the detail API."""
    order_id = _order_id(inbound.payload)
    if details is None:
        return ignored(PLATFORM, inbound, "order created, but the connection has no detail API")
    tz = zone(connection.settings)
    return [_order(order_id, connection, details, optional_time(inbound.payload.get("create_time"),
                                                                 "create_time", tz))[0]]


def _paid(inbound, connection, details) -> list[dict]:
    """Tags 101 (paid/confirmed) and 110 (paid, to handle): the order (if not yet known) and its payment.

    Both tags of one order give one payment event id, so a second one is a duplicate, never a second payment.
    """
    data = inbound.payload
    order_id = _order_id(data)
    tz = zone(connection.settings)
    events, detail = [], None
    if details is not None:
        order, detail = _order(order_id, connection, details, optional_time(data.get("pay_time"), "pay_time", tz))
        events.append(order)
    amount = data.get("pay_amount")
    paid = fen_to_yuan(amount, "pay_amount") if amount is not None else (detail.paid_amount if detail else None)
    at = optional_time(data.get("pay_time"), "pay_time", tz) or (detail.paid_at if detail else None)
    if paid is None or at is None:
        return events or ignored(PLATFORM, inbound, "paid, but neither the message nor the detail API says how much")
    method = api.PAY_TYPES.get(data.get("pay_type")) if isinstance(data.get("pay_type"), int) else None
    events.append(payment_event(event_id(PLATFORM, "pay", order_id), at, order_id, paid,
                                method or (detail.payment_method if detail else None)))
    return events


def _cancelled(inbound, connection, details) -> list[dict]:
    """Tag 106: the order was cancelled on 抖店 (its reason kept)."""
    data = inbound.payload
    order_id = _order_id(data)
    tz = zone(connection.settings)
    at = optional_time(data.get("cancel_time"), "cancel_time", tz) or platform_time(
        data.get("update_time"), "update_time", tz)
    return [cancel_event(event_id(PLATFORM, "cancel", order_id), at, order_id, data.get("cancel_reason"))]


def _arbitration(inbound, connection, details) -> list[dict]:
    """Tag 212: the buyer asked 抖店's customer service to arbitrate an after-sales case → ``complaint``.

    The message names no buyer: the order's buyer comes from the detail API. It carries no time either: the
    complaint is dated when LiveDesk learns of it.
    """
    data = inbound.payload
    order_id = _order_id(data)
    if details is None:
        return ignored(PLATFORM, inbound, "arbitration asked, but the connection has no detail API for the buyer")
    buyer = details.order(order_id).buyer.id
    if buyer is None:
        return ignored(PLATFORM, inbound, "arbitration asked, but the order names no buyer")
    aftersale = ref(data.get("aftersale_id"), "data.aftersale_id")
    arbitration = ref(data.get("arbitrate_id"), "data.arbitrate_id")
    return [complaint_event(event_id(PLATFORM, inbound.message_id), datetime.now(timezone.utc),
                            complaint_id=f"douyin-arbitration-{arbitration}"[:64], buyer_id=buyer, order_id=order_id,
                            category="after-sales arbitration (抖店 客服仲裁)",
                            message=f"买家就售后单 {aftersale} 申请抖店客服仲裁（仲裁单 {arbitration}）。"
                                    f"The buyer asked 抖店 customer service to arbitrate after-sales case {aftersale}.")]


_TRADE = {"100": _created, "101": _paid, "110": _paid, "106": _cancelled, "212": _arbitration}
