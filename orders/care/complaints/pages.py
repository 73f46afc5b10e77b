"""Complaint pages: the queue (by time to breach), one complaint, the cause report (with CSV) and the SLA policy;
and the complaint panels other pages include (an order's, a buyer's)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.csv import csv_text
from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import validation
from app.http.pages import page_roles
from live.models import broadcast_choices
from orders.care.complaints import labels
from orders.care.complaints.codes import ACTIONS, CATEGORIES, OPEN_STATUSES, ROOT_CAUSES, SEVERITIES, STATUSES
from orders.care.complaints.lookup import complaint_detail, find_complaint
from orders.care.complaints.queries import complaints_of_buyer
from orders.care.complaints.queue import QueueFilter, queue_counts, queue_page
from orders.care.complaints.report import CSV_COLUMNS, build_report
from orders.care.complaints.api.report import local_today, report_range
from orders.care.complaints.triage import assignable_users
from orders.care.sla.policy import WEEKDAYS
from orders.care.sla.store import load_sla_settings

bp = Blueprint("complaints", __name__)

READ_ROLES = ("aftersales", "admin", "auditor", "host")
ACT_ROLES = ("aftersales", "admin")
CASE_READERS = ("aftersales", "admin", "auditor")  # who may open an after-sales case page (orders/aftersales)
PER_PAGE = 50


def _labels() -> dict:
    """Return every label map the complaint templates use."""
    return {"status_labels": labels.STATUS_LABELS, "channel_labels": labels.CHANNEL_LABELS,
            "category_labels": labels.CATEGORY_LABELS, "severity_labels": labels.SEVERITY_LABELS,
            "root_cause_labels": labels.ROOT_CAUSE_LABELS, "action_labels": labels.ACTION_LABELS,
            "target_labels": labels.TARGET_LABELS, "event_labels": labels.EVENT_LABELS,
            "move_labels": labels.MOVE_LABELS, "weekday_labels": labels.WEEKDAY_LABELS,
            "actor_labels": labels.ACTOR_LABELS}


def _choice(key: str, choices: tuple[str, ...]) -> str | None:
    value = request.args.get(key) or None
    if value is not None and value not in choices:
        abort(400, _("Unknown %(field)s", field=key))
    return value


def _filter() -> QueueFilter:
    """Return the queue filter of the query string (status defaults to open; "all" shows every status)."""
    status = request.args.get("status", "open")
    if status not in (*STATUSES, "open", "all"):
        abort(400, _("Unknown %(field)s", field="status"))
    try:
        broadcast_id = validation.query_int(request.args, "broadcast_id", None, maximum=validation.MAX_ID)
    except ApiError as error:
        abort(400, error.message)
    return QueueFilter(status=None if status == "all" else status, category=_choice("category", CATEGORIES),
                       severity=_choice("severity", SEVERITIES), broadcast_id=broadcast_id,
                       breached=request.args.get("breached") == "1")


@bp.get("/complaints")
@page_roles(*READ_ROLES)
def queue():
    """The complaint queue: open complaints by time to breach with a countdown, filters, counts, live notices."""
    where = _filter()
    try:
        page = validation.query_int(request.args, "page", 1, maximum=100_000)
    except ApiError as error:
        abort(400, error.message)
    complaints, total = queue_page(db.session, where, page, PER_PAGE)
    broadcasts = broadcast_choices(db.session)
    return render_template(
        "complaints/queue.html", complaints=complaints, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        counts=queue_counts(db.session, utcnow(), where), where=where, status_choice=request.args.get("status", "open"),
        broadcasts=broadcasts, statuses=STATUSES, categories=CATEGORIES, severities=SEVERITIES,
        can_act=current_user.role in ACT_ROLES, strings=labels.texts(labels.QUEUE_STRINGS),
        pager_args={key: value for key, value in request.args.items() if key != "page"}, **_labels())


@bp.get("/complaints/<complaint_id>")
@page_roles(*READ_ROLES)
def complaint_page(complaint_id: str):
    """One complaint: what was said, SLA targets, timeline, and (for agents) the cause analysis and resolution."""
    complaint = find_complaint(db.session, complaint_id) if len(complaint_id) <= 32 else None
    if complaint is None:
        abort(404)
    detail = complaint_detail(db.session, complaint)
    return render_template(
        "complaints/complaint.html", c=detail, can_act=current_user.role in ACT_ROLES, open_statuses=OPEN_STATUSES,
        root_causes=ROOT_CAUSES, plan_actions=ACTIONS, severities=SEVERITIES, categories=CATEGORIES,
        users=assignable_users(db.session),
        case_links=current_user.role in CASE_READERS,
        planned={a["kind"]: a for a in detail["actions"]}, strings=labels.texts(labels.PAGE_STRINGS),
        countdown_strings=labels.texts(labels.QUEUE_STRINGS), **_labels())


def _report():
    zone = load_sla_settings(db.session).calendar.zone
    try:
        start, end = report_range(request.args, local_today(zone))
        broadcast_id = validation.query_int(request.args, "broadcast_id", None, maximum=validation.MAX_ID)
    except ApiError as error:
        abort(400, error.message)
    return build_report(db.session, start, end, zone, broadcast_id)


@bp.get("/complaints/report")
@page_roles(*READ_ROLES)
def report_page():
    """The cause report (改进): by week, broadcast, product, category and root cause, with actions and lessons."""
    report = _report()
    broadcasts = broadcast_choices(db.session)
    return render_template("complaints/report.html", report=report, broadcasts=broadcasts, plan_actions=ACTIONS,
                           **_labels())


@bp.get("/complaints/report.csv")
@page_roles(*READ_ROLES)
def report_csv():
    """The cause report as CSV (UTF-8 with a byte-order mark for Excel; formula-like cells escaped)."""
    report = _report()
    body = csv_text(CSV_COLUMNS, ([line[column] for column in CSV_COLUMNS] for line in report["lines"]), bom=True)
    filename = f"complaint-causes-{report['from']}-{report['to']}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/complaints/sla")
@page_roles(*READ_ROLES)
def sla_page():
    """The SLA policy: the business calendar and per-severity targets (admins change them here)."""
    settings = load_sla_settings(db.session).to_dict()
    return render_template("complaints/sla.html", settings=settings, weekdays=WEEKDAYS, severities=SEVERITIES,
                           can_edit=current_user.role == "admin", **_labels())


@bp.app_template_global()
def complaint_panel(order_id: str | None = None, buyer_id: str | None = None, listed: bool = True) -> dict:
    """Return what a complaint panel on an order or customer page shows: the complaints, whether the viewer may
    read and register them, and the labels (used by templates/complaints/_*_complaints.html)."""
    role = getattr(current_user, "role", None)
    if role not in READ_ROLES:
        return {"visible": False}
    if not listed:
        complaints = []
    elif order_id is not None:
        complaints, _total = queue_page(db.session, QueueFilter(order_id=order_id), 1, 100)
    else:
        complaints = complaints_of_buyer(db.session, buyer_id, limit=100)
    return {"visible": True, "complaints": complaints, "can_act": role in ACT_ROLES, "categories": CATEGORIES,
            "severities": SEVERITIES, **_labels()}
