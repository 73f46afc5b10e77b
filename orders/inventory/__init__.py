"""The only code that changes stock: conditional UPDATEs that hold on SQLite and PostgreSQL alike.

Every change is a single `UPDATE stock_levels ... WHERE sku = :sku AND <enough units>` whose rowcount says
whether it happened. SKUs are always touched in sorted order so two transactions never wait on each other's
rows in opposite orders; a batch of many orders locks all its rows first (lock_levels) and may reserve in a
book read under that lock, written back with one such UPDATE per SKU (open_book, close_book). The CHECK
constraints on stock_levels are the last line of defence.

Changes a person, an import or an API call makes (a new SKU, a restock, a count), and units an after-sales
return puts back on sale, also append a row to stock_history with who, why and the units before and after.
Reservations, sales and releases of orders do not: they are the flash-sale hot path, and the order with its own
history is their record.

Levels as read, the batch's book and which SKUs have orders waiting in line (skus_in_line: their free units
are the line's) live in orders/inventory/levels.py; import them from here.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.inventory.levels import (  # re-exported: orders.inventory is the one home of stock changes
    _T,
    IN_LINE,
    InventoryError,
    Level,
    StockLimitError,
    _book,
    _take,
    close_book,
    in_line_of,
    levels,
    lock_levels,
    open_book,
    skus_in_line,
    units_in_line,
)
from orders.models import STOCK_CHANGE_KINDS, StockHistory

__all__ = [
    "IN_LINE",
    "MAX_RECEIVED",
    "SYSTEM_SET",
    "InventoryError",
    "Level",
    "StockLimitError",
    "StockNote",
    "add_available",
    "close_book",
    "create_level",
    "in_line_of",
    "levels",
    "lock_levels",
    "open_book",
    "release",
    "requested_by_sku",
    "reserve",
    "restore_sold",
    "return_to_stock",
    "sell",
    "set_available",
    "skus_in_line",
    "units_in_line",
]


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


def return_to_stock(session: Session, returned: dict[str, int], note: StockNote) -> None:
    """Put units a buyer sent back, inspected as sellable, on sale again (orders/aftersales: sold → available).

    Appends one stock_history row per SKU with note (kind `return`, the agent or the sweeper, the case). The
    caller passes only units received and inspected sellable and not yet put back; raises (changing nothing it
    could not finish, inside the caller's savepoint) when a SKU has fewer units sold.
    """
    if any(qty <= 0 for qty in returned.values()):
        raise InventoryError("a return puts back at least one unit per SKU")
    _move(session, returned, source="sold", target="available")
    for sku in sorted(returned):
        # The UPDATE above holds the row until commit, so the level read now is the one this return left.
        _recorded(session, sku, None, note, added=returned[sku])


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
