"""OpenAPI fragment of complaints (orders/care/complaints/api/: complaints.py, report.py, sla.py)."""
from __future__ import annotations

from app.http.validation import MAX_ID
from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, NO_NUL, array, filled, integer, nullable, obj, ref, string
from orders.care.complaints.codes import (ACTIONS, CATEGORIES, CHANNELS, ROOT_CAUSES, SEVERITIES, STATUSES,
                                          TARGETS, TEXT_LIMIT)
from orders.care.complaints.report import CSV_COLUMNS
from orders.care.complaints.rules import MOVES, NOTE_LIMIT
from orders.care.sla.policy import MAX_TARGET_MINUTES, WEEKDAYS

TAG = "complaints"
_ID = string(minLength=1, maxLength=64, pattern=r"^(?!\.\.?$)[^/\x00]+$")
_NOTE = string(maxLength=NOTE_LIMIT, pattern=NO_NUL)
_ROLES_READ = "aftersales, auditor, host; tokens with scope aftersales"
_ROLES_ACT = "aftersales; tokens with scope aftersales"


def parameters() -> dict:
    """Return the complaints' path and query parameters."""
    return {
        "ComplaintId": parameter("complaint_id", "path", string(minLength=1, maxLength=32),
                                 "The complaint's id (CP-…)."),
        "ComplaintStatusFilter": parameter("status", "query", string(enum=[*STATUSES, "open"]),
                                           "Only this status; open: new, acknowledged or investigating."),
        "ComplaintCategoryFilter": parameter("category", "query", string(enum=list(CATEGORIES)), "Only this category."),
        "ComplaintSeverityFilter": parameter("severity", "query", string(enum=list(SEVERITIES)), "Only this severity."),
        "ComplaintBroadcastFilter": parameter("broadcast_id", "query", integer(minimum=1, maximum=MAX_ID),
                                              "Only complaints about this broadcast."),
        "ComplaintBuyerFilter": parameter("buyer_id", "query", string(maxLength=64, pattern=NO_NUL),
                                          "Only this buyer's complaints."),
        "ComplaintOrderFilter": parameter("order_id", "query", string(maxLength=64, pattern=NO_NUL),
                                          "Only complaints about this order."),
        "ComplaintBreachedFilter": parameter("breached", "query", string(enum=["1", "true", "0", "false"]),
                                             "1 or true: only complaints that missed a target."),
        "ComplaintPage": parameter("page", "query", integer(minimum=1, maximum=100_000, default=1), "Page, from 1."),
        "ComplaintPerPage": parameter("per_page", "query", integer(minimum=1, maximum=200, default=50),
                                      "Complaints per page."),
        "ComplaintReportFrom": parameter("from", "query", string(format="date"),
                                         "First day (a date in the SLA calendar's zone); default: 8 weeks before to."),
        "ComplaintReportTo": parameter("to", "query", string(format="date"), "Last day, included; default: today."),
        "ChatMessageIdToEscalate": parameter("message_id", "path", integer(minimum=1, maximum=MAX_ID),
                                             "The moderated chat message's id."),
    }


