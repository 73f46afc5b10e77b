"""The neutral records a detail client returns, and the v1 events the commerce adapters build from them.

A client turns its platform's documented detail response into an ``OrderDetail`` or ``AftersaleDetail``
(pure functions in each client module, tested from fixtures); the adapters then build events with the
functions below, so the three platforms produce one shape (docs/api.md, "Event types").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from live.adapters.clients.reasons import reason_code
from live.adapters.clients.values import text
from live.adapters.mapping import iso

MAX_ITEMS = 100  # the envelope's limit; an order with more lines keeps the first 100 and is held by the audit


@dataclass(frozen=True)
class Buyer:
    """The buyer and delivery address as the platform gives them (decrypted when the platform encrypts them)."""

    id: str | None = None
    name: str | None = None
    phone: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    detail: str | None = None

    def as_event(self) -> dict:
        """Return the envelope's buyer object (missing values stay absent: the audit flags them).

        A name, phone or street the platform masked ("张*", "138****5678", "文三路***") is no contact at all: it is
        left out rather than stored as if it were one, and the buyer is marked ``contact_masked``: the platform
        keeps the contact and prints the waybill, so the audit does not hold the order for it.
        """
        name, phone, detail = text(self.name, 100), text(self.phone, 32), text(self.detail, 300)
        address = {key: value for key, value in (
            ("province", text(self.province, 64)), ("city", text(self.city, 64)),
            ("district", text(self.district, 64)), ("detail", _unmasked(detail))) if value}
        buyer = {key: value for key, value in (
            ("id", self.id), ("name", _unmasked(name)), ("phone", _unmasked(phone))) if value}
        if address:
            buyer["address"] = address
        if any(value is not None and _unmasked(value) is None for value in (name, phone, detail)):
            buyer["contact_masked"] = True
        return buyer


def _unmasked(value: str | None) -> str | None:
    """Return value, or None when the platform masked it with asterisks."""
    return None if value is None or "*" in value else value


@dataclass(frozen=True)
class Line:
    """One order line: the seller's SKU, the quantity and the unit price the platform recorded (yuan)."""

    sku: str
    qty: int
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class OrderDetail:
    """What the adapters need of a platform order."""

    order_id: str
    created_at: datetime | None = None
    paid_at: datetime | None = None
    paid_amount: Decimal | None = None
    buyer: Buyer = field(default_factory=Buyer)
    lines: tuple[Line, ...] = ()
    cancel_reason: str | None = None
    from_live_room: bool | None = None  # None: the platform does not say
    payment_method: str | None = None


@dataclass(frozen=True)
class AftersaleDetail:
    """What the adapters need of a platform after-sales record (refund, return, exchange …)."""

    aftersale_id: str
    order_id: str | None = None
    reason: str | None = None
    amount: Decimal | None = None
    deadline_at: datetime | None = None


def order_event(event_id: str, ts: datetime, detail: OrderDetail, source: str) -> dict:
    """Return the v1 ``order`` event of a platform order (prices in yuan, the platform's order id kept)."""
    items = [{"sku": line.sku, "qty": line.qty,
              **({"unit_price": str(line.unit_price)} if line.unit_price is not None else {})}
             for line in detail.lines[:MAX_ITEMS]]
    event = {"id": event_id, "type": "order", "ts": iso(ts), "order_id": detail.order_id, "source": source,
             "items": items}
    buyer = detail.buyer.as_event()
    if buyer:
        event["buyer"] = buyer
    return event


def payment_event(event_id: str, ts: datetime, order_id: str, amount: Decimal, method: str | None = None) -> dict:
    """Return the v1 ``payment`` event of a paid platform order (amount exact, in yuan)."""
    event = {"id": event_id, "type": "payment", "ts": iso(ts), "order_id": order_id, "status": "paid",
             "amount": str(amount)}
    if method:
        event["method"] = method[:32]
    return event


def cancel_event(event_id: str, ts: datetime, order_id: str, reason: str | None) -> dict:
    """Return the v1 ``order_cancel`` event (the platform's reason, when it gives one)."""
    event = {"id": event_id, "type": "order_cancel", "ts": iso(ts), "order_id": order_id}
    reason = text(reason, 500)
    if reason:
        event["reason"] = reason
    return event


def aftersale_event(event_id: str, ts: datetime, *, aftersale_id: str, order_id: str, case_type: str, status: str,
                    reason: str | None = None, amount: Decimal | None = None,
                    deadline_at: datetime | None = None, platform: str | None = None) -> dict:
    """Return the v1 ``aftersale`` event mirroring a platform's after-sales record (amount in yuan, exact).

    platform names whose record it is (the connection's platform), so the case is kept under it whatever
    platform the broadcast was created for.

    reason is the platform's text: it becomes LiveDesk's reason code (clients/reasons.py) and ``reason_text``.
    """
    event = {"id": event_id, "type": "aftersale", "ts": iso(ts), "aftersale_id": aftersale_id, "order_id": order_id,
             "aftersale_type": case_type, "status": status}
    reason = text(reason, 500)
    if reason:
        event["reason"], event["reason_text"] = reason_code(reason), reason
    if amount is not None:
        event["amount"] = str(amount)
    if deadline_at is not None:
        event["deadline_at"] = iso(deadline_at)
    if platform:
        event["platform"] = platform
    return event


def complaint_event(event_id: str, ts: datetime, *, complaint_id: str, buyer_id: str, message: str,
                    order_id: str | None = None, category: str | None = None) -> dict:
    """Return the v1 ``complaint`` event of a buyer's complaint raised on the platform."""
    event = {"id": event_id, "type": "complaint", "ts": iso(ts), "complaint_id": complaint_id, "buyer_id": buyer_id,
             "text": text(message, 2000) or "-"}
    if order_id:
        event["order_id"] = order_id
    if category:
        event["category"] = category[:64]
    return event
