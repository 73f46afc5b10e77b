"""Reading what claims are resolved against, once per transaction (one ingest batch): line-up and claim policy.

A pin or unpin in the batch makes the next claim read the line-up again (forget), since "+1" is for the pinned
product.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from app.db.reads import read_tables
from live.models import BroadcastProduct
from orders.audit import CatalogItem
from orders.audit.completeness import variant_attributes
from orders.claims.policy import ClaimPolicy, load_claim_policy
from orders.claims.resolve import LineupProduct, Lineup, VariantChoice, attribute_key
from orders.models import Product, ProductVariant

_CACHE = "livedesk_claims_batch"
_LINKS, _PRODUCTS = BroadcastProduct.__table__, Product.__table__
# Read by every chat batch with claims: built once, on the tables (a Core read costs about half an ORM one).
_ENTRIES = (sa.select(_LINKS.c.link_no, _LINKS.c.live_price, _LINKS.c.pinned_at, _PRODUCTS.c.id, _PRODUCTS.c.sku,
                      _PRODUCTS.c.price)
            .join(_PRODUCTS, _PRODUCTS.c.id == _LINKS.c.product_id)
            .where(_LINKS.c.broadcast_id == sa.bindparam("broadcast_id")).order_by(_LINKS.c.position))


@dataclass
class _Batch:
    """What one transaction read once per broadcast."""

    transaction: object
    lineups: dict[int, Lineup] = field(default_factory=dict)
    policies: dict[int, ClaimPolicy] = field(default_factory=dict)


def _batch(session: Session) -> _Batch:
    """Return the current transaction's cache, starting a new one with each transaction."""
    root = realtime.current_session(session).get_transaction()
    cached = session.info.get(_CACHE)
    if cached is None or cached.transaction is not root:
        cached = session.info[_CACHE] = _Batch(root)
    return cached


def batch_lineup(session: Session, broadcast_id: int) -> Lineup:
    """Return the broadcast's line-up as claims see it, read once per transaction."""
    batch = _batch(session)
    if broadcast_id not in batch.lineups:
        batch.lineups[broadcast_id] = load_lineup(session, broadcast_id)
    return batch.lineups[broadcast_id]


def batch_policy(session: Session, broadcast_id: int) -> ClaimPolicy:
    """Return the broadcast's claim policy, read once per transaction."""
    batch = _batch(session)
    if broadcast_id not in batch.policies:
        batch.policies[broadcast_id] = load_claim_policy(session, broadcast_id)
    return batch.policies[broadcast_id]


def forget_lineup(session: Session, broadcast_id: int) -> None:
    """Make the next claim of the transaction read the line-up again (a pin or unpin changed it)."""
    _batch(session).lineups.pop(broadcast_id, None)


def load_lineup(session: Session, broadcast_id: int) -> Lineup:
    """Return the broadcast's line-up with link numbers, prices, variants and the pinned product."""
    entries = read_tables(session, _ENTRIES, {"broadcast_id": broadcast_id}).all()
    variants: dict[int, list[VariantChoice]] = {}
    product_skus = {row.id: row.sku for row in entries}
    if entries:
        for variant in session.scalars(sa.select(ProductVariant).where(ProductVariant.product_id.in_(product_skus))
                                       .order_by(ProductVariant.id)):
            item = CatalogItem(sku=variant.sku, product_sku=product_skus[variant.product_id],
                               list_price=variant.price or 0, is_variant=True, variant_name=variant.name)
            words = set(variant_attributes(item)) | {attribute_key(w) for w in (variant.size, variant.colour) if w}
            variants.setdefault(variant.product_id, []).append(VariantChoice(variant.sku, frozenset(words),
                                                                             variant.price))
    pinned = [row for row in entries if row.pinned_at is not None]
    return Lineup(
        products=tuple(LineupProduct(row.link_no, row.sku, row.price, row.live_price, tuple(variants.get(row.id, ())))
                       for row in entries),
        pinned_sku=pinned[0].sku if pinned else None)
