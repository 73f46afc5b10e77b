"""Reading moderation data: messages (with the orders their claims became), sanctions, offences, history."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.moderation.models import SHOWN_STATUSES, ModeratedMessage, ModerationOffence, ViewerSanction
from orders.models import Order, OrderLine

STATUS_FILTERS = ("held", "hidden", "visible", "all")
HOST_FIELDS = ("message_id", "id", "viewer_id", "nickname", "text", "ts", "is_question", "claim", "order")


def message_to_dict(message, order: dict | None = None) -> dict:
    """Return a stored message as moderators see it: text, decision, reasons and who decided since."""
    decided_at = message.decided_at
    return {
        "message_id": message.id, "id": message.event_id, "broadcast_id": message.broadcast_id,
        "viewer_id": message.viewer_id, "nickname": message.nickname, "text": message.text,
        "ts": message.at.isoformat(), "action": message.action, "status": message.status,
        "reasons": message.reasons or [], "claim": message.claim, "is_question": bool(message.is_question),
        "normalized": message.normalized, "decided_by": message.decided_by,
        "decided_at": decided_at.isoformat() if decided_at else None, "decision_reason": message.decision_reason,
        "order": order,
    }


def host_message(full: dict) -> dict:
    """Return the part of a message the host sees (text, question flag, claim and its order; no reasons)."""
    return {key: full[key] for key in HOST_FIELDS}


def linked_orders(session: Session, broadcast_id: int, event_ids: list[str]) -> dict[str, dict]:
    """Return {chat event id: {"order_id", "status", "items": [{"sku", "qty"}]}} for orders whose comment_id names
    those messages: what the claim resolved to (a link number, a size) although the message's own claim may not say."""
    if not event_ids:
        return {}
    rows = session.execute(
        sa.select(Order.comment_id, Order.order_id, Order.status, OrderLine.sku, OrderLine.qty)
        .outerjoin(OrderLine, OrderLine.order_pk == Order.id)
        .where(Order.broadcast_id == broadcast_id, Order.comment_id.in_(event_ids)).order_by(Order.id, OrderLine.id))
    linked: dict[str, dict] = {}
    for comment_id, order_id, status, sku, qty in rows:
        order = linked.setdefault(comment_id, {"order_id": order_id, "status": status, "items": []})
        if order["order_id"] != order_id:  # a later order naming the same comment: the last one wins, as before
            order = linked[comment_id] = {"order_id": order_id, "status": status, "items": []}
        if sku is not None:
            order["items"].append({"sku": sku, "qty": qty})
    return linked


def messages_with_orders(session: Session, messages: list[ModeratedMessage]) -> list[dict]:
    """Return messages as dicts, each with the order its claim became (or None)."""
    by_broadcast: dict[int, list[str]] = {}
    for m in messages:
        if m.claim:
            by_broadcast.setdefault(m.broadcast_id, []).append(m.event_id)
    links = {(b, e): o for b, ids in by_broadcast.items() for e, o in linked_orders(session, b, ids).items()}
    return [message_to_dict(m, links.get((m.broadcast_id, m.event_id))) for m in messages]


def list_messages(session: Session, broadcast_id: int, status: str = "all", viewer_id: str | None = None,
                  before: int | None = None, limit: int = 100) -> list[ModeratedMessage]:
    """Return a broadcast's messages, newest first: held, hidden, visible (shown to the host) or all."""
    query = sa.select(ModeratedMessage).where(ModeratedMessage.broadcast_id == broadcast_id)
    if status == "visible":
        query = query.where(ModeratedMessage.status.in_(SHOWN_STATUSES))
    elif status != "all":
        query = query.where(ModeratedMessage.status == status)
    if viewer_id is not None:
        query = query.where(ModeratedMessage.viewer_id == viewer_id)
    if before is not None:
        query = query.where(ModeratedMessage.id < before)
    return list(session.scalars(query.order_by(ModeratedMessage.id.desc()).limit(limit)))


def _scope(broadcast_id: int | None):
    """Return the condition 'applies in this broadcast': its own sanctions and the global ones."""
    if broadcast_id is None:
        return ViewerSanction.broadcast_id.is_(None)
    return sa.or_(ViewerSanction.broadcast_id == broadcast_id, ViewerSanction.broadcast_id.is_(None))


def active_sanction(session: Session, broadcast_id: int | None, viewer_id: str, at: datetime) -> ViewerSanction | None:
    """Return the viewer's sanction in force at `at` in the broadcast (a ban before a timeout), or None.

    A late-arriving message sent before the sanction is caught too: platforms deliver chat out of order,
    and holding back one more message of a sanctioned viewer is the safe side.
    """
    return session.scalar(sa.select(ViewerSanction).where(
        ViewerSanction.viewer_id == viewer_id, _scope(broadcast_id), ViewerSanction.lifted_at.is_(None),
        sa.or_(ViewerSanction.until.is_(None), ViewerSanction.until > at),
    ).order_by(ViewerSanction.until.is_(None).desc(), ViewerSanction.until.desc()).limit(1))


def sanctions_of(session: Session, viewer_id: str, broadcast_id: int | None = None) -> list[ViewerSanction]:
    """Return the viewer's sanctions, newest first (in one broadcast and global ones, or all)."""
    query = sa.select(ViewerSanction).where(ViewerSanction.viewer_id == viewer_id)
    if broadcast_id is not None:
        query = query.where(_scope(broadcast_id))
    return list(session.scalars(query.order_by(ViewerSanction.id.desc()).limit(100)))


def sanction_to_dict(row: ViewerSanction, now: datetime | None = None) -> dict:
    """Return a sanction as the API shows it; ``active`` is whether it is in force at now."""
    active = row.lifted_at is None and (row.until is None or now is None or row.until > now)
    return {"id": row.id, "viewer_id": row.viewer_id, "broadcast_id": row.broadcast_id, "kind": row.kind,
            "until": row.until.isoformat() if row.until else None, "reason": row.reason, "actor": row.actor,
            "at": row.at.isoformat(), "message_id": row.message_id, "active": active,
            "lifted_at": row.lifted_at.isoformat() if row.lifted_at else None, "lifted_by": row.lifted_by}


def offence_times(session: Session, broadcast_id: int, viewer_id: str, at: datetime, window_s: float) -> list[datetime]:
    """Return the times of the viewer's offences in the broadcast within window_s before `at`."""
    since = at - timedelta(seconds=window_s)
    return list(session.scalars(sa.select(ModerationOffence.at).where(
        ModerationOffence.viewer_id == viewer_id, ModerationOffence.broadcast_id == broadcast_id,
        ModerationOffence.at >= since, ModerationOffence.at <= at)))


def offence_counts(session: Session, viewer_id: str, broadcast_id: int | None, since: datetime) -> tuple[int, int]:
    """Return (offences since `since`, offences in all) of a viewer, in one broadcast or all."""
    query = sa.select(sa.func.count(), sa.func.count().filter(ModerationOffence.at >= since)).where(
        ModerationOffence.viewer_id == viewer_id)
    if broadcast_id is not None:
        query = query.where(ModerationOffence.broadcast_id == broadcast_id)
    total, recent = session.execute(query).one()
    return int(recent), int(total)
