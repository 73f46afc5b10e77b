"""/api/v1/complaints/report: the cause report as JSON (the page offers it as CSV too); its date range parsing."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import jsonify, request

from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from orders.care.complaints.api.blueprint import READERS, bp
from orders.care.complaints.report import MAX_DAYS, build_report
from orders.care.sla.store import load_sla_settings

DEFAULT_WEEKS = 8
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def report_range(args, today: date) -> tuple[date, date]:
    """Return (from, to) local dates of the report from the query (default: the last eight weeks); 400 when bad."""
    values = {}
    for key in ("from", "to"):
        raw = args.get(key)
        if raw:
            try:
                if len(raw) != 10:
                    raise ValueError
                values[key] = date.fromisoformat(raw)
                if not EARLIEST <= values[key] <= LATEST:
                    raise ValueError
            except ValueError:
                raise ApiError(400, "invalid_query", f"{key} is a date, YYYY-MM-DD, from 2000 to 2100", key) from None
    end = values.get("to", today)
    start = values.get("from", end - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1))
    if start > end or (end - start).days >= MAX_DAYS:
        raise ApiError(400, "invalid_query", f"from is on or before to, at most {MAX_DAYS} days apart", "from")
    return start, end


def local_today(zone: str) -> date:
    """Return today's date in the zone of the business calendar."""
    return utcnow().astimezone(ZoneInfo(zone)).date()


@bp.get("/complaints/report")
@api.scope("aftersales")
@api.roles(*READERS)
def complaint_report():
    """The cause report: complaints by week, broadcast, product, category and root cause, with actions and lessons."""
    zone = load_sla_settings(db.session).calendar.zone
    start, end = report_range(request.args, local_today(zone))
    broadcast_id = validation.query_int(request.args, "broadcast_id", None, maximum=validation.MAX_ID)
    return jsonify(build_report(db.session, start, end, zone, broadcast_id))
