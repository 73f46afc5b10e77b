"""Loading what the pure audit rules need (catalogue view, buyer history, blocklist, policy) for one stored order.

A batch of new orders loads the same data once for the batch: orders/intake/context.py.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.reads import read_tables
from live.moderation.models import ModeratedMessage
from orders import audit
from orders.audit import risk
from orders.catalog import lineup_prices
from orders.claims.models import ChatClaim
from orders.models import AuditPolicyRecord, BlocklistEntry, Order, OrderLine, Product, ProductVariant
from orders.promotions import service as promotions

OPEN_STATUSES = ("received", "accepted", "held", "waitlisted", "paid")

# Built once (Core, parameters bound at execution): these run for every batch of orders.
_V, _P = ProductVariant.__table__, Product.__table__
_VARIANTS = (sa.select(_V.c.sku, _V.c.price, _P.c.id, _P.c.sku, _P.c.price, _V.c.name)
             .join(_P, _P.c.id == _V.c.product_id)
             .where(_V.c.sku.in_(sa.bindparam("skus", expanding=True))))
_PRODUCTS = sa.select(
    _P.c.id, _P.c.sku, _P.c.price, sa.exists().where(_V.c.product_id == _P.c.id).label("has_variants"),
).where(_P.c.sku.in_(sa.bindparam("skus", expanding=True)))
_O, _L = Order.__table__, OrderLine.__table__
# Past lines are keyed by product: a variant line counts towards its product, which this order may reach
# through another variant (TEE-M earlier, TEE-L now). A line whose SKU is no variant names the product itself.
_LINE_PRODUCT_SKU = sa.func.coalesce(_P.c.sku, _L.c.sku)


# A duplicate is a repeat of one of the buyer's latest orders; a buyer with more open orders than this inside the
# duplicate window is flooding, and reading them all for every new order is what made such floods slow.
RECENT_ORDERS_PER_BUYER = 50


def _history_orders() -> tuple[sa.ColumnElement[bool], ...]:
    """Return the conditions of the buyers' open orders in a broadcast, some orders left out (bound parameters)."""
    return (_O.c.broadcast_id == sa.bindparam("broadcast_id"),
            _O.c.buyer_id.in_(sa.bindparam("buyers", expanding=True)), _O.c.status.in_(OPEN_STATUSES),
            _O.c.id.not_in(sa.bindparam("exclude", expanding=True)))


# Built once (Core, parameters bound at execution). Units per buyer and product of the buyers' open orders, for
# the products asked for only: one row per buyer and product, however many orders the buyer has.
# Read by every batch of orders: built once, on the tables (a Core read costs about half an ORM one).
_POLICIES, _BLOCKED = AuditPolicyRecord.__table__, BlocklistEntry.__table__
_POLICY = sa.select(_POLICIES.c.policy).where(_POLICIES.c.broadcast_id == sa.bindparam("broadcast_id"))
_BLOCKLIST = sa.select(_BLOCKED.c.kind, _BLOCKED.c.value).where(
    sa.or_(_BLOCKED.c.match_key.in_(sa.bindparam("keys", expanding=True)), _BLOCKED.c.match_key.is_(None)))
_UNITS = (
    sa.select(_O.c.buyer_id, _LINE_PRODUCT_SKU, sa.func.sum(_L.c.qty))
    .select_from(_O.join(_L, _L.c.order_pk == _O.c.id).outerjoin(_V, _V.c.sku == _L.c.sku)
                 .outerjoin(_P, _P.c.id == _V.c.product_id))
    .where(*_history_orders(), _LINE_PRODUCT_SKU.in_(sa.bindparam("products", expanding=True)))
    .group_by(_O.c.buyer_id, _LINE_PRODUCT_SKU)
)
_RANKED = sa.select(
    _O.c.id, _O.c.buyer_id, _O.c.order_id, _O.c.placed_at, _O.c.paid_amount.is_not(None).label("paid"),
    sa.func.row_number().over(partition_by=_O.c.buyer_id, order_by=(_O.c.placed_at.desc(), _O.c.id.desc()))
    .label("rank"),
).where(*_history_orders(), _O.c.placed_at >= sa.bindparam("since"), _O.c.placed_at <= sa.bindparam("until")).subquery()
# The latest RECENT_ORDERS_PER_BUYER open orders of each buyer placed between since and until, with their lines, in
# one statement (rows of an order together, latest order first): a buyer's orders and lines read in two statements
# bound every order key of the first into the second, which cost more than the reads at 50 orders per buyer.
_RECENT = (sa.select(_RANKED.c.id, _RANKED.c.buyer_id, _RANKED.c.order_id, _RANKED.c.placed_at, _RANKED.c.paid,
                     _L.c.sku, _L.c.qty)
           .select_from(_RANKED.outerjoin(_L, _L.c.order_pk == _RANKED.c.id))
           .where(_RANKED.c.rank <= RECENT_ORDERS_PER_BUYER)
           .order_by(_RANKED.c.buyer_id, _RANKED.c.rank))


