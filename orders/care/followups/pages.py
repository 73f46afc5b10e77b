"""The follow-up page (/followups): my tasks, open, overdue, done, all; mark one done with its outcome, cancel
one, or open one by hand. Plain forms (no script needed); each change goes through orders/care/followups/actions."""
from __future__ import annotations

import math
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from app import realtime
from app.auth.models import User
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import validation
from app.http.pages import page_roles
from app.http.reader_zone import reader_zone_name
from orders.care.followups.actions import (ASSIGNABLE_ROLES, AUTO, RETURNED, FollowUpRefused, cancel, complete,
                                          open_by_hand)
from orders.care.followups.models import NOTE_LIMIT, OUTCOME_LIMIT
from orders.care.followups.policy import LATEST_DUE
from orders.care.followups.queries import VIEWS, followups_page, view_counts
from orders.models import Order

bp = Blueprint("followups", __name__)
PAGE_ROLES = ("aftersales", "admin")
PER_PAGE = 50
VIEW_LABELS = {"mine": _l("My tasks"), "open": lazy_pgettext("state", "Open"), "overdue": _l("Overdue"),
               "done": _l("Closed"), "all": _l("All")}
SOURCE_LABELS = {"delivery": _l("Delivery"), "complaint": _l("Complaint"), "case": _l("After-sales case"),
                 "survey": _l("Low rating"), "manual": _l("By hand")}
STATUS_LABELS = {"open": _l("open"), "done": _l("done"), "cancelled": _l("cancelled")}
# Outcomes LiveDesk writes itself (stored in English, like a person's words): shown in the reader's language.
SYSTEM_OUTCOMES = {RETURNED: _l("The parcel went back to the sender after its delivery.")}
PROBLEMS = {"not_found": _l("that task or order does not exist"), "invalid_state": _l("the task was closed already"),
            "invalid_assignee": _l("choose an active after-sales agent or admin"),
            "missing_field": _l("fill in the buyer or the order"), "too_long": _l("the text is too long"),
            "buyer_mismatch": _l("the order belongs to another buyer"), "invalid_query": _l("check the due date")}
# What the "new follow-up" form says under the field at fault, when it differs from PROBLEMS.
FIELD_PROBLEMS = {("not_found", "order_id"): _l("no order has this number"),
                  ("not_found", "buyer_id"): _l("LiveDesk knows no buyer with this id (no order, complaint or survey)")}
NEW_TASK_FIELDS = ("order_id", "buyer_id", "due", "assignee", "note")


@bp.app_context_processor
def followup_links() -> dict[str, bool]:
    """Give every template whether the user's role may open the follow-up page (the nav shows the link)."""
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return {"can_open_followups": signed_in and current_user.role in PAGE_ROLES}


def _back(view: str | None = None):
    """Redirect to the list view the form came from."""
    view = view if view in VIEWS else None
    return redirect(url_for("followups.followups_list", view=view))


def _problem(code: str, fallback: str):
    flash(_l("Not saved: %(problem)s", problem=PROBLEMS.get(code, fallback)), "error")


def _list_page(view: str, page: int, form: dict | None = None, errors: dict | None = None):
    """Render the list; form and errors: what the "new follow-up" form sent and why it was refused (by field)."""
    tasks, total = followups_page(db.session, view, current_user.id, page, PER_PAGE)
    agents = db.session.execute(sa.select(User.id, User.username).where(
        User.role.in_(ASSIGNABLE_ROLES), User.disabled_at.is_(None)).order_by(User.username)).all()
    return render_template("followups/list.html", tasks=tasks, total=total, view=view, page=page,
                           pages=max(1, math.ceil(total / PER_PAGE)), counts=view_counts(db.session, current_user.id),
                           views=VIEW_LABELS, sources=SOURCE_LABELS, statuses=STATUS_LABELS, agents=agents,
                           system_outcomes=SYSTEM_OUTCOMES, outcome_limit=OUTCOME_LIMIT, note_limit=NOTE_LIMIT, now=utcnow(),
                           form=form or {}, errors=errors or {})


def _default_view() -> str:
    return "mine" if current_user.role == "aftersales" else "open"


@bp.get("/followups")
@page_roles(*PAGE_ROLES)
def followups_list():
    """The tasks of one view (my open tasks first for agents; all open ones for admins), soonest due first."""
    view = request.args.get("view") or _default_view()
    if view not in VIEWS:
        abort(400)
    try:
        page = validation.query_int(request.args, "page", 1, maximum=100_000)
    except ApiError as error:
        abort(400, error.message)
    return _list_page(view, page)


