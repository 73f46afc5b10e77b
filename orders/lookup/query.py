"""The one query a look-up becomes: each kind of the search text an indexed match, joined as a UNION of ids.

Each branch of the UNION is an index look-up (order_id unique, buyer_id, the normalised phone, its last four,
order_lines.sku (a product's SKU also finds its variants' lines), a prefix of buyer_name); the filters then
narrow the matched ids. Pages are newest first by id; the CSV export walks every match in id order a chunk at
a time (keyset, no OFFSET), so no row is left out.
"""
from __future__ import annotations

import time
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.lookup.classify import LookupTerms, like_prefix
from orders.lookup.params import LookupFilter
from orders.models import Order, OrderLine, Product, ProductVariant
from orders.serialize import order_dict_loads

CHUNK = 200


def sku_branches(sku: str) -> list[sa.Select]:
    """Return SELECTs of the ids of orders with a line of sku and of orders with a line of that product's variants.

    Orders are placed under a variant's SKU when the product has variants, while people search the product's
    SKU (the one on the line-up and the rail). Each branch is a chain of indexed equalities (products.sku, then
    product_variants.product_id, then order_lines.sku), so neither scans the order lines.
    """
    own = sa.select(OrderLine.order_pk).where(OrderLine.sku == sku)
    of_variants = (sa.select(OrderLine.order_pk)
                   .join(ProductVariant, ProductVariant.sku == OrderLine.sku)
                   .join(Product, Product.id == ProductVariant.product_id)
                   .where(Product.sku == sku))
    return [own, of_variants]


def matching_ids(terms: LookupTerms) -> sa.Select:
    """Return a SELECT of the ids of orders matching any kind of the search text (one indexed branch per kind)."""
    branches = []
    if terms.order_id is not None:
        branches.append(sa.select(Order.id).where(Order.order_id == terms.order_id))
    if terms.buyer_id is not None:
        branches.append(sa.select(Order.id).where(Order.buyer_id == terms.buyer_id))
    if terms.phone is not None:
        branches.append(sa.select(Order.id).where(Order.buyer_phone_normalized == terms.phone))
    if terms.phone_last4 is not None:
        branches.append(sa.select(Order.id).where(Order.buyer_phone_last4 == terms.phone_last4))
    if terms.sku is not None:
        branches.extend(sku_branches(terms.sku))
    if terms.name_prefix is not None:
        branches.append(sa.select(Order.id).where(Order.buyer_name.like(like_prefix(terms.name_prefix), escape="\\")))
    return branches[0] if len(branches) == 1 else sa.union(*branches)


def conditions(lookup: LookupFilter) -> list:
    """Return the WHERE conditions on orders of a look-up filter."""
    found = []
    if lookup.terms is not None:
        found.append(Order.id.in_(matching_ids(lookup.terms)))
    if lookup.broadcast_id is not None:
        found.append(Order.broadcast_id == lookup.broadcast_id)
    if lookup.status is not None:
        found.append(Order.status == lookup.status)
    if lookup.source is not None:
        found.append(Order.source == lookup.source)
    if lookup.sku is not None:
        found.append(Order.id.in_(sa.union(*sku_branches(lookup.sku))))
    if lookup.placed_from is not None:
        found.append(Order.placed_at >= lookup.placed_from)
    if lookup.placed_to is not None:
        found.append(Order.placed_at <= lookup.placed_to)
    return found


def count_orders(session: Session, lookup: LookupFilter) -> int:
    """Return how many orders match the look-up."""
    return int(session.scalar(sa.select(sa.func.count(Order.id)).where(*conditions(lookup))) or 0)


def lookup_page(session: Session, lookup: LookupFilter, page: int, per_page: int) -> tuple[list[Order], int]:
    """Return one page of matching orders, newest first (with their lines), and how many match in all."""
    total = count_orders(session, lookup)
    if (page - 1) * per_page >= total:
        return [], total
    rows = session.scalars(
        sa.select(Order).where(*conditions(lookup)).order_by(Order.id.desc())
        .offset((page - 1) * per_page).limit(per_page).options(*order_dict_loads())
    ).all()
    return list(rows), total


def lookup_chunks(session: Session, lookup: LookupFilter, size: int | None = None) -> Iterator[list[Order]]:
    """Yield every matching order, newest first, a chunk at a time (keyset paging on id: no row skipped).

    Each chunk is read with everything its serialisation reads (no query per order), then the read transaction
    ends and other requests get a turn before the next chunk: under eventlet a database call does not yield, so an
    export of every order of a long sale would otherwise stop order intake until it finished.
    """
    before, size = None, size or CHUNK
    while True:
        query = sa.select(Order).where(*conditions(lookup))
        if before is not None:
            query = query.where(Order.id < before)
        rows = list(session.scalars(query.order_by(Order.id.desc()).limit(size).options(*order_dict_loads())))
        if not rows:
            return
        yield rows
        before = rows[-1].id
        session.rollback()  # read only: no snapshot (nor SQLite read lock) held while the client downloads
        time.sleep(0)  # a turn for the other requests (eventlet patches sleep)
