"""What every after-sales action shares: who acts, what came of it, finding and locking a case, the policy.

Lock order, everywhere: the case first, then its order (a refund, the sweeper and the API all do so), so two
transactions never wait on each other's rows in opposite orders.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session, selectinload

from orders.actions import OrderRejected
from orders.aftersales.flow import IllegalTransition, next_status
from orders.aftersales.models import AftersaleCase, Refund
from orders.aftersales.timers import TimerPolicy
from orders.models import Order

# A claim nobody used for this long may be taken by another agent (as in the audit queue).
CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class Actor:
    """Who takes a step: a console user (user_id), an API token or platform (no user id), or the timers."""

    user_id: int | None
    name: str
    system: bool = False


SYSTEM = Actor(None, "system", system=True)


@dataclass
class CaseOutcome:
    """What an action did: the case and its order, whether the case is new, the refund made, stock moved."""

    case: AftersaleCase
    order: Order
    created: bool = False
    refund: Refund | None = None
    stock_skus: set[str] = field(default_factory=set)
    also_changed: list[Order] = field(default_factory=list)


def load_policy() -> TimerPolicy:
    """Return the timer policy of the running app's config (the defaults outside an app)."""
    return TimerPolicy.from_config(current_app.config) if has_app_context() else TimerPolicy()


def excluded_from_no_reason() -> frozenset[str]:
    """Return the SKUs sold without 七天无理由 (config AFTERSALES_NO_REASON_EXCLUDED_SKUS: a list or a comma list)."""
    if not has_app_context():
        return frozenset()
    value = current_app.config.get("AFTERSALES_NO_REASON_EXCLUDED_SKUS") or ()
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(sku.strip() for sku in value if sku.strip())


def find_case(session: Session, case_id: str, for_update: bool = False) -> AftersaleCase | None:
    """Return the case with this id, lines loaded (row-locked on PostgreSQL when for_update)."""
    query = sa.select(AftersaleCase).where(AftersaleCase.case_id == case_id).options(selectinload(AftersaleCase.lines))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def require_case(session: Session, case_id: str) -> AftersaleCase:
    """Return the case locked for update, or raise 404 unknown_case."""
    case = find_case(session, case_id, for_update=True)
    if case is None:
        raise OrderRejected("unknown_case", "case_id", f"no after-sales case {case_id!r}", status=404)
    return case


def lock_order(session: Session, case: AftersaleCase) -> Order:
    """Return the case's order, row-locked on PostgreSQL (after the case: see the module's lock order)."""
    return session.scalar(sa.select(Order).where(Order.id == case.order_pk).options(selectinload(Order.lines))
                          .with_for_update().execution_options(populate_existing=True))


def check_claim(case: AftersaleCase, actor: Actor, now: datetime) -> None:
    """Raise 409 claimed when another agent holds a fresh claim on the case (the timers ignore claims)."""
    if actor.system or case.claimed_by is None or case.claimed_by == actor.user_id:
        return
    if case.claimed_at is not None and case.claimed_at >= now - CLAIM_TIMEOUT:
        raise OrderRejected("claimed", "case_id", "another agent is working on this case", status=409)


def check_version(case: AftersaleCase, version: int | None) -> None:
    """Raise 409 stale_version when the caller read another version of the case than the current one."""
    if version is not None and version != case.version:
        raise OrderRejected("stale_version", "version",
                            f"the case is at version {case.version}, not {version}: someone changed it first",
                            status=409)


def transition(case: AftersaleCase, action: str) -> str:
    """Return the status action leads the case to, or raise 409 illegal_transition."""
    try:
        return next_status(case, action)
    except IllegalTransition as error:
        raise OrderRejected("illegal_transition", "status", str(error), status=409) from None


def begin(session: Session, case_id: str, actor: Actor, action: str, now: datetime,
          version: int | None = None) -> tuple[AftersaleCase, Order, str]:
    """Return (case, order, next status) of an action, both rows locked, after the claim, version and flow checks."""
    case = require_case(session, case_id)
    check_version(case, version)
    check_claim(case, actor, now)
    to_status = transition(case, action)
    return case, lock_order(session, case), to_status


def payer_of_freight(responsibility: str | None) -> str | None:
    """Return who pays the return freight: the buyer when the buyer is responsible, else the seller."""
    if responsibility is None:
        return None
    return "buyer" if responsibility == "buyer" else "seller"


def responsibility_of(reason: str) -> str | None:
    """Return who is responsible by default for a reason (None: a person decides on approval)."""
    if reason in ("quality", "wrong_item", "missing_item", "duplicate_payment", "payment_on_closed_order"):
        return "seller"
    if reason == "logistics_damage":
        return "carrier"
    if reason in ("size_fit", "no_reason_7d"):
        return "buyer"
    return None
