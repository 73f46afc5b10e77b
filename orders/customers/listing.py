"""The customer list: stored customer rows filtered by segment, tier, platform and a search, newest buyers first."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import ApiError
from app.http import validation
from orders.customers.models import Customer
from orders.customers.rfm import SEGMENTS
from orders.models import Order

MAX_QUERY = 64
SORTS = {"recent": (Customer.last_order_at.desc(), Customer.id.desc()),
         "spend": (Customer.paid_gmv.desc(), Customer.id.desc()),
         "orders": (Customer.order_count.desc(), Customer.id.desc())}
NO_TIER = "none"


@dataclass(frozen=True)
class CustomerFilter:
    """Which customers to list; None means any."""

    segment: str | None = None
    tier: str | None = None
    platform: str | None = None
    q: str | None = None
    sort: str = "recent"


def _text(args, key: str, max_len: int) -> str | None:
    """Return a trimmed query parameter, None when empty, or raise a 400 naming it."""
    raw = (args.get(key) or "").strip()
    if len(raw) > max_len or not validation.encodable(raw) or any(ch < " " for ch in raw):
        raise ApiError(400, "invalid_query", f"{key} must be at most {max_len} characters of text", key)
    return raw or None


def read_filter(args) -> CustomerFilter:
    """Return the list filter of a query string (segment, tier, platform, q, sort), or raise a 400 naming the field."""
    segment = _text(args, "segment", 24)
    if segment is not None and segment not in SEGMENTS:
        raise ApiError(400, "invalid_query", f"segment must be one of {', '.join(SEGMENTS)}", "segment")
    tier = _text(args, "tier", 32)  # a code no customer has (yet) lists nobody
    sort = _text(args, "sort", 16) or "recent"
    if sort not in SORTS:
        raise ApiError(400, "invalid_query", f"sort must be one of {', '.join(SORTS)}", "sort")
    return CustomerFilter(segment, tier, _text(args, "platform", 32), _text(args, "q", MAX_QUERY), sort)


def _conditions(wanted: CustomerFilter) -> list:
    """Return the WHERE conditions of a filter; q matches the start of a buyer id or of a name on their orders."""
    found = []
    if wanted.segment is not None:
        found.append(Customer.segment == wanted.segment)
    if wanted.tier == NO_TIER:
        found.append(Customer.tier.is_(None))
    elif wanted.tier is not None:
        found.append(Customer.tier == wanted.tier)
    if wanted.platform is not None:
        found.append(Customer.platform == wanted.platform)
    if wanted.q is not None:
        named = sa.select(Order.buyer_id).where(Order.buyer_name.startswith(wanted.q, autoescape=True))
        found.append(sa.or_(Customer.buyer_id.startswith(wanted.q, autoescape=True), Customer.buyer_id.in_(named)))
    return found


def customer_page(session: Session, wanted: CustomerFilter, page: int, per_page: int) -> tuple[list[dict], int]:
    """Return one page of customers as JSON-ready dicts (with the name of their newest order) and the total."""
    where = _conditions(wanted)
    total = int(session.scalar(sa.select(sa.func.count(Customer.id)).where(*where)) or 0)
    rows = session.scalars(sa.select(Customer).where(*where).order_by(*SORTS[wanted.sort])
                           .offset((page - 1) * per_page).limit(per_page)).all()
    names = latest_names(session, sorted({row.buyer_id for row in rows}))
    return [customer_row(row, names.get(row.buyer_id)) for row in rows], total


def latest_names(session: Session, buyer_ids: list[str]) -> dict[str, str | None]:
    """Return the buyer name of each buyer's newest order."""
    if not buyer_ids:
        return {}
    newest = (sa.select(sa.func.max(Order.id)).where(Order.buyer_id.in_(buyer_ids)).group_by(Order.buyer_id))
    return dict(session.execute(sa.select(Order.buyer_id, Order.buyer_name).where(Order.id.in_(newest))).all())


def customer_row(row: Customer, name: str | None) -> dict:
    """Return a customer as the list shows it: the stored snapshot."""
    return {"buyer_id": row.buyer_id, "platform": row.platform, "name": name, "tier": row.tier,
            "segment": row.segment, "r": row.r, "f": row.f, "m": row.m, "score": f"{row.r}{row.f}{row.m}",
            "order_count": row.order_count, "paid_orders": row.paid_orders, "paid_gmv": f"{row.paid_gmv:.2f}",
            "refunded": f"{row.refunded:.2f}", "last_order_at": _iso(row.last_order_at), "tags": list(row.tags or []),
            "erased": row.erased_at is not None}


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()
