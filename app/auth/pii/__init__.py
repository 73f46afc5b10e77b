"""Deciding whether a principal sees buyer data in full, and logging every time they do.

The log itself is read by admins on a page (``pages``) and through the API (``api``); ``log`` holds its queries.
"""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy.orm import Session

from app.auth.models import PiiAccessLog
from app.privacy import mask_order


def present_order(session: Session, principal, order: dict, channel: str) -> dict:
    """Return order as principal may see it: in full (and logged) for PII roles, masked for everyone else."""
    if getattr(principal, "sees_pii", False):
        buyer_id = (order.get("buyer") or {}).get("id")
        log_unmasked_view(session, principal, f"order:{order['order_id']}", channel, buyer_id=buyer_id)
        return order
    return mask_order(order)


def log_unmasked_view(session: Session, principal, subject: str, channel: str, buyer_id: str | None = None) -> None:
    """Record that principal was shown subject's buyer data (of buyer_id, when known) unmasked through channel."""
    remote_addr = request.remote_addr if has_request_context() else None
    session.add(PiiAccessLog(user_id=principal.id, subject=subject[:128], channel=channel[:32],
                             buyer_id=buyer_id[:64] if buyer_id else None,
                             remote_addr=remote_addr[:64] if remote_addr else None))
