"""Managing promotions: list, create, update (counters included), deactivate, and their JSON form."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import quantize_money, utcnow
from app.errors import ApiError
from orders.promotions.models import Promotion
from orders.promotions.service import normalize_code
from orders.promotions.validate import COLUMN_OF, COMMON_FIELDS, KIND_FIELDS, PromotionInvalid, validate

# Fields of the JSON form that a PUT may echo back unchanged.
READ_ONLY = ("id", "created_at", "updated_at")
MAX_LISTED = 500


def list_promotions(session: Session, broadcast_id: int | None = None) -> list[Promotion]:
    """Return promotions newest first (at most MAX_LISTED): all, or those applying to one broadcast."""
    query = sa.select(Promotion).order_by(Promotion.id.desc()).limit(MAX_LISTED)
    if broadcast_id is not None:
        query = query.where(sa.or_(Promotion.broadcast_id.is_(None), Promotion.broadcast_id == broadcast_id))
    return list(session.scalars(query))


def find_promotion(session: Session, code: str) -> Promotion:
    """Return the promotion with this code (any case), or raise a 404 ApiError."""
    promotion = session.scalar(sa.select(Promotion).where(Promotion.code == normalize_code(code)))
    if promotion is None:
        raise ApiError(404, "not_found", f"no promotion {code!r}", "code")
    return promotion


def create_promotion(session: Session, data: dict) -> Promotion:
    """Return a new promotion from a request body; raises 400 naming the first bad field, 409 on a taken code."""
    values = validate(session, data)
    if session.scalar(sa.select(Promotion.id).where(Promotion.code == values["code"])) is not None:
        raise _code_taken(values["code"])
    now = utcnow()
    promotion = Promotion(**values, created_at=now, updated_at=now)
    savepoint = session.begin_nested()
    try:
        session.add(promotion)
        session.flush()
    except IntegrityError:
        # Another request created the same code between our check and this insert.
        savepoint.rollback()
        raise _code_taken(values["code"]) from None
    savepoint.commit()
    return promotion


def update_promotion(session: Session, code: str, data: dict) -> Promotion:
    """Return the promotion after applying the fields present in data (null clears an optional one).

    The whole promotion is validated again. Only the columns named in data are written, so a PUT that
    changes the priority never writes back a stale `remaining` over concurrent orders' decrements.
    """
    promotion = find_promotion(session, code)
    current = promotion_to_dict(promotion)
    body = {key: value for key, value in data.items() if key not in READ_ONLY}
    immutable = [ApiError(400, "immutable_field", f"{key} cannot be changed; create a new promotion", key)
                 for key in ("code", "kind")
                 if key in body and (not isinstance(body[key], str) or body[key].strip().upper() != current[key].upper())]
    if immutable:
        raise PromotionInvalid(immutable)
    merged = {key: current[key] for key in COMMON_FIELDS + KIND_FIELDS[promotion.kind]} | body
    # SKUs are looked up only when sent: a PUT of the priority is not refused for a SKU stored before they were.
    values = validate(session, merged, check_skus=not body.keys().isdisjoint({"skus", "prices"}))
    changes = {COLUMN_OF.get(key, key): values[COLUMN_OF.get(key, key)] for key in body if key not in ("code", "kind")}
    session.execute(sa.update(Promotion).where(Promotion.id == promotion.id)
                    .values(**changes, updated_at=utcnow()).execution_options(synchronize_session=False))
    session.refresh(promotion)
    return promotion


def deactivate_promotion(session: Session, code: str) -> Promotion:
    """Return the promotion after switching it off; uses already taken stay until released."""
    promotion = find_promotion(session, code)
    if promotion.active:
        promotion.active = False
        promotion.updated_at = utcnow()
        session.flush()
    return promotion


def promotion_to_dict(promotion: Promotion) -> dict:
    """Return a promotion as JSON: money as strings with 2 decimals, times ISO-8601 UTC, only its kind's fields."""
    body = {
        "id": promotion.id, "code": promotion.code, "kind": promotion.kind, "broadcast_id": promotion.broadcast_id,
        "stacking": promotion.stacking, "priority": promotion.priority,
        "starts_at": _time(promotion.starts_at), "ends_at": _time(promotion.ends_at), "active": promotion.active,
    }
    for field in KIND_FIELDS[promotion.kind]:
        value = getattr(promotion, COLUMN_OF.get(field, field))
        body[field] = _money(value) if isinstance(value, Decimal) else value
    return body | {"created_at": _time(promotion.created_at), "updated_at": _time(promotion.updated_at)}


def _money(value: Decimal) -> str:
    return f"{quantize_money(value):.2f}"


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _code_taken(code: str) -> ApiError:
    return ApiError(409, "code_exists", f"promotion code {code!r} exists already", "code")
