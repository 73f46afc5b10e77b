"""After-sales timers (pure): which deadline a case runs against in each status, and what fires when it passes.

    requested        respond          48 h   → approve (auto-approved: nobody answered the buyer)
    awaiting_return  return_ship      7 d    → close   (the buyer did not ship the return)
    return_shipped   confirm_receipt  10 d   → refund  (return_refund: auto-refunded) / receive (exchange, repair)
    approved         refund           7 d    → refund  (refund_only)
    received         refund           7 d    → refund  (return_refund; 消保法 §25: refund within 7 days of receipt)
    inspected        refund           (the same deadline as received: inspecting does not restart it)
    rejected         appeal           7 d    → the appeal lapses (appeal_used), the rejection is final

A deadline is due at exactly its time: 47:59:59 after a request is not yet, 48:00:00 is. A platform's own
deadline (an `aftersale` event's deadline_at) replaces the policy's for the status it was sent in.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from orders.aftersales.flow import CaseLike

# config key → policy field, with the unit the key counts in
CONFIG_KEYS = {"AFTERSALES_RESPOND_HOURS": ("respond", "hours"),
               "AFTERSALES_RETURN_SHIP_DAYS": ("return_ship", "days"),
               "AFTERSALES_CONFIRM_RECEIPT_DAYS": ("confirm_receipt", "days"),
               "AFTERSALES_REFUND_DAYS": ("refund", "days"),
               "AFTERSALES_APPEAL_DAYS": ("appeal", "days"),
               "AFTERSALES_NO_REASON_DAYS": ("no_reason", "days")}


@dataclass(frozen=True)
class TimerPolicy:
    """How long each step may take before its remedy fires, and how long 七天无理由 runs after delivery."""

    respond: timedelta = timedelta(hours=48)
    return_ship: timedelta = timedelta(days=7)
    confirm_receipt: timedelta = timedelta(days=10)
    refund: timedelta = timedelta(days=7)
    appeal: timedelta = timedelta(days=7)
    no_reason: timedelta = timedelta(days=7)

    @classmethod
    def from_config(cls, config: Mapping) -> TimerPolicy:
        """Return the policy of an app config (AFTERSALES_* keys; absent keys keep the defaults)."""
        values = {}
        for key, (name, unit) in CONFIG_KEYS.items():
            if config.get(key) is not None:
                amount = float(config[key])
                if amount <= 0:
                    raise ValueError(f"{key} must be more than 0")
                values[name] = timedelta(**{unit: amount})
        return cls(**values)

    def as_dict(self) -> dict:
        """Return the durations in seconds, for the API and pages."""
        return {f.name: int(getattr(self, f.name).total_seconds()) for f in fields(self)}


@dataclass(frozen=True)
class Timer:
    """The deadline a case runs against: its kind and when it passes."""

    kind: str
    at: datetime


@dataclass(frozen=True)
class Due:
    """A timer that has passed: what to do, and the key that lets it fire once (recorded with the step)."""

    kind: str
    action: str
    key: str


def timer_kind(case_type: str, status: str, appeal_used: bool) -> str | None:
    """Return the kind of timer that runs for a case of case_type in status (None: no timer)."""
    if status == "requested":
        return "respond"
    if status == "awaiting_return":
        return "return_ship"
    if status == "return_shipped":
        return "confirm_receipt"
    if status == "approved" and case_type == "refund_only":
        return "refund"
    if status in ("received", "inspected") and case_type == "return_refund":
        return "refund"
    if status == "rejected" and not appeal_used:
        return "appeal"
    return None


def remedy(case_type: str, kind: str) -> str:
    """Return the action that fires when a timer of kind passes for a case of case_type."""
    if kind == "respond":
        return "approve"
    if kind == "return_ship":
        return "close"
    if kind == "confirm_receipt":
        return "refund" if case_type == "return_refund" else "receive"
    if kind == "refund":
        return "refund"
    if kind == "appeal":
        return "expire_appeal"
    raise ValueError(f"unknown timer kind {kind!r}")


def _duration(policy: TimerPolicy, kind: str) -> timedelta:
    return getattr(policy, kind)


def next_timer(case_type: str, status: str, appeal_used: bool, now: datetime, policy: TimerPolicy,
               current: Timer | None = None) -> Timer | None:
    """Return the timer a case runs against after entering status at now.

    A timer of the same kind as the current one keeps its time (received → inspected keeps the refund deadline).
    """
    kind = timer_kind(case_type, status, appeal_used)
    if kind is None:
        return None
    if current is not None and current.kind == kind:
        return current
    return Timer(kind, now + _duration(policy, kind))


def due(case: CaseLike, deadline_kind: str | None, deadline_at: datetime | None, now: datetime) -> Due | None:
    """Return the timer of a case that has passed at now (its deadline reached, exactly), or None."""
    if deadline_at is None or deadline_kind is None or deadline_at > now:
        return None
    if timer_kind(case.type, case.status, case.appeal_used) != deadline_kind:
        return None  # a deadline left from another status never fires
    return Due(deadline_kind, remedy(case.type, deadline_kind), timer_key(deadline_kind, deadline_at))


def timer_key(kind: str, at: datetime) -> str:
    """Return the key recording that the timer of kind due at `at` fired (unique per case)."""
    return f"{kind}@{at.isoformat()}"[:64]


def no_reason_open(delivered_at: datetime | None, now: datetime, policy: TimerPolicy) -> bool:
    """Return True while 七天无理由 may still be asked for: delivered, and within the window from delivery."""
    return delivered_at is not None and now <= delivered_at + policy.no_reason
