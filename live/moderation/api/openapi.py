"""OpenAPI fragment of chat moderation (live/moderation/api/check.py, chat.py; docs/moderation.md).

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document; the term
lists' operations are in terms_openapi.py, undo and bulk decisions in undo_openapi.py.
"""
from __future__ import annotations

import dataclasses

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, NO_NUL, array, filled, integer, nullable, obj, ref, string, text
from live.events import MAX_REF
from live.moderation.api import terms_openapi, undo_openapi
from live.moderation.api.bodies import MAX_REASON, MAX_SANCTION_SECONDS
from live.moderation.models import MESSAGE_ACTIONS, MESSAGE_STATUSES, SANCTION_KINDS
from live.moderation.queries import STATUS_FILTERS
from live.moderation.rules import ModerationPolicy
from live.moderation.settings import MAX_SLOW_SECONDS, POLICY_FIELDS, RULE_ACTIONS
from orders.models import ORDER_STATUSES

MODERATORS = "moderator"
ID = integer(minimum=1, maximum=2**31 - 1)
BOOLEAN = {"type": "boolean"}
REASON = text(MAX_REASON, "Why; kept in the moderation log.")


def parameters() -> dict:
    """Return the path and query parameters of the moderation operations."""
    viewer_id = {"type": "string", "maxLength": MAX_REF}
    return {
        "MessageId": parameter("message_id", "path", {"type": "integer"},
                               "The stored chat message's id (`message_id`)."),
        "ViewerId": parameter("viewer_id", "path", viewer_id, "The platform's viewer id."),
        "TermId": parameter("term_id", "path", {"type": "integer"}, "The term's id."),
        "ModerationBroadcast": parameter("broadcast_id", "query", integer(minimum=0, maximum=2**31 - 1),
                                         "A broadcast (absent or 0: none); the operation says what it narrows."),
        "ChatStatus": parameter("status", "query", string(enum=list(STATUS_FILTERS), default="all"),
                                "held, hidden, visible (what the host sees: visible and approved) or all. Anyone "
                                "but moderators must ask for visible (403 otherwise)."),
        "ChatViewer": parameter("viewer_id", "query", viewer_id, "Only this viewer's messages."),
        "ChatBefore": parameter("before", "query", integer(minimum=1),
                                "Only messages with a `message_id` below this (the previous page's `next_before`)."),
        "ModerationLimit": parameter("limit", "query", integer(minimum=1, maximum=500, default=100),
                                     "At most this many rows."),
    }


def _policy_field(name: str, default, partial: bool) -> dict:
    """Return the schema of one policy field, from its kind and bounds in live.moderation.settings.POLICY_FIELDS."""
    kind, low, high = POLICY_FIELDS[name]
    if kind == "action":
        schema = string(enum=list(RULE_ACTIONS))
    elif kind == "domains":
        schema = array(string(minLength=1, maxLength=100), "Domain names (their subdomains too).", maxItems=int(high))
    else:
        schema = {"type": "integer" if kind == "int" else "number", "minimum": low, "maximum": high}
    return schema if partial else {**schema, "default": list(default) if isinstance(default, tuple) else default}


