"""TikTok Shop webhooks: ``{type, tts_notification_id, shop_id, timestamp, data}``, signed in ``Authorization``.

``Authorization`` = hex HMAC-SHA256(app_secret, app_key + raw body) — no timestamp, so no replay protection:
the notification id dedupes. TikTok retries until it gets HTTP 200. Type 1 (order status change) maps to
order / payment / order_cancel events (details from Get Order Detail), type 11 (cancellation status) to
order_cancel once a cancellation succeeds, type 12 (return status) to ``aftersale`` events (details from
Search Returns). Amounts are decimal strings in the shop's currency; times epoch seconds (UTC). Sources:
tests/fixtures/adapters/tiktok_shop/SOURCES.md; what is mapped or ignored: docs/adapters.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from live.adapters.base import AdapterError, Connection, InboundMessage
from live.adapters.clients import tiktok_shop as api
from live.adapters.clients.push import header, ignored, load_json, message, other_shop, same
from live.adapters.clients.records import aftersale_event, cancel_event, order_event, payment_event
from live.adapters.clients.values import event_id, optional_time, ref
from live.adapters.mapping import content_id, platform_time

PLATFORM = "tiktok_shop"

PAID_STATUSES = ("ON_HOLD", "AWAITING_SHIPMENT")
CANCELLED_STATUSES = ("CANCEL", "CANCELLED")
SHIPPING_STATUSES = ("PARTIALLY_SHIPPING", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED")
CANCELLATION_DONE = ("CANCELLATION_REQUEST_SUCCESS", "CANCELLATION_REQUEST_COMPLETE")
RETURN_TYPES = {"REFUND": "refund_only", "RETURN_AND_REFUND": "return_refund", "REPLACEMENT": "exchange"}
RETURN_STATUS = {
    "RETURN_OR_REFUND_REQUEST_PENDING": "requested", "REFUND_OR_RETURN_REQUEST_REJECT": "rejected",
    "AWAITING_BUYER_SHIP": "awaiting_return", "BUYER_SHIPPED_ITEM": "return_shipped",
    "REJECT_RECEIVE_PACKAGE": "rejected", "RETURN_OR_REFUND_REQUEST_SUCCESS": "approved",
    "RETURN_OR_REFUND_REQUEST_CANCEL": "cancelled", "RETURN_OR_REFUND__REQUEST_CANCELLED": "cancelled",
    "RETURN_OR_REFUND_REQUEST_COMPLETE": "refunded", "REPLACEMENT_REQUEST_PENDING": "requested",
    "REPLACEMENT_REQUEST_REJECT": "rejected", "REPLACEMENT_REQUEST_REFUND_SUCCESS": "refunded",
    "REPLACEMENT_REQUEST_CANCEL": "cancelled", "REPLACEMENT_REQUEST_COMPLETE": "approved",
}
IGNORED_TYPES = {
    "2": "reverse status update (legacy): returns come as type 12",
    "3": "recipient address updated on TikTok Shop: LiveDesk has no address-edit path",
    "4": "package update: shipping happens in LiveDesk's fulfilment",
    "5": "product status change: the catalogue is kept in LiveDesk",
    "6": "the seller revoked the app's authorisation: reconnect the shop, then replay",
    "7": "the shop's authorisation expires soon: reconnect the shop",
}


def verify(headers: Mapping[str, str], body: bytes, connection: Connection) -> bool:
    """Return True when Authorization is HMAC-SHA256(secret, app_key + body) for the current or a previous secret."""
    given = header(headers, "Authorization")
    if not given or not connection.app_key:
        return False
    signed = connection.app_key.encode() + body
    return any(same(hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest(), given)
               for secret in connection.secrets if secret)


def split(headers: Mapping[str, str], body: bytes) -> list[InboundMessage]:
    """Return the one notification of a webhook (id: tts_notification_id, else a digest of the body)."""
    raw = load_json(body, "body")
    if not isinstance(raw, dict):
        raise AdapterError("invalid_type", "body", "body must be a JSON object")
    data = raw.get("data")
    if not isinstance(data, dict):
        raise AdapterError("invalid_type", "data", "data must be an object")
    notification = raw.get("tts_notification_id")
    payload = {"shop_id": raw.get("shop_id"), "timestamp": raw.get("timestamp"), "data": data}
    return [message(notification if notification not in (None, "") else content_id(raw), raw.get("type"), payload,
                    "tts_notification_id", "type")]


def ack(ok: bool) -> tuple[object, int]:
    """Return TikTok Shop's answer: HTTP 200 once stored; anything else makes TikTok retry."""
    return ({"code": 0, "message": "success"}, 200) if ok else ({"code": 1, "message": "retry later"}, 503)


def detail_client(connection: Connection, config: Mapping) -> api.TikTokShopClient:
    """Return the TikTok Shop API client of connection (webhooks are thin: items and buyer come from it)."""
    return api.make_client(connection, config)


