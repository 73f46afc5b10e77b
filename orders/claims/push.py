"""The claims.changed push: a broadcast's claim counts by status, for the host page's live count."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app import realtime
from orders.claims.totals import compact_claim_counts


def queue_claim_counts(session: Session, broadcast_id: int) -> None:
    """Queue claims.changed with the broadcast's claim counts to its rooms, after commit.

    Unnumbered (no catch-up): the counts are a state, and the next push or page load carries the latest; a numbered
    push that the host page's main socket does not handle would hold its catch-up watermark back. The counts are
    kept by the database (orders/claims/totals.py): reading them costs the same at any number of claims.
    """
    payload = {"counts": compact_claim_counts(session, broadcast_id)}
    for sees_pii in (True, False):
        realtime.queue_to_room(session, realtime.room_for(broadcast_id, sees_pii), "claims.changed", payload)
