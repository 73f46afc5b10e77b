"""/api/v1/followups: list follow-up (回访) tasks, open one by hand, mark one done with its outcome, cancel one."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, g, jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from app.http.api import install_api
from orders.care.followups.actions import AUTO, FollowUpRefused, cancel, complete, open_by_hand
from orders.care.followups.models import NOTE_LIMIT, OUTCOME_LIMIT
from orders.care.followups.policy import LATEST_DUE
from orders.care.followups.queries import VIEWS, followup, followups_page, view_counts
from orders.lookup.params import read_paging
from orders.models import Order

bp = install_api(Blueprint("followups_api", __name__, url_prefix="/api/v1"))
AGENTS = ("aftersales",)
MAX_BUYER_ID = 64


def actor() -> str:
    """Return the name history records for the caller (a username, or token:<name>)."""
    return getattr(g.principal, "username", None) or g.principal.role


def read_view(args, user_id: int | None) -> str:
    """Return the list view asked for: mine by default for people, open for tokens (they have no tasks)."""
    view = args.get("view") or ("mine" if user_id is not None else "open")
    if view not in VIEWS or (view == "mine" and user_id is None):
        raise ApiError(400, "invalid_query", f"view must be one of {', '.join(VIEWS)} (mine: console users only)", "view")
    return view


def _refused(refused: FollowUpRefused) -> ApiError:
    return ApiError(refused.status, refused.code, refused.message, refused.field)


@bp.get("/followups")
@api.roles(*AGENTS)
@api.scope("aftersales")
def list_followups():
    """List follow-up tasks of a view (mine, open, overdue, done, all), optionally of one buyer, with view counts."""
    user_id = getattr(g.principal, "id", None)
    view = read_view(request.args, user_id)
    buyer_id = request.args.get("buyer_id") or None
    if buyer_id is not None and len(buyer_id) > MAX_BUYER_ID:
        raise ApiError(400, "invalid_query", f"buyer_id must be at most {MAX_BUYER_ID} characters", "buyer_id")
    page, per_page = read_paging(request.args)
    tasks, total = followups_page(db.session, view, user_id, page, per_page, buyer_id=buyer_id)
    return jsonify({"followups": tasks, "total": total, "page": page, "per_page": per_page, "view": view,
                    "counts": view_counts(db.session, user_id)})


def read_new_task(data: dict) -> dict:
    """Return the checked fields of a new manual task (order, buyer, note, due, assignee) or raise ApiError 400/404."""
    validation.refuse_unknown_fields(data, ("order_id", "buyer_id", "note", "due_at", "assignee_id"))
    order_id = validation.text(data, "order_id", max_len=64, required=False)
    buyer_id = validation.text(data, "buyer_id", max_len=MAX_BUYER_ID, required=order_id is None)
    order = None
    if order_id is not None:
        order = db.session.scalar(sa.select(Order).where(Order.order_id == order_id))
        if order is None:
            raise ApiError(404, "not_found", f"no order {order_id}", "order_id")
        if not order.buyer_id or (buyer_id is not None and buyer_id != order.buyer_id):
            raise ApiError(400, "buyer_mismatch", "the order belongs to another buyer (or names none)", "buyer_id")
        buyer_id = order.buyer_id
    now = utcnow()
    due = validation.timestamp(data, "due_at", window=(now - timedelta(days=1), now + LATEST_DUE))
    assignee = "auto"
    if "assignee_id" in data:
        assignee = None if data["assignee_id"] is None else validation.whole_number(
            data, "assignee_id", minimum=1, maximum=validation.MAX_ID)
    return {"order": order, "buyer_id": buyer_id, "due": due, "assignee": assignee,
            "note": validation.text(data, "note", max_len=NOTE_LIMIT, required=False)}


@bp.post("/followups")
@api.roles(*AGENTS)
@api.scope("aftersales")
def post_followup():
    """Open a follow-up by hand: {"buyer_id" | "order_id", "note"?, "due_at"?, "assignee_id"? (null: nobody;
    absent: the next agent in the rotation)}; 404 naming buyer_id for a buyer LiveDesk knows nothing of."""
    fields = read_new_task(api.json_body())
    name = actor()

    def work():
        assignee = AUTO if fields["assignee"] == "auto" else fields["assignee"]
        try:
            task = open_by_hand(db.session, fields["buyer_id"], utcnow(), order=fields["order"],
                                due=fields["due"], assignee_id=assignee, note=fields["note"], actor=name)
        except FollowUpRefused as refused:
            db.session.rollback()
            raise _refused(refused) from None
        realtime.commit(db.session)
        return followup(db.session, task.id)

    return jsonify(run_with_retry(work)), 201


def _close(task_id: int, closing) -> dict:
    """Run a closing action on a task and commit; return the task as JSON data."""
    def work():
        try:
            task = closing(db.session, task_id, utcnow())
        except FollowUpRefused as refused:
            db.session.rollback()
            raise _refused(refused) from None
        realtime.commit(db.session)
        return followup(db.session, task.id)

    return run_with_retry(work)


@bp.post("/followups/<int:task_id>/done")
@api.roles(*AGENTS)
@api.scope("aftersales")
def post_followup_done(task_id: int):
    """Mark an open follow-up done with its outcome {"outcome"}; 409 when it is not open."""
    outcome = validation.text(api.json_body(), "outcome", max_len=OUTCOME_LIMIT)
    name = actor()
    return jsonify(_close(task_id, lambda session, tid, now: complete(session, tid, outcome, name, now)))


@bp.post("/followups/<int:task_id>/cancel")
@api.roles(*AGENTS)
@api.scope("aftersales")
def post_followup_cancel(task_id: int):
    """Cancel an open follow-up, with an optional {"reason"}; 409 when it is not open."""
    reason = validation.text(api.json_body(optional=True), "reason", max_len=OUTCOME_LIMIT, required=False)
    name = actor()
    return jsonify(_close(task_id, lambda session, tid, now: cancel(session, tid, reason, name, now)))
