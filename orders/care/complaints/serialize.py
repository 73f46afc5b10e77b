"""A complaint as the API and the pages show it (pure: reads the row, no queries)."""
from __future__ import annotations

from datetime import datetime

from orders.care.complaints.codes import OPEN_STATUSES
from orders.care.complaints.models import Complaint, ComplaintEvent


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def next_due(complaint: Complaint) -> tuple[str, datetime] | None:
    """Return (target, due time) of the next SLA target the complaint must meet, or None once it is resolved."""
    if complaint.status not in OPEN_STATUSES:
        return None
    if complaint.acknowledged_at is None:
        return "first_response", complaint.first_response_due_at
    return "resolution", complaint.resolution_due_at


def complaint_to_dict(complaint: Complaint) -> dict:
    """Return the complaint as JSON-ready data (the API's Complaint schema)."""
    due = next_due(complaint)
    return {
        "complaint_id": complaint.complaint_id,
        "status": complaint.status,
        "buyer_id": complaint.buyer_id,
        "order_id": complaint.order_ref,
        "order_linked": complaint.order_pk is not None,
        "broadcast_id": complaint.broadcast_id,
        "sku": complaint.sku,
        "channel": complaint.channel,
        "category": complaint.category,
        "severity": complaint.severity,
        "text": complaint.text,
        "received_at": _iso(complaint.received_at),
        "created_at": _iso(complaint.created_at),
        "created_by": complaint.created_by,
        "assignee": complaint.assignee,
        "first_response_due_at": _iso(complaint.first_response_due_at),
        "resolution_due_at": _iso(complaint.resolution_due_at),
        "next_due": {"target": due[0], "due_at": _iso(due[1])} if due else None,
        "acknowledged_at": _iso(complaint.acknowledged_at),
        "investigating_at": _iso(complaint.investigating_at),
        "resolved_at": _iso(complaint.resolved_at),
        "closed_at": _iso(complaint.closed_at),
        "reopened_at": _iso(complaint.reopened_at),
        "reopen_count": complaint.reopen_count,
        "first_response_breached_at": _iso(complaint.first_response_breached_at),
        "resolution_breached_at": _iso(complaint.resolution_breached_at),
        "escalated": complaint.escalated,
        "escalated_at": _iso(complaint.escalated_at),
        "root_cause": complaint.root_cause,
        "cause_note": complaint.cause_note,
        "actions": [{"kind": a["kind"], "note": a.get("note"), "ref": a.get("ref"), "taken_at": a.get("taken_at")}
                    for a in complaint.actions or []],
        "resolution": complaint.resolution,
        "feedback": complaint.feedback,
        "platform_complaint_id": complaint.platform_complaint_id,
        "platform_category": complaint.platform_category,
        "chat_message_id": complaint.chat_message_id,
    }


def event_to_dict(event: ComplaintEvent) -> dict:
    """Return one timeline step as JSON-ready data."""
    return {"kind": event.kind, "actor": event.actor, "from_status": event.from_status, "to_status": event.to_status,
            "note": event.note, "data": event.data, "at": _iso(event.at)}
