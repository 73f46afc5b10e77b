"""The PII access log page (/admin/pii-access-log): admins read who saw which buyer's contact, when, from where."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from app.auth.pii.log import log_page, read_log_filter, viewers
from app.errors import ApiError
from app.extensions import db
from app.http import validation
from app.http.pages import page_roles
from app.http.reader_zone import reader_zone_name

bp = Blueprint("pii_pages", __name__)

PER_PAGE = 50
CHANNELS = {"page": _l("Order page"), "api": _l("API"), "csv": _l("CSV export"), "contact": _l("Show contact"),
            "socket": _l("Live page"), "snapshot": _l("Live page"),
            "queue": _l("Audit queue"),
            "export": _l("Customer data export"), "erasure": _l("Contact data erased")}


@bp.get("/admin/pii-access-log")
@page_roles("admin")
def pii_access_log_page():
    """The log, newest first, filtered by user and dates (whole days in the reader's zone), 50 entries a page."""
    try:
        zone_name = reader_zone_name()
        wanted = read_log_filter(request.args, ZoneInfo(zone_name))
        page = validation.query_int(request.args, "page", default=1)
    except ApiError as error:
        abort(400, error.message)
    entries, total = log_page(db.session, wanted, page, PER_PAGE)
    args = {key: request.args[key] for key in ("user_id", "buyer_id", "from", "to") if request.args.get(key)}
    pages = max(1, -(-total // PER_PAGE))
    return render_template("auth/pii_log.html", entries=entries, total=total, page=page, pages=pages, args=args,
                           users=viewers(db.session), selected=wanted, channels=CHANNELS, zone_name=zone_name)
