"""Analytics pages: the list of measured broadcasts, the live dashboard, the post-broadcast report, its CSV tables
and standalone HTML. Every page names its one time zone at the top and lets the reader choose the GPM denominator."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from analytics import push, service  # noqa: F401  push registers the metrics-push job
from analytics.api.metrics import attribution_days
from analytics.report.csv import to_csv
from analytics.report.figures import SOURCE_LABELS
from analytics.report.standalone import standalone_html
from analytics.report.tables import DEFAULT_COMPARE, MAX_COMPARE, TABLES, build_report, table_rows
from analytics.report.zone import parse_zone
from app.errors import ApiError
from app.extensions import db
from app.http import validation
from app.http.pages import page_roles
from live.models import BROADCAST_LABELS, Broadcast

bp = Blueprint("analytics", __name__)
PAGE_ROLES = ("analyst", "host", "admin")
MAX_LISTED = 200
# GPM: GMV per 1,000 views (the platform's figure) or per 1,000 unique viewers; the API answers both.
GPM_BASES = ("views", "viewers")
STRINGS = {"connected": _l("Live"), "connecting": _l("Connecting…"), "disconnected": _l("Disconnected, reconnecting…"),
           "refused": _l("Not allowed: log in again"), "online": _l("Online"), "orders": _l("Orders placed"),
           "clicks": _l("Clicks"), "paidOrders": _l("Paid orders"), "viewers": _l("Viewers"),
           "clickers": _l("Clickers"), "buyers": _l("Buyers"), "orderingBuyers": _l("Ordering buyers"),
           "payingBuyers": _l("Paying buyers"), "gmv": _l("GMV"), "watch": _l("Watch time"),
           "conversion": _l("Conversion rate"), "time": _l("Time"), "pinned": _l("Pinned"),
           "in_stream": _l("In stream"), "product_link": _l("Product link"), "post_stream": _l("After the stream"),
           "hideVariants": _l("Hide variants"), "variants": _l("%(n)s variants", n="{n}"), "variant": _l("Variant")}


@bp.app_context_processor
def analytics_links() -> dict[str, bool]:
    """Give every template can_open_analytics: whether the user's role may open the analytics pages (nav, lists)."""
    return {"can_open_analytics": bool(getattr(current_user, "is_authenticated", False))
            and current_user.role in PAGE_ROLES}