def schemas() -> dict:
    """Return the moderation bodies: decisions, messages, terms, sanctions, the policy and the log."""
    defaults = ModerationPolicy()
    fields = [f.name for f in dataclasses.fields(ModerationPolicy)]
    sanction = {"id": integer(), "viewer_id": string(), "broadcast_id": nullable(integer("Null: in every broadcast.")),
                "kind": string(enum=list(SANCTION_KINDS)),
                "until": nullable({**DATETIME, "description": "Null for a ban."}),
                "reason": nullable(string()), "actor": string("A username, or `auto` for the escalation ladder."),
                "at": DATETIME, "message_id": nullable(integer()), "active": BOOLEAN,
                "lifted_at": nullable(DATETIME), "lifted_by": nullable(string())}
    decision = {"action": string(enum=list(MESSAGE_ACTIONS)), "reasons": array(ref("ModerationReason")),
                "normalized": string("The matching key of the text."), "claim": nullable(ref("ChatClaim")),
                "is_question": BOOLEAN, "viewer_action": nullable(ref("ViewerAction")), "suggest_shield": BOOLEAN,
                "offence": BOOLEAN, "raid_viewer_ids": array(string()),
                "sanction": nullable({**ref("Sanction"), "description": "The viewer's sanction in force, if any."})}
    message = {"message_id": integer("The stored message's id (used by approve and hide)."),
               "id": string("The chat event's id; orders name it as comment_id."), "broadcast_id": integer(),
               "viewer_id": string(), "nickname": nullable(string()), "text": string(), "ts": DATETIME,
               "action": string("The automatic decision on arrival.", enum=list(MESSAGE_ACTIONS)),
               "status": string("Who sees it now: visible and approved reach the host.", enum=list(MESSAGE_STATUSES)),
               "reasons": array(ref("ModerationReason")), "claim": nullable(ref("ChatClaim")),
               "is_question": BOOLEAN, "normalized": string(), "decided_by": nullable(string()),
               "decided_at": nullable(DATETIME), "decision_reason": nullable(string()),
               "order": nullable(obj({"order_id": string(), "status": string(enum=list(ORDER_STATUSES)), "items": array(
                   obj({"sku": string(), "qty": integer()}))}, required=("order_id", "status"), description=(
                   "The order whose comment_id is this message, with the SKUs its claim resolved to.")))}
    settings = {"broadcast_id": integer(), "policy": ref("ModerationPolicy"),
                "overrides": array(string(enum=fields), "The fields changed from their defaults."),
                "chat_mode": ref("ChatMode"), "updated_by": nullable(string()), "updated_at": nullable(DATETIME)}
    chat_mode = {"slow_seconds": integer("0: slow mode off.", minimum=0, maximum=MAX_SLOW_SECONDS),
                 "shield": BOOLEAN}
    history = {"viewer_id": string(), "broadcast_id": nullable(integer()),
               "offences": obj({"recent": integer("Within the escalation window."), "total": integer(),
                                "window_s": {"type": "number"}}, required=("recent", "total", "window_s")),
               "sanctions": array(ref("Sanction"), "Newest first, at most 100."),
               "messages": array(ref("ModeratedMessage"), "The latest 50 in the broadcast; empty without one.")}
    entry = {"id": integer(), "action": string(examples=["hide", "timeout", "term_added", "policy_changed"]),
             "actor": string(), "at": DATETIME, "reason": nullable(string()), "broadcast_id": nullable(integer()),
             "message_id": nullable(integer()), "viewer_id": nullable(string()), "detail": nullable({"type": "object"})}
    return {
        "ViewerAction": obj({"type": string(enum=list(SANCTION_KINDS)), "seconds": integer(minimum=1)},
                            required=("type",), description="`{\"type\": \"timeout\", \"seconds\": n}` or "
                                                            "`{\"type\": \"ban\"}`."),
        "ModerationReason": obj({"code": string(examples=["contact_wechat"]), "detail": string("In English."),
                                 "span": nullable(array(integer(), "[start, end] in the original text.",
                                                        minItems=2, maxItems=2)),
                                 "detail_code": string("The detail as a code for a page to translate (docs/"
                                                       "moderation.md); absent on messages stored before it "
                                                       "existed.", examples=["flood"]),
                                 "detail_params": obj({}, description="The detail's values, e.g. "
                                                      "`{\"messages\": 6, \"window_s\": 10}`.",
                                                      additionalProperties=True)},
                                required=("code", "detail", "span"), description="Codes: docs/moderation.md."),
        "ChatClaim": obj({"sku": nullable(string()), "variant": nullable(string()), "qty": nullable(integer())},
                         required=("sku", "variant", "qty"), description="A purchase claim read from the text."),
        "ModerationCheckInput": obj({"text": filled(2000), "broadcast_id": {**ID, "description": "Its rules apply."},
                                     "viewer_id": text(64, "Its offences and sanctions count.", pattern=NO_NUL),
                                     "nickname": string(maxLength=100, pattern=NO_NUL)},
                                    required=("text",), additionalProperties=False),
        "ModerationDecision": obj(decision, required=tuple(decision)),
        "Sanction": obj(sanction, required=tuple(sanction)),
        "SanctionInput": obj({"seconds": integer("A timeout's: required; ignored otherwise.", minimum=1,
                                                 maximum=MAX_SANCTION_SECONDS),
                              "broadcast_id": {**ID, "description": "Absent: in every broadcast."},
                              "reason": REASON,
                              "message_id": {**ID, "description": "A message of the viewer, hidden at once."}},
                             additionalProperties=False),
        "LiftedSanctions": obj({"lifted": array(ref("Sanction"))}, required=("lifted",)),
        "ViewerHistory": obj(history, required=tuple(history)),
        "ModeratedMessage": obj(message, required=tuple(message)),
        "ChatPage": obj({"messages": array(ref("ModeratedMessage"), "Newest first."),
                         "next_before": nullable(integer("Pass as `before` for the next page; null on the last."))},
                        required=("messages", "next_before")),
        "ModerationReasonInput": obj({"reason": REASON}, description="Optional; the body may be empty."),
        "ModerationPolicy": obj({f: _policy_field(f, getattr(defaults, f), False) for f in fields},
                                required=tuple(fields)),
        "ModerationPolicyInput": obj({f: _policy_field(f, None, True) for f in fields}, additionalProperties=False,
                                     description="Only the fields sent change."),
        "ChatMode": obj(chat_mode, required=tuple(chat_mode)),
        "ChatModeInput": obj(chat_mode, additionalProperties=False, description="Only the fields sent change."),
        "ModerationSettings": obj(settings, required=tuple(settings)),
        "ModerationSettingsInput": obj({"policy": nullable(ref("ModerationPolicyInput")),
                                        "chat_mode": nullable(ref("ChatModeInput")), "reason": REASON},
                                       additionalProperties=False),
        "ModerationLogEntry": obj(entry, required=tuple(entry)),
        "ModerationLog": obj({"actions": array(ref("ModerationLogEntry"), "Newest first.")}, required=("actions",)),
    } | terms_openapi.schemas() | undo_openapi.schemas()


