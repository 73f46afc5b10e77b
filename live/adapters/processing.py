"""Processing inbox messages into events: the adapter's to_events, then live.ingest into the connection's broadcast.

Mapping runs first, outside any transaction and with no pooled connection held: a commerce platform's
detail client calls its API, which may take seconds, and on SQLite every transaction holds the write lock from
its BEGIN IMMEDIATE (app/db/engine.py), so a call made inside one would stall every other writer (under
eventlet, the whole server). What mapping needs is read first and that read transaction ended; then one
transaction ingests every event of the batch (``source`` is ``adapter:<connection name>``, event ids derive
from the platform's message ids, so a message processed twice makes its events once: the event log refuses
the second) and writes each message's status. A message whose mapping failed for a passing reason waits
(10 s doubling, at most 10 min) and is tried again, up to MAX_ATTEMPTS, then fails; a malformed message or an
event the ingestion refuses fails at once. When the batch's transaction raises (a bug met by one message),
each message is taken again in a transaction of its own: the others are done, and the one that raises alone
has its attempt counted apart (it waits, then fails), so nothing stays pending forever. Each failure is
logged on the connection's rejected-messages log (its texts made storable: no lone surrogate, no NUL).
The inbox worker (``inbox_job``, registered by the app factory) leases pending messages whose lease has
passed, with ``FOR UPDATE SKIP LOCKED`` so several servers never take the same message; a connection that
lacks a required setting (connections.waiting_note: a shop's access_token) keeps its messages pending until given.
"""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import ModuleType

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.extensions import db
from live.adapters.base import AdapterError, InboundMessage
from live.adapters.connections import connection_view, waiting_note
from live.adapters.models import AdapterInboxMessage, PlatformConnection
from live.adapters.registry import adapter_for
from live.adapters.rejections import log_rejection
from live.broadcasts import BroadcastError, broadcast_to_dict, end_broadcast
from live.ingest import ingest_events
from live.ingest.rejected import storable
from live.models import Broadcast

logger = logging.getLogger("livedesk.adapters")
LEASE = timedelta(seconds=60)  # a leased message is left alone this long
WAIT = timedelta(minutes=1)  # a connection that cannot process yet (a setting missing) is looked at again then
MAX_ATTEMPTS = 5
BATCH = 200  # messages the worker takes per run
SOURCE_PREFIX = "adapter:"
_INBOX = AdapterInboxMessage.__table__


@dataclass
class Outcome:
    """What became of one message: its final or waiting status, events made, why not, the ingestion's results."""

    message_id: str
    kind: str
    status: str
    events: int = 0
    note: str | None = None
    results: list[dict] = field(default_factory=list)


@dataclass
class _Mapped:
    """A message's mapping: its events, when it ends the stream, or why it could not be mapped."""

    events: list[dict] = field(default_factory=list)
    ignored_because: str | None = None  # why it maps to no event, when its module said (clients.push.ignored)
    ends_at: datetime | None = None
    failure: str | None = None
    passing: bool = False  # a failure that may pass (the detail API down): try again later


def source_of(connection: PlatformConnection) -> str:
    """Return the event-log source of a connection's events (event ids are unique per source)."""
    return SOURCE_PREFIX + connection.name


def retry_after(attempts: int) -> timedelta:
    """Return how long a message waits after attempts failed tries (10 s doubling, at most 10 min)."""
    return min(timedelta(seconds=10 * 2 ** max(0, attempts - 1)), timedelta(minutes=10))


def map_message(module: ModuleType, view, details, message: InboundMessage) -> _Mapped:
    """Return the mapping of one message by its platform module; failures are caught and described."""
    try:
        produced = module.to_events(message, view, details)
        ends = getattr(module, "ends_broadcast", None)
        ends_at = ends(message, view) if ends is not None else None
    except AdapterError as error:
        return _Mapped(failure=f"{error.code} ({error.field}): {error.message}")
    except Exception as error:  # a detail call that timed out, a platform module's bug: tried again later
        logger.warning("adapter %s: mapping message %s failed", module.PLATFORM, message.message_id, exc_info=True)
        return _Mapped(failure=f"{type(error).__name__}: {error}"[:500], passing=True)
    return _Mapped(events=list(produced), ignored_because=getattr(produced, "reason", None), ends_at=ends_at)


