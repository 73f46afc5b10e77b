"""Loading what the pure audit rules need (catalogue view, buyer history, blocklist, policy) for one stored order.

A batch of new orders loads the same data once for the batch: orders/intake/context.py.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from live.moderation.models import ModeratedMessage
from orders import audit
from orders.catalog import lineup_prices
from orders.models import AuditPolicyRecord, BlocklistEntry, Order, OrderLine, Product, ProductVariant
from orders.promotions import service as promotions

OPEN_STATUSES = ("received", "accepted", "held", "waitlisted", "paid")

# Built once (Core, parameters bound at execution): these run for every batch of orders.
_V, _P = ProductVariant.__table__, Product.__table__
_VARIANTS = (sa.select(_V.c.sku, _V.c.price, _P.c.id, _P.c.sku, _P.c.price).join(_P, _P.c.id == _V.c.product_id)
             .where(_V.c.sku.in_(sa.bindparam("skus", expanding=True))))
_PRODUCTS = sa.select(
    _P.c.id, _P.c.sku, _P.c.price, sa.exists().where(_V.c.product_id == _P.c.id).label("has_variants"),
).where(_P.c.sku.in_(sa.bindparam("skus", expanding=True)))
_O, _L = Order.__table__, OrderLine.__table__
# Past lines are keyed by product: a variant line counts towards its product, which this order may reach
# through another variant (TEE-M earlier, TEE-L now). A line whose SKU is no variant names the product itself.
_LINE_PRODUCT_SKU = sa.func.coalesce(_P.c.sku, _L.c.sku)


def open_lines_query(*columns: sa.ColumnElement) -> sa.Select:
    """Return SELECT columns…, order_id, placed_at, sku, product sku, qty over the lines of open orders."""
    return (
        sa.select(*columns, _O.c.order_id, _O.c.placed_at, _L.c.sku, _LINE_PRODUCT_SKU, _L.c.qty)
        .join(_L, _L.c.order_pk == _O.c.id)
        .outerjoin(_V, _V.c.sku == _L.c.sku)
        .outerjoin(_P, _P.c.id == _V.c.product_id)
        .where(_O.c.status.in_(OPEN_STATUSES))
    )


class StoredOrderInputs:
    """The audit inputs of one stored order, read from the database (promotions and usage on every call)."""

    def __init__(self, session: Session, order: Order, now: datetime):
        self._session, self._order, self._now = session, order, now
        self.policy = load_policy(session, order.broadcast_id)
        self.catalog = catalog_view(session, order.broadcast_id, [line.sku for line in order.lines])
        self.claim = claim_view(session, order)
        self.blocklist = load_blocklist(session)

    def offers(self, fresh: bool) -> list:
        """Return the promotions that may price the order, counters as read now."""
        return promotions.active_promotions(self._session, self._order.broadcast_id, self._now)

    def past(self, fresh: bool) -> audit.BuyerHistory:
        """Return the buyer's other open orders in the broadcast and promotion usage, as read now."""
        coupon_uses, flash_units = promotions.buyer_usage(self._session, self._order.broadcast_id, self._order.buyer_id)
        return buyer_history(self._session, self._order, self.policy.duplicate_window_seconds,
                             coupon_uses, flash_units)


def load_policy(session: Session, broadcast_id: int) -> audit.AuditPolicy:
    """Return the broadcast's audit policy, or the defaults when none was saved."""
    record = session.get(AuditPolicyRecord, broadcast_id)
    return audit.AuditPolicy() if record is None else audit.AuditPolicy.from_dict(record.policy)


def draft_of(order: Order) -> audit.OrderDraft:
    """Return the pure view of a stored order for the rules."""
    return audit.OrderDraft(
        order_id=order.order_id, broadcast_id=order.broadcast_id, source=order.source,
        buyer=audit.BuyerDraft(
            id=order.buyer_id, name=order.buyer_name, phone=order.buyer_phone, member_tier=order.member_tier,
            address=audit.Address(order.address_province, order.address_city, order.address_district,
                                  order.address_detail),
        ),
        items=[audit.LineDraft(sku=line.sku, qty=line.qty, unit_price=line.platform_unit_price)
               for line in order.lines],
        placed_at=order.placed_at, coupon_codes=tuple(order.coupon_codes or ()), comment_id=order.comment_id,
        paid_amount=order.paid_amount,
    )


def catalog_view(session: Session, broadcast_id: int, skus: list[str]) -> audit.CatalogView:
    """Return what the catalogue and the broadcast's line-up know of the given SKUs."""
    return audit.CatalogView(catalog_items(session, broadcast_id, skus))