def _moderate(op_id: str, summary: str, ok: tuple, errors: str, **keywords) -> dict:
    """Return a moderators-only operation."""
    return operation(op_id, summary, "moderation", ok, errors=errors, roles=MODERATORS, **keywords)


def _decision(decision: str) -> dict:
    """Return the path item approving or hiding one message."""
    summary, effect, conflict = {
        "approve": ("Approve a held or hidden message", "The host sees it from now on (pushes `chat.message`).",
                    "409 invalid_state unless the message is held or hidden."),
        "hide": ("Hide a message", "It is kept for moderators only; the host's copy is taken down (`chat.hidden`).",
                 "409 invalid_state when it is hidden already."),
    }[decision]
    return {"post": _moderate(f"{decision}Message", summary,
                              ("200", "The message after the decision.", ref("ModeratedMessage")),
                              "400 401 403 404 409", params=("MessageId",),
                              body=request("ModerationReasonInput", {"reason": "checked"}, required=False),
                              description=f"{effect} {conflict} Pushes `chat.moderated`.")}


def _sanction(kind: str) -> dict:
    """Return the path item timing out, banning or unbanning a viewer."""
    if kind == "unban":
        return {"post": _moderate(
            "unbanViewer", "Lift a viewer's sanctions in force", ("200", "The sanctions lifted.",
                                                                  ref("LiftedSanctions")),
            "400 401 403 404", params=("ViewerId",),
            body=request("SanctionInput", {"broadcast_id": 1, "reason": "appealed"}, required=False),
            description="With `broadcast_id`, those of that broadcast and the global ones; without, all. "
                        "Pushes `viewer.sanctioned` with `lifted`.")}
    example = {"seconds": 600, "broadcast_id": 1, "reason": "spam", "message_id": 41} if kind == "timeout" else \
        {"reason": "scam links"}
    return {"post": _moderate(
        f"{kind}Viewer", "Time out a viewer" if kind == "timeout" else "Ban a viewer",
        ("201", "The new sanction.", ref("Sanction")), "400 401 403 404", params=("ViewerId",),
        body=request("SanctionInput", example, required=kind == "timeout"),
        description="In one broadcast (`broadcast_id`) or everywhere. With `message_id` (a message of this viewer, "
                    "else 400 wrong_viewer) that message is hidden too. Pushes `viewer.sanctioned`.")}


