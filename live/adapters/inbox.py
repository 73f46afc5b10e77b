"""Receiving a platform request: check its signature, split it, keep every message in the durable inbox, answer.

``receive`` is the one path of every delivery: the endpoint (api.py), the connection page's test button and
``flask adapter-replay`` all call it. Messages are stored in one transaction (a redelivered message id finds
its row: acknowledged, not stored twice; an id no column can hold, with a lone surrogate or NUL, is kept as its
digest, mapping.storable_message) before the platform is answered as it expects, so a slow detail
call never makes the platform retry. Live-room connectors send full data: their new messages are processed
at once, in the request, so chat stays live; a commerce platform's wait for the inbox worker
(processing.py). What a connection refuses is logged with the reason (signature failures without the body).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.conflicts import insert_ignoring_conflicts
from app.db.transactions import run_with_retry
from live.adapters.base import AdapterError, InboundMessage
from live.adapters.connections import connection_view
from live.adapters.mapping import storable_message
from live.adapters.models import AdapterInboxMessage, PlatformConnection
from live.adapters.processing import LEASE, Outcome, process_messages
from live.adapters.registry import AdapterUnavailable, adapter_for
from live.adapters.rejections import log_rejection

logger = logging.getLogger("livedesk.adapters")
MAX_BODY = 1024 * 1024  # bytes in one platform request (413 beyond)
EXCERPT_CHARS = 2000  # of a refused body or message, kept to show on the connection page
_INBOX = AdapterInboxMessage.__table__


@dataclass
class Delivery:
    """The answer to one platform request, and what it did: messages stored, duplicates, processing outcomes."""

    status: int
    body: object
    stored: int = 0
    duplicates: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    error: dict | None = None


def refused(status: int, code: str, field_: str | None, message: str) -> Delivery:
    """Return a refused delivery answered with LiveDesk's error body."""
    error = {"code": code, "field": field_, "message": message}
    return Delivery(status=status, body={"error": error}, error=error)


def receive(session: Session, connection: PlatformConnection, headers: Mapping[str, str], body: bytes,
            now: datetime, config: Mapping, *, check_signature: bool = True, recorded: bool = False,
            synchronous: bool = False) -> Delivery:
    """Return the answer to one request of connection's platform, after storing (and, when full data, processing) it.

    check_signature=False only for an operator's replay of recorded payloads (`flask adapter-replay`);
    recorded=True lets those recordings' events be of any age (live.ingest); synchronous=True processes a
    commerce platform's messages in the call too (with its detail client) instead of leaving them to the worker.
    """
    if connection.disabled_at is not None:
        _reject(session, connection, 403, "connection_disabled", "the connection is switched off", now)
        return refused(403, "connection_disabled", "name", "this connection is switched off; an admin can switch it on")
    try:
        module = adapter_for(connection.platform)
    except AdapterUnavailable as error:
        _reject(session, connection, 503, "adapter_unavailable", error.reason, now)
        return refused(503, "adapter_unavailable", "platform", f"the {connection.platform} adapter is unavailable")
    if len(body) > MAX_BODY:
        return too_large(session, connection, len(body), now)
    view = connection_view(connection, now, int(config.get("SIGNATURE_TOLERANCE_SECONDS", 300)))
    if check_signature and not module.verify(headers, body, view):
        _reject(session, connection, 401, "bad_signature",
                "the signature is missing, stale or not made with this connection's secret", now)
        return refused(401, "bad_signature", "signature", "the request's signature is missing, stale or wrong")
    try:
        messages = _unique([storable_message(item) for item in module.split(headers, body)])
    except AdapterError as error:
        _reject(session, connection, 400, error.code, f"{error.field}: {error.message}", now, excerpt=_excerpt(body))
        return refused(400, error.code, error.field, error.message)
    except RecursionError:  # nested past what the parser can follow
        _reject(session, connection, 400, "too_deep", "body: nested too deep to read", now)
        return refused(400, "too_deep", "body", "the body nests too deep")
    try:
        details = module.detail_client(view, config)
    except Exception:  # no detail client now: the messages wait for the worker, which builds it again
        logger.warning("adapter %s: no detail client for %s", connection.platform, connection.name, exc_info=True)
        details, synchronous = object(), False
    now_too = details is None or synchronous
    fresh, duplicates = run_with_retry(lambda: _store(session, connection, messages, now, full=now_too))
    delivery = Delivery(*_ack(module, True), stored=len(fresh), duplicates=duplicates)
    if fresh and now_too:
        delivery.outcomes = process_messages(session, connection, module, view, details, fresh, now, recorded=recorded)
    return delivery


def too_large(session: Session, connection: PlatformConnection, size: int, now: datetime) -> Delivery:
    """Return the refusal of a body over MAX_BODY bytes (logged; the body is not read further)."""
    _reject(session, connection, 413, "too_large", f"body of {size} bytes (at most {MAX_BODY})", now)
    return refused(413, "too_large", "body", f"a request body has at most {MAX_BODY} bytes")


