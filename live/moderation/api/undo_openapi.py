"""OpenAPI fragment of undo and bulk decisions (live/moderation/api/chat.py); live/moderation/api/openapi.py merges it.

Restore undoes the latest approve or hide of a message, lift undoes one timeout or ban; the console offers both
for a minute after each action (docs/moderation.md, "Undo"), the API accepts them at any time.
"""
from __future__ import annotations

from app.openapi.operations import operation, request
from app.openapi.schemas import array, integer, nullable, obj, ref, string, text
from live.moderation.api.bodies import MAX_BULK, MAX_REASON
from live.moderation.models import MESSAGE_STATUSES

_REASON = text(MAX_REASON, "Why; kept in the moderation log.")
_ID = integer(minimum=1, maximum=2**31 - 1)


def schemas() -> dict:
    """Return the bodies of restore, lift and bulk decisions."""
    result = {"message_id": integer(), "ok": {"type": "boolean"},
              "message": {**ref("ModeratedMessage"), "description": "When ok: the message after the decision."},
              "error": obj({"code": string(examples=["invalid_state"]), "field": string(), "message": string()},
                           required=("code", "message"), description="When not ok: why this one was refused.")}
    return {
        "RestoreInput": obj({"expected_status": string("The status the caller saw; 409 invalid_state if it "
                                                       "changed since.", enum=list(MESSAGE_STATUSES)),
                             "reason": _REASON}, description="Optional; the body may be empty."),
        "LiftInput": obj({"sanction_id": {**_ID, "description": "The sanction's `id` (from timeout or ban)."},
                          "reason": _REASON}, required=("sanction_id",), additionalProperties=False),
        "LiftResult": obj({"lifted": ref("Sanction"),
                           "message": nullable({**ref("ModeratedMessage"),
                                                "description": "The message the sanction hid, restored."})},
                          required=("lifted", "message")),
        "BulkDecisionInput": obj({"action": string(enum=["approve", "hide"]),
                                  "message_ids": array(_ID, "Repeats count once.", minItems=1, maxItems=MAX_BULK),
                                  "reason": _REASON}, required=("action", "message_ids"), additionalProperties=False),
        "BulkDecisionResult": obj(result, required=("message_id", "ok")),
        "BulkDecisionResults": obj({"results": array(ref("BulkDecisionResult"), "In the order asked."),
                                    "done": integer("How many were decided.", minimum=0)},
                                   required=("results", "done")),
    }


def _moderate(op_id: str, summary: str, ok: tuple, errors: str, **keywords) -> dict:
    """Return a moderators-only operation."""
    return operation(op_id, summary, "moderation", ok, errors=errors, roles="moderator", **keywords)


def paths() -> dict:
    """Return the restore, lift and bulk operations."""
    return {
        "/api/v1/chat/{message_id}/restore": {"post": _moderate(
            "restoreMessage", "Undo the latest approve or hide of a message",
            ("200", "The message back in the status it had.", ref("ModeratedMessage")), "400 401 403 404 409",
            params=("MessageId",), body=request("RestoreInput", {"expected_status": "hidden"}, required=False),
            description="The message returns to its status before that decision (a held message hidden is held "
                        "again). 409 nothing_to_undo when its latest hand decision is not an approve or hide "
                        "(a restore is not undone); 409 invalid_state naming `expected_status` when someone "
                        "decided since. Logged as `restore`; pushes `chat.moderated`, and `chat.message` or "
                        "`chat.hidden` to the host when what the host sees changes.")},
        "/api/v1/chat/bulk": {"post": _moderate(
            "decideMessages", "Approve or hide several messages",
            ("200", "One result per message; the others go through when one is refused.",
             ref("BulkDecisionResults")), "400 401 403",
            body=request("BulkDecisionInput", {"action": "approve", "message_ids": [41, 42]}),
            description=f"At most {MAX_BULK} ids. Each message is decided as by approve or hide (logged and "
                        "pushed one by one); an unknown one or one in the wrong state is refused in its result "
                        "(not_found, invalid_state) and the rest still go through.")},
        "/api/v1/moderation/viewers/{viewer_id}/lift": {"post": _moderate(
            "liftSanction", "Lift one timeout or ban (undo)", ("200", "The sanction lifted.", ref("LiftResult")),
            "400 401 403 404 409", params=("ViewerId",), body=request("LiftInput", {"sanction_id": 7}),
            description="404 naming `sanction_id` when it is not a sanction of this viewer, 409 invalid_state when "
                        "it is lifted already. When the sanction hid a message (timeout or ban with "
                        "`message_id`) and it is still hidden, the message is restored too. Logged as `lift`; "
                        "pushes `viewer.sanctioned` with `lifted`.")},
    }