def paths() -> dict:
    """Return the moderation operations."""
    policy_example = {"policy": {"contact_action": "hold", "allowed_domains": ["taobao.com"]},
                      "chat_mode": {"slow_seconds": 5, "shield": False}, "reason": "busy launch"}
    return {
        "/api/v1/moderation/check": {"post": operation(
            "checkText", "Dry run: the decision a text would get", "moderation",
            ("200", "The decision; nothing is written.", ref("ModerationDecision")), errors="400 401 403 404",
            roles="moderator, service", body=request("ModerationCheckInput", {"text": "加我微信 abc12345",
                                                                              "broadcast_id": 1}),
            description="The text rules only (terms, allow-list, contacts, length and ratios, claims, questions, "
                        "nickname); the spam windows are never consulted. Without `viewer_id`, the viewer action is "
                        "what a first offence gets.")},
        **terms_openapi.paths(),
        "/api/v1/broadcasts/{broadcast_id}/chat": {"get": operation(
            "listChat", "A broadcast's chat messages with their decisions, newest first", "moderation",
            ("200", "One page of messages.", ref("ChatPage")), errors="400 401 403 404",
            params=("BroadcastId", "ChatStatus", "ChatViewer", "ChatBefore", "ModerationLimit"),
            description="Any role may ask for `status=visible`; other statuses (the default is all) are for "
                        "moderators and admins (403 forbidden).")},
        "/api/v1/chat/{message_id}/approve": _decision("approve"),
        "/api/v1/chat/{message_id}/hide": _decision("hide"),
        **{f"/api/v1/moderation/viewers/{{viewer_id}}/{kind}": _sanction(kind)
           for kind in ("timeout", "ban", "unban")},
        "/api/v1/moderation/viewers/{viewer_id}": {"get": _moderate(
            "getViewerModeration", "A viewer's offences, sanctions and latest messages",
            ("200", "The viewer's moderation history.", ref("ViewerHistory")), "400 401 403 404",
            params=("ViewerId", "ModerationBroadcast"),
            description="With `broadcast_id`: offences there within its escalation window, its and the global "
                        "sanctions, and the latest 50 messages; without: every broadcast, a one-hour window, "
                        "no messages.")},
        "/api/v1/broadcasts/{broadcast_id}/moderation-policy": {
            "get": operation("getModerationPolicy", "Show a broadcast's moderation policy and chat modes",
                             "moderation", ("200", "Every policy field, the chat modes and who changed them.",
                                            ref("ModerationSettings")), errors="401 403 404",
                             roles="moderator, host", params=("BroadcastId",)),
            "put": _moderate("putModerationPolicy", "Change some policy fields and chat modes",
                             ("200", "The settings after the change.", ref("ModerationSettings")),
                             "400 401 403 404", params=("BroadcastId",),
                             body=request("ModerationSettingsInput", policy_example),
                             description="Only the fields sent change; every field is checked first (400 "
                                         "unknown_field, invalid_type, out_of_range, invalid_choice, or "
                                         "invalid_policy for a combination). Pushes `moderation.changed`."),
        },
        "/api/v1/moderation/log": {"get": _moderate(
            "moderationLog", "The latest moderator actions", ("200", "Newest first.", ref("ModerationLog")),
            "400 401 403", params=("ModerationBroadcast", "ModerationLimit"),
            description="With `broadcast_id`, that broadcast's actions and the global ones (term lists, global "
                        "sanctions).")},
    } | undo_openapi.paths()
