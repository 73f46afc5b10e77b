"""Recalculating customer rows from orders: totals, RFM scores and segment, member tier (with its history).

Runs every RECALCULATE_SECONDS as a background job, on demand (POST /api/v1/customers/recalculate, the
buttons on the customer pages) and from the CLI (``flask customers recalculate``). A full run also takes the
RFM quintiles of the whole base and stores them; a run for one buyer scores them against the stored ones.

A tier changes with a conditional UPDATE (``WHERE tier IS NOT DISTINCT FROM <the tier read>``), and only the run
whose UPDATE changed the row writes the CustomerTierChange row: two overlapping runs never record one change twice,
and an unchanged tier records nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app.db import utcnow
from app.db.bulk import insert_ignoring
from orders.customers.models import Customer, CustomerTierChange
from orders.customers.policy import RFM_POLICY, load_cuts, load_policy, save_cuts
from orders.customers.rfm import base_cuts, score
from orders.customers.tiers import tier_for
from orders.customers.totals import BuyerTotals, buyer_totals

RECALCULATE_SECONDS = 600
CHUNK = 500
SYSTEM = "system"
_C = Customer.__table__
# The snapshot columns a run writes, besides the tier.
SNAPSHOT = ("first_order_at", "last_order_at", "last_paid_at", "order_count", "paid_orders", "paid_gmv", "refunded",
            "window_orders", "window_spend", "recency_days", "frequency", "monetary", "r", "f", "m", "segment")
_WRITE = (sa.update(_C).where(_C.c.id == sa.bindparam("_id"))
          .values({name: sa.bindparam(name) for name in SNAPSHOT + ("recalculated_at",)}))


@dataclass
class RecalculationResult:
    """What a run did: customers looked at, rows created and rewritten, tier changes recorded."""

    customers: int = 0
    created: int = 0
    updated: int = 0
    tier_changes: int = 0

    def as_dict(self) -> dict:
        """Return the counts as JSON."""
        return {"customers": self.customers, "created": self.created, "updated": self.updated,
                "tier_changes": self.tier_changes}


def recalculate(session: Session, now: datetime, actor: str = SYSTEM, platform: str | None = None,
                buyer_id: str | None = None) -> RecalculationResult:
    """Recalculate every customer (or one platform's buyer) from their orders; return what changed. No commit."""
    policy = load_policy(session)
    totals = buyer_totals(session, now, policy.window_days, platform, buyer_id)
    if platform is None and buyer_id is None:
        cuts = base_cuts([item.rfm_values(now) for item in totals], RFM_POLICY)
        save_cuts(session, cuts, now)
    else:
        cuts = load_cuts(session)
    result = RecalculationResult(customers=len(totals))
    for start in range(0, len(totals), CHUNK):
        chunk = totals[start:start + CHUNK]
        rows = _rows_of(session, chunk)
        missing = [item for item in chunk if (item.platform, item.buyer_id) not in rows]
        if missing:
            result.created += _insert_rows(session, missing, now)
            rows = _rows_of(session, chunk)
        writes = []
        for item in chunk:
            row = rows[(item.platform, item.buyer_id)]
            snapshot = _snapshot(item, score(item.rfm_values(now), cuts))
            if any(getattr(row, name) != value for name, value in snapshot.items()):
                writes.append({"_id": row.id, **snapshot, "recalculated_at": now})
            tier = tier_for(item.tier_basis(), policy)
            if tier != row.tier and change_tier(session, row.id, row.tier, tier, item, actor, now):
                result.tier_changes += 1
        if writes:
            session.execute(_WRITE, writes)
        result.updated += len(writes)
    return result


def _snapshot(item: BuyerTotals, rfm) -> dict:
    """Return the snapshot column values of one buyer's totals and RFM score."""
    return {"first_order_at": item.first_order_at, "last_order_at": item.last_order_at,
            "last_paid_at": item.last_paid_at, "order_count": item.orders, "paid_orders": item.paid_orders,
            "paid_gmv": item.paid_gmv, "refunded": item.refunded, "window_orders": item.window_orders,
            "window_spend": item.window_spend, "recency_days": rfm.recency_days, "frequency": rfm.frequency,
            "monetary": rfm.monetary, "r": rfm.r, "f": rfm.f, "m": rfm.m, "segment": rfm.segment}


def _insert_rows(session: Session, missing: list[BuyerTotals], now: datetime) -> int:
    """Insert empty customer rows for the buyers that have none (one statement; a concurrent insert of the same
    buyer is ignored); return how many were missing."""
    session.execute(insert_ignoring(session, _C, ("platform", "buyer_id")),
                    [_new_row(item.platform, item.buyer_id, now) for item in missing])
    return len(missing)


def _new_row(platform: str, buyer_id: str, now: datetime) -> dict:
    """Return the column values of a new, empty customer row."""
    return {"platform": platform, "buyer_id": buyer_id, "order_count": 0, "paid_orders": 0, "paid_gmv": 0,
            "refunded": 0, "window_orders": 0, "window_spend": 0, "frequency": 0, "monetary": 0, "r": 1, "f": 1,
            "m": 1, "segment": "prospect", "tags": [], "created_at": now}


def _rows_of(session: Session, chunk: list[BuyerTotals]) -> dict[tuple[str, str], sa.Row]:
    """Return the customer rows of a chunk by (platform, buyer_id), as read now."""
    ids = sorted({item.buyer_id for item in chunk})
    rows = session.execute(sa.select(_C).where(_C.c.buyer_id.in_(ids))).all()
    return {(row.platform, row.buyer_id): row for row in rows}


def ensure_customer(session: Session, platform: str, buyer_id: str) -> Customer:
    """Return the customer row of a platform's buyer, creating an empty one first when there is none."""
    existing = session.scalar(sa.select(Customer).where(Customer.platform == platform, Customer.buyer_id == buyer_id))
    if existing is not None:
        return existing
    session.execute(insert_ignoring(session, _C, ("platform", "buyer_id")), _new_row(platform, buyer_id, utcnow()))
    return session.scalars(sa.select(Customer).where(Customer.platform == platform, Customer.buyer_id == buyer_id)
                           .execution_options(populate_existing=True)).one()


def change_tier(session: Session, customer_id: int, old: str | None, new: str | None, item: BuyerTotals,
                actor: str, now: datetime) -> bool:
    """Return True after moving the customer from tier old to new and recording it; False when the row moved on."""
    changed = session.execute(
        sa.update(_C).where(_C.c.id == customer_id, _C.c.tier.is_not_distinct_from(old))
        .values(tier=new, tier_since=now)).rowcount
    if changed != 1:
        return False
    session.add(CustomerTierChange(customer_id=customer_id, from_tier=old, to_tier=new, spend=item.window_spend,
                                   orders=item.window_orders, actor=actor[:64], at=now))
    return True


def recalculate_job(app: Flask) -> None:
    """Recalculate every customer and commit (the periodic job; the server runs it every RECALCULATE_SECONDS)."""
    from app.extensions import db

    recalculate(db.session, utcnow())
    db.session.commit()
