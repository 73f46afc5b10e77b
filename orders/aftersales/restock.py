"""Putting returned units back on sale: only units received, inspected as sellable and not yet put back."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orders import inventory
from orders.aftersales.common import SYSTEM
from orders.aftersales.models import AftersaleCase
from orders.models import Order
from orders.waitlist import promote_waitlisted


def units_to_restock(case: AftersaleCase) -> dict[str, int]:
    """Return {sku: units} of the case's lines inspected sellable and not yet restocked (never more than received)."""
    due = {}
    for line in case.lines:
        units = min(line.sellable_qty, line.received_qty) - line.restocked_qty
        if units > 0:
            due[line.sku] = units
    return due


def return_note(case: AftersaleCase, actor: str) -> inventory.StockNote:
    """Return the stock_history note of a case's restock: kind `return`, who took the step, the case it came from."""
    return inventory.StockNote("return", actor, f"after-sales case {case.case_id}: returned units inspected sellable")


def restock_returned(session: Session, case: AftersaleCase, now: datetime,
                     actor: str = SYSTEM.name) -> tuple[list[str], list[Order]]:
    """Return (SKUs restocked, waitlisted orders that took the units) after putting the case's sellable returns back.

    actor (a user's name, or "system" for the timers) is who the stock history names for each SKU put back.
    Runs in a savepoint: when the stock does not hold the sold units any more (counted by hand since), nothing
    is put back and the step records that in its data instead of failing the refund or the exchange.
    """
    due = units_to_restock(case)
    if not due:
        return [], []
    savepoint = session.begin_nested()
    try:
        inventory.return_to_stock(session, due, return_note(case, actor))
    except inventory.InventoryError:
        savepoint.rollback()
        return [], []
    savepoint.commit()
    for line in case.lines:
        if line.sku in due:
            line.restocked_qty += due[line.sku]
    promoted = promote_waitlisted(session, set(due), now)
    return sorted(due), promoted
