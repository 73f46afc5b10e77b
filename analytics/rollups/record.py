"""Incremental rollups of the broadcast metrics, updated in the ingestion transaction.

``record_events`` listens to app.signals.events_accepted (connected by the app factory): live.ingest sends it,
inside the ingestion transaction, with the events of a batch that were accepted (and so are already in the
event log). A broadcast's rollups are written only under its analytics_state row lock.
If applying a batch fails for a reason other than a lock conflict, the ingestion still commits: the
rollups are marked stale and rebuilt from the log (analytics.rollups.rebuild) before they are read again.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from analytics.models import AnalyticsState, ProductMinuteRollup, ProductRollup, SourceRollup, VariantRollup
from analytics.rollups import catalogue, store
from analytics.rollups.changes import Changes
from analytics.rollups.facts import Fact, fact_from
from analytics.rollups.minutes import write_minutes
from analytics.rollups.orders import apply_orders
from analytics.rollups.people import apply_people
from live.models import Broadcast, EventLog

logger = logging.getLogger("livedesk.analytics")
_RETRYABLE_PGCODES = {"40P01", "40001"}  # as app.db.transactions: the whole batch is retried, not marked stale
# Run by every batch, so built once (building and caching a statement anew costs more than running it).
_STATE = AnalyticsState.__table__
_LOCK_STATE = sa.select(_STATE).where(_STATE.c.broadcast_id == sa.bindparam("b_id")).with_for_update()
_RAISE_VERSION = sa.update(_STATE).where(_STATE.c.broadcast_id == sa.bindparam("b_id")).values(
    version=_STATE.c.version + 1)
_RAISE_VERSION_RETURNING = _RAISE_VERSION.returning(_STATE.c.version)
_READ_VERSION = sa.select(_STATE.c.version).where(_STATE.c.broadcast_id == sa.bindparam("b_id"))
HEAD_COUNTS = ("unique_viewers", "product_clickers", "buyers", "buyer_clickers", "people", "orderers",
               "orderer_clickers", "orderer_joiners")
_ADD_HEAD_COUNTS = sa.update(_STATE).where(_STATE.c.broadcast_id == sa.bindparam("b_id")).values(
    {name: _STATE.c[name] + sa.bindparam(f"d_{name}") for name in HEAD_COUNTS})


def record_events(session: Session, broadcast: Broadcast, events: Iterable[Any]) -> None:
    """Apply accepted events (ParsedEvent, event-log rows or event dicts, already logged) to the rollups."""
    events = list(events)
    if not events:
        return
    savepoint = session.begin_nested()
    try:
        facts = [fact_from(event) for event in events]
        state = lock_state(session, broadcast.id, len(facts))
        if not state["stale"]:
            apply_facts(session, broadcast.id, facts)
        savepoint.commit()
    except DBAPIError as error:
        if getattr(error.orig, "pgcode", None) in _RETRYABLE_PGCODES or "database is locked" in str(error.orig):
            raise
        _give_up(session, savepoint, broadcast.id)
    except Exception:  # an analytics bug must not lose an order: the log stays the truth
        _give_up(session, savepoint, broadcast.id)


def _give_up(session: Session, savepoint, broadcast_id: int) -> None:
    logger.exception("analytics rollups of broadcast %s failed; marked stale, rebuilt from the log on next read",
                     broadcast_id)
    savepoint.rollback()
    mark_stale(session, broadcast_id)


def _insert_ignore(session: Session, values: dict) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(AnalyticsState.__table__).values(values).on_conflict_do_nothing())


def new_epoch() -> str:
    """Return a fresh epoch for a state row (a new row, or one whose rollups were rebuilt)."""
    return uuid.uuid4().hex


def mark_stale(session: Session, broadcast_id: int) -> None:
    """Mark a broadcast's rollups as not to be trusted until rebuilt."""
    _insert_ignore(session, {"broadcast_id": broadcast_id, "stale": True, "epoch": new_epoch()})
    table = AnalyticsState.__table__
    session.execute(sa.update(table).where(table.c.broadcast_id == broadcast_id).values(stale=True))


def lock_state(session: Session, broadcast_id: int, batch_size: int = 0) -> dict:
    """Return the broadcast's rollup state, row-locked; a first state is stale if the log already had events.

    batch_size: how many of the logged events are the caller's own, not yet applied batch.
    """
    key = {"b_id": broadcast_id}
    row = session.execute(_LOCK_STATE, key).mappings().first()
    if row is None:
        logged = session.scalar(sa.select(sa.func.count()).select_from(
            sa.select(EventLog.id).where(EventLog.broadcast_id == broadcast_id).limit(batch_size + 1).subquery()))
        _insert_ignore(session, store.blank(AnalyticsState, broadcast_id, ())
                       | {"stale": logged > batch_size, "epoch": new_epoch()})
        row = session.execute(_LOCK_STATE, key).mappings().one()
    return dict(row)


def apply_facts(session: Session, broadcast_id: int, facts: list[Fact], log_bound: int | None = None) -> None:
    """Apply facts to every rollup of the broadcast (the caller holds the state lock).

    The batch raises the state's version and stamps every minute row it writes with it (the live push's marker).
    """
    changes = Changes()
    catalogue.resolve(session, broadcast_id, facts)
    apply_orders(session, broadcast_id, facts, changes)
    counts = apply_people(session, broadcast_id, facts, changes, log_bound)
    write_minutes(session, broadcast_id, changes, _next_version(session, broadcast_id))
    store.add(session, ProductMinuteRollup, broadcast_id, changes.products)
    for (sku, _minute), delta in changes.products.items():
        changes.bump("skus", (sku,), 1, delta)
    store.add(session, ProductRollup, broadcast_id, changes.skus)
    store.add(session, VariantRollup, broadcast_id, changes.variants)
    store.add(session, SourceRollup, broadcast_id, changes.sources)
    counts = {name: counts.get(name, 0) for name in HEAD_COUNTS}
    # The version was raised before any head count: a reader that sees this batch's minutes sees its counts.
    if any(counts.values()):
        session.execute(_ADD_HEAD_COUNTS, {"b_id": broadcast_id, **{f"d_{name}": counts[name] for name in HEAD_COUNTS}})


def _next_version(session: Session, broadcast_id: int) -> int:
    """Return the state's version after raising it by one (under the state lock, so versions commit in order)."""
    key = {"b_id": broadcast_id}
    if session.get_bind().dialect.update_returning:  # one statement (PostgreSQL, SQLite 3.35+)
        return session.execute(_RAISE_VERSION_RETURNING, key).scalar_one()
    session.execute(_RAISE_VERSION, key)
    return session.execute(_READ_VERSION, key).scalar()