def paths() -> dict:
    """Return the complaint operations."""
    one = "/api/v1/complaints/{complaint_id}"
    detail = ("200", "The complaint with its timeline, breaches and allowed actions.", ref("ComplaintDetail"))
    return {
        "/api/v1/complaints": {
            "post": operation("createComplaint", "Register a complaint", TAG,
                              ("201", "The new complaint with its SLA due times (200: a platform complaint id "
                                      "registered before, as stored).", ref("ComplaintDetail")),
                              errors="400 401 403 404", roles=_ROLES_ACT,
                              body=request("ComplaintInput", {"buyer_id": "buyer-7", "order_id": "DY-1001",
                                                              "category": "logistics", "channel": "back_office",
                                                              "text": "快递三天没动了"}),
                              description="buyer_id may be left out when the order names the buyer; an unknown "
                                          "order answers 404 unknown_order. Without a severity: urgent when the "
                                          "text names a regulator, lawyer or the press; high for platform or "
                                          "quality complaints; normal otherwise."),
            "get": operation("listComplaints", "List complaints by time to breach", TAG,
                             ("200", "One page: open complaints first, soonest due first; then the rest, newest "
                                     "first; with the queue's counts.", ref("ComplaintPage")),
                             errors="400 401 403", roles=_ROLES_READ,
                             params=("ComplaintStatusFilter", "ComplaintCategoryFilter", "ComplaintSeverityFilter",
                                     "ComplaintBroadcastFilter", "ComplaintBuyerFilter", "ComplaintOrderFilter",
                                     "ComplaintBreachedFilter", "ComplaintPage", "ComplaintPerPage"))},
        one: {"get": operation("getComplaint", "Read one complaint", TAG, detail, errors="401 403 404",
                               roles=_ROLES_READ, params=("ComplaintId",))},
        **{f"{one}/{action}": {"post": operation(
            f"{action}Complaint", f"{action.capitalize()} a complaint", TAG, detail, errors="400 401 403 404 409",
            roles=_ROLES_ACT, params=("ComplaintId",),
            body=request("ComplaintNoteInput", {"note": "called the buyer back"}, required=False),
            description=f"Allowed from: {', '.join(MOVES[action][0])} (409 invalid_status otherwise).")}
           for action in ("acknowledge", "investigate", "close")},
        f"{one}/resolve": {"post": operation(
            "resolveComplaint", "Resolve a complaint", TAG, detail, errors="400 401 403 404 409", roles=_ROLES_ACT,
            params=("ComplaintId",), body=request("ComplaintResolveInput", {
                "root_cause": "carrier", "resolution": "Reshipped by SF", "feedback": "非常抱歉，已为您补发。",
                "actions": ["reship", {"kind": "process_change", "note": "switch carrier for Xinjiang"}]}),
            description="From new, acknowledged or investigating. The feedback goes to the buyer as a "
                        "complaint_feedback notice when an order is linked; refund_via_aftersales opens a refund case "
                        "on the order (400 no_order without one). An action listed twice is refused (400). Without "
                        "actions the plan the analysis saved is carried out; a list (even empty) replaces it.")},
        f"{one}/reopen": {"post": operation(
            "reopenComplaint", "Reopen a resolved or closed complaint", TAG, detail, errors="400 401 403 404 409",
            roles=_ROLES_ACT, params=("ComplaintId",),
            body=request("ComplaintReopenInput", {"reason": "the parcel never came"}, required=False),
            description="Back to investigating; a new resolution target counts from now in business hours.")},
        f"{one}/analysis": {"post": operation(
            "analyseComplaint", "Save a complaint's cause analysis and plan", TAG, detail,
            errors="400 401 403 404 409", roles=_ROLES_ACT, params=("ComplaintId",),
            body=request("ComplaintAnalysisInput", {"root_cause": "carrier", "cause_note": "stuck at hub",
                                                    "actions": ["reship"]}),
            description="Open complaints only; a new or acknowledged one moves to investigating.")},
        f"{one}/triage": {"post": operation(
            "triageComplaint", "Change a complaint's severity, category or assignee", TAG, detail,
            errors="400 401 403 404 409", roles=_ROLES_ACT, params=("ComplaintId",),
            body=request("ComplaintTriageInput", {"severity": "urgent", "assignee": "aftersales"}),
            description="Open complaints only; a new severity moves the due times of targets not yet met. The "
                        "assignee is an active after-sales agent or admin (400 unknown_user), null for nobody.")},
        "/api/v1/complaints/report": {"get": operation(
            "getComplaintReport", "The cause report of complaints", TAG,
            ("200", "Complaints by week, broadcast, product, category and root cause.", ref("ComplaintReport")),
            errors="400 401 403", roles=_ROLES_READ,
            params=("ComplaintReportFrom", "ComplaintReportTo", "ComplaintBroadcastFilter"),
            description="Refused (400) though the schema allows it: from after to, more than 366 days, or dates "
                        "outside 2000-2100. CSV on the page: /complaints/report.csv.")},
        "/api/v1/complaints/sla-policy": {
            "get": operation("getComplaintSlaPolicy", "The SLA calendar and targets", TAG,
                             ("200", "The settings in force (the defaults when none were saved).", ref("SlaPolicy")),
                             errors="401 403", roles=_ROLES_READ),
            "put": operation("putComplaintSlaPolicy", "Change the SLA calendar and targets", TAG,
                             ("200", "The settings as saved.", ref("SlaPolicy")), errors="400 401 403",
                             roles="admin only; no token", body=request("SlaPolicyInput", {
                                 "calendar": {"holidays": ["2026-10-01", "2026-10-02"],
                                              "makeup_workdays": ["2026-10-10"]}}),
                             description="What is sent replaces the saved parts. Refused (400 invalid_policy, naming "
                                         "the field) though the schema allows it: overlapping intervals, no "
                                         "working hours at all, a date both holiday and make-up day, an unknown "
                                         "zone, a first response due after resolution.")},
        "/api/v1/chat/{message_id}/escalate": {"post": operation(
            "escalateChatMessage", "Escalate a chat message as a complaint", TAG,
            ("201", "The complaint (200: the message was escalated before).", ref("ComplaintDetail")),
            errors="400 401 403 404", roles="moderator, aftersales; tokens with scope moderation or aftersales",
            params=("ChatMessageIdToEscalate",),
            body=request("ComplaintEscalateInput", {"category": "service_attitude"}, required=False),
            description="Channel chat: the viewer is the complainant and the message the text.")},
    }