def units_by_product(session: Session, broadcast_id: int, buyers: list[str], products: Iterable[str],
                     exclude_pks: Iterable[int] = ()) -> dict[str, dict[str, int]]:
    """Return {buyer: {product sku: units}} of the buyers' open orders in the broadcast, for the given products only.

    A variant line counts towards its product, which an order may reach through another variant (TEE-M earlier,
    TEE-L now); a line whose SKU is no variant names the product itself.
    """
    products = sorted(set(products))
    units: dict[str, dict[str, int]] = {buyer: {} for buyer in buyers}
    if not buyers or not products:
        return units
    params = {"broadcast_id": broadcast_id, "buyers": buyers, "exclude": sorted(exclude_pks), "products": products}
    for buyer, product, qty in session.execute(_UNITS, params):
        units[buyer][product] = int(qty)
    return units


def recent_orders(session: Session, broadcast_id: int, buyers: list[str], since: datetime, until: datetime,
                  exclude_pks: Iterable[int] = ()) -> dict[str, list[audit.PastOrder]]:
    """Return {buyer: past orders} of the buyers' open orders placed between since and until, the latest
    RECENT_ORDERS_PER_BUYER of each buyer, for duplicate detection."""
    found: dict[str, list[audit.PastOrder]] = {buyer: [] for buyer in buyers}
    if not buyers:
        return found
    params = {"broadcast_id": broadcast_id, "buyers": buyers, "exclude": sorted(exclude_pks),
              "since": since, "until": until}
    past: dict[int, tuple[str, str, datetime, bool, dict[str, int]]] = {}
    for pk, buyer, order_id, placed_at, paid, sku, qty in session.execute(_RECENT, params):
        entry = past.get(pk)
        if entry is None:
            entry = past[pk] = (buyer, order_id, placed_at, bool(paid), {})
        if sku is not None:
            entry[4][sku] = entry[4].get(sku, 0) + qty
    for buyer, order_id, placed_at, paid, items in past.values():
        found[buyer].append(audit.PastOrder(order_id=order_id, items=items, at=placed_at, paid=paid))
    return found


class StoredOrderInputs:
    """The audit inputs of one stored order, read from the database (promotions and usage on every call)."""

    def __init__(self, session: Session, order: Order, now: datetime):
        self._session, self._order, self._now = session, order, now
        self.policy = load_policy(session, order.broadcast_id)
        self.catalog = catalog_view(session, order.broadcast_id, [line.sku for line in order.lines])
        self.claim = claim_view(session, order)
        self.blocklist = load_blocklist(session, [draft_of(order)])

    def offers(self, fresh: bool) -> list:
        """Return the promotions that may price the order, counters as read now."""
        return promotions.active_promotions(self._session, self._order.broadcast_id, self._now)

    def past(self, fresh: bool) -> audit.BuyerHistory:
        """Return the buyer's other open orders in the broadcast and promotion usage, as read now."""
        coupon_uses, flash_units = promotions.buyer_usage(self._session, self._order.broadcast_id, self._order.buyer_id)
        return buyer_history(self._session, self._order, self.catalog, self.policy.duplicate_window_seconds,
                             coupon_uses, flash_units)


def load_policy(session: Session, broadcast_id: int) -> audit.AuditPolicy:
    """Return the broadcast's audit policy, or the defaults when none was saved."""
    stored = read_tables(session, _POLICY, {"broadcast_id": broadcast_id}).scalar()
    return audit.AuditPolicy() if stored is None else audit.AuditPolicy.from_stored(stored)


