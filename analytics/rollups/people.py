"""People in the rollups: viewers' joins, clicks and online edges, and buyers' paid orders.

Online state is applied incrementally while a viewer's joins and leaves arrive in order. One that
arrives out of order (before, or at the same instant but ahead of, the viewer's last applied toggle)
makes that viewer's edges be recomputed from the event log instead.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.metrics.edges import toggle_edges
from analytics.models import TOGGLE_CONDITION, OnlineEdge, OrderRollup, ProductClicker, ViewerRollup
from analytics.rollups import store
from analytics.rollups.changes import Changes
from analytics.rollups.facts import Fact, minute_of, to_us
from live.models import EventLog


def _flags(row: dict) -> tuple[bool, bool, bool, bool]:
    return row["joined"], row["clicked"], row["first_paid_placed_us"] is not None, row["first_placed_us"] is not None


def apply_people(session: Session, broadcast_id: int, facts: list[Fact], changes: Changes,
                 log_bound: int | None = None) -> dict[str, int]:
    """Apply viewer facts and buyer changes to people; return the changes of the head counts.

    log_bound: while rebuilding, the last event-log id applied so far (a recompute must not read ahead).
    """
    toggles: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    clicks: set[tuple[str, str]] = set()
    ids: set[str] = set(changes.buyers) | set(changes.orderers)
    for fact in facts:
        minute = minute_of(fact.ts_us)
        if fact.type == "viewer_join":
            changes.bump("minutes", minute, 1, {"joins": 1})
        elif fact.type == "chat":
            changes.bump("minutes", minute, 1, {"chat": 1})
        elif fact.type == "product_click":
            changes.bump("minutes", minute, 1, {"clicks": 1})
            if fact.sku is not None:
                product = fact.product or fact.sku
                changes.bump("products", (product, minute), 1, {"clicks": 1})
                if fact.viewer_id is not None:
                    clicks.add((product, fact.viewer_id))
        if fact.viewer_id is not None and fact.type in ("viewer_join", "viewer_leave", "product_click"):
            ids.add(fact.viewer_id)
            if fact.type != "product_click":
                toggles[fact.viewer_id].append((fact.ts_us, fact.type == "viewer_join"))
    if not ids:
        return {}
    existing = store.load(session, ViewerRollup, broadcast_id, [(pid,) for pid in ids])
    people = {key: dict(row) for key, row in existing.items()}
    before = {key: _flags(row) for key, row in people.items()}
    for pid in ids:
        people.setdefault((pid,), store.blank(ViewerRollup, broadcast_id, (pid,)))
    for fact in facts:
        if fact.type == "viewer_join":
            people[(fact.viewer_id,)]["joined"] = True
        elif fact.type == "product_click" and fact.viewer_id is not None:
            people[(fact.viewer_id,)]["clicked"] = True
    _apply_toggles(session, broadcast_id, toggles, people, changes, log_bound)
    _apply_buyers(session, broadcast_id, people, changes.buyers, "paid_orders", "first_paid_placed_us")
    _apply_buyers(session, broadcast_id, people, changes.orderers, "orders", "first_placed_us")
    _count_clickers(session, broadcast_id, clicks, changes)
    store.save(session, ViewerRollup, people, existing)
    counts: dict[str, int] = defaultdict(int)
    for key, row in people.items():
        (j0, c0, b0, o0), (j1, c1, b1, o1) = before.get(key, (False,) * 4), _flags(row)
        counts["unique_viewers"] += j1 - j0
        counts["product_clickers"] += c1 - c0
        counts["buyers"] += b1 - b0
        counts["buyer_clickers"] += (c1 and b1) - (c0 and b0)
        counts["people"] += (j1 or c1 or o1) - (j0 or c0 or o0)
        counts["orderers"] += o1 - o0
        counts["orderer_clickers"] += (o1 and c1) - (o0 and c0)
        counts["orderer_joiners"] += (o1 and j1) - (o0 and j0)
    return counts


def _apply_toggles(session: Session, broadcast_id: int, toggles: dict[str, list[tuple[int, bool]]],
                   people: dict, changes: Changes, log_bound: int | None) -> None:
    late: list[str] = []
    for viewer_id, items in toggles.items():
        row = people[(viewer_id,)]
        items.sort()
        last = (row["last_toggle_us"], bool(row["last_toggle_on"])) if row["last_toggle_us"] is not None else None
        if last is not None and items[0] < last:
            late.append(viewer_id)
            continue
        edges, online = toggle_edges(items, row["online"])
        for ts, delta in edges.items():
            changes.edges[(ts, viewer_id)] += delta
        row.update(online=online, last_toggle_us=items[-1][0], last_toggle_on=items[-1][1])
    if late:
        _recompute(session, broadcast_id, sorted(late), people, changes, log_bound)


def _recompute(session: Session, broadcast_id: int, viewers: list[str], people: dict, changes: Changes,
               log_bound: int | None) -> None:
    """Recompute the edges of viewers from all their joins and leaves in the event log."""
    logged: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    old: dict[str, dict[int, int]] = defaultdict(dict)
    edge = OnlineEdge.__table__
    for i in range(0, len(viewers), store.CHUNK):
        chunk = viewers[i:i + store.CHUNK]
        query = sa.select(EventLog.viewer_id, EventLog.ts, EventLog.type).where(
            EventLog.broadcast_id == broadcast_id, EventLog.viewer_id.in_(chunk), TOGGLE_CONDITION)
        if log_bound is not None:
            query = query.where(EventLog.id <= log_bound)
        for viewer_id, ts, kind in session.execute(query):
            logged[viewer_id].append((to_us(ts), kind == "viewer_join"))
        for ts_us, viewer_id, delta in session.execute(sa.select(edge.c.ts_us, edge.c.viewer_id, edge.c.delta).where(
                edge.c.broadcast_id == broadcast_id, edge.c.viewer_id.in_(chunk))):
            old[viewer_id][ts_us] = delta
    for viewer_id in viewers:
        items = sorted(logged[viewer_id])
        new, online = toggle_edges(items)
        for ts in set(new) | set(old[viewer_id]):
            diff = new.get(ts, 0) - old[viewer_id].get(ts, 0)
            if diff:
                changes.edges[(ts, viewer_id)] += diff
        last = items[-1] if items else (None, None)
        people[(viewer_id,)].update(online=online, last_toggle_us=last[0], last_toggle_on=last[1])


def _apply_buyers(session: Session, broadcast_id: int, people: dict, moves_of: dict[str, list[tuple[int, int]]],
                  count: str, first_column: str) -> None:
    """Apply orders gained or lost by buyers to a count column and the earliest placement of its orders.

    count "paid_orders" (first_column "first_paid_placed_us") follows paid orders; "orders" ("first_placed_us")
    every placed order. Losing the earliest one re-reads the buyer's orders.
    """
    recompute: list[str] = []
    for buyer_id, moves in moves_of.items():
        row = people[(buyer_id,)]
        row[count] += sum(sign for sign, _ in moves)
        first = row[first_column]
        if any(sign < 0 and (first is None or placed <= first) for sign, placed in moves):
            recompute.append(buyer_id)
            continue
        gained = [placed for sign, placed in moves if sign > 0]
        if gained:
            row[first_column] = min(gained + ([first] if first is not None else []))
    if not recompute:
        return
    order = OrderRollup.__table__
    counted = order.c.placed_us.is_not(None)
    if count == "paid_orders":
        counted = sa.and_(counted, order.c.paid_us.is_not(None), sa.not_(order.c.cancelled))
    for buyer_id in recompute:
        people[(buyer_id,)][first_column] = None
    for i in range(0, len(recompute), store.CHUNK):
        rows = session.execute(sa.select(order.c.buyer_id, sa.func.min(order.c.placed_us)).where(
            order.c.broadcast_id == broadcast_id, order.c.buyer_id.in_(recompute[i:i + store.CHUNK]), counted,
        ).group_by(order.c.buyer_id))
        for buyer_id, first in rows:
            people[(buyer_id,)][first_column] = first


def _count_clickers(session: Session, broadcast_id: int, clicks: set[tuple[str, str]], changes: Changes) -> None:
    if not clicks:
        return
    existing = store.load(session, ProductClicker, broadcast_id, clicks)
    fresh = {key: {"broadcast_id": broadcast_id, "sku": key[0], "viewer_id": key[1]}
             for key in clicks if key not in existing}
    store.save(session, ProductClicker, fresh, ())
    for sku, _viewer in fresh:
        changes.skus[(sku,)]["clickers"] += 1
