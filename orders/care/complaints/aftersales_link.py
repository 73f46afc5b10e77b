"""A complaint's "refund via after-sales" action: opens a refund case on the order through the after-sales domain's
public action (orders.aftersales.actions.open_case), so the money moves only where refunds are kept."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.aftersales.actions import open_case
from orders.aftersales.flow import is_ended
from orders.aftersales.models import AftersaleCase
from orders.models import Order

CASE_TYPE = "refund_only"
MONEY_CASES = ("refund_only", "return_refund")  # cases whose end is the buyer's money back
REASON_BY_CATEGORY = {"product_quality": "quality"}  # a late parcel is no damaged one: "other"


def open_refund_case(session: Session, order: Order, complaint, actor: str, now: datetime) -> str:
    """Open a refund case (the amount paid and not yet refunded) for the order of a complaint; return its case id.

    A refund case of the order still under way (opened by the buyer or an agent before) is the complaint's: a second
    one would ask for the same money again. Raises orders.actions.OrderRejected as after-sales does (an unpaid
    order, nothing left to refund).
    """
    running = [case for case in session.scalars(sa.select(AftersaleCase).where(
        AftersaleCase.order_pk == order.id, AftersaleCase.type.in_(MONEY_CASES)).order_by(AftersaleCase.id))
        if not is_ended(case.status, case.appeal_used)]
    if running:
        return running[0].case_id
    case = open_case(session, order, case_type=CASE_TYPE, reason=REASON_BY_CATEGORY.get(complaint.category, "other"),
                     actor=actor, now=now, note=f"complaint {complaint.complaint_id}")
    return case.case_id
