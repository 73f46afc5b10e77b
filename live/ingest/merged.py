"""Event requests merged by group commit: the events of many requests taken in as one batch per broadcast and source.

The events API hands each request's events to the process's group committer as a ``Mergeable`` write
(app/db/group_commit.py); a group calls ``ingest_batches`` once with every request's events, so sixteen
requests of one order cost one batch of sixteen: the audit inputs, the totals and stock pushes, the rollups
and the push log are read and written once, not sixteen times. Each request is answered with the results of
its own events, in its own order, exactly as if it had run alone just before or after the others.

Locks are taken in one global order, so concurrent groups (several servers on PostgreSQL) queue instead of
deadlocking: every stock row the group may reserve first (by SKU), then per broadcast (by id, the order of
the keys) its analytics state row, and at commit the push counters (by broadcast id, app.realtime).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import ApiError
from live.events.fields import MAX_REF
from live.ingest import ingest_events
from live.models import Broadcast
from orders import inventory


_BROADCASTS = sa.select(Broadcast).where(Broadcast.id.in_(sa.bindparam("ids", expanding=True)))  # built once


def ingest_batches(session: Session, batches: list[tuple[tuple[int, str], list]]) -> list[list[dict] | ApiError]:
    """Return per ((broadcast id, source), raw events) the events' results, or a 404 ApiError for an unknown broadcast.

    batches come in key order (the group committer sorts them); nothing is committed here.
    """
    ids = sorted({broadcast_id for (broadcast_id, _source), _events in batches})
    found = {broadcast.id: broadcast for broadcast in session.scalars(_BROADCASTS, {"ids": ids})}
    inventory.lock_levels(session, order_skus(event for _key, events in batches for event in events))
    outputs: list[list[dict] | ApiError] = []
    for (broadcast_id, source), events in batches:
        broadcast = found.get(broadcast_id)
        if broadcast is None:
            outputs.append(ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id"))
            continue
        outputs.append(ingest_events(session, broadcast, source, events))
    return outputs


# How much of a request one transaction takes in: a request of 1,000 orders of 100 lines each (within the limits)
# ran for 12 to 26 s in one transaction that never yields, stalling every other request of the process. Larger
# requests are taken in as consecutive parts, each committed, and answered once the last part is on disk.
MAX_PART_WEIGHT = 500


def event_weight(raw) -> int:
    """Return what one raw event costs to take in, in order lines: an order's lines, else 1."""
    items = raw.get("items") if isinstance(raw, dict) else None
    return max(1, len(items)) if isinstance(items, list) else 1


def request_parts(events: list, max_weight: int = MAX_PART_WEIGHT) -> list[list]:
    """Return events cut, in order, into consecutive parts of at most max_weight (an event heavier alone is one part).

    The results of the parts, joined, are those of the whole request: each event's result is its own, a repeated
    event id found in a later part is a duplicate there as it would have been in the same transaction.
    """
    parts: list[list] = [[]]
    weight = 0
    for raw in events:
        cost = event_weight(raw)
        if parts[-1] and weight + cost > max_weight:
            parts.append([])
            weight = 0
        parts[-1].append(raw)
        weight += cost
    return parts


def order_skus(raw_events) -> set[str]:
    """Return the SKUs that the order events among raw_events (as received, not yet validated) ask for."""
    skus: set[str] = set()
    for raw in raw_events:
        items = raw.get("items") if isinstance(raw, dict) and raw.get("type") == "order" else None
        if isinstance(items, list):
            skus.update(item["sku"] for item in items
                        if isinstance(item, dict) and isinstance(item.get("sku"), str)
                        and 0 < len(item["sku"]) <= MAX_REF)
    return skus
