"""A chat claim becomes a draft order: stored once per comment, resolved, reserved in comment-time order, told.

The pieces a claim is taken with (orders/claims/run.py takes a run of chat claims at once). The draft is
an Order (status "claimed", source "in_stream", buyer = the viewer, comment_id = the comment) holding its units for
the broadcast's hold time (orders/claims/line.py); the sweeper expires it unpaid (orders/expiry.py) and its units
go to the next in line. A platform order naming the comment completes it (orders/claims/completion.py). When the
platform's order came first, the claim is linked to it and no draft is made.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import quantize_money
from orders.audit import (
    AuditPolicy,
    BuyerDraft,
    BuyerHistory,
    CatalogView,
    LineDraft,
    OrderDraft,
    check_completeness,
)
from orders.claims.models import ChatClaim
from orders.claims.resolve import Resolution
from orders.claims.status import claim_status
from orders.models import Order, OrderFinding, OrderLine
from orders.push import PushedOrder
from orders.review import values
from orders.review.step import review_order
from orders.serialize import order_to_dict

DRAFT_PREFIX = "claim-"
MODERATION_REASONS = {"hold": "held_by_moderation", "hide": "hidden_by_moderation"}
_CLAIMS = ChatClaim.__table__


@dataclass(frozen=True)
class Comment:
    """A chat message that claims something: where, who, what was typed and when."""

    broadcast_id: int
    comment_id: str
    viewer_id: str
    nickname: str | None
    text: str
    at: datetime


@dataclass
class ClaimOutcome:
    """What a claim did: its row, the order it became or joined (None: none), other orders changed, SKUs moved."""

    claim: dict
    order: Order | PushedOrder | None = None
    created: bool = False
    also_changed: list[Order] = field(default_factory=list)
    stock_skus: list[str] = field(default_factory=list)


def draft_order_id(broadcast_id: int, comment_id: str) -> str:
    """Return the order id of a comment's draft (bounded, no "/"): the same comment always gives the same id."""
    return DRAFT_PREFIX + hashlib.sha256(f"{broadcast_id}:{comment_id}".encode()).hexdigest()[:24]


def pushed_draft(order: Order, comment: Comment, findings: list[dict]) -> PushedOrder:
    """Return the new draft as pushed, its payload built from the values just written (nothing read back)."""
    values_of = {column.key: getattr(order, column.key) for column in Order.__table__.columns}
    view = SimpleNamespace(**values_of, lines=order.lines,
                           chat_claim=SimpleNamespace(comment_id=comment.comment_id, text=comment.text))
    payload = order_to_dict(view, findings=[SimpleNamespace(**row) for row in findings])
    return PushedOrder(order.id, order.broadcast_id, order.status, frozenset(line.sku for line in order.lines), payload)


def claim_result(outcome: ClaimOutcome) -> dict:
    """Return a claim as the chat event's result carries it: status, and the order id or the reason when there is one."""
    claim = outcome.claim
    return {key: claim[key] for key in ("status", "order_id", "reason") if claim.get(key) is not None}


def join_order(session: Session, claim: dict, order: Order, now: datetime) -> ClaimOutcome:
    """Link the claim to the order that named its comment first; an order held because the comment was not seen
    yet is audited again (it keeps its reservation and place)."""
    session.execute(sa.update(_CLAIMS).where(_CLAIMS.c.id == claim["id"]).values(
        order_pk=order.id, ordered_at=order.placed_at))
    claim["order_id"] = order.order_id
    claim["status"] = claim_status(claim["reason"], order.status, order.placed_at)
    waiting_for_comment = session.scalar(sa.select(sa.func.count()).where(
        OrderFinding.order_pk == order.id, OrderFinding.active.is_(True), OrderFinding.code == "claim_not_found"))
    if order.status != "held" or not waiting_for_comment:
        return ClaimOutcome(claim)
    outcome = review_order(session, order, now, reason="its chat comment arrived")
    return ClaimOutcome(claim, order, False, [], outcome.stock_skus)


def new_draft(session: Session, comment: Comment, resolution: Resolution, lineup, now: datetime) -> Order:
    """Return the new draft order of a resolved claim (stored, not yet placed in line)."""
    price = quantize_money(lineup.unit_price(resolution.product_sku, resolution.variant_sku))
    total = quantize_money(price * resolution.qty)
    order = Order(order_id=draft_order_id(comment.broadcast_id, comment.comment_id), broadcast_id=comment.broadcast_id,
                  source="in_stream", status="received", buyer_id=comment.viewer_id, comment_id=comment.comment_id,
                  coupon_codes=[], units=resolution.qty, subtotal=total, discount=Decimal(0), total=total,
                  placed_at=comment.at, received_at=now, updated_at=now)
    order.lines = [OrderLine(sku=resolution.sku, qty=resolution.qty, platform_unit_price=None, list_price=price,
                             unit_price=price, order_discount=Decimal(0), line_total=total)]
    session.add(order)
    session.flush()
    return order


def buyer_finding_rows(order: Order, now: datetime) -> list[dict]:
    """Return the order_findings rows of what the completeness audit asks of the viewer as buyer (name, phone,
    address) on a new draft; the caller inserts them."""
    draft = OrderDraft(order_id=order.order_id, broadcast_id=order.broadcast_id, source=order.source,
                       buyer=BuyerDraft(id=order.buyer_id), items=[LineDraft(line.sku, line.qty) for line in order.lines],
                       placed_at=order.placed_at, comment_id=None)
    asks = [f for f in check_completeness(draft, CatalogView(), None, BuyerHistory(), AuditPolicy())
            if (f.field or "").startswith("buyer")]
    rows = [{"order_pk": order.id, **values.finding_values(f), "active": True, "created_at": now, "overridden_by": None,
             "override_reason": None, "overridden_at": None} for f in asks]
    return rows
