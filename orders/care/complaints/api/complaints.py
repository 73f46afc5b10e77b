"""/api/v1 complaints: register, list (by time to breach), read, move (acknowledge, investigate, resolve, close,
reopen), analyse, triage; escalate a chat message as a complaint."""
from __future__ import annotations

from flask import jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from orders.care.complaints import moves
from orders.care.complaints.codes import CATEGORIES, CHANNELS, SEVERITIES, STATUSES, TEXT_LIMIT
from orders.care.complaints.escalation import escalate_message
from orders.care.complaints.intake import ComplaintRefused, NewComplaint, register_complaint
from orders.care.complaints.lookup import complaint_detail, find_complaint
from orders.care.complaints.queue import QueueFilter, queue_counts, queue_page
from orders.care.complaints.rules import NOTE_LIMIT, PlanError, read_plan
from orders.care.complaints.triage import triage
from orders.care.sla.store import load_sla_settings

from orders.care.complaints.api.blueprint import ACTORS, READERS, actor, bp

MAX_PER_PAGE = 200
ID_LIMIT = 64


def ident(data: dict, key: str, required: bool = False) -> str | None:
    """Return a platform id field as sent (1 to 64 characters, no / or NUL, not . or ..), or None when absent."""
    value = data.get(key)
    if value is None:
        if required:
            raise ApiError(400, "missing_field", f"{key} is required", key)
        return None
    if not isinstance(value, str) or not 0 < len(value) <= ID_LIMIT:
        raise ApiError(400, "invalid_type", f"{key} is a string of 1 to {ID_LIMIT} characters", key)
    if "/" in value or "\x00" in value or value in (".", "..") or not validation.encodable(value):
        raise ApiError(400, "invalid_character", f"{key} must not contain / or NUL, or be . or ..", key)
    return value


def choice(data: dict, key: str, choices: tuple[str, ...], required: bool = False) -> str | None:
    """Return data[key] when it is one of choices (None when absent and not required)."""
    value = data.get(key)
    if value is None:
        if required:
            raise ApiError(400, "missing_field", f"{key} is required", key)
        return None
    if not isinstance(value, str) or value not in choices:
        raise ApiError(400, "invalid_choice", f"{key} must be one of {', '.join(choices)}", key)
    return value


def refused(error: ComplaintRefused) -> ApiError:
    """Return the API error of a refused complaint action."""
    return ApiError(error.status, error.code, error.message, error.field)


def new_complaint(data: dict) -> NewComplaint:
    """Return the complaint a POST body describes (400 naming the first bad field)."""
    channel = choice(data, "channel", CHANNELS, required=True)
    return NewComplaint(
        text=validation.text(data, "text", max_len=TEXT_LIMIT), channel=channel,
        category=choice(data, "category", CATEGORIES, required=True), buyer_id=ident(data, "buyer_id"),
        severity=choice(data, "severity", SEVERITIES), order_id=ident(data, "order_id"), sku=ident(data, "sku"),
        platform_complaint_id=ident(data, "platform_complaint_id") if channel == "platform" else None)


@bp.post("/complaints")
@api.scope("aftersales")
@api.roles(*ACTORS)
def create_complaint():
    """Register a complaint; 201 with it and its SLA due times (200 with the stored one for a repeated platform id)."""
    data = api.json_body()
    # A misspelt "severity" must not register the complaint at the normal, slower deadline.
    validation.refuse_unknown_fields(data, ("channel", "text", "category", "buyer_id", "severity", "order_id", "sku",
                                            "platform_complaint_id"))
    new = new_complaint(data)
    who = actor()

    def work():
        try:
            complaint, created = register_complaint(db.session, new, who, utcnow())
        except ComplaintRefused as error:
            raise refused(error) from None
        body = complaint_detail(db.session, complaint)
        realtime.commit(db.session)
        return body, created

    body, created = run_with_retry(work)
    return jsonify(body), 201 if created else 200