def process_messages(session: Session, connection: PlatformConnection, module: ModuleType, view, details,
                     messages: list[tuple[int, InboundMessage]], now: datetime, recorded: bool = False) -> list[Outcome]:
    """Return the outcome of each (inbox row id, message) after mapping, ingesting and recording them (committed).

    The caller's transaction is ended first (committed: the callers have only read, or committed already), so
    the detail client calls the platform with no transaction open. The batch is ingested in one transaction;
    when that raises, each message is taken again in a transaction of its own, so one bad message never holds
    back the others, and a message that raises alone has its attempt counted apart (it waits, then fails).
    """
    settings = dict(connection.settings or {})
    connection_id, broadcast_id, source = connection.id, connection.broadcast_id, source_of(connection)
    session.commit()  # releases the connection too: nothing of the database is held while the platform answers
    mapped = [map_message(module, view, details, message) for _row_id, message in messages]

    def work(chosen: list[int]) -> list[Outcome] | str:
        """Return the outcomes of the chosen messages, committed; or, all rolled back, the name of what raised."""
        def once() -> list[Outcome]:
            broadcast = session.get(Broadcast, broadcast_id)
            outcomes = _apply(session, connection_id, broadcast, source, [messages[i] for i in chosen],
                              [mapped[i] for i in chosen], now, recorded, settings)
            realtime.commit(session)
            return outcomes
        try:
            return run_with_retry(once)
        except Exception as error:
            logger.exception("adapter %s: processing %d message(s) of %s failed", module.PLATFORM, len(chosen), source)
            session.rollback()
            realtime.discard(session)
            return type(error).__name__

    together = work(list(range(len(messages))))
    if isinstance(together, list):
        return together
    outcomes = []
    for index, (row_id, message) in enumerate(messages):
        alone = work([index]) if len(messages) > 1 else together
        outcomes.extend(alone if isinstance(alone, list) else [_crashed(session, connection_id, row_id, message,
                                                                       alone, now)])
    return outcomes


def _crashed(session: Session, connection_id: int, row_id: int, message: InboundMessage, error: str,
             now: datetime) -> Outcome:
    """Return the outcome of a message whose processing raised, its attempt counted in a transaction of its own.

    It waits out its backoff and is tried again, then fails after MAX_ATTEMPTS (logged): never retried forever.
    """
    try:
        tries = (session.scalar(sa.select(_INBOX.c.attempts).where(_INBOX.c.id == row_id)) or 0) + 1
        failed = tries >= MAX_ATTEMPTS
        note = f"attempt {tries} of {MAX_ATTEMPTS}: processing raised {error} (see the server log)"
        session.execute(sa.update(_INBOX).where(_INBOX.c.id == row_id).values(
            status="failed" if failed else "pending", attempts=tries, error=note,
            lease_until=None if failed else now + retry_after(tries), processed_at=now if failed else None))
        if failed:
            log_rejection(session, connection_id, 200, "message_failed", note, now, message_id=message.message_id,
                          kind=message.kind, excerpt=_excerpt(message.payload))
        session.commit()
    except Exception:  # the database itself fails: the lease runs out and the worker tries again
        logger.exception("adapter message %s: its failed attempt could not be recorded", message.message_id)
        session.rollback()
        return Outcome(message.message_id, message.kind, "pending", note="processing failed; it is tried again")
    return Outcome(message.message_id, message.kind, "failed" if failed else "pending", note=note)


def _apply(session: Session, connection_id: int, broadcast: Broadcast, source: str,
           messages: list[tuple[int, InboundMessage]], mapped: list[_Mapped], now: datetime, recorded: bool,
           settings: Mapping) -> list[Outcome]:
    """Ingest the mapped events as one batch and write each message's status; return the outcomes."""
    batch: list[dict] = []
    spans: list[tuple[int, int]] = []
    for item in mapped:
        events = item.events if item.failure is None else []
        spans.append((len(batch), len(events)))
        batch.extend(events)
    results = ingest_events(session, broadcast, source, batch, recorded=recorded) if batch else []
    attempts = dict(session.execute(sa.select(_INBOX.c.id, _INBOX.c.attempts)
                                    .where(_INBOX.c.id.in_([row_id for row_id, _m in messages]))).all())
    outcomes = []
    for (row_id, message), item, (start, length) in zip(messages, mapped, spans):
        tries = attempts.get(row_id, 0) + 1
        outcome = _decide(session, broadcast, message, item, results[start:start + length], tries, settings, now)
        waiting = outcome.status == "pending"
        session.execute(sa.update(_INBOX).where(_INBOX.c.id == row_id).values(
            status=outcome.status, attempts=tries, events=outcome.events,
            error=storable(outcome.note)[:500] if outcome.note and outcome.status != "done" else None,
            lease_until=now + retry_after(tries) if waiting else None, processed_at=None if waiting else now))
        if outcome.status == "failed":
            log_rejection(session, connection_id, 200, "message_failed", outcome.note or "failed", now,
                          message_id=message.message_id, kind=message.kind,
                          excerpt=_excerpt(message.payload))
        if outcome.status == "ignored":
            logger.info("adapter message %s (%s) of %s ignored: %s", message.message_id, message.kind, source,
                        outcome.note)
        outcomes.append(outcome)
    return outcomes