def schemas() -> dict:
    """Return the complaint bodies."""
    action = obj({"kind": string(enum=list(ACTIONS)), "note": nullable(string(maxLength=NOTE_LIMIT)),
                  "ref": nullable(string("The after-sales case a refund opened.")),
                  "taken_at": nullable(string("When a resolution carried it out (null while only planned); "
                                              "taken actions stay through reopenings.", format="date-time"))},
                 required=("kind",))
    planned = obj({"kind": string(enum=list(ACTIONS)), "note": nullable(_NOTE)}, required=("kind",))
    plan_input = array({"anyOf": [string(enum=list(ACTIONS)), planned]},
                       "Each action once.", maxItems=len(ACTIONS))
    moment = nullable(DATETIME)
    complaint = obj({
        "complaint_id": string(), "status": string(enum=list(STATUSES)), "buyer_id": string(),
        "order_id": nullable(string()), "order_linked": {"type": "boolean"}, "broadcast_id": nullable(integer()),
        "sku": nullable(string()), "channel": string(enum=list(CHANNELS)), "category": string(enum=list(CATEGORIES)),
        "severity": string(enum=list(SEVERITIES)), "text": string(), "received_at": DATETIME,
        "created_at": DATETIME, "created_by": string(), "assignee": nullable(string()),
        "first_response_due_at": DATETIME, "resolution_due_at": DATETIME,
        "next_due": nullable(obj({"target": string(enum=list(TARGETS)), "due_at": DATETIME},
                                 required=("target", "due_at"))),
        **{key: moment for key in ("acknowledged_at", "investigating_at", "resolved_at", "closed_at", "reopened_at",
                                   "first_response_breached_at", "resolution_breached_at", "escalated_at")},
        "reopen_count": integer(minimum=0), "escalated": {"type": "boolean"},
        "root_cause": nullable(string(enum=list(ROOT_CAUSES))), "cause_note": nullable(string()),
        "actions": array(action), "resolution": nullable(string()), "feedback": nullable(string()),
        "platform_complaint_id": nullable(string()), "platform_category": nullable(string()),
        "chat_message_id": nullable(integer()),
    }, required=("complaint_id", "status", "buyer_id", "channel", "category", "severity", "text", "received_at",
                 "first_response_due_at", "resolution_due_at", "next_due", "escalated", "actions"))
    step = obj({"kind": string(), "actor": string(), "from_status": nullable(string()),
                "to_status": nullable(string()), "note": nullable(string()), "data": nullable({"type": "object"}),
                "at": DATETIME}, required=("kind", "actor", "at"))
    breach = obj({"target": string(enum=list(TARGETS)), "round": integer(), "due_at": DATETIME,
                  "recorded_at": DATETIME, "recorded_by": string()}, required=("target", "round", "due_at"))
    counts = obj({key: integer() for key in ("open", "breached", "due_soon", "escalated")})
    targets = obj({"first_response_minutes": integer(minimum=1, maximum=MAX_TARGET_MINUTES),
                   "resolution_minutes": integer(minimum=1, maximum=MAX_TARGET_MINUTES)})
    interval = string(pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$", examples=["09:00-18:00"])
    dates = array(string(format="date"), maxItems=400)
    calendar = obj({"zone": string(minLength=1, maxLength=64, examples=["Asia/Shanghai"]),
                    "hours": obj({day: array(interval, maxItems=6) for day in WEEKDAYS}, additionalProperties=False),
                    "holidays": dates, "makeup_workdays": dates, "makeup_weekday": string(enum=list(WEEKDAYS))},
                   additionalProperties=False)
    line = obj({column: ({"type": ["integer", "string", "null"]}) for column in CSV_COLUMNS})
    return {
        "Complaint": complaint,
        "ComplaintDetail": {"allOf": [ref("Complaint"), obj({
            "allowed_actions": array(string(enum=list(MOVES))), "events": array(ref("ComplaintStep")),
            "breaches": array(ref("ComplaintBreach"))}, required=("allowed_actions", "events", "breaches"))]},
        "ComplaintStep": step,
        "ComplaintBreach": breach,
        "ComplaintPage": obj({"complaints": array(ref("Complaint")), "total": integer(), "page": integer(),
                              "per_page": integer(), "counts": counts}, required=("complaints", "total", "counts")),
        "ComplaintInput": {**obj({
            "buyer_id": nullable(_ID), "order_id": nullable(_ID), "category": string(enum=list(CATEGORIES)),
            "channel": string(enum=list(CHANNELS)), "text": filled(TEXT_LIMIT),
            "severity": nullable(string(enum=list(SEVERITIES))), "sku": nullable(_ID),
            "platform_complaint_id": {**nullable(_ID), "description": "Channel platform only: the same id twice is one "
                                                            "complaint."}},
            required=("category", "channel", "text")), "anyOf": [
            obj({"buyer_id": _ID}, required=("buyer_id",)), obj({"order_id": _ID}, required=("order_id",))]},
        "ComplaintNoteInput": obj({"note": nullable(_NOTE)}),
        "ComplaintResolveInput": obj({"root_cause": string(enum=list(ROOT_CAUSES)), "resolution": filled(TEXT_LIMIT),
                                      "feedback": filled(600, "What the buyer is told."),
                                      "cause_note": nullable(string(maxLength=TEXT_LIMIT, pattern=NO_NUL)),
                                      "actions": plan_input}, required=("root_cause", "resolution", "feedback")),
        "ComplaintReopenInput": obj({"reason": nullable(_NOTE)}),
        "ComplaintAnalysisInput": obj({"root_cause": nullable(string(enum=list(ROOT_CAUSES))),
                                       "cause_note": nullable(string(maxLength=TEXT_LIMIT, pattern=NO_NUL)),
                                       "actions": plan_input}),
        "ComplaintTriageInput": obj({"severity": nullable(string(enum=list(SEVERITIES))),
                                     "category": nullable(string(enum=list(CATEGORIES))),
                                     "assignee": nullable(string(maxLength=64, pattern=NO_NUL))}),
        "ComplaintEscalateInput": obj({"category": nullable(string(enum=list(CATEGORIES))),
                                       "severity": nullable(string(enum=list(SEVERITIES))), "order_id": nullable(_ID)}),
        "ComplaintReport": obj({"from": string(format="date"), "to": string(format="date"), "zone": string(),
                                "broadcast_id": nullable(integer()),
                                "totals": obj({"complaints": integer(), "by_category": {"type": "object"},
                                               "by_root_cause": {"type": "object"}, "actions": {"type": "object"}}),
                                "lines": array(line)}, required=("from", "to", "zone", "totals", "lines")),
        "SlaPolicy": obj({"calendar": calendar, "policies": obj({s: targets for s in SEVERITIES})},
                         required=("calendar", "policies")),
        "SlaPolicyInput": obj({"calendar": calendar, "policies": obj({s: targets for s in SEVERITIES},
                                                                      additionalProperties=False)},
                              additionalProperties=False),
    }
