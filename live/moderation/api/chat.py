"""/api/v1 moderation of a broadcast's chat: messages by status, approve/hide (one or many) and their undo
(restore), viewer sanctions and their undo (lift), history, the moderation policy with the chat modes, and
the action log."""
from __future__ import annotations

from datetime import timedelta

from flask import g, jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from live.moderation.action_log import action_to_dict, recent_actions
from live.moderation.actions import (
    approve_message,
    decide_many,
    hide_message,
    lift_sanction,
    lift_sanctions,
    restore_message,
    sanction_viewer,
)
from live.moderation.api.blueprint import MODERATORS, actor, broadcast_or_404, chat_bp
from live.moderation.api.bodies import (
    bulk_body,
    lift_body,
    no_nul,
    policy_body,
    reason,
    refuse_empty_policy,
    restore_body,
    sanction_body,
)
from live.moderation.push import is_moderator, queue_moderators
from live.moderation.queries import (
    STATUS_FILTERS,
    list_messages,
    messages_with_orders,
    offence_counts,
    sanction_to_dict,
    sanctions_of,
)
from live.moderation.settings import (
    load_settings,
    policy_record,
    settings_to_dict,
    update_settings,
)


@chat_bp.get("/broadcasts/<int:broadcast_id>/chat")
@api.scope("moderation", "display")
def chat(broadcast_id: int):
    """List a broadcast's messages, newest first: ?status=held|hidden|visible|all, ?viewer_id=, ?before=, ?limit=.

    Moderators see every status; anyone else only what the host sees (status=visible).
    """
    status = request.args.get("status", "all")
    if status not in STATUS_FILTERS:
        raise ApiError(400, "invalid_query", f"status must be one of {', '.join(STATUS_FILTERS)}", "status")
    if status != "visible" and not is_moderator(g.principal):
        raise ApiError(403, "forbidden", "only moderators see held and hidden messages; ask for status=visible",
                       "status")
    viewer_id = no_nul(request.args.get("viewer_id") or None, "viewer_id")
    if viewer_id is not None and len(viewer_id) > 64:
        raise ApiError(400, "invalid_query", "viewer_id is longer than 64 characters", "viewer_id")
    before = validation.query_int(request.args, "before", 0, minimum=1, maximum=2**62) or None
    limit = validation.query_int(request.args, "limit", 100, minimum=1, maximum=500)
    broadcast_or_404(broadcast_id)
    rows = list_messages(db.session, broadcast_id, status, viewer_id, before, limit)
    next_before = rows[-1].id if len(rows) == limit else None
    return jsonify({"messages": messages_with_orders(db.session, rows), "next_before": next_before})


@chat_bp.post("/chat/<int:message_id>/<any(approve, hide):decision>")
@api.scope("moderation")
@api.roles(*MODERATORS)
def decide(message_id: int, decision: str):
    """Approve (the host sees it) or hide (moderators only) one message; {"reason"?}. Answers the message."""
    data = api.json_body(optional=True)
    why = reason(data)
    change = approve_message if decision == "approve" else hide_message

    def work():
        body = change(db.session, message_id, actor(), why, utcnow())
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work))


@chat_bp.post("/chat/<int:message_id>/restore")
@api.scope("moderation")
@api.roles(*MODERATORS)
def restore(message_id: int):
    """Undo the latest approve or hide of a message: {"expected_status"?, "reason"?}. Answers the message."""
    data = api.json_body(optional=True)
    expected, why = restore_body(data)

    def work():
        body = restore_message(db.session, message_id, actor(), why, utcnow(), expected)
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work))


@chat_bp.post("/chat/bulk")
@api.scope("moderation")
@api.roles(*MODERATORS)
def decide_bulk():
    """Approve or hide several messages: {"action", "message_ids", "reason"?}; one result per message."""
    decision, message_ids, why = bulk_body(api.json_body())

    def work():
        results = decide_many(db.session, message_ids, decision, actor(), why, utcnow())
        realtime.commit(db.session)
        return results

    results = run_with_retry(work)
    return jsonify({"results": results, "done": sum(1 for r in results if r["ok"])})


def _viewer_id(viewer_id: str) -> str:
    """Return the viewer id from the path, or 400 when it is too long to be one."""
    if len(viewer_id) > 64:
        raise ApiError(400, "too_long", "viewer_id is longer than 64 characters", "viewer_id")
    return no_nul(viewer_id, "viewer_id")