def _close(task_id: int, closing) -> None:
    """Run a closing action and commit, flashing what happened."""
    def work():
        closing(db.session, task_id, utcnow())
        realtime.commit(db.session)

    try:
        run_with_retry(work)
    except FollowUpRefused as refused:
        db.session.rollback()
        _problem(refused.code, refused.message)
        return
    flash(_l("Follow-up #%(id)s saved.", id=task_id), "success")


@bp.post("/followups/<int:task_id>/done")
@page_roles(*PAGE_ROLES)
def mark_done(task_id: int):
    """Mark a task done with the outcome typed in its form."""
    try:
        outcome = validation.text(request.form, "outcome", max_len=OUTCOME_LIMIT)
    except ApiError as error:
        _problem(error.code, error.message)
        return _back(request.form.get("view"))
    name = current_user.username
    _close(task_id, lambda session, tid, now: complete(session, tid, outcome, name, now))
    return _back(request.form.get("view"))


@bp.post("/followups/<int:task_id>/cancel")
@page_roles(*PAGE_ROLES)
def mark_cancelled(task_id: int):
    """Cancel a task (the reason is optional)."""
    try:
        reason = validation.text(request.form, "reason", max_len=OUTCOME_LIMIT, required=False)
    except ApiError as error:
        _problem(error.code, error.message)
        return _back(request.form.get("view"))
    name = current_user.username
    _close(task_id, lambda session, tid, now: cancel(session, tid, reason, name, now))
    return _back(request.form.get("view"))


def _form_task(form) -> dict:
    """Return the checked fields of the page's "new follow-up" form, or raise ApiError."""
    order_id = validation.text(form, "order_id", max_len=64, required=False)
    buyer_id = validation.text(form, "buyer_id", max_len=64, required=order_id is None)
    order = db.session.scalar(sa.select(Order).where(Order.order_id == order_id)) if order_id else None
    if order_id and order is None:
        raise ApiError(404, "not_found", f"no order {order_id}", "order_id")
    if order is not None:
        if not order.buyer_id or (buyer_id and buyer_id != order.buyer_id):
            raise ApiError(400, "buyer_mismatch", "the order belongs to another buyer", "buyer_id")
        buyer_id = order.buyer_id
    due = None
    if form.get("due"):
        try:
            day = datetime.strptime(form["due"], "%Y-%m-%d").date()
        except ValueError:
            raise ApiError(400, "invalid_query", "due must be a date", "due") from None
        # The end of that day where the agent is (the zone the page shows times in), not in UTC.
        due = datetime.combine(day, time(hour=23, minute=59), tzinfo=ZoneInfo(reader_zone_name()))
        due = due.astimezone(timezone.utc)
        if not utcnow() - timedelta(days=1) <= due <= utcnow() + LATEST_DUE:
            raise ApiError(400, "invalid_query", "due must be within a year from today", "due")
    assignee = form.get("assignee") or "auto"
    if assignee not in ("auto", "none") and not (assignee.isdigit() and len(assignee) <= 18):
        raise ApiError(400, "invalid_assignee", "assignee", "assignee")
    return {"order": order, "buyer_id": buyer_id, "due": due,
            "assignee": AUTO if assignee == "auto" else None if assignee == "none" else int(assignee),
            "note": validation.text(form, "note", max_len=NOTE_LIMIT, required=False)}


@bp.post("/followups")
@page_roles(*PAGE_ROLES)
def create_followup():
    """Open a follow-up by hand from the page's form; refused, the page comes back with the form open, what was
    typed kept and the problem under its field."""
    try:
        fields = _form_task(request.form)
    except ApiError as error:
        return _refused_form(error.status, error.code, error.message, error.field)
    name = current_user.username

    def work():
        task = open_by_hand(db.session, fields["buyer_id"], utcnow(), order=fields["order"], due=fields["due"],
                            assignee_id=fields["assignee"], note=fields["note"], actor=name)
        realtime.commit(db.session)
        return task.id

    try:
        task_id = run_with_retry(work)
    except FollowUpRefused as refused:
        db.session.rollback()
        return _refused_form(refused.status, refused.code, refused.message, refused.field)
    flash(_l("Follow-up #%(id)s opened.", id=task_id), "success")
    return _back("open")


def _refused_form(status: int, code: str, message: str, field: str | None):
    """Render the list with the new follow-up form refused: its problem flashed and under the field at fault."""
    problem = FIELD_PROBLEMS.get((code, field)) or PROBLEMS.get(code, message)
    flash(_l("Not saved: %(problem)s", problem=problem), "error")
    typed = {name: request.form.get(name, "") for name in NEW_TASK_FIELDS}
    errors = {field: problem} if field in NEW_TASK_FIELDS else {}
    return _list_page(_default_view(), 1, form=typed, errors=errors), status
