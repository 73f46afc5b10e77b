"""Stock levels as read, and a batch's book of reservations: the part of orders.inventory the rest builds on.

A batch of many orders locks all its stock rows first (lock_levels) and may reserve in a book read under that
lock, written back with one conditional UPDATE per SKU (open_book, close_book). Reading a level closes the
book first, so nothing ever reads past it. Import from orders.inventory, which re-exports what is public here.

Free units of a SKU go to its line first (orders/waitlist.py): IN_LINE and in_line_of say which orders stand in
it, and skus_in_line which SKUs have orders waiting, so a newcomer queues behind them instead of taking a free
unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.models import Order, OrderFinding, OrderLine, StockLevel

_T = StockLevel.__table__
_O, _L, _F = Order.__table__, OrderLine.__table__, OrderFinding.__table__
# The orders in a FIFO line (position: waitlisted_at, then id): waitlisted ones, held ones that found no stock,
# and chat claims' drafts waiting for stock (orders/claims).
IN_LINE = (_O.c.status.in_(("waitlisted", "held", "claimed")), _O.c.waitlisted_at.is_not(None))
# Which SKU's line: an audited order stands in the line of each SKU it is short of (an active stock_short
# finding, also when it is only behind that SKU's line), not of its other SKUs, whose sales it must not stop; a
# draft, in the line of its SKU.
_SHORT_SKU = _F.c.data["sku"].as_string()


def _line_skus(*ahead) -> sa.CompoundSelect:
    """Return the SELECT of the SKUs whose line holds an order placed in it at or before b_before (and ahead).

    Filtered by the orders first, so that the plan walks the orders with a place in line (the partial index
    ix_orders_in_line: waitlisted_at set), then their findings or lines (order_pk indexes): a SKU filter would let
    SQLite walk every line of a best-selling SKU instead. The caller keeps the SKUs it asked about.
    """
    placed = (_O.c.waitlisted_at.is_not(None), _O.c.waitlisted_at <= sa.bindparam("b_before"), *ahead)
    # lower(): the status index must not be the plan's way in (every held order is under it).
    short = (sa.select(_SHORT_SKU).select_from(_O.join(_F, _F.c.order_pk == _O.c.id))
             .where(*placed, sa.func.lower(_O.c.status).in_(("waitlisted", "held")),
                    _F.c.code == "stock_short", _F.c.active.is_(True)))
    drafts = (sa.select(_L.c.sku).select_from(_O.join(_L, _L.c.order_pk == _O.c.id))
              .where(*placed, sa.func.lower(_O.c.status) == "claimed"))
    return sa.union(short, drafts)


_LINE_SKUS = _line_skus()
# The same, ahead of one order of the line (its place: waitlisted_at, then id), the order itself left out.
_LINE_SKUS_AHEAD = _line_skus(_O.c.id != sa.bindparam("b_self"), sa.or_(
    _O.c.waitlisted_at < sa.bindparam("b_before"), _O.c.id < sa.bindparam("b_self")))


# The units each SKU's line waits for: per line of an order in line, when the order is short of that line's SKU
# (a draft: always). Driven by the few orders in line: the bound on waitlisted_at makes SQLite seek the partial
# index ix_orders_in_line (IS NOT NULL alone let it scan every line of the SKU index instead), and `sku || ''`
# keeps it off the SKU index of a flash-sale SKU's every line.
_ALWAYS = datetime(9999, 12, 31, tzinfo=timezone.utc)
_UNITS_IN_LINE = (
    sa.select(_L.c.sku, sa.func.sum(_L.c.qty)).select_from(_O.join(_L, _L.c.order_pk == _O.c.id))
    .where(_O.c.waitlisted_at.is_not(None), _O.c.waitlisted_at <= sa.bindparam("b_until"),
           sa.func.lower(_O.c.status).in_(("waitlisted", "held", "claimed")),
           _L.c.sku.concat("").in_(sa.bindparam("b_skus", expanding=True)),
           sa.or_(_O.c.status == "claimed", sa.exists().where(
               _F.c.order_pk == _O.c.id, _F.c.code == "stock_short", _F.c.active.is_(True), _SHORT_SKU == _L.c.sku)))
    .group_by(_L.c.sku))


def units_in_line(session: Session, skus: list[str]) -> dict[str, int]:
    """Return the units waiting in each SKU's line (only SKUs with a line), for the stock pushes and the rail."""
    session.flush()  # a Core statement does not autoflush: orders promoted or cancelled through the ORM count
    rows = session.execute(_UNITS_IN_LINE, {"b_skus": list(skus), "b_until": _ALWAYS})
    return {sku: int(units) for sku, units in rows}


def in_line_of(skus: list[str]) -> sa.ColumnElement[bool]:
    """Return the condition that an order (with IN_LINE) stands in the line of one of skus."""
    short = sa.exists().where(_F.c.order_pk == _O.c.id, _F.c.code == "stock_short", _F.c.active.is_(True),
                              _SHORT_SKU.in_(skus))
    draft = sa.exists().where(_L.c.order_pk == _O.c.id, _L.c.sku.in_(skus))
    return sa.or_(sa.and_(_O.c.status != "claimed", short), sa.and_(_O.c.status == "claimed", draft))


# Built once: the hot path of every accepted order, only its parameters change.
_RESERVE = (
    sa.update(_T)
    .where(_T.c.sku == sa.bindparam("b_sku"), _T.c.available >= sa.bindparam("b_qty"))
    .values(available=_T.c.available - sa.bindparam("b_qty"), reserved=_T.c.reserved + sa.bindparam("b_qty"))
)

