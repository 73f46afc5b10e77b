"""What surveys and follow-ups put on an order's history: one OrderHistory row per step, its action a step code,
its data the details, its reason only a person's own words (a follow-up's outcome); the order's status unchanged.

The order page shows the code by its label below, in the reader's language, as it does the complaint steps
(orders/care/complaints/order_history.py) and the after-sales steps: the labels reach it with the complaint
labels (orders/care/complaints/labels.py ORDER_HISTORY_LABELS). Rows written before these codes existed are
``note`` rows whose English sentence is their reason, and read as they were.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from orders.models import Order, OrderHistory

LABELS = {"survey_invited": _l("satisfaction survey sent"),
          "survey_withdrawn": _l("satisfaction survey withdrawn: the parcel went back"),
          "survey_answered": _l("satisfaction survey answered"),
          "followup_opened": _l("follow-up opened"), "followup_done": _l("follow-up done"),
          "followup_cancelled": _l("follow-up cancelled"),
          "followup_withdrawn": _l("follow-up cancelled: the parcel went back")}
KINDS = tuple(LABELS)


def _checked(kind: str, data: dict | None) -> dict:
    """Return the row's data, naming the step as data.event did before the step had its own action."""
    if kind not in LABELS:
        raise ValueError(f"unknown customer care history kind {kind}")
    return {"event": kind, **(data or {})}


def care_step(session: Session, order: Order, kind: str, actor: str, reason: str | None = None,
              data: dict | None = None) -> OrderHistory:
    """Append the history row of a survey or follow-up step on order (its status stays as it is) and return it."""
    row = OrderHistory(order_pk=order.id, action=kind, from_status=order.status, to_status=order.status,
                       actor=actor[:64], reason=reason, data=_checked(kind, data))
    session.add(row)
    return row


def care_step_row(order_pk: int, status: str, kind: str, actor: str, at: datetime, data: dict | None = None) -> dict:
    """Return the history row of a step as a dict, for a bulk insert (an NPS campaign invites many orders at once)."""
    return {"order_pk": order_pk, "action": kind, "from_status": status, "to_status": status, "actor": actor[:64],
            "reason": None, "data": _checked(kind, data), "at": at}