def _broadcast(broadcast_id: int, started: bool = True) -> Broadcast:
    """Return the broadcast, or answer 404; with started, answer 409 for one that has not started (a download
    has nothing to hold; the pages show their empty state instead, see _not_started)."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        abort(404)
    if started and broadcast.started_at is None:
        abort(409, description=str(_l("This broadcast has not started yet, so there is nothing to measure.")))
    return broadcast


def _not_started(broadcast: Broadcast) -> str:
    """Return the analytics page of a broadcast that has not started: its heading and an empty state."""
    return render_template("analytics/not_started.html", broadcast=broadcast, labels=BROADCAST_LABELS)


def _report_args() -> tuple[int, int]:
    try:
        return attribution_days(request.args), validation.query_int(request.args, "compare", DEFAULT_COMPARE,
                                                                     minimum=0, maximum=MAX_COMPARE)
    except ApiError as error:  # a page answers with a page, not the API's JSON
        abort(400, description=error.message)


def _gpm_basis() -> str:
    """Return the GPM denominator the page was asked for (views unless ?gpm=viewers), or answer 400."""
    basis = request.args.get("gpm") or GPM_BASES[0]
    if basis not in GPM_BASES:
        abort(400, description="gpm must be one of views, viewers")
    return basis


@bp.get("/analytics")
@page_roles(*PAGE_ROLES)
def index():
    """The broadcasts that have started (live first, then the newest), each with its dashboard and report, a page
    of MAX_LISTED at a time."""
    try:
        page = validation.query_int(request.args, "page", 1, maximum=100_000)
    except ApiError as error:
        abort(400, description=error.message)
    started = sa.select(Broadcast).where(Broadcast.started_at.is_not(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(started.subquery()))
    order = (sa.case((Broadcast.status == "live", 0), else_=1), Broadcast.started_at.desc(), Broadcast.id.desc())
    broadcasts = db.session.scalars(started.order_by(*order).limit(MAX_LISTED).offset((page - 1) * MAX_LISTED)).all()
    return render_template("analytics/index.html", broadcasts=broadcasts, labels=BROADCAST_LABELS, page=page,
                           pages=max(1, -(-total // MAX_LISTED)), total=total)


@bp.get("/broadcasts/<int:broadcast_id>/analytics")
@page_roles(*PAGE_ROLES)
def dashboard(broadcast_id: int):
    """The live dashboard: headline numbers, funnel, timeline and products, pushed every few seconds."""
    broadcast = _broadcast(broadcast_id, started=False)
    if broadcast.started_at is None:
        return _not_started(broadcast)
    return render_template("analytics/dashboard.html", broadcast=broadcast, labels=BROADCAST_LABELS,
                           data=service.live_view(db.session, broadcast), strings=_strings(broadcast.status == "ended"),
                           gpm=_gpm_basis())


@bp.get("/broadcasts/<int:broadcast_id>/report")
@page_roles(*PAGE_ROLES)
def report(broadcast_id: int):
    """The post-broadcast report with watch time, sources, comparison and CSV downloads."""
    days, compare = _report_args()
    gpm = _gpm_basis()
    broadcast = _broadcast(broadcast_id, started=False)
    if broadcast.started_at is None:
        return _not_started(broadcast)
    data = build_report(db.session, broadcast, days, compare)
    return render_template("analytics/report.html", report=data, tables=TABLES, compare=compare,
                           max_compare=MAX_COMPARE, labels=BROADCAST_LABELS, source_labels=SOURCE_LABELS,
                           strings=_strings(), gpm=gpm)


@bp.get("/broadcasts/<int:broadcast_id>/report/<any(by_product, by_source, timeline, comparison):table>.csv")
@page_roles(*PAGE_ROLES)
def report_csv(broadcast_id: int, table: str):
    """Download one table of the report as CSV (cells that could run as formulas are escaped)."""
    days, compare = _report_args()
    body = to_csv(TABLES[table], table_rows(db.session, _broadcast(broadcast_id), table, days, compare))
    name = f"broadcast-{broadcast_id}-{table}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/broadcasts/<int:broadcast_id>/report.html")
@page_roles(*PAGE_ROLES)
def report_html(broadcast_id: int):
    """Download the report as one HTML file that opens offline (plotly.js inside)."""
    days, compare = _report_args()
    gpm = _gpm_basis()
    try:  # the reader's zone (the report page sends the browser's); the file has no script to move its times
        zone = parse_zone(request.args.get("tz"))
    except ValueError as error:
        abort(400, description=str(error))
    html = standalone_html(build_report(db.session, _broadcast(broadcast_id), days, compare), zone, gpm)
    name = f"broadcast-{broadcast_id}-report.html"
    return Response(html, mimetype="text/html", headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _strings(ended: bool = False) -> dict[str, str]:
    """Return the dashboard's words; an ended broadcast's connection is "Up to date", not "Live" beside "ended"
    (its figures still move when refunds and late payments come in)."""
    words = {key: str(value) for key, value in STRINGS.items()}
    if ended:
        words["connected"] = str(_l("Up to date"))
    return words


@bp.app_template_filter("rate")
def rate_filter(value) -> str:
    """Return a 0-1 rate as a percentage with 2 decimals, or a dash for null."""
    return "—" if value is None else f"{value * 100:.2f}%"


@bp.app_template_filter("money")
def money_filter(value) -> str:
    """Return a money string with the yuan sign and thousands grouped ("¥1,312,397.40"), or a dash for null.

    The first paint of what static/common/dom.js LiveDesk.money then keeps up to date, in the same form.
    """
    if value is None:
        return "—"
    amount = Decimal(str(value))
    return f"{'−' if amount < 0 else ''}¥{abs(amount):,.2f}"


@bp.app_template_filter("amount")
def amount_filter(value) -> str:
    """Return a number with thousands separators (seconds keep their decimal), or a dash for null."""
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
