"""The stored customer settings: tier rules (editable by admins) and the RFM cut points of the last recalculation."""
from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import utcnow
from app.db.bulk import insert_ignoring
from orders.customers.models import CustomerPolicyRecord
from orders.customers.rfm import RfmCuts, RfmPolicy
from orders.customers.tiers import DEFAULT_POLICY, PolicyInvalid, TierPolicy, policy_from_dict

log = logging.getLogger(__name__)
POLICY_ID = 1
RFM_POLICY = RfmPolicy()


def _record(session: Session) -> CustomerPolicyRecord | None:
    return session.get(CustomerPolicyRecord, POLICY_ID)


def load_policy(session: Session) -> TierPolicy:
    """Return the stored tier policy, or the default one when none is stored (or it no longer validates)."""
    record = _record(session)
    if record is None:
        return DEFAULT_POLICY
    try:
        return policy_from_dict(record.tiers)
    except PolicyInvalid:
        log.error("the stored customer tier policy is not valid; the default one applies")
        return DEFAULT_POLICY


def _ensure_record(session: Session) -> CustomerPolicyRecord:
    """Return the one policy row, inserting the default first (ON CONFLICT DO NOTHING: two first writers agree)."""
    table = CustomerPolicyRecord.__table__
    session.execute(insert_ignoring(session, table, ("id",)),
                    {"id": POLICY_ID, "tiers": DEFAULT_POLICY.as_dict(), "rfm_cuts": None, "recalculated_at": None,
                     "updated_at": utcnow(), "updated_by": None})
    return session.get(CustomerPolicyRecord, POLICY_ID, populate_existing=True, with_for_update=True)


def save_policy(session: Session, policy: TierPolicy, actor: str) -> TierPolicy:
    """Store the tier policy (it applies from the next recalculation); return it."""
    record = _ensure_record(session)
    record.tiers = policy.as_dict()
    record.updated_at = utcnow()
    record.updated_by = actor[:64]
    session.flush()
    return policy


def load_cuts(session: Session) -> RfmCuts:
    """Return the RFM cut points of the last recalculation, or the policy's fixed ones before the first."""
    record = _record(session)
    if record is None or not record.rfm_cuts:
        return RFM_POLICY.fixed
    try:
        return RfmCuts.from_dict(record.rfm_cuts)
    except (KeyError, TypeError, ValueError):
        return RFM_POLICY.fixed


def recalculated_at(session: Session) -> datetime | None:
    """Return when the customers were last recalculated (None: never)."""
    return session.scalar(sa.select(CustomerPolicyRecord.recalculated_at).where(CustomerPolicyRecord.id == POLICY_ID))


def save_cuts(session: Session, cuts: RfmCuts, at: datetime) -> None:
    """Store the RFM cut points of a full recalculation and its time."""
    record = _ensure_record(session)
    record.rfm_cuts = cuts.as_dict()
    record.recalculated_at = at
    session.flush()