def sample_request(connection: Connection, now) -> tuple[dict, bytes]:
    """Return (headers, body) of a sample package update (type 4, ignored), signed as TikTok Shop signs."""
    raw = json.dumps({"type": 4, "tts_notification_id": f"livedesk-test-{int(now.timestamp())}",
                      "shop_id": connection.shop_id or "", "timestamp": int(now.timestamp()),
                      "data": {"order_id": "livedesk-test", "package_id": "livedesk-test"}},
                     separators=(",", ":")).encode()
    secret = connection.secrets[0] if connection.secrets else ""
    signature = hmac.new(secret.encode(), (connection.app_key or "").encode() + raw, hashlib.sha256).hexdigest()
    return {"Authorization": signature, "Content-Type": "application/json"}, raw


def to_events(inbound: InboundMessage, connection: Connection, details) -> list[dict]:
    """Return the v1 events of one notification ([] when it maps to nothing; the reason is logged)."""
    shop = inbound.payload.get("shop_id")
    if other_shop(connection.shop_id, shop):
        return ignored(PLATFORM, inbound, f"notification of shop {shop}, not this connection's")
    if inbound.kind in IGNORED_TYPES:
        return ignored(PLATFORM, inbound, IGNORED_TYPES[inbound.kind])
    handler = {"1": _order_status, "11": _cancellation, "12": _return}.get(inbound.kind)
    if handler is None:
        return ignored(PLATFORM, inbound, f"unknown webhook type {inbound.kind}")
    return handler(inbound, connection, details)


def _when(inbound: InboundMessage, *keys: str):
    """Return the first of data[keys] as a time, else the notification's timestamp."""
    data = inbound.payload["data"]
    for key in keys:
        moment = optional_time(data.get(key), f"data.{key}", api.UTC)
        if moment is not None:
            return moment
    return platform_time(inbound.payload.get("timestamp"), "timestamp", api.UTC)


def _order_status(inbound: InboundMessage, connection: Connection, details) -> list[dict]:
    """Type 1: UNPAID → order; ON_HOLD/AWAITING_SHIPMENT → order and payment; CANCEL → order_cancel."""
    data = inbound.payload["data"]
    order_id = ref(data.get("order_id"), "data.order_id")
    status = str(data.get("order_status") or "")
    if status in CANCELLED_STATUSES:
        return [cancel_event(event_id(PLATFORM, "cancel", order_id), _when(inbound, "update_time"), order_id, None)]
    if status in SHIPPING_STATUSES:
        return ignored(PLATFORM, inbound, f"order status {status}: shipping happens in LiveDesk's fulfilment")
    if status != "UNPAID" and status not in PAID_STATUSES:
        return ignored(PLATFORM, inbound, f"unknown order status {status!r}")
    if details is None:
        return ignored(PLATFORM, inbound, "order status change, but the connection has no detail API")
    detail = details.order(order_id)
    source = str((connection.settings or {}).get("order_source") or "in_stream")
    events = [order_event(event_id(PLATFORM, "order", order_id), detail.created_at or _when(inbound, "update_time"),
                          detail, source)]
    if status in PAID_STATUSES and detail.paid_at is not None and detail.paid_amount is not None:
        events.append(payment_event(event_id(PLATFORM, "pay", order_id), detail.paid_at, order_id,
                                    detail.paid_amount, detail.payment_method))
    return events


def _cancellation(inbound: InboundMessage, connection: Connection, details) -> list[dict]:
    """Type 11: a cancellation that succeeded cancels the order; a pending or withdrawn request changes nothing."""
    data = inbound.payload["data"]
    status = str(data.get("cancel_status") or "")
    if status not in CANCELLATION_DONE:
        return ignored(PLATFORM, inbound, f"cancellation {status}: the seller answers it in TikTok Seller Center")
    order_id = ref(data.get("order_id"), "data.order_id")
    role = str(data.get("cancellations_role") or "").lower() or "platform"
    return [cancel_event(event_id(PLATFORM, "cancel", order_id), _when(inbound, "update_time", "create_time"),
                         order_id, f"cancellation requested by {role}")]


def _return(inbound: InboundMessage, connection: Connection, details) -> list[dict]:
    """Type 12: a return, refund or replacement request changed status → ``aftersale`` event."""
    data = inbound.payload["data"]
    case_type = RETURN_TYPES.get(str(data.get("return_type") or ""))
    status = RETURN_STATUS.get(str(data.get("return_status") or ""))
    if case_type is None or status is None:
        return ignored(PLATFORM, inbound, f"return {data.get('return_type')}/{data.get('return_status')} "
                                          "is not mirrored")
    if status == "refunded" and case_type == "exchange":
        case_type = "refund_only"  # the replacement was resolved by a refund
    return_id = ref(data.get("return_id"), "data.return_id")
    detail = details.return_detail(return_id) if details is not None else None
    return [aftersale_event(
        event_id(PLATFORM, inbound.message_id), _when(inbound, "update_time", "create_time"),
        aftersale_id=return_id, order_id=ref(data.get("order_id"), "data.order_id"), case_type=case_type,
        status=status, reason=detail.reason if detail else None, amount=detail.amount if detail else None,
        deadline_at=detail.deadline_at if detail else None, platform="tiktok_shop")]
