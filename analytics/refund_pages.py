"""The report's refunds and returns tables as CSV downloads, and the words the analytics templates use for them."""
from __future__ import annotations

from flask import Blueprint, Response

from analytics import service
from analytics.pages import PAGE_ROLES, _broadcast, _report_args
from analytics.report.csv import to_csv
from analytics.report.refunds import REFUND_TABLES, aftersales_tables
from app.extensions import db
from app.http.pages import page_roles
from orders.aftersales.models import REASON_LABELS

bp = Blueprint("analytics_refunds", __name__)


@bp.app_template_global()
def aftersale_reasons() -> dict:
    """Return the words of case reasons by code, for the analytics templates (a global: imported macros see it)."""
    return REASON_LABELS


@bp.get("/broadcasts/<int:broadcast_id>/report/<any(refunds, refund_reasons):table>.csv")
@page_roles(*PAGE_ROLES)
def refunds_csv(broadcast_id: int, table: str):
    """Download refunds and returns per product (refunds) or per case reason (refund_reasons) as CSV."""
    days, _compare = _report_args()
    broadcast = _broadcast(broadcast_id)
    metrics = service.broadcast_metrics(db.session, broadcast, days)
    rows = aftersales_tables(db.session, broadcast, metrics, days)[table]
    name = f"broadcast-{broadcast_id}-{table}.csv"
    return Response(to_csv(REFUND_TABLES[table], rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
