"""Recalculating customer rows from orders: totals, RFM scores and segment, member tier (with its history).

A full pass (``recalculate``) reads every order: on demand (POST /api/v1/customers/recalculate, the buttons on the
customer pages, ``flask customers recalculate --full``) and when the periodic job finds no usable run state. The
job every RECALCULATE_SECONDS (and the CLI without ``--full``) runs ``recalculate_changed``: it reads the orders
of the buyers whose orders changed or left the window since the last run, and rescores the others from their
stored rows, with the same result as a full pass at that moment. Either takes the RFM quintiles of the whole base
and stores them; a run for one buyer scores them against the stored ones.

A tier changes with a conditional UPDATE (``WHERE tier IS NOT DISTINCT FROM <the tier read>``), and only the run
whose UPDATE changed the row writes the CustomerTierChange row: two overlapping runs never record one change twice,
and an unchanged tier records nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app.db import utcnow
from app.db.bulk import insert_ignoring
from orders.customers.models import Customer, CustomerTierChange
from orders.customers.policy import RFM_POLICY, load_cuts, load_policy, run_state, save_run
from orders.customers.rfm import RfmCuts, RfmValues, base_cuts, score
from orders.customers.tiers import TierPolicy, tier_for
from orders.customers.totals import BuyerTotals, buyer_totals, recency_days
from orders.models import Order

RECALCULATE_SECONDS = 600
CHUNK = 500
# An order changed by a transaction still open when the last run read (its updated_at set before that run's time,
# committed after) is read again by the next run: changes are looked for this far before the last run's time.
CHANGE_OVERLAP = timedelta(minutes=15)
# A full pass at least this often catches what the change watermark cannot see (an order written by hand in SQL).
FULL_PASS_EVERY = timedelta(hours=24)
SYSTEM = "system"
_C = Customer.__table__
# The snapshot columns a run writes, besides the tier.
SNAPSHOT = ("first_order_at", "last_order_at", "last_paid_at", "order_count", "paid_orders", "paid_gmv", "refunded",
            "window_orders", "window_spend", "recency_days", "frequency", "monetary", "r", "f", "m", "segment")
_WRITE = (sa.update(_C).where(_C.c.id == sa.bindparam("_id"))
          .values({name: sa.bindparam(name) for name in SNAPSHOT + ("recalculated_at",)}))
# The snapshot columns that change with the time and the base's cut points alone, not with the buyer's orders.
RESCORED = ("recency_days", "frequency", "monetary", "r", "f", "m", "segment")
_RESCORE = (sa.update(_C).where(_C.c.id == sa.bindparam("_id"))
            .values({name: sa.bindparam(name) for name in RESCORED + ("recalculated_at",)}))


@dataclass
class RecalculationResult:
    """What a run did: customers read from their orders, rows created and rewritten, tier changes recorded, and
    whether it read every order (full) or only the changed buyers' ones."""

    customers: int = 0
    created: int = 0
    updated: int = 0
    tier_changes: int = 0
    full: bool = True

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
        save_run(session, cuts, now, policy, full_pass=True)
    else:
        cuts = load_cuts(session)
    result = RecalculationResult(customers=len(totals))
    _write_totals(session, totals, cuts, policy, now, actor, result)
    return result


