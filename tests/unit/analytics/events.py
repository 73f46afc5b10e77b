"""Event-log builders for the metrics tests: one function per event type, times in minutes.

``at(m, s)`` is ``m`` minutes ``s`` seconds after START (20:00:00 UTC). Every builder gives
a fresh zero-padded id, so ids sort in creation order; pass ``id=`` to repeat a delivery.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import count
from typing import Any

START = datetime(2024, 5, 1, 20, 0, tzinfo=timezone.utc)
END = START + timedelta(minutes=10)
_ids = count(1)

Event = dict[str, Any]


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    """Return the instant ``minutes`` and ``seconds`` after START."""
    return START + timedelta(minutes=minutes, seconds=seconds)


def event(kind: str, ts: datetime, id: str | None = None, **fields: Any) -> Event:
    """Return an event dict of type ``kind`` at ``ts`` with a fresh id unless one is given."""
    return {"id": id or f"e{next(_ids):06d}", "type": kind, "ts": ts, **fields}


def join(ts: datetime, viewer: str, **kw: Any) -> Event:
    """Return a viewer_join event."""
    return event("viewer_join", ts, viewer_id=viewer, **kw)


def leave(ts: datetime, viewer: str, **kw: Any) -> Event:
    """Return a viewer_leave event."""
    return event("viewer_leave", ts, viewer_id=viewer, **kw)


def click(ts: datetime, viewer: str, sku: str, **kw: Any) -> Event:
    """Return a product_click event."""
    return event("product_click", ts, viewer_id=viewer, sku=sku, **kw)


def pin(ts: datetime, sku: str, **kw: Any) -> Event:
    """Return a product_pin event."""
    return event("product_pin", ts, sku=sku, **kw)


def unpin(ts: datetime, sku: str, **kw: Any) -> Event:
    """Return a product_unpin event."""
    return event("product_unpin", ts, sku=sku, **kw)


def chat(ts: datetime, viewer: str, text: str = "hi", **kw: Any) -> Event:
    """Return a chat event."""
    return event("chat", ts, viewer_id=viewer, nickname=viewer, text=text, **kw)


def order(
    ts: datetime,
    order_id: str,
    buyer: str,
    items: list[tuple[str, int, str]],
    source: str = "in_stream",
    **kw: Any,
) -> Event:
    """Return an order event; ``items`` are ``(sku, qty, unit_price)``."""
    lines = [{"sku": s, "qty": q, "unit_price": Decimal(p)} for s, q, p in items]
    return event("order", ts, order_id=order_id, source=source, buyer={"id": buyer},
                 items=lines, **kw)


def payment(ts: datetime, order_id: str, amount: str, status: str = "paid", **kw: Any) -> Event:
    """Return a payment event."""
    return event("payment", ts, order_id=order_id, status=status, amount=Decimal(amount), **kw)


def cancel(ts: datetime, order_id: str, reason: str = "buyer", **kw: Any) -> Event:
    """Return an order_cancel event."""
    return event("order_cancel", ts, order_id=order_id, reason=reason, **kw)


def paid_order(ts: datetime, order_id: str, buyer: str, items: list[tuple[str, int, str]],
               source: str = "in_stream") -> list[Event]:
    """Return an order plus its paid payment for the sum of its lines, a minute later."""
    total = sum((Decimal(p) * q for _, q, p in items), Decimal(0))
    return [order(ts, order_id, buyer, items, source),
            payment(ts + timedelta(minutes=1), order_id, str(total))]
