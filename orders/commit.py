"""Committing an order change together with the pushes that announce it."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app import realtime
from orders.push import queue_order_changes


def commit_outcome(session: Session, outcome) -> None:
    """Queue order.updated for the outcome's orders, stock and totals, then commit and emit."""
    changes = [(outcome.order, outcome.created)] + [(other, False) for other in outcome.also_changed]
    queue_order_changes(session, changes, set(outcome.stock_skus))
    realtime.commit(session)
