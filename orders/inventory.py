"""The only code that changes stock: conditional UPDATEs that hold on SQLite and PostgreSQL alike.

Every change is a single `UPDATE stock_levels ... WHERE sku = :sku AND <enough units>` whose rowcount says
whether it happened. SKUs are always touched in sorted order so two transactions never wait on each other's
rows in opposite orders; a batch of many orders locks all its rows first (lock_levels) and may reserve in a
book read under that lock, written back with one such UPDATE per SKU (open_book, close_book). The CHECK
constraints on stock_levels are the last line of defence.

Changes a person, an import or an API call makes (a new SKU, a restock, a count) also append a row to
stock_history with who, why and the units before and after. Reservations, sales and releases of orders do
not: they are the flash-sale hot path, and the order with its own history is their record.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.models import STOCK_CHANGE_KINDS, StockHistory, StockLevel

_T = StockLevel.__table__
# Built once: the hot path of every accepted order, only its parameters change.
_RESERVE = (
    sa.update(_T)
    .where(_T.c.sku == sa.bindparam("b_sku"), _T.c.available >= sa.bindparam("b_qty"))
    .values(available=_T.c.available - sa.bindparam("b_qty"), reserved=_T.c.reserved + sa.bindparam("b_qty"))
)

_BOOK = "livedesk_stock_book"  # session.info key of an open book (open_book)
_LEVELS = sa.select(_T.c.sku, _T.c.available, _T.c.reserved, _T.c.sold, _T.c.received_total)
_LEVELS_OF = _LEVELS.where(_T.c.sku.in_(sa.bindparam("b_skus", expanding=True)))


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


def requested_by_sku(lines: list[tuple[str, int]]) -> dict[str, int]:
    """Return the total quantity asked for per SKU (two lines of one SKU count together)."""
    totals: dict[str, int] = {}
    for sku, qty in lines:
        totals[sku] = totals.get(sku, 0) + qty
    return totals


def reserve(session: Session, requested: dict[str, int]) -> bool:
    """Return True after moving every requested unit from available to reserved, or False having changed nothing."""
    if not requested or any(qty <= 0 for qty in requested.values()):
        return False
    book = _book(session, requested)
    if book is not None:
        if any(book[sku][0] < qty for sku, qty in requested.items()):
            return False
        for sku, qty in requested.items():
            book[sku][0] -= qty
            book[sku][1] += qty
        return True
    if len(requested) == 1:
        # One conditional UPDATE is all-or-nothing by itself: no savepoint (two statements) is needed.
        [(sku, qty)] = requested.items()
        return _take(session, sku, qty)
    savepoint = session.begin_nested()
    for sku in sorted(requested):
        if not _take(session, sku, requested[sku]):
            savepoint.rollback()
            return False
    savepoint.commit()
    return True


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


def release(session: Session, reserved: dict[str, int]) -> None:
    """Move reserved units back to available (cancel, reject, expiry)."""
    book = _book(session, reserved)
    if book is not None and all(book[sku][1] >= qty for sku, qty in reserved.items()):
        for sku, qty in reserved.items():  # units this batch reserved in its book: given back in the book
            book[sku][0] += qty
            book[sku][1] -= qty
        return
    _move(session, reserved, source="reserved", target="available")


def sell(session: Session, reserved: dict[str, int]) -> None:
    """Turn reserved units into sold ones (payment)."""
    _move(session, reserved, source="reserved", target="sold")


def restore_sold(session: Session, sold: dict[str, int]) -> None:
    """Put sold units back on sale (an order cancelled after payment)."""
    _move(session, sold, source="sold", target="available")


def return_to_stock(session: Session, returned: dict[str, int]) -> None:
    """Put units a buyer sent back, inspected as sellable, on sale again (orders/aftersales: sold → available).

    The caller passes only units received and inspected sellable and not yet put back; raises (changing
    nothing it could not finish, inside the caller's savepoint) when a SKU has fewer units sold.
    """
    if any(qty <= 0 for qty in returned.values()):
        raise InventoryError("a return puts back at least one unit per SKU")
    _move(session, returned, source="sold", target="available")


def _move(session: Session, quantities: dict[str, int], source: str, target: str) -> None:
    """Move units between two columns of each SKU; raise if a SKU does not hold enough in source."""
    close_book(session)
    for sku in sorted(quantities):
        qty = quantities[sku]
        result = session.execute(
            sa.update(_T)
            .where(_T.c.sku == sku, _T.c[source] >= qty)
            .values({source: _T.c[source] - qty, target: _T.c[target] + qty})
        )
        if result.rowcount != 1:
            raise InventoryError(f"{sku}: fewer than {qty} units are {source}")


@dataclass(frozen=True)
class StockNote:
    """Who changes a SKU's stock and why, as stock_history keeps it; kind is one of STOCK_CHANGE_KINDS."""

    kind: str
    actor: str
    reason: str | None = None

    def __post_init__(self):
        if self.kind not in STOCK_CHANGE_KINDS:
            raise ValueError(f"unknown stock change kind {self.kind!r}")


SYSTEM_SET = StockNote("set", "system")
# Units ever received, per SKU: far above any real stock, well inside the 32-bit columns.
MAX_RECEIVED = 1_000_000_000
# A count is compared and set; under a busy flash sale another transaction may move the count in between.
_SET_ATTEMPTS = 20


def set_available(session: Session, sku: str, available: int, note: StockNote = SYSTEM_SET) -> Level:
    """Return the new level after setting a SKU's available units (a count), recording the change in stock_history.

    Compare-and-set on the units read just before, so the history's "before" is exactly what was replaced and
    received_total moves by the same difference.
    """
    if available < 0:
        raise InventoryError("available stock cannot be negative")
    close_book(session)
    for _ in range(_SET_ATTEMPTS):
        before = levels(session, [sku]).get(sku)
        if before is None:
            raise InventoryError(f"{sku}: no stock is kept under this SKU")
        if before.received_total + (available - before.available) > MAX_RECEIVED:
            raise StockLimitError(f"{sku}: more than {MAX_RECEIVED} units would have been received")
        result = session.execute(
            sa.update(_T)
            .where(_T.c.sku == sku, _T.c.available == before.available)
            .values(available=available, received_total=_T.c.received_total + (available - before.available))
        )
        if result.rowcount == 1:
            return _recorded(session, sku, before.available, note)
    raise InventoryError(f"{sku}: the count kept changing while it was being set; try again")


def add_available(session: Session, sku: str, units: int, note: StockNote) -> Level:
    """Return the new level after adding received units to a SKU's available ones, recording it in stock_history."""
    if units <= 0:
        raise InventoryError("a restock adds at least one unit")
    close_book(session)
    result = session.execute(
        sa.update(_T).where(_T.c.sku == sku, _T.c.received_total <= MAX_RECEIVED - units)
        .values(available=_T.c.available + units, received_total=_T.c.received_total + units)
    )
    if result.rowcount != 1:
        if sku in levels(session, [sku]):
            raise StockLimitError(f"{sku}: more than {MAX_RECEIVED} units would have been received")
        raise InventoryError(f"{sku}: no stock is kept under this SKU")
    # The row is ours until commit, so the level read now is the one this change left.
    return _recorded(session, sku, None, note, added=units)


def create_level(session: Session, sku: str, product_id: int, variant_id: int | None, available: int,
                 note: StockNote | None = None) -> None:
    """Start keeping stock for a new SKU with its initial units (recorded as a `created` stock change)."""
    session.execute(
        sa.insert(_T).values(
            sku=sku, product_id=product_id, variant_id=variant_id,
            available=available, reserved=0, sold=0, received_total=available,
        )
    )
    note = note or StockNote("created", "system")
    session.execute(sa.insert(StockHistory).values(
        product_id=product_id, sku=sku, kind=note.kind, actor=note.actor[:80], reason=note.reason,
        available_before=0, available_after=available, reserved=0, sold=0,
    ))


def _recorded(session: Session, sku: str, before: int | None, note: StockNote, added: int = 0) -> Level:
    """Return the SKU's level after a change, having appended the change to stock_history."""
    after = levels(session, [sku])[sku]
    product_id = session.scalar(sa.select(_T.c.product_id).where(_T.c.sku == sku))
    session.execute(sa.insert(StockHistory).values(
        product_id=product_id, sku=sku, kind=note.kind, actor=note.actor[:80], reason=note.reason,
        available_before=after.available - added if before is None else before, available_after=after.available,
        reserved=after.reserved, sold=after.sold,
    ))
    return after


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
