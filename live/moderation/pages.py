"""The moderator console page: live chat with decisions, held queue, viewer history, terms, chat modes, policy."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.http.pages import page_roles
from live.models import Broadcast
from live.moderation.push import MODERATOR_ROLES
from live.moderation.rules.terms import CATEGORIES
from live.moderation.settings import POLICY_FIELDS, RULE_ACTIONS
from live.moderation.terms import ACTIONS

bp = Blueprint("moderation", __name__)

STATUS_LABELS = {"visible": _l("visible"), "hidden": _l("hidden"), "held": _l("held"), "approved": _l("approved")}
ACTION_LABELS = {"allow": _l("allow"), "hide": _l("hide"), "hold": _l("hold"), "timeout": _l("timeout"),
                 "ban": _l("ban")}
CATEGORY_LABELS = {"diversion": _l("diversion"), "scam": _l("scam"), "abuse": _l("abuse"),
                   "competitor": _l("competitor"), "custom": _l("custom")}
POLICY_LABELS = {
    "flood_messages": _l("Flood: messages"), "flood_window_s": _l("Flood: window (s)"),
    "flood_action": _l("Flood: action"), "repetition_count": _l("Repetition: messages"),
    "repetition_window_s": _l("Repetition: window (s)"), "repetition_action": _l("Repetition: action"),
    "raid_viewers": _l("Raid: viewers"), "raid_window_s": _l("Raid: window (s)"),
    "raid_min_chars": _l("Raid: minimum characters"), "raid_action": _l("Raid: action"),
    "max_length": _l("Maximum length"), "length_action": _l("Too long: action"),
    "caps_ratio": _l("Capitals ratio"), "caps_min_letters": _l("Capitals: minimum letters"),
    "symbol_ratio": _l("Symbols ratio"), "symbol_min_chars": _l("Symbols: minimum characters"),
    "ratio_action": _l("Capitals/symbols: action"), "contact_action": _l("Contact details: action"),
    "digit_run_min": _l("Digit run length"), "allowed_domains": _l("Allowed domains (comma separated)"),
    "slow_mode_action": _l("Slow mode: action"), "warning_timeout_s": _l("First offence: warning timeout (s)"),
    "timeout_s": _l("Repeat offence: timeout (s)"), "escalation_window_s": _l("Repeat window (s)"),
    "shield_new_viewer_s": _l("Shield: new viewer age (s)"),
}
# Reason codes are stable identifiers (API, stored decisions); a moderator reads these labels (issue 10, item 24).
REASON_LABELS = {
    "contact_phone": _l("Phone number"), "contact_wechat": _l("WeChat id"), "contact_qq": _l("QQ number"),
    "contact_digits": _l("Long run of digits"), "contact_url": _l("Link"), "spam_flood": _l("Flooding"),
    "spam_repetition": _l("Repeated message"), "spam_raid": _l("Raid"), "spam_too_long": _l("Too long"),
    "spam_caps": _l("Too many capitals"), "spam_symbols": _l("Too many symbols"), "slow_mode": _l("Slow mode"),
    "shield_new_viewer": _l("New viewer (shield mode)"), "claim_held": _l("Purchase claim held"),
    "viewer_warning": _l("Warning"), "viewer_timeout": _l("Viewer timed out"), "viewer_ban": _l("Viewer banned"),
}
ORDER_STATUS_LABELS = {
    "received": _l("received"), "accepted": _l("accepted"), "held": _l("held"), "waitlisted": _l("waitlisted"),
    "rejected": _l("rejected"), "paid": _l("paid"), "cancelled": _l("cancelled"), "expired": _l("expired"),
}
REASON_KINDS = {"term": _l("Blocked word: %(category)s"), "regex": _l("Pattern: %(category)s"),
                "nickname": _l("Nickname: %(category)s")}
STRINGS = {
    "connected": _l("Live"), "connecting": _l("Connecting…"), "disconnected": _l("Disconnected, reconnecting…"),
    "refused": _l("Not allowed: log in again"), "approve": _l("Approve"), "hide": _l("Hide"),
    "timeout": _l("Time out"), "ban": _l("Ban"), "unban": _l("Lift sanctions"), "remove": _l("Remove"),
    "question": _l("Question"), "claim": _l("Purchase claim"), "order": _l("Order"), "noHeld": _l("Nothing is held."),
    "offences": _l("Offences in the window: {recent} (in all: {total})"), "sanctions": _l("Sanctions"),
    "active": _l("in force"), "lifted": _l("lifted"), "until": _l("until {time}"), "forever": _l("banned"),
    "by": _l("by {actor}"), "saved": _l("Saved."), "imported": _l("Imported: {added} new, {existing} already listed."),
    "shieldOn": _l("Shield mode is on"), "shieldOff": _l("Shield mode is off"),
    "turnShieldOn": _l("Turn shield mode on"), "turnShieldOff": _l("Turn shield mode off"),
    "raid": _l("Raid detected: consider shield mode."), "global": _l("all broadcasts"),
    "thisBroadcast": _l("this broadcast"), "error": _l("The action failed."),
}


def _reason_labels() -> dict[str, str]:
    """Return the label of every moderation reason code in the current language, by code."""
    labels = _texts(REASON_LABELS)
    for kind, template in REASON_KINDS.items():
        for category in CATEGORIES:
            labels[f"{kind}_{category}"] = str(template) % {"category": CATEGORY_LABELS.get(category, category)}
    return labels


def _texts(labels: dict) -> dict[str, str]:
    """Return lazily translated labels as plain strings in the current language (for the page's JSON config)."""
    return {key: str(label) for key, label in labels.items()}


@bp.get("/moderation")
@page_roles(*MODERATOR_ROLES)
def console_index():
    """Open the console on the newest live broadcast (or the newest one), or say there is none."""
    broadcast_id = db.session.scalar(sa.select(Broadcast.id).order_by(
        sa.case((Broadcast.status == "live", 0), else_=1), Broadcast.id.desc()).limit(1))
    if broadcast_id is None:
        return render_template("moderation/console.html", broadcast=None, broadcasts=[], config={})
    return redirect(url_for("moderation.console", broadcast_id=broadcast_id))


@bp.get("/broadcasts/<int:broadcast_id>/moderation")
@page_roles(*MODERATOR_ROLES)
def console(broadcast_id: int):
    """The moderator console of one broadcast."""
    broadcast = db.get_or_404(Broadcast, broadcast_id)
    broadcasts = db.session.scalars(sa.select(Broadcast).order_by(Broadcast.id.desc()).limit(100)).all()
    config = {
        "broadcastId": broadcast.id,
        "strings": _texts(STRINGS),
        "statusLabels": _texts(STATUS_LABELS),
        "actionLabels": _texts(ACTION_LABELS),
        "categoryLabels": _texts(CATEGORY_LABELS),
        "reasonLabels": _reason_labels(), "orderLabels": _texts(ORDER_STATUS_LABELS),
        "policyFields": [{"name": name, "kind": kind, "label": str(POLICY_LABELS.get(name, name))}
                         for name, (kind, _low, _high) in POLICY_FIELDS.items()],
        "ruleActions": list(RULE_ACTIONS),
    }
    return render_template("moderation/console.html", broadcast=broadcast, broadcasts=broadcasts, config=config,
                           categories=CATEGORIES, term_actions=ACTIONS, category_labels=CATEGORY_LABELS,
                           action_labels=ACTION_LABELS)
