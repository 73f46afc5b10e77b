"""A buyer's erasure (orders/customers/erasure.py) reaches their after-sale cases.

The case note and rejection reason and the reasons and data of each case step lose the erased name, phone and
street address and any phone number typed in them; types, reasons, amounts and statuses stay, so refunds and
the after-sale report add up as before. Listens to ``app.signals.customer_erased``.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.aftersales.models import AftersaleCase, CaseEvent
from orders.customers.free_text import scrub_rows

CASE_TEXTS = ("note", "rejection_reason")
STEP_TEXTS = ("reason", "data")


def erase_case_texts(session: Session, orders: list[tuple[int, str, int]],
                     secrets: frozenset[str] = frozenset(), **_details) -> int:
    """Scrub contact data from the after-sale cases of the erased buyer's orders and their steps; return rows changed."""
    pks = [pk for pk, _order_id, _broadcast in orders]
    if not pks:
        return 0
    cases = sa.select(AftersaleCase.id).where(AftersaleCase.order_pk.in_(pks)).scalar_subquery()
    return (scrub_rows(session, AftersaleCase.__table__, CASE_TEXTS, AftersaleCase.id.in_(cases), secrets)
            + scrub_rows(session, CaseEvent.__table__, STEP_TEXTS, CaseEvent.case_pk.in_(cases), secrets))
