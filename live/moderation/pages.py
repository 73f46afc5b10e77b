"""The moderator console page: held queue, live chat that pauses under the pointer, viewer history, undo toasts,
keyboard actions, the dry-run check, and the settings drawer (terms, policy by group)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.http.pages import page_roles
from live.models import Broadcast, broadcast_choices
from live.moderation.push import MODERATOR_ROLES
from live.moderation.rules.terms import CATEGORIES
from live.moderation.settings import POLICY_FIELDS, RULE_ACTIONS
from live.moderation.terms import ACTIONS
from orders.backoffice.pages import STATUS_LABELS as ORDER_STATUS_WORDS

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
    "spam_caps": _l("Too many capitals"), "spam_symbols": _l("Too many symbols"),
    "spam_bidi": _l("Reversed text"), "slow_mode": _l("Slow mode"),
    "shield_new_viewer": _l("New viewer (shield mode)"), "claim_held": _l("Purchase claim held"),
    "viewer_warning": _l("Warning"), "viewer_timeout": _l("Viewer timed out"), "viewer_ban": _l("Viewer banned"),
}
# A reason's detail as a sentence with {slots} (static/moderation/console.js fills them from detail_params).
DETAIL_LABELS = {
    "matched": _l("“{text}”"), "too_long": _l("{length} characters, the limit is {max}"),
    "caps": _l("{upper} of {letters} letters are capitals"), "symbols": _l("{symbols} of {visible} characters are symbols"),
    "bidi": _l("{controls} text-direction controls: it shows in another order than it reads"),
    "flood": _l("{messages} messages in {window_s} s"), "repetition": _l("{messages} near-identical messages in {window_s} s"),
    "raid": _l("{viewers} viewers sent the same text in {window_s} s"),
    "slow_mode": _l("{since_s} s after the previous message; slow mode is {slow_s} s"),
    "new_viewer": _l("first seen {age_s} s ago"), "ban_rule": _l("a ban rule matched"),
    "offence_timeout": _l("offence {offence} within {window_min} min: timed out for {seconds} s"),
    "offence_ban": _l("offence {offence} within {window_min} min: banned"),
    "claim_held": _l("a purchase claim is held for a moderator, not hidden"),
    "viewer_banned": _l("the viewer is banned"), "timed_out_until": _l("the viewer is timed out until {until}"),
}
ACTOR_LABELS = {"auto": _l("auto")}
# Every order status, fulfilment's included, in the words the back office uses (one home for them).
ORDER_STATUS_LABELS = ORDER_STATUS_WORDS
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
    "thisBroadcast": _l("this broadcast"), "error": _l("The action failed."), "listSeparator": _l(", "),
    "newMessages": _l("{count} new"), "paused": _l("Paused while you point or type here"),
    "undo": _l("Undo"), "undone": _l("Undone."), "undoFailed": _l("Could not undo: {error}"),
    "toastApprove": _l("{viewer}: message approved"), "toastHide": _l("{viewer}: message hidden"),
    "toastTimeout": _l("{viewer} timed out for {minutes} min"),
    "toastTimeoutSeconds": _l("{viewer} timed out for {seconds} s"), "toastBan": _l("{viewer} banned"),
    "toastBulkApprove": _l("{count} messages approved"), "toastBulkHide": _l("{count} messages hidden"),
    "bulkRefused": _l("{count} could not be changed: {error}"), "selected": _l("{count} selected"),
    "noChat": _l("No chat messages yet."), "noSanctions": _l("No sanctions."), "noMessages": _l("No messages."),
    "noTerms": _l("No blocked terms yet."), "liftOne": _l("Lift"),
    "checkAction": _l("Decision:"), "checkNoReasons": _l("No rule matched: the message would be shown."),
    "checkViewerTimeout": _l("The viewer would be timed out for {seconds} s."),
    "checkViewerBan": _l("The viewer would be banned."), "checkRaid": _l("It would count towards a raid."),
    "dismiss": _l("Dismiss"), "selectMessage": _l("Select the message of {viewer}"), "claimLabel": _l("Purchase claim: {claim}"),
    "escalate": _l("Escalate as complaint"), "escalated": _l("Escalated as complaint {id}"),
}
# The policy drawer's sections, in the order a moderator looks for them; a field in none goes under "Other".
POLICY_GROUPS = (
    (_l("Flooding and repetition"), ("flood_messages", "flood_window_s", "flood_action", "repetition_count",
                                     "repetition_window_s", "repetition_action")),
    (_l("Raids"), ("raid_viewers", "raid_window_s", "raid_min_chars", "raid_action")),
    (_l("Contact details"), ("contact_action", "digit_run_min", "allowed_domains")),
    (_l("Length, capitals and symbols"), ("max_length", "length_action", "caps_ratio", "caps_min_letters",
                                          "symbol_ratio", "symbol_min_chars", "ratio_action")),
    (_l("Slow mode and shield"), ("slow_mode_action", "shield_new_viewer_s")),
    (_l("Repeat offenders"), ("warning_timeout_s", "timeout_s", "escalation_window_s")),
)
OTHER_GROUP = _l("Other")


def _reason_labels() -> dict[str, str]:
    """Return the label of every moderation reason code in the current language, by code."""
    labels = _texts(REASON_LABELS)
    for kind, template in REASON_KINDS.items():
        for category in CATEGORIES:
            labels[f"{kind}_{category}"] = str(template) % {"category": CATEGORY_LABELS.get(category, category)}
    return labels


def policy_groups(fields: list[dict]) -> list[dict]:
    """Return the policy fields grouped for the drawer: [{"title", "fields"}], every field in exactly one group."""
    by_name = {field["name"]: field for field in fields}
    groups, placed = [], set()
    for title, names in POLICY_GROUPS:
        members = [by_name[name] for name in names if name in by_name]
        placed.update(field["name"] for field in members)
        if members:
            groups.append({"title": str(title), "fields": members})
    rest = [field for field in fields if field["name"] not in placed]
    if rest:
        groups.append({"title": str(OTHER_GROUP), "fields": rest})
    return groups


def _texts(labels: dict) -> dict[str, str]:
    """Return lazily translated labels as plain strings in the current language (for the page's JSON config)."""
    return {key: str(label) for key, label in labels.items()}


@bp.get("/moderation")
@page_roles(*MODERATOR_ROLES)
def console_index():
    """Open the console on the newest live broadcast (or the newest one), or say there is none."""
    newest = broadcast_choices(db.session, 1)
    if not newest:
        return render_template("moderation/console.html", broadcast=None, broadcasts=[], config={})
    return redirect(url_for("moderation.console", broadcast_id=newest[0].id))


@bp.get("/broadcasts/<int:broadcast_id>/moderation")
@page_roles(*MODERATOR_ROLES)
def console(broadcast_id: int):
    """The moderator console of one broadcast."""
    broadcast = db.get_or_404(Broadcast, broadcast_id)
    broadcasts = broadcast_choices(db.session)
    config = {
        "broadcastId": broadcast.id,
        "strings": _texts(STRINGS),
        "statusLabels": _texts(STATUS_LABELS),
        "actionLabels": _texts(ACTION_LABELS),
        "categoryLabels": _texts(CATEGORY_LABELS),
        "reasonLabels": _reason_labels(), "orderLabels": _texts(ORDER_STATUS_LABELS),
        "detailLabels": _texts(DETAIL_LABELS), "actorLabels": _texts(ACTOR_LABELS),
        "policyFields": [{"name": name, "kind": kind, "label": str(POLICY_LABELS.get(name, name))}
                         for name, (kind, _low, _high) in POLICY_FIELDS.items()],
        "ruleActions": list(RULE_ACTIONS),
    }
    return render_template("moderation/console.html", broadcast=broadcast, broadcasts=broadcasts, config=config,
                           categories=CATEGORIES, term_actions=ACTIONS, category_labels=CATEGORY_LABELS,
                           action_labels=ACTION_LABELS, policy_groups=policy_groups(config["policyFields"]))
