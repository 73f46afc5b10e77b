"""Reading claims: one page of a broadcast's claims with their status and order, oldest comment first."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.claims.status import status_column
from orders.claims.models import ChatClaim
from orders.models import Order


def claims_page(session: Session, broadcast_id: int, status: str | None, page: int,
                per_page: int, newest_first: bool = False) -> tuple[list[dict], int]:
    """Return one page of the broadcast's claims (of one status when given) by comment time (oldest first unless
    newest_first), and how many match."""
    state = status_column()
    query = (sa.select(ChatClaim, Order.order_id, Order.status, state.label("claim_status"))
             .outerjoin(Order, Order.id == ChatClaim.order_pk).where(ChatClaim.broadcast_id == broadcast_id))
    if status is not None:
        query = query.where(state == status)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    order = (ChatClaim.at.desc(), ChatClaim.id.desc()) if newest_first else (ChatClaim.at, ChatClaim.id)
    rows = session.execute(query.order_by(*order).offset((page - 1) * per_page).limit(per_page))
    return [claim_to_dict(claim, order_id, order_status, claim_status)
            for claim, order_id, order_status, claim_status in rows], int(total or 0)


def claim_to_dict(claim: ChatClaim, order_id: str | None, order_status: str | None, status: str) -> dict:
    """Return a claim as the API answers it: order_id when it has an order, reason when it could not be resolved."""
    data = {
        "comment_id": claim.comment_id, "viewer_id": claim.viewer_id, "nickname": claim.nickname, "text": claim.text,
        "at": claim.at.isoformat(), "link": claim.link, "product_sku": claim.product_sku,
        "variant_sku": claim.variant_sku, "qty": claim.qty, "status": status, "order_status": order_status,
        "ordered_at": claim.ordered_at.isoformat() if claim.ordered_at else None,
    }
    if order_id is not None:
        data["order_id"] = order_id
    if claim.reason is not None:
        data["reason"] = claim.reason
    return data
