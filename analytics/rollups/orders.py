"""Orders in the rollups: each order's state, and what it adds to the minute, source, SKU and buyer sums.

An order's state only ever takes minima and an "or", so events may arrive in any order: the defining
order event is the first by (ts, id), the counted payment the first ``paid`` by (ts, id), and any
cancel cancels. For every order a batch touches, the sums lose what the order gave before and gain
what it gives now.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.models import OrderLineRollup, OrderRollup
from analytics.rollups import store
from analytics.rollups.changes import Changes
from analytics.rollups.facts import Fact, Line, minute_of

ORDER_FACTS = frozenset({"order", "payment", "order_cancel"})


@dataclass(frozen=True)
class _Share:
    """What one order contributes: its placement, and when paid its amount, source, lines and buyer."""

    placed_us: int | None
    paid: bool
    amount: Decimal
    source: str | None
    buyer_id: str | None
    lines: tuple[Line, ...]


def _share(row: dict, lines: tuple[Line, ...]) -> _Share:
    placed = row["placed_us"]
    paid = placed is not None and row["paid_us"] is not None and not row["cancelled"]
    return _Share(placed, paid, row["paid_amount"] or Decimal(0), row["source"], row["buyer_id"], lines)


def _count(changes: Changes, share: _Share, sign: int) -> None:
    if share.placed_us is None:
        return
    minute = minute_of(share.placed_us)
    changes.bump("minutes", minute, sign, {"orders": 1})
    if share.buyer_id is not None:
        changes.orderers[share.buyer_id].append((sign, share.placed_us))
    if not share.paid:
        return
    changes.bump("minutes", minute, sign, {"paid_orders": 1, "paid_gmv": share.amount})
    if share.source is not None:
        changes.bump("sources", (share.source,), sign, {"paid_orders": 1, "paid_gmv": share.amount})
    # An order with two variants of one product is one order of that product.
    for product in {line.product for line in share.lines}:
        changes.bump("products", (product, minute), sign, {"paid_orders": 1})
    for line in share.lines:
        changes.bump("products", (line.product, minute), sign, {"paid_units": line.units, "paid_gmv": line.amount})
        if line.sku != line.product:
            changes.bump("variants", (line.product, line.sku), sign,
                         {"paid_orders": 1, "paid_units": line.units, "paid_gmv": line.amount})
    if share.buyer_id is not None:
        changes.buyers[share.buyer_id].append((sign, share.placed_us))


def _earlier(ts_us: int, event_id: str, current_us: int | None, current_id: str | None) -> bool:
    return current_us is None or (ts_us, event_id) < (current_us, current_id or "")


def _apply(row: dict, fact: Fact) -> tuple[Line, ...] | None:
    """Update row with one fact; return the new lines when the fact became the defining order event."""
    if fact.type == "order" and _earlier(fact.ts_us, fact.id, row["placed_us"], row["placed_event_id"]):
        row.update(placed_us=fact.ts_us, placed_event_id=fact.id, source=fact.source, buyer_id=fact.buyer_id)
        return fact.lines
    if fact.type == "payment" and fact.status == "paid" and fact.amount is not None \
            and _earlier(fact.ts_us, fact.id, row["paid_us"], row["paid_event_id"]):
        row.update(paid_us=fact.ts_us, paid_event_id=fact.id, paid_amount=fact.amount)
    elif fact.type == "order_cancel":
        row["cancelled"] = True
    return None


def _old_lines(session: Session, broadcast_id: int, order_ids: list[str]) -> dict[str, list[dict]]:
    table = OrderLineRollup.__table__
    found: dict[str, list[dict]] = defaultdict(list)
    for i in range(0, len(order_ids), store.CHUNK):
        chunk = order_ids[i:i + store.CHUNK]
        rows = session.execute(sa.select(table).where(table.c.broadcast_id == broadcast_id,
                                                      table.c.order_id.in_(chunk))).mappings()
        for row in rows:
            found[row["order_id"]].append(dict(row))
    return found


def apply_orders(session: Session, broadcast_id: int, facts: list[Fact], changes: Changes) -> None:
    """Apply the order, payment and cancel facts to their orders and collect the changes to the sums."""
    by_order: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.type in ORDER_FACTS and fact.order_id is not None:
            by_order[fact.order_id].append(fact)
    if not by_order:
        return
    existing = store.load(session, OrderRollup, broadcast_id, [(oid,) for oid in by_order])
    old_lines = _old_lines(session, broadcast_id, sorted(oid for (oid,) in existing))
    orders: dict[tuple, dict] = {}
    line_rows: dict[tuple, dict] = {}
    line_keys_before: set[tuple] = set()
    for order_id in sorted(by_order):
        row = dict(existing.get((order_id,)) or store.blank(OrderRollup, broadcast_id, (order_id,)))
        before_lines = tuple(Line(r["sku"], r["units"], r["amount"], r["product_sku"])
                             for r in old_lines.get(order_id, ()))
        line_keys_before |= {(order_id, line.sku) for line in before_lines}
        before = _share(row, before_lines)
        lines = before_lines
        for fact in sorted(by_order[order_id], key=lambda f: (f.ts_us, f.id)):
            defined = _apply(row, fact)
            lines = lines if defined is None else defined
        after = _share(row, lines)
        orders[(order_id,)] = row
        if after == before:
            for line in before_lines:
                line_keys_before.discard((order_id, line.sku))
            continue
        _count(changes, before, -1)
        _count(changes, after, +1)
        for line in lines:
            line_rows[(order_id, line.sku)] = {
                "broadcast_id": broadcast_id, "order_id": order_id, "sku": line.sku, "product_sku": line.product,
                "placed_us": after.placed_us,
                "units": line.units, "amount": line.amount, "paid": after.paid}
    store.save(session, OrderRollup, orders, existing)
    store.delete(session, OrderLineRollup, broadcast_id, line_keys_before - set(line_rows))
    store.save(session, OrderLineRollup, line_rows, line_keys_before & set(line_rows))
