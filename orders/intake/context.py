"""What the audit of a batch of new orders reads: loaded once for the batch, then kept current in memory.

The review of one stored order (orders/review/context.py) reads the policy, catalogue, blocklist, promotions,
buyer usage and buyer history for that order: about ten SELECTs. A batch reads each once, for all its SKUs
and buyers. Each decided order is then applied to this copy (it joins its buyer's history; the counters it
took are subtracted), so the next order of the batch is judged as if everything had been read again. Only
what concurrent transactions commit meanwhile is not seen (PostgreSQL; on SQLite the transaction holds the
write lock throughout): a counter they took makes consume() fail, and the order is priced again with the
counters read afresh, as the review of a stored order does.

The SKUs with orders waiting in line are read once too (one SELECT for the batch's SKUs): the batch's orders
asking for one of them queue behind those orders, and an order of the batch that goes in line adds its SKUs,
so the later orders of the batch queue behind it as well (strict FIFO, orders/waitlist.py).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.audit import (BuyerHistory, CatalogItem, CatalogView, ClaimView, CounterUse, Coupon, FlashSale,
    OrderDraft, PastOrder, Promotion)
from orders import inventory
from orders.models import Order
from orders.promotions import service as promotions
from orders.promotions.models import Promotion as PromotionRow
from orders.promotions.models import PromotionUse
from orders.review.context import (OPEN_STATUSES, catalog_items, claim_for, load_blocklist, load_policy,
    recent_orders, units_by_product)

_O = Order.__table__
_PR, _U = PromotionRow.__table__, PromotionUse.__table__
# Built once (Core, parameters bound at execution): the batch's read of the buyers' promotion usage.
# As promotions.buyer_usage, for many buyers: unreleased uses of the broadcast's and global promotions.
_USAGES = (
    sa.select(_U.c.buyer_id, _PR.c.code, _PR.c.kind, sa.func.sum(_U.c.units))
    .join(_PR, _PR.c.id == _U.c.promotion_id)
    .where(_U.c.buyer_id.in_(sa.bindparam("buyers", expanding=True)), _U.c.released_at.is_(None),
           sa.or_(_PR.c.broadcast_id.is_(None), _PR.c.broadcast_id == sa.bindparam("broadcast_id")))
    .group_by(_U.c.buyer_id, _PR.c.code, _PR.c.kind)
)
Usage = tuple[dict[str, int], dict[str, int]]


class BatchContext:
    """The audit inputs of a batch of new orders of one broadcast, read once and updated as orders are decided."""

    def __init__(self, session: Session, broadcast_id: int, now: datetime, drafts: Sequence[OrderDraft],
                 exclude_pks: set[int]):
        self._session, self._broadcast_id, self._now = session, broadcast_id, now
        self.policy = load_policy(session, broadcast_id)
        self.blocklist = load_blocklist(session, drafts)
        self._offers = promotions.active_promotions(session, broadcast_id, now)
        self._items = catalog_items(session, broadcast_id, (line.sku for d in drafts for line in d.items))
        self._buyers = sorted({d.buyer.id for d in drafts if d.buyer.id})
        # What the per-buyer limits and the duplicate check read, with bounded queries: units of the batch's
        # products only, and the latest orders placed within the duplicate window of the batch's orders.
        self._units = units_by_product(session, broadcast_id, self._buyers,
                                       {item.product_sku for item in self._items.values()}, exclude_pks)
        self._recent = _recent(session, broadcast_id, self._buyers, drafts, self.policy.duplicate_window_seconds,
                               exclude_pks)
        self._usage: dict[str, Usage] | None = None  # read when first needed (only flash sales and coupons count)
        self._claims: dict[str, ClaimView | None] = {}
        self._in_line = inventory.skus_in_line(session, (line.sku for d in drafts for line in d.items), now)

    def inputs(self, draft: OrderDraft) -> OrderInputs:
        """Return the audit inputs of one order of the batch."""
        skus = {line.sku for line in draft.items if line.sku}
        catalog = CatalogView({sku: self._items[sku] for sku in skus if sku in self._items})
        return OrderInputs(self, draft, catalog, self._claim(draft.comment_id))

    def item(self, sku: str) -> CatalogItem | None:
        """Return what the catalogue and the line-up know of sku, or None when it is unknown."""
        return self._items.get(sku)

    def offers(self, fresh: bool) -> list[Promotion]:
        """Return the promotions of the broadcast with their counters as this transaction left them."""
        if fresh:
            self._offers = promotions.active_promotions(self._session, self._broadcast_id, self._now)
        return self._offers

    def usage(self, buyer_id: str | None, fresh: bool) -> Usage:
        """Return (coupon uses, flash units) by promotion code that the buyer holds now."""
        if not buyer_id:
            return {}, {}
        if self._usage is None:
            counted = any(isinstance(offer, (FlashSale, Coupon)) for offer in self._offers)
            self._usage = buyer_usages(self._session, self._broadcast_id, self._buyers) if counted else {}
        if fresh:
            self._usage[buyer_id] = promotions.buyer_usage(self._session, self._broadcast_id, buyer_id)
        return self._usage.setdefault(buyer_id, ({}, {}))

    def units(self, buyer_id: str) -> dict[str, int]:
        """Return the units per product of the buyer's open orders in the broadcast (earlier orders of the batch
        included), for the products of the batch."""
        return self._units.setdefault(buyer_id, {})

    def recent(self, buyer_id: str) -> list[PastOrder]:
        """Return the buyer's latest open orders placed around the batch's orders (earlier ones of the batch included)."""
        return self._recent.setdefault(buyer_id, [])

    def in_line(self) -> frozenset[str]:
        """Return the SKUs whose line holds orders the next order of the batch must queue behind."""
        return frozenset(self._in_line)

    def record(self, draft: OrderDraft, status: str, consumed: Sequence[CounterUse],
               line_skus: Collection[str] = ()) -> None:
        """Apply a decided order: an open one joins its buyer's history; the counters it took are used up; one
        that went in line stands in the line of each SKU it is short of (line_skus)."""
        self._in_line.update(line_skus)
        buyer = draft.buyer.id
        if buyer and status in OPEN_STATUSES:
            units, items = self.units(buyer), {}
            for line in draft.items:
                product = self._product_sku(line.sku)
                units[product] = units.get(product, 0) + line.qty
                items[line.sku] = items.get(line.sku, 0) + line.qty
            self.recent(buyer).append(PastOrder(draft.order_id, items, draft.placed_at, draft.paid_amount is not None))
        for use in consumed:
            code = promotions.normalize_code(use.code)
            self._offers = [_used(offer, use.amount) if offer.code == code else offer for offer in self._offers]
            coupon_uses, flash_units = self.usage(buyer, fresh=False)
            held = coupon_uses if use.counter == "coupon_uses" else flash_units
            held[code] = held.get(code, 0) + use.amount

    def _product_sku(self, sku: str) -> str:
        item = self._items.get(sku)
        return item.product_sku if item else sku

    def _claim(self, comment_id: str | None) -> ClaimView | None:
        if not comment_id:
            return None
        if comment_id not in self._claims:
            self._claims[comment_id] = claim_for(self._session, self._broadcast_id, comment_id)
        return self._claims[comment_id]


class OrderInputs:
    """The audit inputs of one order of a batch (an AuditInputs for orders.review.verdict)."""

    def __init__(self, context: BatchContext, draft: OrderDraft, catalog: CatalogView, claim: ClaimView | None):
        self._context, self._draft = context, draft
        self.policy, self.blocklist = context.policy, context.blocklist
        self.catalog, self.claim = catalog, claim

    def offers(self, fresh: bool) -> Sequence[Promotion]:
        """Return the promotions that may price the order; fresh: read their counters again."""
        return self._context.offers(fresh)

    def past(self, fresh: bool) -> BuyerHistory:
        """Return the buyer's other open orders and promotion usage; fresh: read the usage again."""
        draft = self._draft
        coupon_uses, flash_units = self._context.usage(draft.buyer.id, fresh)
        # Copies: the rules get a snapshot, record() goes on counting in the context's own dicts.
        coupon_uses, flash_units = dict(coupon_uses), dict(flash_units)
        if not draft.buyer.id:
            return BuyerHistory(coupon_uses=coupon_uses, flash_units=flash_units)
        window = timedelta(seconds=self.policy.duplicate_window_seconds)
        recent = [past for past in self._context.recent(draft.buyer.id) if abs(past.at - draft.placed_at) <= window]
        return BuyerHistory(qty_by_product=dict(self._context.units(draft.buyer.id)), recent_orders=recent,
                            coupon_uses=coupon_uses, flash_units=flash_units)


