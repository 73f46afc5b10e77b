"""Event ingestion: log every event once, turn order events into orders, and queue the pushes.

One request is one transaction (group commit): nothing is acknowledged before the whole batch is committed.
Consecutive order events are taken in as one run (orders.actions.receive_orders): their event-log rows are
claimed with one INSERT ... ON CONFLICT DO NOTHING (a (source, id) already logged, even by a concurrent
request, is a duplicate), and a run needs a handful of statements instead of dozens per order. Consecutive chat
events are a run too, logged the same way and moderated at once (live.moderation.run: decided in memory, stored
with one statement per table), then the run's claims are taken at once (orders.claims.run). Every other
event runs alone in its own savepoint through live.ingest.handlers: a rejected or duplicate event rolls back only itself.
Handlers may return None, a dict merged into the event's result, or an OrderOutcome; a chat run's claims give
(fields, outcome) per message (live.ingest.handlers.chat_claims: the fields and the draft order made, orders/claims).
Results keep request order. Rejected events are kept as received, with the error, in rejected_events (one INSERT
per batch).
Last, app.signals.events_accepted is sent with the accepted events, still inside the transaction: the analytics
rollups listen to it (connected by the app factory), so live needs no import of analytics.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import utcnow
from app.db.bulk import execute_rows, insert_rows
from app.db.conflicts import insert_ignoring_conflicts
from app.signals import events_accepted
from live.events import (
    EventError,
    ParsedEvent,
    event_window,
    parse_event,
    recorded_window,
    to_json,
)
from live.ingest.handlers import HANDLERS, chat_claims
from live.ingest.rejected import rejected_row
from live.models import Broadcast, EventLog, RejectedEvent
from live.moderation.run import moderate_chat_run
from orders import actions as orders
from orders.claims.push import queue_claim_counts
from orders.push import PushedOrder, order_payload, queue_order_changes
from orders.serialize import order_to_dict

_LOG = EventLog.__table__


@dataclass
class _Batch:
    """What a request's events changed so far: results by position, accepted events, orders to push, moved SKUs."""

    results: list[dict | None]
    accepted: dict[int, ParsedEvent] = field(default_factory=dict)
    changes: dict[int, tuple] = field(default_factory=dict)
    stock_skus: set[str] = field(default_factory=set)
    rejected: list[dict] = field(default_factory=list)
    claims: bool = False

    def collect(self, order, created: bool) -> None:
        """Keep one push per order per batch: created wins over updated, the latest state is sent."""
        was_created = self.changes.get(order.id, (None, False))[1]
        self.changes[order.id] = (order, created or was_created)


def ingest_events(session: Session, broadcast: Broadcast, source: str, raw_events: list,
                  recorded: bool = False) -> list[dict]:
    """Return one result per raw event, in request order, after applying the batch to session (not committed).

    An event's ts must lie within the broadcast's window (live.events.event_window); recorded=True is an
    operator's replay of a recording (`flask replay --direct`), which may be of any age since 2000.
    """
    batch = _Batch(results=[None] * len(raw_events))
    run: list[tuple[int, ParsedEvent]] = []
    chat: list[tuple[int, ParsedEvent]] = []
    now = utcnow()
    window = recorded_window(now) if recorded else event_window(broadcast.started_at, broadcast.ended_at, now)
    for index, raw in enumerate(raw_events):
        parsed = parse_event(raw, window)
        if isinstance(parsed, EventError):
            raw_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            batch.results[index] = {"id": raw_id, "status": "rejected", "error": parsed.as_dict()}
            batch.rejected.append(rejected_row(broadcast, source, raw, parsed.as_dict(), now))
        elif parsed.type == "order":
            _take_chat(session, broadcast, source, chat, now, batch)  # an order may name a comment: chat first
            chat = []
            run.append((index, parsed))
        elif parsed.type == "chat":
            _take_orders(session, broadcast, source, run, now, batch)
            run = []
            chat.append((index, parsed))
        else:
            # A later event may act on the run's orders (a payment, a cancel): the run is stored first.
            _take_chat(session, broadcast, source, chat, now, batch)
            _take_orders(session, broadcast, source, run, now, batch)
            run, chat = [], []
            result, outcome = _apply(session, broadcast, source, parsed, now)
            _note(batch, index, parsed, result, outcome)
            if result["status"] == "rejected":
                batch.rejected.append(rejected_row(broadcast, source, raw, result["error"], now))
    _take_orders(session, broadcast, source, run, now, batch)
    _take_chat(session, broadcast, source, chat, now, batch)
    insert_rows(session, RejectedEvent.__table__, batch.rejected)
    if batch.claims:
        queue_claim_counts(session, broadcast.id)
    if batch.changes:
        queue_order_changes(session, list(batch.changes.values()), batch.stock_skus)
    accepted = [batch.accepted[index] for index in sorted(batch.accepted)]
    events_accepted.send(session, broadcast=broadcast, events=accepted)
    return batch.results


def _note(batch: _Batch, index: int, event: ParsedEvent, result: dict, outcome) -> None:
    """Record one event's result, and what its outcome (if any) changed."""
    batch.results[index] = result
    if result["status"] == "accepted":
        batch.accepted[index] = event
    if "claim" in result:
        batch.claims = True
    if outcome is not None:
        if outcome.order is not None:
            batch.collect(outcome.order, outcome.created)
        for other in outcome.also_changed:
            batch.collect(other, False)
        batch.stock_skus.update(outcome.stock_skus)


