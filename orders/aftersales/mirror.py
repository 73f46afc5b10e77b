"""Mirroring a platform's after-sales record (the events API's `aftersale` event) into a case.

The platform runs its own case: its status is the truth, so the mirror follows it (a step the flow allows is
taken as that step; a jump the flow has no single step for is recorded as ``mirror``), and its deadline
replaces our policy's. An event older than the last one applied changes nothing, nor does one that repeats
the state we hold (a redelivery under another event id); a case that has ended stays ended. A platform
refund (status refunded, amount) is written to the ledger as succeeded, within what was paid (422 otherwise:
the event is rejected naming amount). The platform tells its buyer itself, so no buyer notice is queued.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.db import quantize_money
from orders.actions import OrderRejected, require_order
from orders.aftersales.common import load_policy, payer_of_freight, responsibility_of
from orders.aftersales.flow import ACTIONS, is_ended, is_legal
from orders.aftersales.intake import new_case_id
from orders.aftersales.models import CASE_REASONS, SYSTEM_REASONS, AftersaleCase, Refund
from orders.aftersales.records import queue_case_pushes, record_step, set_platform_deadline
from orders.aftersales.refunds import add_refunded, available
from orders.aftersales.settlement import after_refund
from orders.aftersales.timers import TimerPolicy


def _find(session: Session, platform: str, aftersale_id: str) -> AftersaleCase | None:
    return session.scalar(sa.select(AftersaleCase).where(AftersaleCase.platform == platform,
                                                         AftersaleCase.aftersale_id == aftersale_id)
                          .options(selectinload(AftersaleCase.lines)).with_for_update()
                          .execution_options(populate_existing=True))


def _create(session: Session, order, platform: str, reason: str, data: dict, actor: str,
            now: datetime) -> AftersaleCase:
    """Return the new mirrored case (version 0), or the one a concurrent delivery of the same record just made."""
    responsibility = responsibility_of(reason)
    case = AftersaleCase(case_id=new_case_id(), order_pk=order.id, broadcast_id=order.broadcast_id,
                         type=data["aftersale_type"], reason=reason, responsibility=responsibility,
                         freight_payer=payer_of_freight(responsibility), status="requested", platform=platform,
                         aftersale_id=data["aftersale_id"], requested_amount=data.get("amount"),
                         note=data.get("reason_text"), requested_by=actor, created_at=now, updated_at=now, version=0)
    savepoint = session.begin_nested()
    try:
        session.add(case)
        session.flush()
    except IntegrityError:  # another request created it first (unique platform + aftersale_id)
        savepoint.rollback()
        return _find(session, platform, data["aftersale_id"])
    savepoint.commit()
    return case


def _step_between(case_type: str, from_status: str, to_status: str) -> str:
    """Return the flow's action from one status to the other, or "mirror" for a jump the flow has no step for."""
    return next((action for action in ACTIONS if is_legal(case_type, from_status, action, to_status)), "mirror")


def mirror_case(session: Session, broadcast_id: int, platform: str, data: dict, event_id: str, at: datetime,
                now: datetime, policy: TimerPolicy) -> dict:
    """Return {"aftersale": {case_id, aftersale_id, status, changed}} after creating or updating the mirrored case."""
    actor = f"platform:{platform}"[:64]
    case = _find(session, platform, data["aftersale_id"])  # the case before its order: the lock order of common.py
    order = require_order(session, data["order_id"], broadcast_id)
    reason = data["reason"] if data["reason"] in CASE_REASONS and data["reason"] not in SYSTEM_REASONS else "other"
    created = case is None
    if created:
        case = _create(session, order, platform, reason, data, actor, now)
        created = case.version == 0
    if created:
        record_step(session, case, order, "open", actor, now, policy, reason=data.get("reason_text"),
                    data={"type": case.type, "reason": reason, "event_id": event_id}, opening=True)
    else:
        if case.order_pk != order.id:
            raise OrderRejected("wrong_order", "order_id", f"after-sales {data['aftersale_id']!r} belongs to another "
                                "order", status=409)
        if case.platform_event_at is not None and at < case.platform_event_at:
            return _result(case, changed=False)  # a late delivery of an older state
    changed = created
    target = data["status"]
    stock_skus, also_changed = [], []
    if target != case.status and not is_ended(case.status, case.appeal_used):
        stock_skus, also_changed = _apply_status(session, case, order, target, data, actor, event_id, now, policy)
        changed = True
    if data.get("deadline_at") is not None and data["deadline_at"] != case.deadline_at:
        changed = set_platform_deadline(case, data["deadline_at"], policy, now) or changed
    case.platform_event_at = max(at, case.platform_event_at or at)
    if changed:
        queue_case_pushes(session, case, order, set(stock_skus), also_changed)
    return _result(case, changed)


def _apply_status(session: Session, case: AftersaleCase, order, target: str, data: dict, actor: str, event_id: str,
                  now: datetime, policy: TimerPolicy) -> tuple[list[str], list]:
    """Move the case to the platform's status, writing a platform refund to the ledger when it reports one; return
    (SKUs whose stock changed, other orders that changed: settlement.after_refund)."""
    action = _step_between(case.type, case.status, target)
    step_data = {"event_id": event_id}
    if target == "rejected":
        case.rejection_reason = data.get("reason_text")
    if action == "appeal":
        case.appeal_used = True
    refund = None
    if target == "refunded":
        refund, refund_data = _platform_refund(session, case, order, data.get("amount"), actor, now)
        step_data.update(refund_data)
    record_step(session, case, order, action, actor, now, policy, to_status=target, data=step_data)
    if refund is None:
        return [], []
    # What a refund changes outside the ledger, as a console refund does: goods refunded before they shipped
    # leave fulfilment (their units back on stock), a duplicate payment's finding retires.
    return after_refund(session, case, order, refund, actor, now)


def _platform_refund(session: Session, case: AftersaleCase, order, amount: Decimal | None, actor: str,
                     now: datetime) -> tuple[Refund | None, dict]:
    """Return (the refund the platform made, written as succeeded, or None when it made none; its step data)."""
    total = quantize_money(amount if amount is not None else case.requested_amount or 0)
    if total <= 0:
        return None, {"total": "0.00"}
    if total > available(session, order):
        raise OrderRejected("amount_exceeds_refundable", "amount",
                            f"{total} is more than the {available(session, order)} paid and not yet refunded", 422)
    refund = Refund(refund_id="RF-" + case.case_id[3:], case_pk=case.id, order_pk=order.id, amount=total,
                    freight=Decimal("0"), status="succeeded", lines=[], created_by=actor, created_at=now,
                    settled_at=now)
    session.add(refund)
    add_refunded(session, order, total)
    return refund, {"refund_id": refund.refund_id, "total": str(total)}


def _result(case: AftersaleCase, changed: bool) -> dict:
    return {"aftersale": {"case_id": case.case_id, "aftersale_id": case.aftersale_id, "status": case.status,
                          "changed": changed}}


def mirror_event(session: Session, broadcast, event, now: datetime) -> dict:
    """Return the event's result fields after mirroring an `aftersale` event of broadcast (live/ingest/'s handler)."""
    data = dict(event.data)
    if data.get("deadline_at") is not None:
        data["deadline_at"] = datetime.fromisoformat(data["deadline_at"])
    platform = data.pop("platform", None) or broadcast.platform
    return mirror_case(session, broadcast.id, platform, data, event.id, event.ts, now, load_policy())
