"""Deciding whether a principal sees buyer data in full, and logging every time they do."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth.models import PiiAccessLog
from app.privacy import mask_order


def present_order(session: Session, principal, order: dict, channel: str) -> dict:
    """Return order as principal may see it: in full (and logged) for PII roles, masked for everyone else."""
    if getattr(principal, "sees_pii", False):
        log_unmasked_view(session, principal, f"order:{order['order_id']}", channel)
        return order
    return mask_order(order)


def log_unmasked_view(session: Session, principal, subject: str, channel: str) -> None:
    """Record that principal was shown subject's buyer data unmasked through channel."""
    session.add(PiiAccessLog(user_id=principal.id, subject=subject[:128], channel=channel))
