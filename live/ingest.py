"""Event ingestion: log every event once, turn order events into orders, and queue the pushes.

Each event runs in its own savepoint inside the request's single transaction (group commit): a rejected or
duplicate event rolls back only itself, and nothing is acknowledged before the whole batch is committed.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analytics.rollups import record_events
from app import realtime
from app.db import utcnow
from live import lineup
from live.events import EventError, ParsedEvent, parse_event, to_json
from live.models import Broadcast, EventLog
from live.viewers import touch_viewer
from orders import service as orders
from orders.push import order_payload, queue_order_changes
from orders.serialize import order_to_dict


def ingest_events(session: Session, broadcast: Broadcast, source: str, raw_events: list) -> list[dict]:
    """Return one result per raw event, in request order, after applying the batch to session (not committed)."""
    results: list[dict] = []
    changes: dict[int, tuple] = {}
    stock_skus: set[str] = set()
    accepted: list[ParsedEvent] = []
    now = utcnow()
    for raw in raw_events:
        parsed = parse_event(raw)
        if isinstance(parsed, EventError):
            raw_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            results.append({"id": raw_id, "status": "rejected", "error": parsed.as_dict()})
            continue
        result, outcome = _apply(session, broadcast, source, parsed, now)
        results.append(result)
        if result["status"] == "accepted":
            accepted.append(parsed)
        if outcome is not None:
            _collect(changes, outcome.order, outcome.created)
            for other in outcome.also_changed:
                _collect(changes, other, False)
            stock_skus.update(outcome.stock_skus)
    if changes:
        queue_order_changes(session, list(changes.values()), stock_skus)
    record_events(session, broadcast, accepted)
    return results


def _collect(changes: dict[int, tuple], order, created: bool) -> None:
    """Keep one push per order per batch: created wins over updated, the latest state is sent."""
    was_created = changes.get(order.id, (None, False))[1]
    changes[order.id] = (order, created or was_created)


def _apply(session: Session, broadcast: Broadcast, source: str, event: ParsedEvent, now) -> tuple[dict, object]:
    """Return (result, order outcome or None) for one valid event."""
    savepoint = session.begin_nested()
    try:
        session.execute(sa.insert(EventLog).values(
            broadcast_id=broadcast.id, source=source, event_id=event.id, type=event.type, ts=event.ts,
            received_at=now, viewer_id=event.data.get("viewer_id"), order_id=event.data.get("order_id"),
            sku=event.data.get("sku"), payload=to_json(event),
        ))
    except IntegrityError:
        savepoint.rollback()
        return _duplicate(session, event), None
    try:
        outcome = _HANDLERS[event.type](session, broadcast, event, now)
    except orders.OrderRejected as rejected:
        savepoint.rollback()
        error = {"code": rejected.code, "field": rejected.field, "message": rejected.message}
        return {"id": event.id, "status": "rejected", "error": error}, None
    if outcome is _DUPLICATE_ORDER:
        savepoint.rollback()
        return _duplicate(session, event), None
    savepoint.commit()
    result = {"id": event.id, "status": "accepted"}
    if isinstance(outcome, dict):
        # Non-order handlers may add fields to the event's result (e.g. a chat message's moderation action).
        return result | outcome, None
    if outcome is not None:
        result["order"] = order_payload(session, outcome.order)
    return result, outcome


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


def _on_order(session, broadcast, event, now):
    outcome = orders.receive_order(session, broadcast.id, event.data, event.ts, event.id, now)
    return _DUPLICATE_ORDER if outcome is None else outcome


def _on_payment(session, broadcast, event, now):
    return orders.record_payment(session, broadcast.id, event.data, event.id, event.ts, now)


def _on_cancel(session, broadcast, event, now):
    return orders.cancel_order(session, broadcast.id, event.data["order_id"], event.data["reason"], now)


def _on_viewer(session, broadcast, event, now):
    touch_viewer(session, broadcast.platform, event.data["viewer_id"], event.data.get("nickname"), event.ts)
    return None


def _on_chat(session, broadcast, event, now):
    touch_viewer(session, broadcast.platform, event.data["viewer_id"], event.data.get("nickname"), event.ts)
    realtime.queue(session, broadcast.id, "chat.message", {"message": {
        "id": event.id, "viewer_id": event.data["viewer_id"], "nickname": event.data.get("nickname"),
        "text": event.data["text"], "ts": event.ts.isoformat()}})
    return None


def _on_pin(session, broadcast, event, now):
    pinned = event.type == "product_pin"
    if lineup.set_pinned(session, broadcast.id, event.data["sku"], event.ts if pinned else None):
        # The push carries the resulting state, so the last one of a batch is right on its own.
        realtime.queue(session, broadcast.id, "product.pinned", {"pinned_sku": lineup.pinned_sku(session, broadcast.id)},
                       replace_key="pin")
    return None


def _on_click(session, broadcast, event, now):
    return None


_HANDLERS = {
    "order": _on_order,
    "payment": _on_payment,
    "order_cancel": _on_cancel,
    "viewer_join": _on_viewer,
    "viewer_leave": _on_viewer,
    "chat": _on_chat,
    "product_pin": _on_pin,
    "product_unpin": _on_pin,
    "product_click": _on_click,
}
