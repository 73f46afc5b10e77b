"""The claims.changed push: a broadcast's claim counts by status, for the host page's live count."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from orders.claims.status import CLAIM_STATUSES, status_column
from orders.claims.models import ChatClaim
from orders.models import Order


def claim_counts(session: Session, broadcast_id: int) -> dict[str, int]:
    """Return {status: claims} of a broadcast, every status present (0 when none)."""
    status = status_column()
    rows = session.execute(sa.select(status, sa.func.count()).select_from(ChatClaim).outerjoin(
        Order, Order.id == ChatClaim.order_pk).where(ChatClaim.broadcast_id == broadcast_id).group_by(status))
    counts = dict.fromkeys(CLAIM_STATUSES, 0)
    counts.update({name: int(count) for name, count in rows})
    return counts


def queue_claim_counts(session: Session, broadcast_id: int) -> None:
    """Queue claims.changed with the broadcast's claim counts to its rooms, after commit.

    Unnumbered (no catch-up): the counts are a state, and the next push or page load carries the latest; a numbered
    push that the host page's main socket does not handle would hold its catch-up watermark back.
    """
    payload = {"counts": claim_counts(session, broadcast_id)}
    for sees_pii in (True, False):
        realtime.queue_to_room(session, realtime.room_for(broadcast_id, sees_pii), "claims.changed", payload)