_BOOK = "livedesk_stock_book"  # session.info key of an open book (open_book)
_LEVELS = sa.select(_T.c.sku, _T.c.available, _T.c.reserved, _T.c.sold, _T.c.received_total)
_LEVELS_OF = _LEVELS.where(_T.c.sku.in_(sa.bindparam("b_skus", expanding=True))).order_by(_T.c.sku)  # pushes in SKU order


@dataclass(frozen=True)
class Level:
    """Units of one SKU at a moment."""

    sku: str
    available: int
    reserved: int
    sold: int
    received_total: int

    def as_dict(self) -> dict:
        """Return the level as a JSON-ready dict."""
        return {"sku": self.sku, "available": self.available, "reserved": self.reserved, "sold": self.sold}


def _known_shape(skus) -> list[str]:
    """Return the distinct SKUs a stock row can have, sorted: raw values come before validation, and PostgreSQL
    refuses a NUL character in a parameter, so anything else is left out (it matches no stock row anyway)."""
    return sorted({sku for sku in skus if isinstance(sku, str) and 0 < len(sku) <= 64 and "\x00" not in sku})


def lock_levels(session: Session, skus) -> None:
    """Row-lock the stock levels of skus, in SKU order, for the rest of the transaction (PostgreSQL only).

    A batch that reserves for many orders takes its stock rows one order at a time, in arrival order; two
    batches would then wait on each other's rows in opposite orders (a deadlock). Locked first, in one global
    order, they queue instead. SQLite needs nothing: its writer holds the whole database.
    """
    skus = _known_shape(skus)
    if len(skus) < 2 or session.get_bind().dialect.name != "postgresql":
        return  # one row cannot be taken in two orders
    session.execute(sa.select(_T.c.sku).where(_T.c.sku.in_(skus)).order_by(_T.c.sku).with_for_update())


def open_book(session: Session, skus) -> None:
    """Read (and on PostgreSQL row-lock) the stock of skus into the session's book, written by close_book.

    Until then reserve() and release() of those SKUs change only the book: a batch of a hundred orders then
    writes one conditional UPDATE per SKU instead of one per order. The values read stay true for the whole
    transaction: on PostgreSQL the rows are locked, on SQLite the transaction holds the write lock. Any other
    stock function (levels, sell, a count...) closes the book first, so nothing ever reads past it.
    """
    close_book(session)
    skus = _known_shape(skus)
    if not skus:
        return
    query = sa.select(_T.c.sku, _T.c.available).where(_T.c.sku.in_(skus)).order_by(_T.c.sku)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    session.info[_BOOK] = {sku: [available, 0] for sku, available in session.execute(query)}


def close_book(session: Session, write: bool = True) -> None:
    """Write the units the book moved from available to reserved (one conditional UPDATE per SKU), and close it.

    write=False drops the book (its transaction or savepoint is being rolled back).
    """
    book = session.info.pop(_BOOK, None)
    if not book or not write:
        return
    for sku in sorted(book):
        moved = book[sku][1]
        if moved > 0:
            done = _take(session, sku, moved)
        elif moved < 0:
            done = session.execute(sa.update(_T).where(_T.c.sku == sku, _T.c.reserved >= -moved).values(
                available=_T.c.available - moved, reserved=_T.c.reserved + moved)).rowcount == 1
        else:
            continue
        if not done:  # cannot happen while the rows are held; the CHECK constraints stand behind this too
            raise InventoryError(f"{sku}: the stock changed under a batch's book")


def _book(session: Session, requested: dict[str, int]) -> dict[str, list[int]] | None:
    """Return the open book when it holds every SKU of requested, else None (after closing it: the database decides)."""
    book = session.info.get(_BOOK)
    if book is None:
        return None
    if all(sku in book for sku in requested):
        return book
    close_book(session)
    return None


def _take(session: Session, sku: str, qty: int) -> bool:
    """Return True after moving qty units of sku from available to reserved, or False when fewer are available."""
    result = session.execute(_RESERVE, {"b_sku": sku, "b_qty": qty})
    return result.rowcount == 1


def skus_in_line(session: Session, skus, before: datetime, behind: int | None = None) -> set[str]:
    """Return the SKUs among skus whose line holds an order placed in it at or before `before` (one SELECT).

    An order or draft taking a place in line at `before` stands behind those orders: it must not take the
    free units of such a SKU, which are the line's first (orders/waitlist.py serves it strictly in order).
    behind: the id of a stored order placed at `before`; only the orders ahead of it count (a tie goes to the
    lower id, as the line is served), and never the order itself.
    """
    skus = _known_shape(skus)
    if not skus:
        return set()
    if behind is None:
        return set(skus).intersection(session.scalars(_LINE_SKUS, {"b_before": before}))
    return set(skus).intersection(session.scalars(_LINE_SKUS_AHEAD, {"b_before": before, "b_self": behind}))


def levels(session: Session, skus: list[str] | None = None) -> dict[str, Level]:
    """Return the current level of the given SKUs (all SKUs when None), keyed by SKU."""
    close_book(session)
    if skus is None:
        rows = session.execute(_LEVELS)
    else:
        rows = session.execute(_LEVELS_OF, {"b_skus": sorted(set(skus))})
    return {row.sku: Level(*row) for row in rows}


class InventoryError(Exception):
    """A stock change that would break the stock invariants."""


class StockLimitError(InventoryError):
    """A stock change that would take a SKU past the units a column can count (MAX_RECEIVED)."""
