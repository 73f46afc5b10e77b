"""Event ingestion: log every event once, turn order events into orders, and queue the pushes.

Each event runs in its own savepoint inside the request's single transaction (group commit): a rejected or
duplicate event rolls back only itself, and nothing is acknowledged before the whole batch is committed.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import realtime
from live import lineup
from live.events import EventError, ParsedEvent, parse_event, to_json
from live.models import Broadcast, EventLog
from live.viewers import touch_viewer
from orders import inventory
from orders import service as orders
from orders.serialize import order_to_dict


def ingest_events(session: Session, broadcast: Broadcast, source: str, raw_events: list) -> list[dict]:
    """Return one result per raw event, in request order, after applying the batch to session (not committed)."""
    results, stock_skus, orders_touched = [], set(), False
    for raw in raw_events:
        parsed = parse_event(raw)
        if isinstance(parsed, EventError):
            raw_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            results.append({"id": raw_id, "status": "rejected", "error": parsed.as_dict()})
            continue
        result, skus, touched = _apply(session, broadcast, source, parsed)
        results.append(result)
        stock_skus.update(skus)
        orders_touched = orders_touched or touched
    if stock_skus:
        for level in inventory.levels(session, sorted(stock_skus)).values():
            realtime.queue(session, broadcast.id, "stock.changed", {"stock": level.as_dict()}, replace_key=level.sku)
    if orders_touched:
        realtime.queue(session, broadcast.id, "totals.changed",
                       {"totals": orders.broadcast_totals(session, broadcast.id)}, replace_key="totals")
    return results


def _apply(session: Session, broadcast: Broadcast, source: str, event: ParsedEvent) -> tuple[dict, list[str], bool]:
    """Return (result, SKUs whose stock moved, whether an order changed) for one valid event."""
    savepoint = session.begin_nested()
    try:
        session.execute(sa.insert(EventLog).values(
            broadcast_id=broadcast.id, source=source, event_id=event.id, type=event.type, ts=event.ts,
            viewer_id=event.data.get("viewer_id"), order_id=event.data.get("order_id"), sku=event.data.get("sku"),
            payload=to_json(event),
        ))
    except IntegrityError:
        savepoint.rollback()
        return _duplicate(session, event), [], False
    try:
        outcome = _HANDLERS[event.type](session, broadcast, source, event)
    except orders.OrderRejected as rejected:
        savepoint.rollback()
        error = {"code": rejected.code, "field": rejected.field, "message": rejected.message}
        return {"id": event.id, "status": "rejected", "error": error}, [], False
    if outcome is _DUPLICATE_ORDER:
        savepoint.rollback()
        return _duplicate(session, event), [], False
    savepoint.commit()
    result = {"id": event.id, "status": "accepted"}
    if outcome is None:
        return result, [], False
    order_data = order_to_dict(outcome.order)
    result["order"] = order_data
    realtime.queue(session, broadcast.id, "order.created" if outcome.created else "order.updated", {"order": order_data})
    return result, outcome.stock_skus, True


def _duplicate(session: Session, event: ParsedEvent) -> dict:
    """Return the answer to a redelivered event, with the order it made when there is one."""
    result = {"id": event.id, "status": "duplicate"}
    order_id = event.data.get("order_id")
    if event.type == "order" and order_id:
        existing = orders.find_order(session, order_id)
        if existing is not None:
            result["order"] = order_to_dict(existing)
    return result


_DUPLICATE_ORDER = object()


def _on_order(session, broadcast, source, event):
    outcome = orders.receive_order(session, broadcast.id, event.data, event.ts, event.id)
    return _DUPLICATE_ORDER if outcome is None else outcome


def _on_payment(session, broadcast, source, event):
    return orders.record_payment(session, event.data)


def _on_cancel(session, broadcast, source, event):
    return orders.cancel_order(session, event.data["order_id"], event.data["reason"])


def _on_viewer(session, broadcast, source, event):
    touch_viewer(session, broadcast.platform, event.data["viewer_id"], event.data.get("nickname"), event.ts)
    if event.type == "chat":
        realtime.queue(session, broadcast.id, "chat.message", {"message": {
            "id": event.id, "viewer_id": event.data["viewer_id"], "nickname": event.data.get("nickname"),
            "text": event.data["text"], "ts": event.ts.isoformat()}})
    return None


def _on_pin(session, broadcast, source, event):
    pinned = event.type == "product_pin"
    if lineup.set_pinned(session, broadcast.id, event.data["sku"], event.ts if pinned else None):
        realtime.queue(session, broadcast.id, "product.pinned", {"sku": event.data["sku"], "pinned": pinned},
                       replace_key="pin")
    return None


def _on_click(session, broadcast, source, event):
    return None


_HANDLERS = {
    "order": _on_order,
    "payment": _on_payment,
    "order_cancel": _on_cancel,
    "viewer_join": _on_viewer,
    "viewer_leave": _on_viewer,
    "chat": _on_viewer,
    "product_pin": _on_pin,
    "product_unpin": _on_pin,
    "product_click": _on_click,
}
