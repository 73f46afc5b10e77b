"""A claim's status, read from the claim and the order it became (pure, and the same rule as a SQL expression).

unresolved: no order, and a reason why not. claimed: resolved, no platform order yet (a draft, or tagged only when
claims are off). ordered: a platform order completed the draft or referred to the comment. paid, expired and
cancelled follow the order (a rejected order counts as cancelled; a packed, shipped or delivered one as paid).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from orders.claims.models import ChatClaim
from orders.models import Order
from orders.totals import PAID_STATUSES

CLAIM_STATUSES = ("unresolved", "claimed", "ordered", "paid", "expired", "cancelled")
# A claim stays paid while its order is packed, shipped and delivered (orders/totals.py counts those as paid).
_FOLLOWS_ORDER = {**dict.fromkeys(PAID_STATUSES, "paid"), "expired": "expired", "cancelled": "cancelled",
                  "rejected": "cancelled"}


def claim_status(reason: str | None, order_status: str | None, ordered_at: datetime | None) -> str:
    """Return the status of a claim with this reason, order status (None: no order) and platform order time."""
    if order_status is None:
        return "unresolved" if reason else "claimed"
    if order_status in _FOLLOWS_ORDER:
        return _FOLLOWS_ORDER[order_status]
    return "ordered" if ordered_at is not None else "claimed"


def status_column() -> sa.ColumnElement[str]:
    """Return claim_status as SQL over chat_claims outer-joined to orders (for filtering and counting)."""
    return sa.case(
        (ChatClaim.order_pk.is_(None), sa.case((ChatClaim.reason.is_not(None), "unresolved"), else_="claimed")),
        (Order.status.in_(PAID_STATUSES), "paid"), (Order.status == "expired", "expired"),
        (Order.status.in_(("cancelled", "rejected")), "cancelled"),
        (ChatClaim.ordered_at.is_not(None), "ordered"), else_="claimed")
