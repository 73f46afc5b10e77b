"""The neutral tracking form: a list of checkpoints {at, status, description?, location?} read from a JSON body,
as the back office, tokens and the generic provider callback send them. Each bad field is a 400 naming it.
"""
from __future__ import annotations

from datetime import datetime

from app.errors import ApiError
from app.http import validation
from orders.fulfilment.models import DESCRIPTION_LENGTH
from orders.fulfilment.rules import Checkpoint
from orders.fulfilment.tracking import FUTURE_LIMIT, PAST_LIMIT

# The contract's five first; the finer ones a carrier may know are accepted too.
NEUTRAL_STATUSES = ("in_transit", "out_for_delivery", "delivered", "exception", "returned",
                    "info_received", "picked_up", "delivery_failed", "lost")
MAX_CHECKPOINTS = 200


def read_checkpoints(data: dict, now: datetime) -> list[Checkpoint]:
    """Return the checkpoints of a neutral body, or raise a 400 ApiError naming the first bad field."""
    items = data.get("checkpoints")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_CHECKPOINTS:
        raise ApiError(400, "invalid_type", f"checkpoints must be a list of 1 to {MAX_CHECKPOINTS} checkpoints",
                       "checkpoints")
    found = []
    for index, item in enumerate(items):
        path = f"checkpoints[{index}]"
        if not isinstance(item, dict):
            raise ApiError(400, "invalid_type", f"{path} must be an object", path)
        at = validation.timestamp(item, "at", f"{path}.at", window=(now - PAST_LIMIT, now + FUTURE_LIMIT),
                                  nullable=False)
        if at is None:
            raise ApiError(400, "missing_field", f"{path}.at is required", f"{path}.at")
        status = item.get("status")
        if status not in NEUTRAL_STATUSES:
            raise ApiError(400, "invalid_status", f"{path}.status must be one of {', '.join(NEUTRAL_STATUSES)}",
                           f"{path}.status")
        description = validation.text(item, "description", f"{path}.description", max_len=DESCRIPTION_LENGTH,
                                      required=False)
        location = validation.text(item, "location", f"{path}.location", max_len=200, required=False)
        found.append(Checkpoint(at, status, description, location))
    return found