def recalculate_changed(session: Session, now: datetime, actor: str = SYSTEM) -> RecalculationResult:
    """Bring every customer up to date at now as a full pass would, reading only the changed buyers' orders.

    Falls back to a full pass (result.full) before the first run, after a change of the tier rules, when the last
    full pass is older than FULL_PASS_EVERY, or when the clock went back. No commit.

    Between two runs a customer's row changes only when (a) one of their orders changed (updated_at, watched from
    CHANGE_OVERLAP before the last run), (b) one of their orders crossed the window's start, or (c) the days since
    their last payment or the base's F/M cut points moved. (a) and (b) are read from those buyers' orders; (c)
    needs only the stored rows, so every paying customer is rescored from their row against the new cut points.
    """
    state = run_state(session)
    policy = load_policy(session)
    if (state.recalculated_at is None or state.full_pass_at is None or state.tiers != policy.as_dict()
            or now < state.recalculated_at or now - state.full_pass_at >= FULL_PASS_EVERY):
        return recalculate(session, now, actor)
    changed = changed_buyers(session, state.recalculated_at, now, policy.window_days)
    fresh: list[BuyerTotals] = []
    ordered = sorted(changed)
    for start in range(0, len(ordered), CHUNK):
        fresh += buyer_totals(session, now, policy.window_days, buyer_ids=ordered[start:start + CHUNK])
    # The others' rows hold their totals as of the last run, still true: only their scores can move.
    others = [row for row in _paying_rows(session) if row.buyer_id not in changed]
    cuts = base_cuts([item.rfm_values(now) for item in fresh] + [_stored_values(row, now) for row in others],
                     RFM_POLICY)
    save_run(session, cuts, now, policy, full_pass=False)
    result = RecalculationResult(customers=len(fresh), full=False)
    _write_totals(session, fresh, cuts, policy, now, actor, result)
    result.updated += _rescore(session, others, cuts, now)
    return result


def changed_buyers(session: Session, last_run: datetime, now: datetime, window_days: int) -> set[str]:
    """Return the buyer ids whose totals may differ from their rows: an order changed since CHANGE_OVERLAP before
    the last run, or an order whose placing time left the window between the last run and now."""
    changed = set(session.scalars(sa.select(Order.buyer_id).distinct().where(
        Order.buyer_id.is_not(None), Order.updated_at >= last_run - CHANGE_OVERLAP)))
    window = timedelta(days=window_days)
    changed |= set(session.scalars(sa.select(Order.buyer_id).distinct().where(
        Order.buyer_id.is_not(None), Order.placed_at >= last_run - window, Order.placed_at < now - window)))
    return changed


def _paying_rows(session: Session) -> list[sa.Row]:
    """Return the customer rows whose scores depend on the time or the base (those with a paid order); a row
    never paid scores R = F = M = 1, prospect, whatever the time and the base."""
    return session.execute(sa.select(_C.c.id, _C.c.buyer_id, _C.c.last_paid_at, _C.c.window_orders,
                                     _C.c.window_spend, *[_C.c[name] for name in RESCORED])
                           .where(_C.c.last_paid_at.is_not(None)).order_by(_C.c.id)).all()


def _stored_values(row: sa.Row, now: datetime) -> RfmValues:
    """Return the RFM inputs of a customer row at now (the same values its totals give, as of its last write)."""
    return RfmValues(recency_days(row.last_paid_at, now), row.window_orders, row.window_spend)


def _rescore(session: Session, rows: list[sa.Row], cuts: RfmCuts, now: datetime) -> int:
    """Return how many rows were rewritten after scoring each stored row at now against the cut points."""
    writes = []
    for row in rows:
        rfm = score(_stored_values(row, now), cuts)
        values = {"recency_days": rfm.recency_days, "frequency": rfm.frequency, "monetary": rfm.monetary,
                  "r": rfm.r, "f": rfm.f, "m": rfm.m, "segment": rfm.segment}
        if any(getattr(row, name) != value for name, value in values.items()):
            writes.append({"_id": row.id, **values, "recalculated_at": now})
    for start in range(0, len(writes), CHUNK):
        session.execute(_RESCORE, writes[start:start + CHUNK])
    return len(writes)


def _write_totals(session: Session, totals: list[BuyerTotals], cuts: RfmCuts, policy: TierPolicy, now: datetime,
                  actor: str, result: RecalculationResult) -> None:
    """Write each buyer's totals, scores and tier to their row (created when missing), counting into result."""
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
    """Bring every customer up to date and commit (the periodic job, every RECALCULATE_SECONDS): only the buyers
    whose orders changed are read from their orders, a full pass when recalculate_changed needs one."""
    from app.extensions import db

    recalculate_changed(db.session, utcnow())
    db.session.commit()
