"""How a broadcast treats chat claims (orders.models.ClaimPolicyRecord): off (tag only) or draft orders, the hold
time of a draft's reservation and the largest quantity one claim may take."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.reads import read_tables
from orders.claims.models import CLAIM_MODES, ClaimPolicyRecord

MAX_HOLD_MINUTES = 24 * 60
_POLICIES = ClaimPolicyRecord.__table__
# The table's columns, not the mapped class's: a Core read runs in about half the time of the same ORM one.
_POLICY = sa.select(_POLICIES.c.mode, _POLICIES.c.hold_minutes, _POLICIES.c.max_qty).where(
    _POLICIES.c.broadcast_id == sa.bindparam("broadcast_id"))
MAX_CLAIM_QTY = 999


class ClaimPolicyError(ValueError):
    """A claim policy value is invalid; field names the offending key."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class ClaimPolicy:
    """mode: off keeps today's behaviour (claims are tagged and listed, no order); draft makes a draft order that
    reserves stock for hold_minutes. max_qty: a claim for more units is left unresolved (qty_over_limit)."""

    mode: str = "draft"
    hold_minutes: int = 10
    max_qty: int = 10

    def to_dict(self) -> dict:
        """Return the policy as JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data, base: ClaimPolicy | None = None) -> ClaimPolicy:
        """Return base (default: the defaults) with the fields data sets; ClaimPolicyError names a bad field."""
        if not isinstance(data, dict):
            raise ClaimPolicyError("body", "the policy must be a JSON object")
        values = (base or cls()).to_dict()
        for key, value in data.items():
            if key not in values:
                raise ClaimPolicyError(str(key)[:64], "unknown field")
            values[key] = value
        if values["mode"] not in CLAIM_MODES:
            raise ClaimPolicyError("mode", f"mode must be one of {', '.join(CLAIM_MODES)}")
        for key, limit in (("hold_minutes", MAX_HOLD_MINUTES), ("max_qty", MAX_CLAIM_QTY)):
            value = values[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
                raise ClaimPolicyError(key, f"{key} must be a whole number from 1 to {limit}")
        return cls(**values)


def load_claim_policy(session: Session, broadcast_id: int) -> ClaimPolicy:
    """Return the broadcast's claim policy, or the defaults when none was saved."""
    # Three columns, not the record: ingestion reads it once per batch, and loading an ORM object costs more.
    row = read_tables(session, _POLICY, {"broadcast_id": broadcast_id}).first()
    return ClaimPolicy() if row is None else ClaimPolicy(*row)


def save_claim_policy(session: Session, broadcast_id: int, policy: ClaimPolicy, actor: str | None) -> ClaimPolicy:
    """Store the broadcast's claim policy (not committed) and return it."""
    record = session.get(ClaimPolicyRecord, broadcast_id) or ClaimPolicyRecord(broadcast_id=broadcast_id)
    record.mode, record.hold_minutes, record.max_qty, record.updated_by = (
        policy.mode, policy.hold_minutes, policy.max_qty, actor)
    session.add(record)
    return policy
