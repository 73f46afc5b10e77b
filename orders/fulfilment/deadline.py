"""The ship-by deadline of a paid order: so many hours after payment (WeChat 小店: 48 h), or so many business days
(TikTok Shop: 2), from the app's policy or the broadcast's own (table fulfilment_policies).

Settings (app config, else the environment): SHIP_BY_MODE (hours | business_days), SHIP_BY_HOURS (48),
SHIP_BY_BUSINESS_DAYS (2), SHIP_BY_TIMEZONE (Asia/Shanghai: whose calendar business days follow) and
SHIP_BY_HOLIDAYS (ISO dates, comma-separated, that are not business days).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.realtime import current_session
from orders.fulfilment.models import SHIP_BY_MODES, FulfilmentPolicyRecord
from orders.models import Order

DEFAULTS = {"SHIP_BY_MODE": "hours", "SHIP_BY_HOURS": "48", "SHIP_BY_BUSINESS_DAYS": "2",
            "SHIP_BY_TIMEZONE": "Asia/Shanghai", "SHIP_BY_HOLIDAYS": ""}
MAX_HOURS = 24 * 30
MAX_BUSINESS_DAYS = 20
BACKFILL_BATCH = 500
_CACHE = "livedesk_ship_by_policies"


def setting(name: str, default: str | None = None) -> str | None:
    """Return a fulfilment setting: the app's config when it has the key, else the environment, else default."""
    if has_app_context() and current_app.config.get(name) not in (None, ""):
        return str(current_app.config[name])
    return os.environ.get(name) or default or DEFAULTS.get(name)


@dataclass(frozen=True)
class ShipByPolicy:
    """How long after payment an order must ship: `amount` hours, or `amount` business days in `zone`."""

    mode: str = "hours"
    amount: int = 48
    zone: str = "Asia/Shanghai"
    holidays: frozenset[date] = field(default_factory=frozenset)

    def to_dict(self) -> dict:
        """Return the policy as JSON-ready data."""
        return {"mode": self.mode, "amount": self.amount, "zone": self.zone}


def ship_by(paid_at: datetime, policy: ShipByPolicy) -> datetime:
    """Return the deadline: paid_at plus the hours, or the end (23:59:59 local) of the Nth business day after it."""
    if policy.mode == "hours":
        return paid_at + timedelta(hours=policy.amount)
    zone = ZoneInfo(policy.zone)
    day, counted = paid_at.astimezone(zone).date(), 0
    while counted < policy.amount:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in policy.holidays:
            counted += 1
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(timezone.utc)


def default_policy() -> ShipByPolicy:
    """Return the app's ship-by policy from its settings (48 hours when nothing is set)."""
    mode = setting("SHIP_BY_MODE")
    mode = mode if mode in SHIP_BY_MODES else "hours"
    raw = setting("SHIP_BY_HOURS") if mode == "hours" else setting("SHIP_BY_BUSINESS_DAYS")
    amount = int(raw) if raw and raw.isdigit() and int(raw) > 0 else int(DEFAULTS[
        "SHIP_BY_HOURS" if mode == "hours" else "SHIP_BY_BUSINESS_DAYS"])
    holidays = frozenset(date.fromisoformat(d.strip()) for d in (setting("SHIP_BY_HOLIDAYS") or "").split(",")
                         if d.strip())
    return ShipByPolicy(mode, amount, setting("SHIP_BY_TIMEZONE") or "Asia/Shanghai", holidays)


def policy_for(session: Session, broadcast_id: int) -> ShipByPolicy:
    """Return the broadcast's own ship-by policy, else the app's (read once per transaction: payments come in batches)."""
    cache = _policy_cache(session)
    if broadcast_id not in cache:
        base = default_policy()
        row = session.get(FulfilmentPolicyRecord, broadcast_id)
        cache[broadcast_id] = base if row is None else ShipByPolicy(row.mode, row.amount, base.zone, base.holidays)
    return cache[broadcast_id]


class PolicyError(ValueError):
    """A ship-by policy that cannot be saved; field names the input at fault."""

    def __init__(self, field: str, message: str, code: str = "invalid_policy"):
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def _policy_cache(session: Session) -> dict[int, ShipByPolicy]:
    """Return the policies read in the session's current transaction (a new transaction starts afresh)."""
    transaction = current_session(session).get_transaction()
    held = session.info.get(_CACHE)
    if held is None or held[0] is not transaction:
        held = session.info[_CACHE] = (transaction, {})
    return held[1]


POLICY_FIELDS = ("mode", "amount", "zone")


def check_policy(data: dict, zone: str) -> tuple[str, int]:
    """Return (mode, amount) of a policy body, or raise PolicyError naming the field.

    A field it does not know is refused (a misspelt "Mode" would otherwise save a deadline in hours). zone, which
    GET answers, may be sent back as it is: business days are counted in the app's zone, not one per broadcast.
    """
    for key in data:
        if key not in POLICY_FIELDS:
            raise PolicyError(str(key)[:64], f"{str(key)[:64]} is not a field here; send mode and amount",
                              "unknown_field")
    if "zone" in data and data["zone"] != zone:
        raise PolicyError("zone", f"business days are counted in the app's time zone, {zone}; leave zone out")
    mode, amount = data.get("mode", "hours"), data.get("amount")
    if mode not in SHIP_BY_MODES:
        raise PolicyError("mode", f"mode is one of {', '.join(SHIP_BY_MODES)}")
    limit = MAX_HOURS if mode == "hours" else MAX_BUSINESS_DAYS
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= limit:
        raise PolicyError("amount", f"amount is a whole number from 1 to {limit}")
    return mode, amount


def save_policy(session: Session, broadcast_id: int, mode: str, amount: int, actor: str) -> ShipByPolicy:
    """Return the broadcast's policy after saving it; orders paid from now on get deadlines from it."""
    row = session.get(FulfilmentPolicyRecord, broadcast_id)
    if row is None:
        row = FulfilmentPolicyRecord(broadcast_id=broadcast_id)
        session.add(row)
    row.mode, row.amount, row.updated_by = mode, amount, actor
    _policy_cache(session).pop(broadcast_id, None)
    return policy_for(session, broadcast_id)


def assign_ship_by(session: Session, order: Order) -> None:
    """Give a paid order its ship-by deadline from its payment time (kept when it has one)."""
    if order.paid_at is not None and order.ship_by_at is None:
        order.ship_by_at = ship_by(order.paid_at, policy_for(session, order.broadcast_id))


def backfill_ship_by(session: Session) -> int:
    """Return how many orders paid before deadlines existed got theirs now (a batch at a time; not committed)."""
    orders = session.scalars(sa.select(Order).where(Order.paid_at.is_not(None), Order.ship_by_at.is_(None))
                             .order_by(Order.id).limit(BACKFILL_BATCH)).all()
    for order in orders:
        assign_ship_by(session, order)
    return len(orders)