def _ack(module: ModuleType, ok: bool) -> tuple[int, object]:
    body, status = module.ack(ok)
    return status, body


def _unique(messages: list[InboundMessage]) -> list[InboundMessage]:
    """Return messages without repeats of a message id within the request (the first one is kept)."""
    seen: dict[str, InboundMessage] = {}
    for item in messages:
        seen.setdefault(item.message_id, item)
    return list(seen.values())


def _store(session: Session, connection: PlatformConnection, messages: list[InboundMessage], now: datetime,
           full: bool) -> tuple[list[tuple[int, InboundMessage]], int]:
    """Store the messages not stored before and count the connection's traffic; commit.

    Return ([(inbox row id, message)] of the new ones, how many were already there). Full-data messages are
    stored leased, so the worker leaves them to this request (it takes them over if the request dies).
    """
    by_id = {item.message_id: item for item in messages}
    fresh: list[tuple[int, InboundMessage]] = []
    if messages:
        insert = insert_ignoring_conflicts(session.get_bind().dialect.name, _INBOX, ("connection_id", "message_id"))
        rows = session.execute(insert.returning(_INBOX.c.id, _INBOX.c.message_id), [
            {"connection_id": connection.id, "message_id": item.message_id, "kind": item.kind,
             "payload": dict(item.payload), "status": "pending", "attempts": 0, "events": 0, "received_at": now,
             "lease_until": now + LEASE if full else None} for item in messages])
        fresh = [(row_id, by_id[message_id]) for row_id, message_id in rows]
    duplicates = len(messages) - len(fresh)
    table = PlatformConnection.__table__
    session.execute(sa.update(table).where(table.c.id == connection.id).values(
        last_message_at=now, received_count=table.c.received_count + len(fresh),
        duplicate_count=table.c.duplicate_count + duplicates))
    session.commit()
    return fresh, duplicates


def _excerpt(body: bytes) -> str:
    """Return the start of a body as text, undecodable bytes replaced, NUL made visible (for the page)."""
    return body[:EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS].replace("\x00", "\ufffd")


def _reject(session: Session, connection: PlatformConnection, status: int, code: str, reason: str, now: datetime,
            excerpt: str | None = None) -> None:
    """Log a refused request of connection and commit (the refusal itself changes nothing else)."""
    session.rollback()
    log_rejection(session, connection.id, status, code, reason, now, excerpt=excerpt)
    session.commit()


def inbox_stats(session: Session, connection_id: int) -> dict[str, int]:
    """Return the connection's inbox rows counted by status (every status present, 0 when none)."""
    rows = session.execute(sa.select(AdapterInboxMessage.status, sa.func.count())
                           .where(AdapterInboxMessage.connection_id == connection_id)
                           .group_by(AdapterInboxMessage.status))
    counts = dict(rows.all())
    return {status: int(counts.get(status, 0)) for status in ("pending", "done", "ignored", "failed")}


def send_test(session: Session, connection: PlatformConnection, now: datetime, config: Mapping) -> Delivery:
    """Return the delivery of the platform's sample request, signed with the connection's secret, through receive."""
    try:
        module = adapter_for(connection.platform)
    except AdapterUnavailable:
        return refused(503, "adapter_unavailable", "platform", f"the {connection.platform} adapter is unavailable")
    sample = getattr(module, "sample_request", None)
    if sample is None:
        return refused(400, "no_sample", "platform", f"the {connection.platform} adapter has no sample payload")
    view = connection_view(connection, now, int(config.get("SIGNATURE_TOLERANCE_SECONDS", 300)))
    headers, body = sample(view, now)
    return receive(session, connection, headers, body, now, config)


def delivery_to_dict(delivery: Delivery) -> dict:
    """Return a delivery as JSON: the answer given, messages stored and repeated, each processed message's outcome."""
    return {"status": delivery.status, "answer": delivery.body, "stored": delivery.stored,
            "duplicates": delivery.duplicates, "error": delivery.error,
            "messages": [{"message_id": o.message_id, "kind": o.kind, "status": o.status, "events": o.events,
                          "note": o.note} for o in delivery.outcomes]}


def recent_messages(session: Session, connection_id: int, limit: int = 10) -> list[dict]:
    """Return the connection's latest inbox messages, newest first (the first is the last message received)."""
    rows = session.scalars(sa.select(AdapterInboxMessage).where(AdapterInboxMessage.connection_id == connection_id)
                           .order_by(AdapterInboxMessage.id.desc()).limit(limit))
    return [{"message_id": row.message_id, "kind": row.kind, "status": row.status, "events": row.events,
             "attempts": row.attempts, "error": row.error, "received_at": row.received_at.isoformat(),
             "processed_at": row.processed_at.isoformat() if row.processed_at else None} for row in rows]
