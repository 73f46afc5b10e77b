"""Metrics services for the API, the pages, the push job and the CLI: rollups current, then SQL aggregates."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from analytics.metrics.definitions import finalize
from analytics.metrics.online import resolve_period
from analytics.rollups.rebuild import needs_rebuild, rebuild_rollups
from analytics.rollups.facts import to_us
from analytics.sql.counts import pinned_spans, sql_counts
from analytics.sql import live as live_cache
from analytics.sql.refunds import with_refunds
from app.db import utcnow
from live.models import Broadcast

DEFAULT_ATTRIBUTION_DAYS = 7
MAX_ATTRIBUTION_DAYS = 365


class NotStarted(Exception):
    """The broadcast has no start time yet, so it has no period to measure."""


def ensure_current(session: Session, broadcast_id: int) -> bool:
    """Return True after rebuilding (and committing) rollups that were missing or stale; False if they were current."""
    if not needs_rebuild(session, broadcast_id):
        return False
    rebuild_rollups(session, broadcast_id, force=False)
    session.commit()
    return True


@contextmanager
def consistent_reads(session: Session) -> Iterator[Session]:
    """Yield a session whose queries all read one snapshot.

    PostgreSQL: a separate REPEATABLE READ connection, so figures read while batches commit agree with
    each other. SQLite: the session itself (its transactions already see one snapshot).
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        yield session
        return
    with bind.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=connection) as snapshot:
            yield snapshot


def period(broadcast: Broadcast, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Return the broadcast's measured period; a live one ends now. Raise NotStarted before its start."""
    if broadcast.started_at is None:
        raise NotStarted(broadcast.id)
    return resolve_period(broadcast.started_at, broadcast.ended_at, now or utcnow())


def broadcast_metrics(session: Session, broadcast: Broadcast, attribution_days: int = DEFAULT_ATTRIBUTION_DAYS,
                      now: datetime | None = None) -> dict[str, Any]:
    """Return the finalized metrics dict of a broadcast (docs/metrics.md), rebuilding stale rollups first."""
    start, end = period(broadcast, now)
    ensure_current(session, broadcast.id)
    window = timedelta(days=attribution_days)
    with consistent_reads(session) as reader:
        counts = sql_counts(reader, broadcast.id, start, end, window)
        return finalize(with_refunds(reader, counts, broadcast.id, attribution_cutoff_us(end, window)))


def attribution_cutoff_us(end: datetime, window: timedelta) -> int:
    """Return the last placement time (epoch microseconds) of an order attributed to a period ending at end."""
    return to_us(end) + window // timedelta(microseconds=1)


def pinned_list(session: Session, broadcast: Broadcast, now: datetime | None = None) -> list[dict[str, str]]:
    """Return the pinned intervals of the broadcast as JSON-ready rows (sku, start, end), by start."""
    start, end = period(broadcast, now)
    return pinned_rows(pinned_spans(session, broadcast.id, start, end))


def pinned_rows(spans: dict[str, list[tuple[datetime, datetime]]]) -> list[dict[str, str]]:
    """Return pinned intervals (pinned_spans) as JSON-ready rows (sku, start, end), by start."""
    rows = [{"sku": sku, "start": s.isoformat(), "end": e.isoformat()} for sku, intervals in spans.items()
            for s, e in intervals]
    return sorted(rows, key=lambda row: (row["start"], row["sku"]))


def live_view(session: Session, broadcast: Broadcast, now: datetime | None = None) -> dict[str, Any]:
    """Return what the live dashboard shows: the broadcast id and status, its metrics and pinned intervals.

    The metrics push's path (docs/metrics.md "The live push"): the same numbers as broadcast_metrics, read through
    the process's analytics.sql.live cache of the broadcast, so a push costs what changed since the last one.
    """
    start, end = period(broadcast, now or utcnow())
    ensure_current(session, broadcast.id)
    window = timedelta(days=DEFAULT_ATTRIBUTION_DAYS)
    engine = session.get_bind().engine
    with live_cache.LOCK, consistent_reads(session) as reader:
        try:
            live = live_cache.live_broadcast(engine, reader, broadcast.id)
            spans = pinned_spans(reader, broadcast.id, start, end)
            counts = sql_counts(reader, broadcast.id, start, end, window, live=live, spans=spans)
            counts = with_refunds(reader, counts, broadcast.id, attribution_cutoff_us(end, window))
            metrics = finalize(counts, timeline=live.timeline(list(counts.timeline)))
        except BaseException:  # a cache updated halfway is not to be trusted: the next push reads it whole
            live_cache.forget(engine, broadcast.id)
            raise
    return {"broadcast_id": broadcast.id, "status": broadcast.status, "metrics": metrics,
            "pinned": pinned_rows(spans)}
