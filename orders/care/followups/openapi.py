"""OpenAPI fragment of the follow-up tasks (orders/care/followups/api.py)."""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, TIMESTAMP_INPUT, array, filled, integer, nullable, obj, ref, string, text

TAG = "follow-ups"
ROLES = "aftersales; tokens with the aftersales scope"


def parameters() -> dict:
    """Return the follow-up id and the list's view."""
    return {
        "FollowUpId": parameter("task_id", "path", {"type": "integer", "minimum": 1}, "The follow-up's id."),
        "FollowUpView": parameter("view", "query", {"type": "string",
                                                    "enum": ["mine", "open", "overdue", "done", "all"]},
                                  "mine (default for people: my open tasks), open (default for tokens), overdue, "
                                  "done (done or cancelled), all."),
        "FollowUpBuyer": parameter("buyer_id", "query", {"type": "string", "maxLength": 64}, "Only this buyer's."),
    }


def paths() -> dict:
    """Return the follow-up operations."""
    return {
        "/api/v1/followups": {
            "get": operation("listFollowUps", "List follow-up (回访) tasks", TAG,
                             ("200", "One page of tasks, with the count of each view.", ref("FollowUpPage")),
                             errors="400 401 403", roles=ROLES,
                             params=("FollowUpView", "FollowUpBuyer", "Page", "PerPage")),
            "post": operation("createFollowUp", "Open a follow-up by hand", TAG,
                              ("201", "The new task.", ref("FollowUp")), errors="400 401 403 404", roles=ROLES,
                              body=request("FollowUpInput", {"order_id": "DY-1001", "note": "Ask about the size"}),
                              description="assignee_id null leaves it unassigned; left out, the after-sales agent "
                                          "with the fewest open tasks gets it. Due in 2 days unless due_at is given. "
                                          "A buyer_id with no order, complaint, survey or follow-up in LiveDesk is "
                                          "404 not_found naming buyer_id (nothing is stored)."),
        },
        "/api/v1/followups/{task_id}/done": {"post": operation(
            "completeFollowUp", "Mark a follow-up done with its outcome", TAG, ("200", "The task.", ref("FollowUp")),
            errors="400 401 403 404 409", roles=ROLES, params=("FollowUpId",),
            body=request("FollowUpOutcome", {"outcome": "Called back; buyer happy with the exchange"}))},
        "/api/v1/followups/{task_id}/cancel": {"post": operation(
            "cancelFollowUp", "Cancel a follow-up", TAG, ("200", "The task.", ref("FollowUp")),
            errors="400 401 403 404 409", roles=ROLES, params=("FollowUpId",),
            body=request("FollowUpCancel", {"reason": "Buyer asked not to be called"}, required=False))},
    }


def schemas() -> dict:
    """Return the follow-up schemas."""
    task = obj({
        "id": integer(), "buyer_id": string(), "order_id": nullable(string()),
        "source": string(enum=["delivery", "complaint", "case", "survey", "manual"]),
        "complaint_id": nullable(integer("The complaint's row number (kept for older clients): use complaint_ref.")),
        "aftersale_case_id": nullable(integer("The case's row number (kept for older clients): use case_id.")),
        "case_id": nullable(string("The after-sales case it is about (AS-…), as /api/v1/aftersales/{case_id} "
                                   "takes it.")),
        "complaint_ref": nullable(string("The complaint it is about (CP-…), as /api/v1/complaints/{complaint_id} "
                                         "takes it.")),
        "response_id": nullable(integer("The survey answer that opened it (a 1–2 rating).")),
        "rating": nullable(integer("That answer's score.")),
        "assignee_id": nullable(integer()), "assignee": nullable(string()), "due_at": DATETIME,
        "overdue": {"type": "boolean"}, "status": string(enum=["open", "done", "cancelled"]),
        "note": nullable(string()), "outcome": nullable(string()), "created_by": string(), "created_at": DATETIME,
        "closed_at": nullable(DATETIME), "closed_by": nullable(string())},
        required=("id", "buyer_id", "source", "due_at", "status"))
    views = obj({name: integer() for name in ("mine", "open", "overdue", "done", "all")})
    return {
        "FollowUp": task,
        "FollowUpPage": obj({"followups": array(ref("FollowUp")), "total": integer(), "page": integer(),
                             "per_page": integer(), "view": string(), "counts": views}),
        "FollowUpInput": obj({"buyer_id": text(64, "Required unless order_id is given."),
                              "order_id": text(64), "note": string(maxLength=500), "due_at": TIMESTAMP_INPUT,
                              "assignee_id": nullable(integer(minimum=1))}),
        "FollowUpOutcome": obj({"outcome": filled(1000)}, required=("outcome",)),
        "FollowUpCancel": obj({"reason": string(maxLength=1000)}),
    }
