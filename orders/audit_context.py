"""Loading what the pure audit rules need (catalogue view, buyer history, blocklist, policy) for one order."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.audit import (
    Address, AuditPolicy, Blocklist, BuyerDraft, BuyerHistory, CatalogItem, CatalogView, ClaimView, LineDraft,
    OrderDraft, PastOrder,
)
from orders.models import AuditPolicyRecord, BlocklistEntry, Order, OrderLine, Product, ProductVariant

OPEN_STATUSES = ("received", "accepted", "held", "waitlisted", "paid")


def load_policy(session: Session, broadcast_id: int) -> AuditPolicy:
    """Return the broadcast's audit policy, or the defaults when none was saved."""
    record = session.get(AuditPolicyRecord, broadcast_id)
    return AuditPolicy() if record is None else AuditPolicy.from_dict(record.policy)


def draft_of(order: Order) -> OrderDraft:
    """Return the pure view of a stored order for the rules."""
    return OrderDraft(
        order_id=order.order_id, broadcast_id=order.broadcast_id, source=order.source,
        buyer=BuyerDraft(
            id=order.buyer_id, name=order.buyer_name, phone=order.buyer_phone, member_tier=order.member_tier,
            address=Address(order.address_province, order.address_city, order.address_district, order.address_detail),
        ),
        items=[LineDraft(sku=line.sku, qty=line.qty, unit_price=line.platform_unit_price) for line in order.lines],
        placed_at=order.placed_at, coupon_codes=tuple(order.coupon_codes or ()), comment_id=order.comment_id,
        paid_amount=order.paid_amount,
    )


def catalog_view(session: Session, broadcast_id: int, skus: list[str]) -> CatalogView:
    """Return what the catalogue and the broadcast's line-up know of the given SKUs."""
    from live.lineup import lineup_prices  # a service of the live domain

    lineup = lineup_prices(session, broadcast_id)
    items: dict[str, CatalogItem] = {}
    wanted = [s for s in skus if s]
    for variant, product in session.execute(
        sa.select(ProductVariant, Product).join(Product, Product.id == ProductVariant.product_id)
        .where(ProductVariant.sku.in_(wanted))
    ):
        items[variant.sku] = CatalogItem(
            sku=variant.sku, product_sku=product.sku, is_variant=True,
            list_price=variant.price if variant.price is not None else product.price,
            in_lineup=product.id in lineup, live_price=lineup.get(product.id),
        )
    for product in session.scalars(sa.select(Product).where(Product.sku.in_(wanted))):
        has_variants = bool(session.scalar(sa.select(sa.func.count()).select_from(ProductVariant)
                                           .where(ProductVariant.product_id == product.id)))
        items[product.sku] = CatalogItem(
            sku=product.sku, product_sku=product.sku, list_price=product.price, has_variants=has_variants,
            in_lineup=product.id in lineup, live_price=lineup.get(product.id),
        )
    return CatalogView(items)


def buyer_history(session: Session, order: Order, catalog: CatalogView, window_seconds: int,
                  coupon_uses: dict[str, int], flash_units: dict[str, int]) -> BuyerHistory:
    """Return what this buyer already ordered in the broadcast (other open orders only)."""
    if not order.buyer_id:
        return BuyerHistory(coupon_uses=coupon_uses, flash_units=flash_units)
    rows = session.execute(
        sa.select(Order.order_id, Order.placed_at, OrderLine.sku, OrderLine.qty)
        .join(OrderLine, OrderLine.order_pk == Order.id)
        .where(Order.broadcast_id == order.broadcast_id, Order.buyer_id == order.buyer_id,
               Order.id != order.id, Order.status.in_(OPEN_STATUSES))
    ).all()
    by_product: dict[str, int] = {}
    recent_at: dict[str, datetime] = {}
    recent_items: dict[str, dict[str, int]] = {}
    since = order.placed_at - timedelta(seconds=window_seconds)
    for order_id, placed_at, sku, qty in rows:
        item = catalog.get(sku)
        product_sku = item.product_sku if item else sku
        by_product[product_sku] = by_product.get(product_sku, 0) + qty
        if placed_at >= since:
            recent_at[order_id] = placed_at
            bucket = recent_items.setdefault(order_id, {})
            bucket[sku] = bucket.get(sku, 0) + qty
    return BuyerHistory(
        qty_by_product=by_product,
        recent_orders=[PastOrder(order_id=oid, items=recent_items[oid], at=at) for oid, at in recent_at.items()],
        coupon_uses=coupon_uses, flash_units=flash_units,
    )


def load_blocklist(session: Session) -> Blocklist:
    """Return every blocklisted buyer id, phone and address."""
    entries = session.execute(sa.select(BlocklistEntry.kind, BlocklistEntry.value)).all()
    return Blocklist(
        buyer_ids=frozenset(v for k, v in entries if k == "buyer_id"),
        phones=frozenset(v for k, v in entries if k == "phone"),
        addresses=frozenset(v for k, v in entries if k == "address"),
    )


def claim_view(session: Session, order: Order) -> ClaimView | None:
    """Return the chat claim the order refers to (comment_id), or None when that chat message is unknown."""
    from live.claims import find_claim  # a service of the live domain

    if not order.comment_id:
        return None
    claim = find_claim(session, order.broadcast_id, order.comment_id)
    if claim is None:
        return None
    return ClaimView(sku=claim.get("sku"), variant=claim.get("variant"), qty=claim.get("qty"))