@bp.get("/complaints")
@api.scope("aftersales")
@api.roles(*READERS)
def list_complaints():
    """List complaints: open ones first by time to breach, then the rest newest first; filters by query."""
    args = request.args
    status = validation.query_code(args, "status")
    if status is not None and status not in (*STATUSES, "open"):
        raise ApiError(400, "invalid_query", f"status must be open or one of {', '.join(STATUSES)}", "status")
    where = QueueFilter(status=status, category=_query_choice(args, "category", CATEGORIES),
                        severity=_query_choice(args, "severity", SEVERITIES),
                        broadcast_id=validation.query_int(args, "broadcast_id", None, maximum=validation.MAX_ID),
                        buyer_id=_query_id(args, "buyer_id"), order_id=_query_id(args, "order_id"),
                        breached=args.get("breached") in ("1", "true"))
    page = validation.query_int(args, "page", 1, maximum=100_000)
    per_page = validation.query_int(args, "per_page", 50, maximum=MAX_PER_PAGE)
    complaints, total = queue_page(db.session, where, page, per_page)
    now = utcnow()
    counts = queue_counts(db.session, now)
    # A filter that narrows nothing the counts follow has the same counts: not read twice.
    in_filter = queue_counts(db.session, now, where) if where.counted_scope() else counts
    return jsonify({"complaints": complaints, "total": total, "page": page, "per_page": per_page,
                    "counts": counts, "counts_in_filter": in_filter})


def _query_choice(args, key: str, choices: tuple[str, ...]) -> str | None:
    value = validation.query_code(args, key)
    if value is not None and value not in choices:
        raise ApiError(400, "invalid_query", f"{key} must be one of {', '.join(choices)}", key)
    return value


def _query_id(args, key: str) -> str | None:
    value = args.get(key) or None
    if value is not None and (len(value) > ID_LIMIT or "\x00" in value):
        raise ApiError(400, "invalid_query", f"{key} has at most {ID_LIMIT} characters", key)
    return value


@bp.get("/complaints/<complaint_id>")
@api.scope("aftersales")
@api.roles(*READERS)
def get_complaint(complaint_id: str):
    """One complaint with its timeline and SLA breaches."""
    return jsonify(complaint_detail(db.session, _find(complaint_id)))


def _find(complaint_id: str, for_update: bool = False):
    complaint = find_complaint(db.session, complaint_id, for_update) if len(complaint_id) <= 32 else None
    if complaint is None:
        raise ApiError(404, "not_found", f"no complaint {complaint_id[:40]}", "complaint_id")
    return complaint


def _change(complaint_id: str, change) -> dict:
    """Run change(complaint, now) on the locked complaint in one transaction; return the complaint as read after."""
    def work():
        complaint = _find(complaint_id, for_update=True)
        try:
            change(complaint, utcnow())
        except ComplaintRefused as error:
            raise refused(error) from None
        body = complaint_detail(db.session, complaint)
        realtime.commit(db.session)
        return body

    return run_with_retry(work)


@bp.post("/complaints/<complaint_id>/<any(acknowledge, investigate, close):action>")
@api.scope("aftersales")
@api.roles(*ACTORS)
def move_complaint(complaint_id: str, action: str):
    """Acknowledge a new complaint, start investigating it, or close a resolved one; an optional note."""
    note = validation.text(api.json_body(optional=True), "note", max_len=NOTE_LIMIT, required=False)
    move = {"acknowledge": moves.acknowledge, "investigate": moves.investigate, "close": moves.close}[action]
    who = actor()
    return jsonify(_change(complaint_id, lambda complaint, now: move(db.session, complaint, who, now, note)))


def _plan(data: dict) -> list[dict] | None:
    try:
        return read_plan(data.get("actions")) if "actions" in data else None
    except PlanError as error:
        raise ApiError(400, "invalid_action", error.message, error.field) from None