def draft_of(order: Order) -> audit.OrderDraft:
    """Return the pure view of a stored order for the rules."""
    return audit.OrderDraft(
        order_id=order.order_id, broadcast_id=order.broadcast_id, source=order.source,
        buyer=audit.BuyerDraft(
            id=order.buyer_id, name=order.buyer_name, phone=order.buyer_phone, member_tier=order.member_tier,
            address=audit.Address(order.address_province, order.address_city, order.address_district,
                                  order.address_detail),
            contact_masked=bool(order.contact_masked),
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
    for sku, price, product_id, product_sku, product_price, name in session.execute(_VARIANTS, {"skus": wanted}):
        items[sku] = audit.CatalogItem(
            sku=sku, product_sku=product_sku, is_variant=True, list_price=price if price is not None else product_price,
            in_lineup=product_id in lineup, live_price=lineup.get(product_id), variant_name=name,
        )
    for product_id, sku, price, has_variants in session.execute(_PRODUCTS, {"skus": wanted}):
        items[sku] = audit.CatalogItem(
            sku=sku, product_sku=sku, list_price=price, has_variants=bool(has_variants),
            in_lineup=product_id in lineup, live_price=lineup.get(product_id),
        )
    return items


def buyer_history(session: Session, order: Order, catalog: audit.CatalogView, window_seconds: int,
                  coupon_uses: dict[str, int], flash_units: dict[str, int]) -> audit.BuyerHistory:
    """Return what this buyer already ordered in the broadcast (other open orders only), read with bounded queries:
    units of the products of catalog, and the latest orders within the duplicate window."""
    if not order.buyer_id:
        return audit.BuyerHistory(coupon_uses=coupon_uses, flash_units=flash_units)
    buyers = [order.buyer_id]
    products = {item.product_sku for item in catalog.items.values()}
    window = timedelta(seconds=window_seconds)
    units = units_by_product(session, order.broadcast_id, buyers, products, (order.id,))[order.buyer_id]
    recent = recent_orders(session, order.broadcast_id, buyers, order.placed_at - window, order.placed_at + window,
                           (order.id,))[order.buyer_id] if window_seconds else []
    return audit.BuyerHistory(qty_by_product=units, recent_orders=recent, coupon_uses=coupon_uses,
                              flash_units=flash_units)


def load_blocklist(session: Session, drafts: Iterable[audit.OrderDraft]) -> audit.Blocklist:
    """Return the blocklisted buyer ids, phones and addresses that could match one of the drafts.

    Only those entries: a shop's blocklist grows to thousands, and reading and comparing all of it for every
    batch made each order pay for the whole list. An entry without a key (written around the ORM) is read
    always and compared by the rule.
    """
    keys = sorted({key for draft in drafts for _kind, key in risk.order_blocklist_keys(draft)})
    entries = read_tables(session, _BLOCKLIST, {"keys": keys}).all()
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
    sku = claim.get("sku")
    if claim:
        # What the claim resolved to in the line-up (orders/claims), when it did: a claim by link number ("拍了 2件
        # 3号") or of the pinned product names no SKU in its text (the order went unchecked), and an on-air code
        # ("SOLD A6 2": link 6) is no SKU (the order its own draft made was held as not containing "A6").
        # Its quantity too: "SOLD A4 39 1" reads 39 units in the text alone, one pair in 39 against the line-up.
        resolved = session.execute(sa.select(ChatClaim.variant_sku, ChatClaim.product_sku, ChatClaim.qty).where(
            ChatClaim.broadcast_id == broadcast_id, ChatClaim.comment_id == comment_id)).first()
        if resolved is not None and (resolved.variant_sku or resolved.product_sku):
            sku = resolved.variant_sku or resolved.product_sku
            if resolved.variant_sku:  # a quantity the buyer did not say stays unchecked, as before
                return audit.ClaimView(sku=sku, variant=None, qty=resolved.qty if claim.get("qty") is not None else None)
    return audit.ClaimView(sku=sku, variant=claim.get("variant"), qty=claim.get("qty"))
