"""The stored customer settings: tier rules (editable by admins), the RFM cut points of the last recalculation and
when it ran (and when one last read every order)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
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
# Stored with the cut points (the run state): when a recalculation last read every order (ISO-8601), and the
# tier rules the last run applied (a change of rules makes the next run a full one).
FULL_PASS_KEY = "full_pass_at"
TIERS_KEY = "tiers_applied"


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


def save_run(session: Session, cuts: RfmCuts, at: datetime, policy: TierPolicy, full_pass: bool) -> None:
    """Store what a recalculation of every customer decided with: the RFM cut points, its time, the tier rules it
    applied and (full_pass: it read every order) that it was a full pass. The next run starts from them (run_state)."""
    record = _ensure_record(session)
    last_full = at.isoformat() if full_pass else (record.rfm_cuts or {}).get(FULL_PASS_KEY)
    record.rfm_cuts = cuts.as_dict() | {FULL_PASS_KEY: last_full, TIERS_KEY: policy.as_dict()}
    record.recalculated_at = at
    session.flush()


@dataclass(frozen=True)
class RunState:
    """What the last recalculation of every customer left: its time, the last full pass's, the tier rules it applied."""

    recalculated_at: datetime | None
    full_pass_at: datetime | None
    tiers: dict | None


def run_state(session: Session) -> RunState:
    """Return the state the last recalculation of every customer left (all None before the first)."""
    record = _record(session)
    if record is None:
        return RunState(None, None, None)
    stored = record.rfm_cuts or {}
    try:
        full_pass_at = datetime.fromisoformat(stored[FULL_PASS_KEY])
    except (KeyError, TypeError, ValueError):
        full_pass_at = None
    tiers = stored.get(TIERS_KEY)
    return RunState(record.recalculated_at, full_pass_at, tiers if isinstance(tiers, dict) else None)