def catalog_items(session: Session, broadcast_id: int, skus: Iterable[str | None]) -> dict[str, audit.CatalogItem]:
    """Return the catalogue items of the given SKUs (variants and products) as the broadcast sells them, by SKU."""
    wanted = sorted({s for s in skus if s})
    if not wanted:
        return {}
    lineup = lineup_prices(session, broadcast_id)
    items: dict[str, audit.CatalogItem] = {}
    for sku, price, product_id, product_sku, product_price in session.execute(_VARIANTS, {"skus": wanted}):
        items[sku] = audit.CatalogItem(
            sku=sku, product_sku=product_sku, is_variant=True, list_price=price if price is not None else product_price,
            in_lineup=product_id in lineup, live_price=lineup.get(product_id),
        )
    for product_id, sku, price, has_variants in session.execute(_PRODUCTS, {"skus": wanted}):
        items[sku] = audit.CatalogItem(
            sku=sku, product_sku=sku, list_price=price, has_variants=bool(has_variants),
            in_lineup=product_id in lineup, live_price=lineup.get(product_id),
        )
    return items


def buyer_history(session: Session, order: Order, window_seconds: int,
                  coupon_uses: dict[str, int], flash_units: dict[str, int]) -> audit.BuyerHistory:
    """Return what this buyer already ordered in the broadcast (other open orders only)."""
    if not order.buyer_id:
        return audit.BuyerHistory(coupon_uses=coupon_uses, flash_units=flash_units)
    rows = session.execute(
        open_lines_query().where(_O.c.broadcast_id == order.broadcast_id, _O.c.buyer_id == order.buyer_id,
                                 _O.c.id != order.id)
    ).all()
    return history_of(rows, order.placed_at, window_seconds, coupon_uses, flash_units)


def history_of(rows: Iterable[tuple[str, datetime, str, str, int]], placed_at: datetime, window_seconds: int,
               coupon_uses: dict[str, int], flash_units: dict[str, int]) -> audit.BuyerHistory:
    """Return the buyer history of (order_id, placed_at, sku, product sku, qty) lines of the buyer's other open orders."""
    by_product: dict[str, int] = {}
    recent_at: dict[str, datetime] = {}
    recent_items: dict[str, dict[str, int]] = {}
    since = placed_at - timedelta(seconds=window_seconds)
    for order_id, line_placed_at, sku, product_sku, qty in rows:
        by_product[product_sku] = by_product.get(product_sku, 0) + qty
        if line_placed_at >= since:
            recent_at[order_id] = line_placed_at
            bucket = recent_items.setdefault(order_id, {})
            bucket[sku] = bucket.get(sku, 0) + qty
    return audit.BuyerHistory(
        qty_by_product=by_product,
        recent_orders=[audit.PastOrder(order_id=oid, items=recent_items[oid], at=at) for oid, at in recent_at.items()],
        coupon_uses=coupon_uses, flash_units=flash_units,
    )


def load_blocklist(session: Session) -> audit.Blocklist:
    """Return every blocklisted buyer id, phone and address."""
    entries = session.execute(sa.select(BlocklistEntry.kind, BlocklistEntry.value)).all()
    return audit.Blocklist(
        buyer_ids=frozenset(v for k, v in entries if k == "buyer_id"),
        phones=frozenset(v for k, v in entries if k == "phone"),
        addresses=frozenset(v for k, v in entries if k == "address"),
    )


def claim_view(session: Session, order: Order) -> audit.ClaimView | None:
    """Return the chat claim the order refers to (comment_id), or None when that chat message is unknown."""
    return claim_for(session, order.broadcast_id, order.comment_id)


def claim_for(session: Session, broadcast_id: int, comment_id: str | None) -> audit.ClaimView | None:
    """Return the chat claim of comment_id in a broadcast, or None when there is no comment id or no such message.

    Chat moderation parses every chat message on arrival and stores its claim (JSON, null when the text is
    no claim) in the savepoint that logs the chat event, so the stored claim is the parse of that event's text.
    """
    if not comment_id:
        return None
    row = session.execute(sa.select(ModeratedMessage.claim).where(
        ModeratedMessage.broadcast_id == broadcast_id, ModeratedMessage.event_id == comment_id).limit(1)).first()
    if row is None:
        return None
    claim = row[0] or {}
    return audit.ClaimView(sku=claim.get("sku"), variant=claim.get("variant"), qty=claim.get("qty"))
