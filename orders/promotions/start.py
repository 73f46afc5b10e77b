"""Starting a flash sale now, from the host's page: its planned window is moved to begin at this moment."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import ApiError
from live.models import Broadcast
from orders.promotions.manage import find_promotion
from orders.promotions.models import Promotion
from orders.push import queue_totals


def can_start(promotion: Promotion, now: datetime) -> ApiError | None:
    """Return why a flash sale cannot be started now (an ApiError to raise), or None when it can.

    Startable: a flash sale with units left that has not ended and is not running. An ended one stays as it
    ran (orders placed in its window and reviewed late are still priced by it); create a new one instead.
    """
    if promotion.kind != "flash":
        return ApiError(409, "invalid_state", f"a {promotion.kind} promotion has no start; only flash sales do", "kind")
    if promotion.ends_at is not None and promotion.ends_at <= now:
        return ApiError(409, "ended", "this flash sale has ended; create a new one", "ends_at")
    if promotion.active and promotion.starts_at is not None and promotion.starts_at <= now:
        return ApiError(409, "running", "this flash sale is running already", "starts_at")
    if not promotion.remaining:
        return ApiError(409, "sold_out", "this flash sale has no units left", "remaining")
    return None


def start_flash_sale(session: Session, code: str, now: datetime) -> Promotion:
    """Return the flash sale after starting it at now: active, its window moved to [now, now + planned length).

    Its broadcast must be live (409 invalid_state on broadcast_id). Queues totals.changed, which carries the
    broadcast's running flash sales, so the host page shows the countdown at once.
    """
    promotion = find_promotion(session, code)
    refusal = can_start(promotion, now)
    if refusal is not None:
        raise refusal
    status = session.scalar(sa.select(Broadcast.status).where(Broadcast.id == promotion.broadcast_id))
    if status != "live":
        raise ApiError(409, "invalid_state", f"broadcast {promotion.broadcast_id} is not live", "broadcast_id")
    length = promotion.ends_at - promotion.starts_at
    promotion.starts_at, promotion.ends_at, promotion.active, promotion.updated_at = now, now + length, True, now
    session.flush()
    queue_totals(session, promotion.broadcast_id)
    return promotion
