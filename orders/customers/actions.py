"""Changing a customer record: tags, and the event row every change by a person leaves (customer_events)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import ApiError
from orders.customers.models import Customer, CustomerEvent
from orders.customers.recalculate import ensure_customer

MAX_TAGS = 20
MAX_TAG = 24


def record_event(session: Session, customer: Customer, kind: str, actor: str, at: datetime,
                 data: dict | None = None) -> CustomerEvent:
    """Append what a person did to the customer record (tags changed, contact erased, data exported)."""
    event = CustomerEvent(customer_id=customer.id, kind=kind, actor=actor[:64], data=data, at=at)
    session.add(event)
    return event


def read_tags(data: dict) -> list[str]:
    """Return the tags of a body ({"tags": [...]}): trimmed, repeats dropped; or raise a 400 naming the field."""
    raw = data.get("tags")
    if not isinstance(raw, list) or len(raw) > MAX_TAGS:
        raise ApiError(400, "invalid_type", f"tags must be a list of at most {MAX_TAGS} texts", "tags")
    tags: list[str] = []
    for index, tag in enumerate(raw):
        if not isinstance(tag, str) or not tag.strip() or len(tag.strip()) > MAX_TAG:
            raise ApiError(400, "invalid_tag", f"tags[{index}] must be 1-{MAX_TAG} characters of text",
                           f"tags[{index}]")
        if any(ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff" for ch in tag):
            raise ApiError(400, "invalid_character", f"tags[{index}] must not contain control characters",
                           f"tags[{index}]")
        if tag.strip() not in tags:
            tags.append(tag.strip())
    return tags


def set_tags(session: Session, platform: str, buyer_id: str, tags: list[str], actor: str, now: datetime) -> Customer:
    """Return the customer after replacing their tags (an event row records before and after when they changed)."""
    customer = ensure_customer(session, platform, buyer_id)
    before = list(customer.tags or [])
    if before != tags:
        customer.tags = tags
        record_event(session, customer, "tags_changed", actor, now, {"before": before, "after": tags})
    session.flush()
    return customer
