"""A platform order completes its claim's draft: same comment_id, or else the same buyer and items.

The draft becomes that order (the platform's order id, buyer, items, coupons) and is audited like any new order,
keeping its reservation and its place (orders.review.step.review_order gives its units back and takes them again
in one transaction): no second reservation, no second order. An order that completes nothing is taken in as usual
and, when it names a comment, linked to that comment's claim. The pages had the draft under its own id: the pushes
of the completed order name that id (``"replaces"`` in the order, orders/push.py order_payload), so a list keyed by
order id swaps the row instead of keeping a ghost.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.db.reads import read_tables
from orders import history
from orders.claims.locks import lock_comments
from orders.claims.models import ChatClaim
from orders.models import Order, OrderLine
from orders.review.step import give_back, review_order
from orders.waitlist import promote_waitlisted

_CLAIMS = ChatClaim.__table__
COMPLETED = "completed by the platform's order"
# A claim is linked to the order naming its comment unless it already belongs to an order still open. No expanding
# IN here: the statement runs as an executemany.
_CLOSED = sa.select(Order.id).where(sa.or_(Order.status == "expired", Order.status == "cancelled",
                                           Order.status == "rejected"))
_RELINK = (sa.update(_CLAIMS).where(
    _CLAIMS.c.broadcast_id == sa.bindparam("b_broadcast"), _CLAIMS.c.comment_id == sa.bindparam("b_comment"),
    sa.or_(_CLAIMS.c.order_pk.is_(None), _CLAIMS.c.order_pk.in_(_CLOSED)))
    .values(order_pk=sa.bindparam("b_order"), ordered_at=sa.bindparam("b_at")))

# Run by every batch of orders, and most find no draft: a Core probe built once costs a fraction of loading drafts.
_ORDERS = Order.__table__
_DRAFT_IDS = sa.select(_ORDERS.c.id).where(
    _ORDERS.c.broadcast_id == sa.bindparam("broadcast_id"), _ORDERS.c.status == "claimed",
    sa.or_(_ORDERS.c.comment_id.in_(sa.bindparam("comments", expanding=True)),
           _ORDERS.c.buyer_id.in_(sa.bindparam("buyers", expanding=True))))
_DRAFTS = (sa.select(Order).where(Order.id.in_(sa.bindparam("ids", expanding=True)), Order.status == "claimed")
           .order_by(Order.placed_at, Order.id).options(selectinload(Order.lines)).with_for_update())


def open_drafts(session: Session, broadcast_id: int, orders: Sequence[dict]) -> list[Order]:
    """Return the broadcast's drafts that these order events may complete (by comment or by buyer), oldest first.

    Takes the comments' locks first, so a claim arriving at the same moment waits for this batch.
    """
    comments = sorted({data["comment_id"] for data in orders if data.get("comment_id")})
    buyers = sorted({data["buyer"]["id"] for data in orders if data["buyer"].get("id")})
    lock_comments(session, broadcast_id, comments)
    if not comments and not buyers:
        return []
    ids = read_tables(session, _DRAFT_IDS,
                      {"broadcast_id": broadcast_id, "comments": comments, "buyers": buyers}).scalars().all()
    if not ids:
        return []
    return list(session.scalars(_DRAFTS, {"ids": sorted(ids)}))


def match_draft(drafts: list[Order], data: dict) -> Order | None:
    """Return the draft an order event completes (pure over loaded drafts): its comment's, else the oldest of the same
    buyer with the same items; None when there is none."""
    comment = data.get("comment_id")
    for draft in drafts:
        if comment and draft.comment_id == comment:
            return draft
    buyer, items = data["buyer"].get("id"), _items((item["sku"], item["qty"]) for item in data["items"])
    for draft in drafts:
        if buyer and draft.buyer_id == buyer and _items((line.sku, line.qty) for line in draft.lines) == items:
            return draft
    return None


def _items(pairs) -> dict[str, int]:
    totals: dict[str, int] = {}
    for sku, qty in pairs:
        totals[sku] = totals.get(sku, 0) + qty
    return totals


def complete_draft(session: Session, draft: Order, event_id: str, data: dict, placed_at: datetime,
                   now: datetime) -> tuple[list[str], list[Order]]:
    """Turn the draft into the platform's order and audit it; return the SKUs whose stock moved and the orders
    in line that took units it gave up.

    The units the draft held keep their place: the order takes them again ahead of the line. Units it no longer
    needs (the order asks for fewer or others, or is refused) go to the line at once.
    """
    held = _units(draft) if draft.stock_reserved else {}
    moved = set(give_back(session, draft))
    draft_id, buyer = draft.order_id, data["buyer"]
    address = buyer["address"]
    claim_comment = draft.comment_id
    draft.order_id, draft.source, draft.placed_at = data["order_id"], data["source"], placed_at
    draft.buyer_id, draft.buyer_name, draft.buyer_phone = buyer["id"], buyer["name"], buyer["phone"]
    draft.member_tier = buyer.get("member_tier")
    draft.address_province, draft.address_city = address["province"], address["city"]
    draft.address_district, draft.address_detail = address["district"], address["detail"]
    draft.comment_id = data.get("comment_id") or claim_comment
    draft.coupon_codes = list(data["coupon_codes"] or [])
    draft.lines = [OrderLine(sku=item["sku"], qty=item["qty"], platform_unit_price=item["unit_price"], list_price=None,
                             unit_price=item["unit_price"] or 0, order_discount=0, line_total=0)
                   for item in data["items"]]
    draft.units = sum(item["qty"] for item in data["items"])
    history.note_added(session, draft, "platform", COMPLETED, {"event_id": event_id, "draft_order_id": draft_id})
    draft.replaces_order_id = draft_id  # type: ignore[attr-defined]  # not a column: read by this request's pushes
    draft.status = "received"
    session.flush()
    outcome = review_order(session, draft, now, held=moved)
    session.execute(sa.update(_CLAIMS).where(_CLAIMS.c.order_pk == draft.id).values(ordered_at=placed_at))
    kept = _units(draft) if draft.stock_reserved else {}
    freed = {sku for sku, qty in held.items() if qty > kept.get(sku, 0)}
    promoted = promote_waitlisted(session, freed, now) if freed else []
    changed = moved | set(outcome.stock_skus) | {line.sku for order in promoted for line in order.lines}
    return sorted(changed), promoted


def _units(order: Order) -> dict[str, int]:
    """Return the units per SKU of the order's lines."""
    return _items((line.sku, line.qty) for line in order.lines)


def link_claims(session: Session, broadcast_id: int, named: Sequence[tuple[str, int, datetime]]) -> None:
    """Link each (comment id, order pk, placed at) of new orders to the comment's claim, when it has one."""
    if named:
        session.execute(_RELINK, [{"b_broadcast": broadcast_id, "b_comment": comment, "b_order": pk, "b_at": at}
                                  for comment, pk, at in named])
