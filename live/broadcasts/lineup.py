"""A broadcast's line-up: add, change (live price, link number, place on the rail), remove and list its products.

Positions are the rail's order (kept dense, 0 first); link numbers are what the host says on air ("3号链接")
and stay put when the rail is reordered, unless the host changes them. Both are per broadcast.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import quantize_money
from live.broadcasts.state import BroadcastError
from live.models import Broadcast, BroadcastProduct
from orders.models import Product

MAX_LINK_NO = 9999
MAX_LINEUP = 500


def _product(session: Session, sku: str) -> Product:
    """Return the catalogue product with this SKU, or raise 404 unknown_sku."""
    product = session.scalar(sa.select(Product).where(Product.sku == sku))
    if product is None:
        raise BroadcastError(404, "unknown_sku", "sku", f"no product has SKU {sku!r}")
    return product


def find_entry(session: Session, broadcast_id: int, sku: str) -> tuple[BroadcastProduct, Product]:
    """Return (line-up entry, product) of a product SKU in the broadcast, or raise 404 naming sku."""
    product = _product(session, sku)
    entry = session.scalar(sa.select(BroadcastProduct).where(
        BroadcastProduct.broadcast_id == broadcast_id, BroadcastProduct.product_id == product.id))
    if entry is None:
        raise BroadcastError(404, "not_in_lineup", "sku", f"{sku!r} is not in this broadcast's line-up")
    return entry, product


def _link_taken(session: Session, broadcast_id: int, link_no: int, other_than: int | None = None) -> bool:
    query = sa.select(BroadcastProduct.id).where(BroadcastProduct.broadcast_id == broadcast_id,
                                                 BroadcastProduct.link_no == link_no)
    if other_than is not None:
        query = query.where(BroadcastProduct.id != other_than)
    return session.scalar(query.limit(1)) is not None


def _taken_error(link_no: int) -> BroadcastError:
    """Return the 409 link_taken error of a link number (its English shape is in app/http/messages.py SHAPES)."""
    return BroadcastError(409, "link_taken", "link_no", f"link {link_no} is already used in this broadcast")


def _flush_or_conflict(session: Session, error: BroadcastError) -> None:
    """Flush in a savepoint; a unique constraint hit by a concurrent request becomes error (a 409), not a 500."""
    savepoint = session.begin_nested()
    try:
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise error from None
    savepoint.commit()


def _next_link_no(session: Session, broadcast_id: int, highest: int | None) -> int:
    """Return the number after the highest link number, or the lowest free one once that would pass MAX_LINK_NO."""
    if (highest or 0) < MAX_LINK_NO:
        return (highest or 0) + 1
    used = set(session.scalars(sa.select(BroadcastProduct.link_no).where(BroadcastProduct.broadcast_id == broadcast_id)))
    return next(n for n in range(1, MAX_LINK_NO + 1) if n not in used)  # MAX_LINEUP < MAX_LINK_NO: one is free


def add_to_lineup(session: Session, broadcast: Broadcast, sku: str, live_price: Decimal | None,
                  link_no: int | None = None) -> BroadcastProduct:
    """Return the new line-up entry of a product, last on the rail, with link_no or the next number after the highest.

    Raises 404 unknown_sku for an unknown product and 409 link_taken when link_no is used by another product
    of the broadcast. A product already there keeps its place and gets the live price (what the API, `seed-demo` and scripts
    re-running a set-up want).
    """
    product = _product(session, sku)
    existing = session.scalar(sa.select(BroadcastProduct).where(
        BroadcastProduct.broadcast_id == broadcast.id, BroadcastProduct.product_id == product.id))
    if existing is not None:
        existing.live_price = None if live_price is None else quantize_money(live_price)
        session.flush()
        return existing
    highest = session.execute(sa.select(sa.func.max(BroadcastProduct.position), sa.func.max(BroadcastProduct.link_no),
                                        sa.func.count()).where(BroadcastProduct.broadcast_id == broadcast.id)).one()
    if highest[2] >= MAX_LINEUP:
        raise BroadcastError(409, "lineup_full", "sku", f"a line-up holds at most {MAX_LINEUP} products")
    if link_no is None:
        link_no = _next_link_no(session, broadcast.id, highest[1])
    elif _link_taken(session, broadcast.id, link_no):
        raise _taken_error(link_no)
    position = 0 if highest[0] is None else highest[0] + 1
    entry = BroadcastProduct(broadcast_id=broadcast.id, product_id=product.id, position=position, link_no=link_no,
                             live_price=None if live_price is None else quantize_money(live_price))
    session.add(entry)
    _flush_or_conflict(session, BroadcastError(409, "conflict", "sku",
                                               f"{sku!r} or link {link_no} was just taken; reload the line-up"))
    return entry


def update_entry(session: Session, broadcast: Broadcast, sku: str, changes: dict) -> BroadcastProduct:
    """Return the entry after changes: "live_price" (None clears it), "link_no", "position" (1 = first on the rail).

    Moving an entry shifts the others and keeps their link numbers. A link number used by another product of
    the broadcast answers 409 link_taken (free it first, or pick another).
    """
    entry, _product_row = find_entry(session, broadcast.id, sku)
    if "link_no" in changes and changes["link_no"] != entry.link_no:
        if _link_taken(session, broadcast.id, changes["link_no"], other_than=entry.id):
            raise _taken_error(changes["link_no"])
        entry.link_no = changes["link_no"]
    if "live_price" in changes:
        price = changes["live_price"]
        entry.live_price = None if price is None else quantize_money(price)
    if "position" in changes:
        _move(session, broadcast.id, entry, changes["position"] - 1)
    _flush_or_conflict(session, _taken_error(entry.link_no))
    return entry


def _move(session: Session, broadcast_id: int, entry: BroadcastProduct, index: int) -> None:
    """Put entry at index on the rail (clamped to the ends) and number every position densely again."""
    entries = [e for e in _entries(session, broadcast_id) if e.id != entry.id]
    entries.insert(max(0, min(index, len(entries))), entry)
    for position, each in enumerate(entries):
        each.position = position


def _entries(session: Session, broadcast_id: int) -> list[BroadcastProduct]:
    return list(session.scalars(sa.select(BroadcastProduct).where(BroadcastProduct.broadcast_id == broadcast_id)
                                .order_by(BroadcastProduct.position, BroadcastProduct.id)))


def remove_entry(session: Session, broadcast: Broadcast, sku: str) -> None:
    """Take a product off the rail; the others close the gap and keep their link numbers.

    Orders already placed keep their lines and prices: the product only leaves the rail (later orders without
    a unit price are priced from the catalogue). The pinned product cannot be removed (409 pinned): unpin it
    first, so the pin events that analytics reads end where the host saw the pin end.
    """
    entry, _product_row = find_entry(session, broadcast.id, sku)
    if entry.pinned_at is not None:
        raise BroadcastError(409, "pinned", "sku", f"{sku!r} is pinned: unpin it before removing it")
    session.delete(entry)
    session.flush()
    for position, each in enumerate(_entries(session, broadcast.id)):
        each.position = position
    session.flush()


def lineup_skus(session: Session, broadcast_id: int) -> list[tuple[BroadcastProduct, Product]]:
    """Return the broadcast's line-up entries with their products, in line-up order."""
    rows = session.execute(sa.select(BroadcastProduct, Product).join(Product, Product.id == BroadcastProduct.product_id)
                           .where(BroadcastProduct.broadcast_id == broadcast_id)
                           .order_by(BroadcastProduct.position, BroadcastProduct.id))
    return [(entry, product) for entry, product in rows]


def entry_to_dict(entry: BroadcastProduct, product: Product) -> dict:
    """Return a line-up entry as JSON-ready data (position 1 = first on the rail)."""
    return {
        "broadcast_id": entry.broadcast_id,
        "sku": product.sku,
        "name": product.name,
        "price": f"{product.price:.2f}",
        "live_price": None if entry.live_price is None else str(entry.live_price),
        "link_no": entry.link_no,
        "position": entry.position + 1,
        "pinned": entry.pinned_at is not None,
        "pinned_at": entry.pinned_at.isoformat() if entry.pinned_at else None,
    }