@bp.post("/complaints/<complaint_id>/resolve")
@api.scope("aftersales")
@api.roles(*ACTORS)
def resolve_complaint(complaint_id: str):
    """Resolve: root cause, resolution, feedback to the buyer (required), plan actions and cause note (optional;
    without actions the plan the analysis saved is carried out, a list replaces it)."""
    data = api.json_body()
    plan = _plan(data)  # None: not sent, the plan the analysis saved is carried out
    outcome = moves.Resolution(
        root_cause=validation.text(data, "root_cause", max_len=32), resolution=validation.text(
            data, "resolution", max_len=TEXT_LIMIT), feedback=validation.text(data, "feedback", max_len=600),
        actions=None if plan is None else tuple(plan),
        cause_note=validation.text(data, "cause_note", max_len=TEXT_LIMIT, required=False))
    who = actor()
    return jsonify(_change(complaint_id, lambda complaint, now: moves.resolve(db.session, complaint, who, now,
                                                                              outcome)))


@bp.post("/complaints/<complaint_id>/reopen")
@api.scope("aftersales")
@api.roles(*ACTORS)
def reopen_complaint(complaint_id: str):
    """Reopen a resolved or closed complaint (with an optional reason): a new resolution target counts from now."""
    reason = validation.text(api.json_body(optional=True), "reason", max_len=NOTE_LIMIT, required=False)
    who = actor()

    def change(complaint, now):
        due = load_sla_settings(db.session).due_at(complaint.severity, "resolution", now)
        moves.reopen(db.session, complaint, who, now, reason, due)

    return jsonify(_change(complaint_id, change))


@bp.post("/complaints/<complaint_id>/analysis")
@api.scope("aftersales")
@api.roles(*ACTORS)
def analyse_complaint(complaint_id: str):
    """Save the cause analysis (root_cause, cause_note) and the planned actions of an open complaint."""
    data = api.json_body()
    root_cause = validation.text(data, "root_cause", max_len=32, required=False)
    cause_note = validation.text(data, "cause_note", max_len=TEXT_LIMIT, required=False)
    plan = _plan(data)
    who = actor()
    return jsonify(_change(complaint_id, lambda complaint, now: moves.save_analysis(
        db.session, complaint, who, now, root_cause, cause_note, plan)))


@bp.post("/complaints/<complaint_id>/triage")
@api.scope("aftersales")
@api.roles(*ACTORS)
def triage_complaint(complaint_id: str):
    """Change an open complaint's severity (its due times follow), category or assignee (null: nobody)."""
    data = api.json_body()
    severity, category = choice(data, "severity", SEVERITIES), choice(data, "category", CATEGORIES)
    assignee = validation.text(data, "assignee", max_len=64, required=False)
    unassign = "assignee" in data and data["assignee"] is None
    who = actor()
    return jsonify(_change(complaint_id, lambda complaint, now: triage(
        db.session, complaint, who, now, load_sla_settings(db.session), severity=severity, category=category,
        assignee=assignee, unassign=unassign)))


@bp.post("/chat/<int:message_id>/escalate")
@api.scope("moderation", "aftersales")
@api.roles("moderator", "aftersales")
def escalate_chat_message(message_id: int):
    """Escalate a chat message as a complaint (channel chat): 201 with it, 200 when it was escalated before."""
    data = api.json_body(optional=True)
    category = choice(data, "category", CATEGORIES) or "other"
    severity, order_id = choice(data, "severity", SEVERITIES), ident(data, "order_id")
    who = actor()

    def work():
        try:
            complaint, created = escalate_message(db.session, message_id, who, utcnow(), category, severity, order_id)
        except ComplaintRefused as error:
            raise refused(error) from None
        body = complaint_detail(db.session, complaint)
        realtime.commit(db.session)
        return body, created

    body, created = run_with_retry(work)
    return jsonify(body), 201 if created else 200