@chat_bp.post("/moderation/viewers/<viewer_id>/<any(timeout, ban, unban):kind>")
@api.scope("moderation")
@api.roles(*MODERATORS)
def sanction(viewer_id: str, kind: str):
    """Time out ({"seconds"}), ban or unban a viewer, in one broadcast ({"broadcast_id"}) or everywhere.

    Every field of a ban or unban is optional, so no body at all is a ban or unban everywhere.
    """
    viewer_id = _viewer_id(viewer_id)
    broadcast_id, seconds, why, message_id = sanction_body(api.json_body(optional=True), kind)
    broadcast_or_404(broadcast_id)

    def work():
        now = utcnow()
        if kind == "unban":
            body = {"lifted": lift_sanctions(db.session, viewer_id, broadcast_id, actor(), why, now)}
        else:
            body = sanction_viewer(db.session, viewer_id, broadcast_id, kind, seconds, actor(), why, now, message_id)
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work)), 200 if kind == "unban" else 201


@chat_bp.post("/moderation/viewers/<viewer_id>/lift")
@api.scope("moderation")
@api.roles(*MODERATORS)
def lift(viewer_id: str):
    """Lift one sanction ({"sanction_id", "reason"?}), restoring the message it hid: the undo of a timeout or ban."""
    viewer_id = _viewer_id(viewer_id)
    sanction_id, why = lift_body(api.json_body())

    def work():
        body = lift_sanction(db.session, viewer_id, sanction_id, actor(), why, utcnow())
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work))


@chat_bp.get("/moderation/viewers/<viewer_id>")
@api.scope("moderation")
@api.roles(*MODERATORS)
def viewer_history(viewer_id: str):
    """Show a viewer: offences (within the escalation window and in all), sanctions and latest messages."""
    viewer_id = _viewer_id(viewer_id)
    broadcast_id = validation.query_int(request.args, "broadcast_id", 0, minimum=0, maximum=2**31 - 1) or None
    broadcast_or_404(broadcast_id)
    now = utcnow()
    window = load_settings(db.session, broadcast_id).policy.escalation_window_s if broadcast_id else 3600.0
    recent, total = offence_counts(db.session, viewer_id, broadcast_id, now - timedelta(seconds=window))
    messages = list_messages(db.session, broadcast_id, "all", viewer_id, None, 50) if broadcast_id else []
    return jsonify({
        "viewer_id": viewer_id, "broadcast_id": broadcast_id,
        "offences": {"recent": recent, "total": total, "window_s": window},
        "sanctions": [sanction_to_dict(s, now) for s in sanctions_of(db.session, viewer_id, broadcast_id)],
        "messages": messages_with_orders(db.session, messages),
    })


@chat_bp.get("/broadcasts/<int:broadcast_id>/moderation-policy")
@api.scope("moderation")
@api.roles(*MODERATORS, "host")
def get_policy(broadcast_id: int):
    """Show a broadcast's moderation policy (every threshold) and chat modes (slow mode, shield mode)."""
    broadcast_or_404(broadcast_id)
    settings = load_settings(db.session, broadcast_id)
    return jsonify(settings_to_dict(broadcast_id, settings, policy_record(db.session, broadcast_id)))


@chat_bp.put("/broadcasts/<int:broadcast_id>/moderation-policy")
@api.scope("moderation")
@api.roles(*MODERATORS)
def put_policy(broadcast_id: int):
    """Change some policy fields and/or chat modes: {"policy": {...}, "chat_mode": {...}, "reason"?}."""
    policy_changes, mode_changes, why = policy_body(api.json_body())
    broadcast_or_404(broadcast_id)
    refuse_empty_policy(policy_changes, mode_changes)

    def work():
        try:
            record = update_settings(db.session, broadcast_id, policy_changes, mode_changes, actor(), why, utcnow())
        except ValueError as error:
            db.session.rollback()
            raise ApiError(400, "invalid_policy", str(error), "policy") from None
        body = settings_to_dict(broadcast_id, load_settings(db.session, broadcast_id), record)
        queue_moderators(db.session, broadcast_id, "moderation.changed", {"what": "policy", "settings": body})
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work))


@chat_bp.get("/moderation/log")
@api.scope("moderation")
@api.roles(*MODERATORS)
def action_log():
    """List the latest moderator actions (actor, at, reason), of one broadcast with ?broadcast_id=."""
    broadcast_id = validation.query_int(request.args, "broadcast_id", 0, minimum=0, maximum=2**31 - 1) or None
    limit = validation.query_int(request.args, "limit", 100, minimum=1, maximum=500)
    return jsonify({"actions": [action_to_dict(a) for a in recent_actions(db.session, broadcast_id, limit)]})
