"""A host or auditor cancels a chat claim's draft order: its units go back through the ordinary release path, so the
next claim or order in line gets them, and the claim reads cancelled."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import actions
from orders.claims.locks import lock_comments
from orders.claims.models import ChatClaim
from orders.claims.push import queue_claim_counts
from orders.claims.queries import claim_to_dict
from orders.claims.status import claim_status
from orders.models import Order

DEFAULT_REASON = "claim cancelled by the host"


class ClaimCancelRefused(Exception):
    """Why a claim cannot be cancelled: an HTTP status, a stable code and a sentence."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def cancel_claim(session: Session, broadcast_id: int, comment_id: str, actor: str, reason: str | None,
                 now: datetime) -> dict:
    """Cancel the draft order of the broadcast's claim on comment_id (status claimed) and return the claim.

    Reuses actions.cancel_order, so the reservation is released and the line promoted exactly as for a platform's
    order_cancel; a claim whose platform order exists (ordered, paid) is the platform's to cancel, not ours.
    """
    lock_comments(session, broadcast_id, [comment_id])
    claim = session.scalar(sa.select(ChatClaim).where(ChatClaim.broadcast_id == broadcast_id,
                                                      ChatClaim.comment_id == comment_id))
    if claim is None:
        raise ClaimCancelRefused(404, "not_found", f"no claim on comment {comment_id!r} in this broadcast")
    order = session.get(Order, claim.order_pk) if claim.order_pk is not None else None
    status = claim_status(claim.reason, order.status if order else None, claim.ordered_at)
    if order is None or status != "claimed" or order.status != "claimed":
        raise ClaimCancelRefused(409, "not_a_draft", f"only a draft (claimed) can be cancelled; this claim is {status}")
    outcome = actions.cancel_order(session, broadcast_id, order.order_id, reason or DEFAULT_REASON, now, actor=actor,
                                   refund_paid=True)
    actions.queue_pushes(session, outcome)
    queue_claim_counts(session, broadcast_id)
    return claim_to_dict(claim, order.order_id, order.status, claim_status(claim.reason, order.status, claim.ordered_at))
