"""The only code that changes stock: conditional UPDATEs that hold on SQLite and PostgreSQL alike.

Every change is a single `UPDATE stock_levels ... WHERE sku = :sku AND <enough units>` whose rowcount says
whether it happened; no read-then-write, no `FOR UPDATE` (which SQLite ignores). SKUs are always touched in
sorted order so two transactions never wait on each other's rows in opposite orders. The CHECK constraints
on stock_levels are the last line of defence.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.models import StockLevel

_T = StockLevel.__table__
# Built once: the hot path of every accepted order, only its parameters change.
_RESERVE = (
    sa.update(_T)
    .where(_T.c.sku == sa.bindparam("b_sku"), _T.c.available >= sa.bindparam("b_qty"))
    .values(available=_T.c.available - sa.bindparam("b_qty"), reserved=_T.c.reserved + sa.bindparam("b_qty"))
)

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


def _take(session: Session, sku: str, qty: int) -> bool:
    """Return True after moving qty units of sku from available to reserved, or False when fewer are available."""
    result = session.execute(_RESERVE, {"b_sku": sku, "b_qty": qty})
    return result.rowcount == 1


def release(session: Session, reserved: dict[str, int]) -> None:
    """Move reserved units back to available (cancel, reject, expiry)."""
    _move(session, reserved, source="reserved", target="available")


def sell(session: Session, reserved: dict[str, int]) -> None:
    """Turn reserved units into sold ones (payment)."""
    _move(session, reserved, source="reserved", target="sold")


def restore_sold(session: Session, sold: dict[str, int]) -> None:
    """Put sold units back on sale (an order cancelled after payment)."""
    _move(session, sold, source="sold", target="available")


def _move(session: Session, quantities: dict[str, int], source: str, target: str) -> None:
    """Move units between two columns of each SKU; raise if a SKU does not hold enough in source."""
    for sku in sorted(quantities):
        qty = quantities[sku]
        result = session.execute(
            sa.update(_T)
            .where(_T.c.sku == sku, _T.c[source] >= qty)
            .values({source: _T.c[source] - qty, target: _T.c[target] + qty})
        )
        if result.rowcount != 1:
            raise InventoryError(f"{sku}: fewer than {qty} units are {source}")


def set_available(session: Session, sku: str, available: int) -> Level:
    """Return the new level after setting a SKU's available units (restock or count correction)."""
    if available < 0:
        raise InventoryError("available stock cannot be negative")
    result = session.execute(
        sa.update(_T)
        .where(_T.c.sku == sku)
        .values(available=available, received_total=_T.c.received_total + (available - _T.c.available))
    )
    if result.rowcount != 1:
        raise InventoryError(f"{sku}: no stock is kept under this SKU")
    return levels(session, [sku])[sku]


def create_level(session: Session, sku: str, product_id: int, variant_id: int | None, available: int) -> None:
    """Start keeping stock for a new SKU with its initial units."""
    session.execute(
        sa.insert(_T).values(
            sku=sku, product_id=product_id, variant_id=variant_id,
            available=available, reserved=0, sold=0, received_total=available,
        )
    )


def levels(session: Session, skus: list[str] | None = None) -> dict[str, Level]:
    """Return the current level of the given SKUs (all SKUs when None), keyed by SKU."""
    if skus is None:
        rows = session.execute(_LEVELS)
    else:
        rows = session.execute(_LEVELS_OF, {"b_skus": sorted(set(skus))})
    return {row.sku: Level(*row) for row in rows}


class InventoryError(Exception):
    """A stock change that would break the stock invariants."""