def _take_orders(session: Session, broadcast: Broadcast, source: str, run: list[tuple[int, ParsedEvent]],
                 now: datetime, batch: _Batch) -> None:
    """Store and review a run of consecutive order events; duplicates (event or order id) are answered as such."""
    if not run:
        return
    logged, fresh = _log_run(session, broadcast, source, run, now)
    taken = orders.receive_orders(session, broadcast.id, [
        orders.NewOrder(event.id, event.data, event.ts) for _index, event in fresh], now)
    created: dict[str, PushedOrder] = {}
    unlogged: list[int] = []
    for (index, event), intake in zip(fresh, taken):
        if intake is None:
            # Another delivery of the same order (possibly committed by a concurrent request) got here first.
            unlogged.append(logged[event.id][0])
            continue
        created[event.data["order_id"]] = intake.order
        batch.results[index] = {"id": event.id, "status": "accepted", "order": intake.order.payload}
        batch.accepted[index] = event
        batch.collect(intake.order, intake.created)
        for other in intake.also_changed:
            batch.collect(other, False)
        batch.claims = batch.claims or not intake.created
        batch.stock_skus.update(intake.stock_skus)
    if unlogged:
        session.execute(sa.delete(_LOG).where(_LOG.c.id.in_(unlogged)))
    duplicates = [(index, event) for index, event in run if batch.results[index] is None]
    stored = orders.find_orders(session, [event.data["order_id"] for _index, event in duplicates
                                          if event.data["order_id"] not in created])
    for index, event in duplicates:
        result = {"id": event.id, "status": "duplicate"}
        order_id = event.data["order_id"]
        if order_id in created:
            result["order"] = created[order_id].payload | {"findings": []}
        elif order_id in stored:
            result["order"] = order_to_dict(stored[order_id])
        batch.results[index] = result


def _take_chat(session: Session, broadcast: Broadcast, source: str, run: list[tuple[int, ParsedEvent]],
               now: datetime, batch: _Batch) -> None:
    """Log, moderate and store a run of consecutive chat events at once, then take the run's claims at once."""
    if not run:
        return
    _logged, fresh = _log_run(session, broadcast, source, run, now)
    events = [event for _index, event in fresh]
    decided = moderate_chat_run(session, broadcast, events, now)
    for (index, event), (fields, outcome) in zip(fresh, chat_claims(session, broadcast, events, decided, now)):
        _note(batch, index, event, {"id": event.id, "status": "accepted"} | fields, outcome)
    for index, event in run:
        if batch.results[index] is None:
            batch.results[index] = {"id": event.id, "status": "duplicate"}


def _log_run(session: Session, broadcast: Broadcast, source: str, run: list[tuple[int, ParsedEvent]],
             now: datetime) -> tuple[dict[str, tuple[int, int]], list[tuple[int, ParsedEvent]]]:
    """Return (what _claim_log logged, the run's events this call logged first, in order); the rest are duplicates."""
    logged = _claim_log(session, broadcast, source, [event for _index, event in run], now)
    fresh = [(index, event) for position, (index, event) in enumerate(run)
             if logged.get(event.id, (None, None))[1] == position]
    return logged, fresh


def _claim_log(session: Session, broadcast: Broadcast, source: str, events: list[ParsedEvent],
               now: datetime) -> dict[str, tuple[int, int]]:
    """Return {event id: (event_log id, position in the run)} of the events this call logged; the others are duplicates."""
    first: dict[str, int] = {}
    for position, event in enumerate(events):
        first.setdefault(event.id, position)
    insert = _claim_statement(session.get_bind().dialect.name)
    rows = execute_rows(session, insert, [_log_row(broadcast, source, events[position], now)
                                          for position in first.values()])
    return {event_id: (log_id, first[event_id]) for log_id, event_id in rows}


@functools.cache
def _claim_statement(dialect_name: str):
    """Return INSERT INTO event_log ... ON CONFLICT (source, event_id) DO NOTHING RETURNING id, event_id (built once)."""
    return insert_ignoring_conflicts(dialect_name, _LOG, ("source", "event_id")).returning(_LOG.c.id, _LOG.c.event_id)


def _log_row(broadcast: Broadcast, source: str, event: ParsedEvent, now: datetime) -> dict:
    """Return the event_log row of an event."""
    return {"broadcast_id": broadcast.id, "source": source, "event_id": event.id, "type": event.type, "ts": event.ts,
            "received_at": now, "viewer_id": event.data.get("viewer_id"), "order_id": event.data.get("order_id"),
            "sku": event.data.get("sku"), "payload": to_json(event)}


def _apply(session: Session, broadcast: Broadcast, source: str, event: ParsedEvent,
           now: datetime) -> tuple[dict, object]:
    """Return (result, order outcome or None) for one valid event other than an order."""
    savepoint = session.begin_nested()
    try:
        session.execute(sa.insert(EventLog).values(_log_row(broadcast, source, event, now)))
    except IntegrityError:
        savepoint.rollback()
        return {"id": event.id, "status": "duplicate"}, None
    try:
        outcome = HANDLERS[event.type](session, broadcast, event, now)
    except orders.OrderRejected as rejected:
        savepoint.rollback()
        error = {"code": rejected.code, "field": rejected.field, "message": rejected.message}
        return {"id": event.id, "status": "rejected", "error": error}, None
    savepoint.commit()
    result = {"id": event.id, "status": "accepted"}
    if isinstance(outcome, dict):
        # Non-order handlers may add fields to the event's result (e.g. a chat message's moderation action).
        return result | outcome, None
    if outcome is not None:
        result["order"] = order_payload(session, outcome.order)
    return result, outcome
