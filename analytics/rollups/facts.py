"""Events reduced to what the rollups need (pure): one :class:`Fact` per accepted event.

Accepts the ingestion's ParsedEvent, an event-log row (``event_id``, ``type``, ``ts``, ``payload``)
or an event dict as used by tests.support.analytics_reference. Times become integer microseconds since the epoch.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from analytics.metrics.definitions import to_decimal

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MINUTE_US = 60_000_000


def to_us(ts: datetime) -> int:
    """Return an aware datetime as integer microseconds since the epoch."""
    return (ts - EPOCH) // MICROSECOND


def from_us(us: int) -> datetime:
    """Return the aware UTC datetime of integer microseconds since the epoch."""
    return EPOCH + us * MICROSECOND


def minute_of(us: int) -> int:
    """Return the start (in microseconds) of the minute holding ``us``."""
    return us - us % MINUTE_US


@dataclass(slots=True)
class Line:
    """All lines of one SKU in one order: units summed, amount = sum of qty x unit_price.

    ``product`` is the SKU of the product the SKU is a variant of (itself for a product), set from the
    catalogue by analytics.rollups.catalogue; ``priced`` is False when an item came without unit_price,
    so the amount must be the line amount the order was priced at.
    """

    sku: str
    units: int
    amount: Decimal
    product: str = ""
    priced: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        self.product = self.product or self.sku


@dataclass(slots=True)
class Fact:
    """The fields of one event that the rollups read."""

    id: str
    type: str
    ts_us: int
    viewer_id: str | None = None
    sku: str | None = None
    product: str | None = None  # the product of ``sku`` (itself unless a variant), set from the catalogue
    order_id: str | None = None
    source: str | None = None
    buyer_id: str | None = None
    lines: tuple[Line, ...] = ()
    status: str | None = None
    amount: Decimal | None = None


def _as_mapping(event: Any) -> Mapping[str, Any]:
    if isinstance(event, Mapping):
        return event
    if hasattr(event, "payload") and hasattr(event, "event_id"):  # an EventLog row
        return {**(event.payload or {}), "id": event.event_id, "type": event.type, "ts": event.ts}
    if hasattr(event, "data"):  # a ParsedEvent
        return {**event.data, "id": event.id, "type": event.type, "ts": event.ts}
    raise TypeError(f"cannot read an event from {type(event).__name__}")


def _ts(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("event times must be aware")
    return value


def order_lines(items: Iterable[Mapping[str, Any]] | None) -> tuple[Line, ...]:
    """Return an order's items as one Line per SKU, sorted by SKU; a SKU with an item without unit_price is unpriced."""
    units: dict[str, int] = {}
    amounts: dict[str, Decimal] = {}
    unpriced: set[str] = set()
    for item in items or ():
        sku, qty = item["sku"], item["qty"]
        price = item.get("unit_price")
        units[sku] = units.get(sku, 0) + int(qty)
        if price is None:
            unpriced.add(sku)
        amounts[sku] = amounts.get(sku, Decimal(0)) + to_decimal(qty) * (to_decimal(price) if price is not None else 0)
    return tuple(Line(sku, units[sku], amounts[sku], priced=sku not in unpriced) for sku in sorted(units))


_NAIVE_EPOCH = EPOCH.replace(tzinfo=None)


def _log_ts_us(value: Any) -> int:
    if isinstance(value, str):  # SQLite's stored text, naive UTC
        return (datetime.fromisoformat(value) - _NAIVE_EPOCH) // MICROSECOND
    if value.tzinfo is None:
        return (value - _NAIVE_EPOCH) // MICROSECOND
    return to_us(value)


def fact_from_log(event_id: str, kind: str, ts: Any, viewer_id: str | None, order_id: str | None, sku: str | None,
                  payload: Any) -> Fact:
    """Return the Fact of an event-log row read as raw columns; payload (JSON text or dict) only for order events."""
    if isinstance(payload, str):
        payload = json.loads(payload)
    body = payload or {}
    amount = body.get("amount")
    return Fact(
        id=event_id, type=kind, ts_us=_log_ts_us(ts), viewer_id=viewer_id, sku=sku, order_id=order_id,
        source=body.get("source"), buyer_id=(body.get("buyer") or {}).get("id") if kind == "order" else None,
        lines=order_lines(body.get("items")) if kind == "order" else (), status=body.get("status"),
        amount=None if amount is None else to_decimal(amount),
    )


def fact_from(event: Any) -> Fact:
    """Return the Fact of one event (ParsedEvent, event-log row or event dict)."""
    e = _as_mapping(event)
    kind = e["type"]
    amount = e.get("amount")
    return Fact(
        id="" if e.get("id") is None else str(e["id"]),
        type=kind,
        ts_us=to_us(_ts(e["ts"])),
        viewer_id=e.get("viewer_id"),
        sku=e.get("sku"),
        order_id=e.get("order_id"),
        source=e.get("source"),
        buyer_id=(e.get("buyer") or {}).get("id") if kind == "order" else None,
        lines=order_lines(e.get("items")) if kind == "order" else (),
        status=e.get("status"),
        amount=None if amount is None else to_decimal(amount),
    )
