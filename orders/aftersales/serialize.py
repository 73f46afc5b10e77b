"""JSON shapes of after-sales cases and refunds, as the API, pages and pushes show them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import object_session

from app.db import quantize_money
from orders.aftersales.figures import paid_totals
from orders.aftersales.flow import TIMER_ONLY, WAITS_FOR_PAYOUT, allowed_actions, is_ended
from orders.aftersales.models import AftersaleCase, CaseEvent, CaseLine, Refund


def offered_actions(case: AftersaleCase) -> list[str]:
    """Return the actions a person may take on case now: the flow's, less the timer's, and neither a second refund
    nor a cancel while one waits for its payout (flow.WAITS_FOR_PAYOUT: the API refuses them with 409
    refund_pending; that refund's Payout done / failed come next)."""
    waiting = any(refund.status == "pending" for refund in case.refunds)
    return [action for action in allowed_actions(case)
            if action not in TIMER_ONLY and not (waiting and action in WAITS_FOR_PAYOUT)]


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value) -> str | None:
    return None if value is None else str(quantize_money(value))


def _cents(value) -> str:
    return str(quantize_money(value or 0))


def case_ref(case: AftersaleCase) -> dict:
    """Return the brief form of a case that an order's JSON lists."""
    return {"case_id": case.case_id, "type": case.type, "reason": case.reason, "status": case.status,
            "deadline_at": _time(case.deadline_at), "deadline_kind": case.deadline_kind}


def line_to_dict(line: CaseLine) -> dict:
    """Return a case line: units asked about, received, sellable on inspection and put back on stock."""
    return {"sku": line.sku, "qty": line.qty, "unit_price": _cents(line.unit_price), "received_qty": line.received_qty,
            "sellable_qty": line.sellable_qty, "restocked_qty": line.restocked_qty}


def event_to_dict(event: CaseEvent) -> dict:
    """Return one step of a case's timeline."""
    return {"action": event.action, "from_status": event.from_status, "to_status": event.to_status,
            "actor": event.actor, "reason": event.reason, "data": event.data, "timer": event.timer_key,
            "version": event.version, "at": event.at.isoformat()}


def refund_to_dict(refund: Refund, case_id: str | None = None, order_id: str | None = None) -> dict:
    """Return a refund of the ledger: goods amount, freight, total, status and the lines it paid for."""
    return {"refund_id": refund.refund_id, "case_id": case_id, "order_id": order_id, "amount": _cents(refund.amount),
            "freight": _cents(refund.freight), "total": _cents(refund.total), "status": refund.status,
            "lines": list(refund.lines or []), "failure_reason": refund.failure_reason,
            "created_by": refund.created_by, "created_at": refund.created_at.isoformat(),
            "settled_at": _time(refund.settled_at)}


def case_to_dict(case: AftersaleCase, with_timeline: bool = False, paid: Decimal | None = None) -> dict:
    """Return a case with its order, lines, refunds, next deadline and the actions it may take now.

    order_paid is what the refund ledger counts as paid (figures.paid_totals: every paid payment, a duplicate too),
    as the case page shows it, so order_refunded never exceeds it; paid: that figure when the caller read it already
    (a list reads all its orders' at once).
    """
    order = case.order
    if paid is None:
        paid = paid_totals(object_session(case), [order])[order.id]
    data = {
        "case_id": case.case_id,
        "order_id": order.order_id,
        "broadcast_id": case.broadcast_id,
        "type": case.type,
        "reason": case.reason,
        "responsibility": case.responsibility,
        "status": case.status,
        "ended": is_ended(case.status, case.appeal_used),
        "deadline_at": _time(case.deadline_at),
        "deadline_kind": case.deadline_kind,
        "deadline_source": case.deadline_source,
        "platform": case.platform,
        "aftersale_id": case.aftersale_id,
        "requested_amount": _money(case.requested_amount),
        "freight_amount": _cents(case.freight_amount),
        "freight_payer": case.freight_payer,
        "note": case.note,
        "appeal_used": case.appeal_used,
        "rejection_reason": case.rejection_reason,
        "return_shipment": {"carrier": case.return_carrier, "tracking": case.return_tracking},
        "replacement_shipment": {"carrier": case.replacement_carrier, "tracking": case.replacement_tracking},
        "claimed_by": case.claimed_by,
        "claimed_at": _time(case.claimed_at),
        "requested_by": case.requested_by,
        "version": case.version,
        "created_at": case.created_at.isoformat(),
        "updated_at": _time(case.updated_at),
        "closed_at": _time(case.closed_at),
        "order_paid": _cents(paid),
        "order_refunded": _cents(order.refunded_amount),
        "lines": [line_to_dict(line) for line in case.lines],
        "refunds": [refund_to_dict(r, case.case_id, order.order_id) for r in case.refunds],
        "actions": offered_actions(case),
    }
    if with_timeline:
        data["timeline"] = [event_to_dict(event) for event in case.events]
    return data