def _decide(session: Session, broadcast: Broadcast, message: InboundMessage, item: _Mapped, results: list[dict],
            tries: int, settings: Mapping, now: datetime) -> Outcome:
    """Return one message's outcome from its mapping and the ingestion's results of its events."""
    kind, message_id = message.kind, message.message_id
    if item.failure is not None:
        if item.passing and tries < MAX_ATTEMPTS:
            return Outcome(message_id, kind, "pending", note=f"attempt {tries} of {MAX_ATTEMPTS}: {item.failure}")
        return Outcome(message_id, kind, "failed", note=item.failure)
    rejected = [r for r in results if r["status"] == "rejected"]
    if rejected:
        error = rejected[0]["error"]
        return Outcome(message_id, kind, "failed", len(results) - len(rejected), results=results,
                       note=f"event refused: {error['code']} ({error.get('field')}): {error['message']}")
    if results:
        return Outcome(message_id, kind, "done", len(results), results=results)
    if item.ends_at is not None:
        return _end(session, broadcast, message, item.ends_at, settings, now)
    reason = item.ignored_because or "mapped to no event (not a kind LiveDesk keeps, or nothing to keep yet)"
    return Outcome(message_id, kind, "ignored", note=f"{kind}: {reason}")


def _end(session: Session, broadcast: Broadcast, message: InboundMessage, ends_at: datetime, settings: Mapping,
         now: datetime) -> Outcome:
    """Return the outcome of a stream-end message: the live broadcast is ended at the platform's time."""
    kind, message_id = message.kind, message.message_id
    if settings.get("end_broadcast_on_stream_end") is False:
        return Outcome(message_id, kind, "ignored", note="stream ended; this connection does not end broadcasts")
    if broadcast.status != "live":
        return Outcome(message_id, kind, "ignored", note=f"stream ended; the broadcast is {broadcast.status}")
    at = ends_at if ends_at <= now and (broadcast.started_at is None or ends_at >= broadcast.started_at) else now
    try:
        end_broadcast(session, broadcast, at)
    except BroadcastError as error:
        return Outcome(message_id, kind, "ignored", note=f"stream ended; {error}")
    realtime.queue(session, broadcast.id, "broadcast.changed", {"broadcast": broadcast_to_dict(broadcast)})
    return Outcome(message_id, kind, "done", note="stream ended: the broadcast was ended")


def _excerpt(payload: Mapping) -> str:
    """Return a stored message as short JSON text for the rejected-messages log."""
    return json.dumps(payload, ensure_ascii=False, default=str)[:2000]


def lease_due(session: Session, now: datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """Return [(row id, connection id)] of pending messages free to take, leased to this caller; committed."""
    query = (sa.select(_INBOX.c.id, _INBOX.c.connection_id)
             .where(_INBOX.c.status == "pending", sa.or_(_INBOX.c.lease_until.is_(None), _INBOX.c.lease_until <= now))
             .order_by(_INBOX.c.id).limit(limit).with_for_update(skip_locked=True))
    rows = [(row_id, connection_id) for row_id, connection_id in session.execute(query)]
    if rows:
        session.execute(sa.update(_INBOX).where(_INBOX.c.id.in_([r for r, _c in rows])).values(lease_until=now + LEASE))
    session.commit()
    return rows


def process_due(session: Session, now: datetime, config: Mapping, limit: int = BATCH) -> dict[str, int]:
    """Return the counts by outcome of one worker pass over the pending messages (grouped by connection)."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for row_id, connection_id in lease_due(session, now, limit):
        grouped[connection_id].append(row_id)
    counts: dict[str, int] = defaultdict(int)
    for connection_id, row_ids in grouped.items():
        connection = session.get(PlatformConnection, connection_id)
        rows = session.execute(sa.select(_INBOX.c.id, _INBOX.c.message_id, _INBOX.c.kind, _INBOX.c.payload)
                               .where(_INBOX.c.id.in_(row_ids)).order_by(_INBOX.c.id)).all()
        messages = [(row.id, InboundMessage(row.message_id, row.kind, row.payload)) for row in rows]
        note = waiting_note(connection)
        if note:  # no detail call can succeed yet: keep the messages until an admin gives what is missing
            counts["waiting"] += _wait(session, row_ids, now, note)
            continue
        try:
            module = adapter_for(connection.platform)
            view = connection_view(connection, now, int(config.get("SIGNATURE_TOLERANCE_SECONDS", 300)))
            details = module.detail_client(view, config)
        except Exception as error:  # an unavailable or failing module: its messages wait, it may be fixed
            logger.warning("adapter inbox: connection %s cannot be processed now: %s", connection_id, error)
            counts["waiting"] += _wait(session, row_ids, now, str(error))
            continue
        for outcome in process_messages(session, connection, module, view, details, messages, now):
            counts[outcome.status] += 1
    return dict(counts)


def _wait(session: Session, row_ids: list[int], now: datetime, why: str) -> int:
    """Return how many messages were left pending for another minute, their note saying why (committed)."""
    session.execute(sa.update(_INBOX).where(_INBOX.c.id.in_(row_ids)).values(
        lease_until=now + WAIT, error=storable(why)[:500]))
    session.commit()
    return len(row_ids)


def inbox_job(app: Flask) -> dict[str, int]:
    """Run one pass of the inbox worker (registered as the periodic job "adapter-inbox")."""
    return process_due(db.session, utcnow(), app.config)
