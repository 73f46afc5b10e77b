"""Kuaishou 快手小店 message push: the body is base64(AES-CBC(message key, zero IV)) of one JSON message.

The decrypted message is ``{eventId, msgId, bizId, userId, openId, appKey, event, info, status, createTime,
updateTime}`` with ``info`` a JSON string. There is no signature header: a body counts as Kuaishou's when it
decrypts with the connection's message key (its ``secrets``: current, then previous during rotation) into a
message whose ``appKey`` is the connection's. ``split`` has no key, so it keeps the cipher text as one message
(id: a digest of the body — the cipher is deterministic, so a redelivery has the same id) and ``to_events``
decrypts it; event ids derive from ``msgId``. Answer ``{"result": 1}``. Order events → order / payment /
order_cancel (details from ``open.order.detail``), after-sales events → ``aftersale``. Amounts fen, times
epoch ms. Sources and assumptions: tests/fixtures/adapters/kuaishou/SOURCES.md; mapping: docs/adapters.md.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime, timezone

from flask_babel import gettext

from live.adapters.base import AdapterError, Connection, InboundMessage
from live.adapters.clients import aes
from live.adapters.clients import kuaishou as api
from live.adapters.clients.push import embedded_object, ignored, message, other_shop
from live.adapters.clients.records import aftersale_event, cancel_event, order_event, payment_event
from live.adapters.clients.values import event_id, optional_time, ref, zone
from live.adapters.mapping import digest

PLATFORM = "kuaishou"
ENCRYPTED = "encrypted"
MAX_BODY = 256 * 1024

HANDLING_WAYS = {1: "return_refund", 10: "refund_only", 3: "exchange", 4: "reship", 5: "repair"}
# Refund status of the after-sales messages and APIs.
REFUND_STATUS = {10: "requested", 11: "requested", 12: "rejected", 20: "requested", 21: "requested",
                 22: "awaiting_return", 23: "replacement_shipped", 30: "awaiting_return", 40: "return_shipped",
                 45: "replacement_shipped", 50: "approved", 60: "refunded", 70: "closed"}
IGNORED_EVENTS = {
    "kwaishop_order_orderSuccess": "trade completed on 快手: nothing changes in LiveDesk",
    "kwaishop_order_delivering": "shipped on 快手: shipping happens in LiveDesk's fulfilment",
    "kwaishop_order_deliverySuccess": "received by the buyer on 快手: shipping happens in LiveDesk's fulfilment",
    "kwaishop_order_totalFeeChange": "order amount changed on 快手: the payment carries what was paid",
    "kwaishop_order_addressChange": "address changed on 快手: LiveDesk has no address-edit path",
    "kwaishop_order_addressUpdateAudit": "address change requested on 快手: the seller answers in 快手",
    "kwaishop_order_addNote": "seller note changed on 快手",
}


def _keys(connection: Connection) -> list[bytes]:
    """Return the AES keys of the connection's message secrets (base64 of 16, 24 or 32 bytes)."""
    keys = []
    for secret in connection.secrets:
        try:
            key = base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(key) in (16, 24, 32):
            keys.append(key)
    return keys


def secret_problem(secret: str) -> str | None:
    """Return why secret cannot be a connection's message key (base64 of a 16, 24 or 32-byte AES key), or None."""
    probe = Connection(name="", platform=PLATFORM, shop_id=None, broadcast_id=0, app_key=None, secrets=(secret,),
                       settings={})
    # Read by the admin who typed it into the form's "App secret": in their language, naming that field.
    return None if _keys(probe) else gettext("For a Kuaishou shop the app secret is its message key (消息加密密钥): "
                                             "the base64 of a 16, 24 or 32-byte AES key.")


