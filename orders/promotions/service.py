"""Promotions for the order review: the pure dataclasses to price with, the buyer's usage, and the counters.

The only code that changes promotion counters. Like orders/inventory/ it uses conditional UPDATEs
(`... WHERE remaining >= :n`) whose rowcount says whether they happened, and touches promotions in
ascending id order so two transactions never wait on each other's rows in opposite orders.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import utcnow
from orders.audit.pricing import model as pm
from orders.promotions.models import Promotion, PromotionUse

log = logging.getLogger(__name__)
_P = Promotion.__table__
_U = PromotionUse.__table__
_COUNTER = {"flash_units": ("flash", "remaining"), "coupon_uses": ("coupon", "uses_left")}
# price_order judges windows at the order's placed_at, so an order placed just before a flash sale ended
# but reviewed later (held for a phone number, say) must still see that sale. Promotions that ended
# longer ago than this are left out to keep the list short.
ENDED_GRACE = timedelta(days=7)


def normalize_code(code: str) -> str:
    """Return a promotion code as stored: stripped and upper-case (buyers' codes are matched ignoring case)."""
    return code.strip().upper()


_ACTIVE = (
    sa.select(_P)
    .where(_P.c.active.is_(True),
           sa.or_(_P.c.broadcast_id.is_(None), _P.c.broadcast_id == sa.bindparam("broadcast_id")),
           sa.or_(_P.c.ends_at.is_(None), _P.c.ends_at > sa.bindparam("ended_after")))
    .order_by(_P.c.priority, _P.c.code)
)


def active_promotions(session: Session, broadcast_id: int, now: datetime) -> list[pm.Promotion]:
    """Return the pure promotions that may price an order of this broadcast, counters as snapshots.

    Active global and broadcast promotions, except those that ended more than ENDED_GRACE before now;
    price_order judges their windows itself (and explains `not_started` / `ended`). Member prices have
    no window in the engine, so theirs is applied here, at now. A row the dataclasses refuse is logged
    and skipped rather than blocking every order.
    """
    # Core rows, not ORM objects: cheaper on every batch, and never an identity-map copy older than the
    # counters this transaction just changed.
    rows = session.execute(_ACTIVE, {"broadcast_id": broadcast_id, "ended_after": now - ENDED_GRACE}).all()
    promotions: list[pm.Promotion] = []
    for row in rows:
        if row.kind == "member" and not _within(row, now):
            continue
        try:
            promotions.append(to_dataclass(row))
        except (ValueError, TypeError):
            log.exception("promotion %s is not valid and was left out of pricing", row.code)
    return promotions


def _within(row: Promotion | sa.Row, now: datetime) -> bool:
    return (row.starts_at is None or row.starts_at <= now) and (row.ends_at is None or now < row.ends_at)


def to_dataclass(row: Promotion | sa.Row) -> pm.Promotion:
    """Return the pure promotion of a stored row; raises ValueError when the row is inconsistent."""
    common = {"code": row.code, "stacking": row.stacking, "priority": row.priority}
    if row.kind == "flash":
        return pm.FlashSale(**common, skus=frozenset(row.skus or ()), price=row.price, starts_at=row.starts_at,
                            ends_at=row.ends_at, remaining=row.remaining, per_buyer=row.per_buyer)
    if row.kind == "coupon":
        return pm.Coupon(**common, kind=row.coupon_type, value=row.value, max_discount=row.max_discount,
                         min_spend=row.min_spend or Decimal("0"), valid_from=row.starts_at,
                         valid_until=row.ends_at, uses_left=row.uses_left, per_buyer=row.per_buyer)
    if row.kind == "threshold":
        return pm.ThresholdDiscount(**common, every=row.every, off=row.off, cap=row.cap,
                                    starts_at=row.starts_at, ends_at=row.ends_at)
    if row.kind == "member":
        prices = {sku: Decimal(amount) for sku, amount in (row.member_prices or {}).items()}
        return pm.MemberPrice(**common, tier=row.tier, prices=prices)
    raise ValueError(f"unknown promotion kind {row.kind!r}")


def buyer_usage(session: Session, broadcast_id: int, buyer_id: str | None) -> tuple[dict[str, int], dict[str, int]]:
    """Return (coupon uses by code, flash units by code) the buyer holds now on promotions of this broadcast.

    Only unreleased uses count. A global promotion's cap is per buyer across all broadcasts, the same
    count consume() checks, so the audit and the counters agree.
    """
    if buyer_id is None:
        return {}, {}
    rows = session.execute(
        sa.select(_P.c.code, _P.c.kind, sa.func.sum(_U.c.units))
        .join(_P, _P.c.id == _U.c.promotion_id)
        .where(_U.c.buyer_id == buyer_id, _U.c.released_at.is_(None),
               sa.or_(_P.c.broadcast_id.is_(None), _P.c.broadcast_id == broadcast_id))
        .group_by(_P.c.code, _P.c.kind)
    )
    coupon_uses: dict[str, int] = {}
    flash_units: dict[str, int] = {}
    for code, kind, units in rows:
        if kind == "coupon":
            coupon_uses[code] = int(units)
        elif kind == "flash":
            flash_units[code] = int(units)
    return coupon_uses, flash_units


def consume(session: Session, consumes: Sequence[pm.CounterUse], buyer_id: str | None, order_pk: int) -> bool:
    """Return True after taking every counter use for the order, or False having changed nothing.

    False when a promotion is unknown or inactive, its counter is short, or the buyer's unreleased uses
    plus this order's would exceed its per-buyer cap (or a capped promotion has no buyer to count).
    Raises ValueError on a non-positive amount, a counter that does not fit the promotion's kind, or an
    order that already holds unreleased uses of the promotion (release() first when re-reviewing).

    Per-buyer caps under concurrency: the conditional UPDATE of the promotion's counter comes first and
    also takes the promotion row's lock (for unlimited coupons it is a no-op UPDATE, `uses_left = NULL - n`
    stays NULL). Every consumer of a promotion therefore holds that lock while it counts the buyer's uses
    and records its own, until it commits. On PostgreSQL (READ COMMITTED) the count is a new statement,
    so its snapshot is taken after the lock was granted and includes the uses of whoever held it before;
    on SQLite writers are serialised by BEGIN IMMEDIATE anyway. The lock costs nothing extra: decrementing
    the counter locks the row regardless. If the savepoint is rolled back, PostgreSQL releases the lock.
    """
    wanted: dict[str, tuple[str, int]] = {}
    for use in consumes:
        if use.amount <= 0:
            raise ValueError(f"{use.code}: a counter use needs a positive amount, not {use.amount}")
        code = normalize_code(use.code)
        counter, amount = wanted.get(code, (use.counter, 0))
        if counter != use.counter:
            raise ValueError(f"{code}: one promotion cannot consume both {counter} and {use.counter}")
        wanted[code] = (counter, amount + use.amount)
    if not wanted:
        return True
    found = session.execute(sa.select(_P.c.code, _P.c.id, _P.c.kind).where(_P.c.code.in_(sorted(wanted)))).all()
    if len(found) != len(wanted):
        return False
    savepoint = session.begin_nested()
    for code, promotion_id, kind in sorted(found, key=lambda row: row.id):
        counter, amount = wanted[code]
        expected_kind, column = _COUNTER[counter]
        if kind != expected_kind:
            savepoint.rollback()
            raise ValueError(f"{code} is a {kind} promotion; it has no {counter} counter")
        if not _take(session, promotion_id, column, amount, buyer_id):
            savepoint.rollback()
            return False
        try:
            session.execute(sa.insert(_U).values(promotion_id=promotion_id, order_pk=order_pk, buyer_id=buyer_id,
                                                 units=amount, at=utcnow()))
        except IntegrityError:
            savepoint.rollback()
            raise ValueError(f"order {order_pk} already holds uses of {code}; release them first") from None
    savepoint.commit()
    return True


def _take(session: Session, promotion_id: int, column: str, amount: int, buyer_id: str | None) -> bool:
    """Return True when the counter gave `amount` and the buyer stays within the cap (promotion row now locked)."""
    counter = _P.c[column]
    enough = counter >= amount if column == "remaining" else sa.or_(counter.is_(None), counter >= amount)
    taken = session.execute(
        sa.update(_P).where(_P.c.id == promotion_id, _P.c.active.is_(True), enough).values({column: counter - amount})
    )
    if taken.rowcount != 1:
        return False
    cap = session.scalar(sa.select(_P.c.per_buyer).where(_P.c.id == promotion_id))
    if cap is None:
        return True
    if buyer_id is None:
        return False
    held = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(_U.c.units), 0))
        .where(_U.c.promotion_id == promotion_id, _U.c.buyer_id == buyer_id, _U.c.released_at.is_(None))
    )
    return int(held) + amount <= cap


def release(session: Session, order_pk: int) -> None:
    """Give back every counter the order still holds (cancel, reject, expiry); a second call changes nothing."""
    uses = session.execute(
        sa.select(_U.c.id, _U.c.promotion_id, _U.c.units, _P.c.kind)
        .join(_P, _P.c.id == _U.c.promotion_id)
        .where(_U.c.order_pk == order_pk, _U.c.released_at.is_(None))
        .order_by(_U.c.promotion_id, _U.c.id)
    ).all()
    now = utcnow()
    for use_id, promotion_id, units, kind in uses:
        # The condition makes a concurrent second release of the same use a no-op (rowcount 0).
        marked = session.execute(
            sa.update(_U).where(_U.c.id == use_id, _U.c.released_at.is_(None)).values(released_at=now)
        )
        if marked.rowcount != 1:
            continue
        column = _P.c.remaining if kind == "flash" else _P.c.uses_left
        session.execute(sa.update(_P).where(_P.c.id == promotion_id).values({column.key: column + units}))