def _used(offer: Promotion, amount: int) -> Promotion:
    """Return the promotion with amount taken from its counter, as consume()'s UPDATE left the row."""
    if isinstance(offer, FlashSale):
        return replace(offer, remaining=offer.remaining - amount)
    if isinstance(offer, Coupon) and offer.uses_left is not None:
        return replace(offer, uses_left=offer.uses_left - amount)
    return offer


def _recent(session: Session, broadcast_id: int, buyers: list[str], drafts: Sequence[OrderDraft], window_seconds: int,
            exclude_pks: set[int]) -> dict[str, list[PastOrder]]:
    """Return the buyers' latest open orders placed within the duplicate window of any order of the batch."""
    if not window_seconds or not drafts:
        return {}
    window = timedelta(seconds=window_seconds)
    placed = [draft.placed_at for draft in drafts]
    return recent_orders(session, broadcast_id, buyers, min(placed) - window, max(placed) + window, exclude_pks)


def buyer_usages(session: Session, broadcast_id: int, buyers: Iterable[str]) -> dict[str, Usage]:
    """Return promotions.buyer_usage for many buyers at once: {buyer: (coupon uses, flash units) by code}."""
    buyers = list(buyers)
    if not buyers:
        return {}
    usage: dict[str, Usage] = {buyer: ({}, {}) for buyer in buyers}
    for buyer, code, kind, units in session.execute(_USAGES, {"broadcast_id": broadcast_id, "buyers": buyers}):
        coupon_uses, flash_units = usage[buyer]
        if kind == "coupon":
            coupon_uses[code] = int(units)
        elif kind == "flash":
            flash_units[code] = int(units)
    return usage