def decrypt(body: bytes, connection: Connection) -> dict | None:
    """Return the decrypted message of a push body, or None when no key of connection opens it."""
    if len(body) > MAX_BODY:
        return None
    try:
        cipher = base64.b64decode(body.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    for key in _keys(connection):
        try:
            value = json.loads(aes.decrypt_cbc(key, cipher).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(value, dict) and str(value.get("appKey")) == (connection.app_key or ""):
            return value
    return None


def verify(headers: Mapping[str, str], body: bytes, connection: Connection) -> bool:
    """Return True when the body decrypts with the current or a previous key into a message for this app key."""
    return bool(connection.app_key) and decrypt(body, connection) is not None


def split(headers: Mapping[str, str], body: bytes) -> list[InboundMessage]:
    """Return the push as one encrypted message (decrypted by to_events, which has the connection's key)."""
    text = body.strip().decode("ascii", "replace")
    if not text or len(text) > MAX_BODY or len(text) % 4:
        raise AdapterError("invalid_body", "body", "body must be a base64 cipher text")
    return [message("c:" + digest(text, 48), ENCRYPTED, {"ciphertext": text}, "body", "body")]


def ack(ok: bool) -> tuple[object, int]:
    """Return 快手's answer: result 1 once stored (assumed from the API envelope; see SOURCES.md)."""
    return ({"result": 1, "msg": "success"}, 200) if ok else ({"result": 0, "msg": "retry later"}, 503)


def detail_client(connection: Connection, config: Mapping) -> api.KuaishouClient:
    """Return the 快手 open API client of connection (pushes are thin: items and buyer come from it)."""
    return api.make_client(connection, config)


def sample_request(connection: Connection, now) -> tuple[dict, bytes]:
    """Return (headers, body) of a heartbeat message (``test``: ignored), encrypted with the current key."""
    keys = _keys(connection)
    plain = json.dumps({"eventId": f"livedesk-test-{int(now.timestamp())}", "msgId": f"livedesk-test-"
                        f"{int(now.timestamp())}", "appKey": connection.app_key or "", "event": "livedesk_test",
                        "info": "{}", "test": True, "createTime": int(now.timestamp() * 1000)}).encode()
    body = base64.b64encode(aes.encrypt_cbc(keys[0], plain)) if keys else b""
    return {"Content-Type": "text/plain"}, body


def open_message(inbound: InboundMessage, connection: Connection) -> InboundMessage:
    """Return the decrypted message (kind: its event, id: its msgId, payload: it with info decoded)."""
    if inbound.kind != ENCRYPTED:
        return inbound
    value = decrypt(str(inbound.payload.get("ciphertext", "")).encode(), connection)
    if value is None:
        raise AdapterError("undecryptable", "body", "no message key of the connection opens this message")
    info = value.get("info")
    payload = {**value, "info": embedded_object(info if info not in (None, "") else "{}", "info")}
    return message(value.get("msgId") or value.get("eventId"), value.get("event") or "test", payload, "msgId", "event")


def to_events(inbound: InboundMessage, connection: Connection, details) -> list[dict]:
    """Return the v1 events of one 快手 message ([] when it maps to nothing; the reason is logged)."""
    opened = open_message(inbound, connection)
    if opened.payload.get("test") is True:
        return ignored(PLATFORM, opened, "the heartbeat 快手 sends to check the push URL")
    seller = _seller(opened)
    if other_shop(connection.shop_id, seller):
        return ignored(PLATFORM, opened, f"message of seller {seller}, not this connection's shop")
    if opened.kind in IGNORED_EVENTS:
        return ignored(PLATFORM, opened, IGNORED_EVENTS[opened.kind])
    handler = _HANDLERS.get(opened.kind)
    if handler is None:
        return ignored(PLATFORM, opened, f"unknown event {opened.kind}")
    return handler(opened, connection, details)


def _seller(opened: InboundMessage) -> object:
    """Return the seller (the shop's 快手 user id) a message is for: its userId, else its info's sellerId."""
    seller = opened.payload.get("userId")
    return seller if seller not in (None, "") else opened.payload["info"].get("sellerId")


def _order(opened: InboundMessage, connection: Connection, details, paid: bool) -> list[dict]:
    """Order added / paid: the order from the detail API, and its payment once paid."""
    info = opened.payload["info"]
    order_id = ref(info.get("oid") or opened.payload.get("bizId"), "info.oid")
    if details is None:
        return ignored(PLATFORM, opened, "order message, but the connection has no detail API")
    detail = details.order(order_id)
    tz = zone(connection.settings)
    happened = optional_time(info.get("updateTime") or info.get("createTime") or opened.payload.get("createTime"),
                             "info.updateTime", tz)
    source = str((connection.settings or {}).get("order_source") or "in_stream")
    placed = detail.created_at or happened or datetime.now(timezone.utc)
    events = [order_event(event_id(PLATFORM, "order", order_id), placed, detail, source)]
    if paid and detail.paid_amount is not None and (detail.paid_at or happened):
        events.append(payment_event(event_id(PLATFORM, "pay", order_id), detail.paid_at or happened, order_id,
                                    detail.paid_amount, detail.payment_method))
    return events


def _failed(opened: InboundMessage, connection: Connection, details) -> list[dict]:
    """kwaishop_order_orderFail: 快手 turns a cancelled order into 订单失败 → order_cancel."""
    info = opened.payload["info"]
    order_id = ref(info.get("oid") or opened.payload.get("bizId"), "info.oid")
    at = optional_time(info.get("updateTime") or opened.payload.get("updateTime"), "info.updateTime",
                       zone(connection.settings))
    if at is None:
        return ignored(PLATFORM, opened, "the order-failed message carries no time")
    return [cancel_event(event_id(PLATFORM, "cancel", order_id), at, order_id, "订单交易失败 (快手)")]


def _refund(opened: InboundMessage, connection: Connection, details) -> list[dict]:
    """kwaishop_aftersales_addRefund / updateRefund → ``aftersale`` (reason and amount from the detail API)."""
    info = opened.payload["info"]
    case_type = HANDLING_WAYS.get(info.get("handlingWay"))
    status = REFUND_STATUS.get(info.get("status"))
    if case_type is None or status is None:
        return ignored(PLATFORM, opened, f"refund (handlingWay {info.get('handlingWay')}, status "
                                         f"{info.get('status')}) is not mirrored")
    if status == "refunded" and case_type not in ("refund_only", "return_refund"):
        status = "completed"
    tz = zone(connection.settings)
    at = optional_time(info.get("updateTime") or info.get("createTime") or opened.payload.get("updateTime"),
                       "info.updateTime", tz)
    if at is None:
        return ignored(PLATFORM, opened, "the refund message carries no time")
    refund_id = ref(info.get("refundId"), "info.refundId")
    detail = details.refund(refund_id) if details is not None else None
    return [aftersale_event(
        event_id(PLATFORM, opened.message_id), at, aftersale_id=refund_id,
        order_id=ref(info.get("orderId") or info.get("oid"), "info.orderId"), case_type=case_type, status=status,
        reason=detail.reason if detail else None, amount=detail.amount if detail else None,
        deadline_at=detail.deadline_at if detail else None, platform="kuaishou")]


_HANDLERS = {
    "kwaishop_order_addOrder": lambda m, c, d: _order(m, c, d, paid=False),
    "kwaishop_order_paySuccess": lambda m, c, d: _order(m, c, d, paid=True),
    "kwaishop_order_orderFail": _failed,
    "kwaishop_aftersales_addRefund": _refund,
    "kwaishop_aftersales_updateRefund": _refund,
}
