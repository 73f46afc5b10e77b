"""Order events that tell the buyer: one small function per kind, each queuing at most one notice.

The dedupe key of each function says what counts as "the same event": a re-audit asking for the same
details, or a redelivered webhook, does not message the buyer twice.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from orders.audit.findings import Finding, asks_buyer, needs_info_key
from orders.models import Order
from orders.notices.models import BuyerNotice
from orders.notices.service import queue_notice


def _as_dict(item: Finding | Mapping[str, Any]) -> dict[str, Any]:
    return item.to_dict() if isinstance(item, Finding) else dict(item)


def notify_received(session: Session, order: Order) -> BuyerNotice | None:
    """Return the queued "we received your order" notice (once per order), or None if queued already."""
    return queue_notice(session, order, "received", {"total": order.total})


def notify_needs_info(session: Session, order: Order,
                      findings: Iterable[Finding | Mapping[str, Any]]) -> BuyerNotice | None:
    """Return the queued request for missing details, or None when no finding asks the buyer or it was asked already."""
    asks = [{"code": f["code"], "field": f.get("field"), "message": f["message"]}
            for f in map(_as_dict, findings) if asks_buyer(f)]
    if not asks:
        return None
    return queue_notice(session, order, "needs_info", {"findings": asks}, dedupe=needs_info_key(asks))


def notify_waitlisted(session: Session, order: Order, skus: Iterable[str]) -> BuyerNotice | None:
    """Return the queued waitlist notice for the short SKUs, or None if queued already for the same SKUs."""
    short = sorted(set(skus))
    return queue_notice(session, order, "waitlisted", {"skus": short}, dedupe=",".join(short))


def notify_promoted(session: Session, order: Order) -> BuyerNotice | None:
    """Return the queued "you left the waitlist" notice, or None if queued already."""
    return queue_notice(session, order, "promoted")


def notify_promotion_applied(session: Session, order: Order, codes: Iterable[str], saving: Decimal,
                             total: Decimal | None = None) -> BuyerNotice | None:
    """Return the queued notice of the promotions applied and the saving, or None if queued already for these codes."""
    applied = list(codes)
    context: dict[str, Any] = {"codes": applied, "saving": saving}
    if total is not None:
        context["total"] = total
    return queue_notice(session, order, "promotion_applied", context, dedupe=",".join(sorted(applied)))


def notify_payment_failed(session: Session, order: Order, payment_ref: str,
                          amount: Decimal | None = None) -> BuyerNotice | None:
    """Return the queued payment-failed notice (one per payment_ref, e.g. the platform event id), or None."""
    return queue_notice(session, order, "payment_failed", {"amount": amount}, dedupe=payment_ref)


def notify_expired(session: Session, order: Order) -> BuyerNotice | None:
    """Return the queued "your order expired" notice, or None if queued already."""
    return queue_notice(session, order, "expired")


def notify_rejected(session: Session, order: Order, reason: Mapping[str, str] | None = None) -> BuyerNotice | None:
    """Return the queued rejection notice (with a bilingual reason written for the buyer), or None if queued already."""
    return queue_notice(session, order, "rejected", {"reason": reason} if reason else {})


def notify_cancelled(session: Session, order: Order, reason: Mapping[str, str] | None = None) -> BuyerNotice | None:
    """Return the queued cancellation notice (with a bilingual reason written for the buyer), or None if queued already."""
    return queue_notice(session, order, "cancelled", {"reason": reason} if reason else {})
