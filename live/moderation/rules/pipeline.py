"""The moderation pipeline: one message and its context in, one decision out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from live.moderation.rules import reasons as codes
from live.moderation.rules.decision import ChatMessage, Decision, ModerationContext
from live.moderation.rules.escalation import ViewerAction, escalate
from live.moderation.rules.findings import TextFindings, analyse_nickname, analyse_text
from live.moderation.rules.policy import ChatMode, ModerationPolicy
from live.moderation.rules.reasons import CLAIM_HELD_REASON, Reason, RuleHit
from live.moderation.rules.recent import QUIET, ViewerActivity
from live.moderation.rules.spam import check_spam
from live.moderation.rules.terms import TermMatcher

__all__ = ["check_text", "moderate", "moderate_and_record"]

_DRY_RUN_VIEWER = "dry-run"
_LEVEL_CODES = {"warning": codes.VIEWER_WARNING, "timeout": codes.VIEWER_TIMEOUT, "ban": codes.VIEWER_BAN}


def moderate(message: ChatMessage, context: ModerationContext) -> Decision:
    """Return the decision for one chat message; reads ``context.recent``, changes nothing."""
    return _moderate(message, context, message.at.timestamp(), record=False)[0]


def _moderate(
    message: ChatMessage, context: ModerationContext, ts: float, record: bool
) -> tuple[Decision, ViewerActivity | None]:
    mode = context.mode
    policy = context.policy.shielded() if mode.shield else context.policy
    matcher = context.matcher
    # The cache lookups of analyse_text/analyse_nickname, inlined: this is the hot path.
    findings = matcher.cache.get((message.broadcast_id, message.text))
    if findings is None:
        findings = analyse_text(message.text, matcher, message.broadcast_id)
    memo = findings.memo  # hits_under's memo, read here: most messages need nothing else
    hits = memo[1] if memo[0] is policy else findings.hits_under(policy)
    if message.nickname:
        nickname_hits = matcher.cache.get((message.broadcast_id, message.nickname, "nickname"))
        if nickname_hits is None:
            nickname_hits = analyse_nickname(message.nickname, matcher, message.broadcast_id)
        if nickname_hits:
            hits = hits + nickname_hits
    activity = None
    recent = context.recent
    if recent is not None:
        key = findings.normalized.text
        if record:
            activity = recent.observe(message.viewer_id, findings.fingerprint, key, ts, policy)
        else:
            activity = recent.activity(message.viewer_id, findings.fingerprint, key, ts, policy)
        if activity is not QUIET:
            # A wave of the same purchase claim is a flash sale selling, not a raid.
            spam = check_spam(activity, policy, mode, raid=findings.claim is None)
            if spam:
                hits = hits + tuple(spam)
    if mode.shield:
        first_seen = message.viewer_first_seen or message.at
        age = (message.at - first_seen).total_seconds()
        if age < policy.shield_new_viewer_s:
            reason = Reason(codes.SHIELD_NEW_VIEWER, f"first seen {age:.0f} s ago", None, "new_viewer", {"age_s": round(age)})
            hits = hits + (RuleHit(reason, "hold"),)
    if not hits:
        return findings.clean, activity
    return _decide(hits, findings, message, context, policy, activity), activity


def _decide(
    hits: tuple[RuleHit, ...],
    findings: TextFindings,
    message: ChatMessage,
    context: ModerationContext,
    policy: ModerationPolicy,
    activity: ViewerActivity | None,
) -> Decision:
    action = "allow"
    offence = ban = False
    for hit in hits:
        if hit.action == "hold":
            action = "hold" if action == "allow" else action
        else:
            action = "hide"
            offence = offence or hit.action in ("timeout", "ban")
            ban = ban or hit.action == "ban"
    reasons = [hit.reason for hit in hits]
    viewer_action: ViewerAction | None = None
    if ban:
        viewer_action = {"type": "ban"}
        reasons.append(Reason(codes.VIEWER_BAN, "a ban rule matched", None, "ban_rule"))
    elif offence:
        step = escalate(context.offences(message.viewer_id), message.at, policy)
        viewer_action = step.viewer_action
        seconds = viewer_action.get("seconds")
        number, window_min = step.prior_offences + 1, policy.escalation_window_s / 60
        detail = f"offence {number} within {window_min:g} min"
        if seconds:
            reason = Reason(_LEVEL_CODES[step.level], f"{detail}: timeout {seconds} s", None, "offence_timeout",
                            {"offence": number, "window_min": window_min, "seconds": seconds})
        else:
            reason = Reason(_LEVEL_CODES[step.level], f"{detail}: ban", None, "offence_ban",
                            {"offence": number, "window_min": window_min})
        reasons.append(reason)
    if findings.claim is not None and action == "hide":
        # A purchase claim is never silently hidden: a moderator decides on it.
        action = "hold"
        reasons.append(CLAIM_HELD_REASON)
    raided = any(hit.reason.code == codes.SPAM_RAID for hit in hits)
    return Decision(
        action,  # type: ignore[arg-type]
        tuple(reasons),
        findings.normalized.text,
        findings.claim,
        findings.is_question,
        viewer_action,
        suggest_shield=raided,
        offence=offence,
        raid_viewer_ids=activity.raid_viewers if raided and activity is not None else (),
        fingerprint=findings.fingerprint,
    )


def moderate_and_record(message: ChatMessage, context: ModerationContext) -> Decision:
    """Return the decision for a message after adding the message to ``context.recent``."""
    ts = message.at.timestamp()
    decision, activity = _moderate(message, context, ts, record=True)
    if activity is not None and decision.action == "hide":
        context.recent.unshow(message.viewer_id, ts, activity)  # type: ignore[union-attr]
    return decision


def check_text(
    text: str,
    matcher: TermMatcher,
    policy: ModerationPolicy | None = None,
    broadcast_id: str | None = None,
    nickname: str = "",
    mode: ChatMode | None = None,
) -> dict[str, Any]:
    """Return the dry-run result ``{"action", "reasons", "normalized", ...}`` for a text.

    Only the text rules run (terms, contacts, content, claims, questions, nickname): there is
    no viewer history, so no flood/repetition/raid/slow mode, and the viewer action shown is
    the one a first offence would get. Nothing is recorded.
    """
    now = datetime.now(timezone.utc)
    # An established viewer: shield mode's hold-new-viewers rule is about people, not text.
    message = ChatMessage(text, _DRY_RUN_VIEWER, nickname, broadcast_id or "", now,
                          viewer_first_seen=now - timedelta(days=1))
    context = ModerationContext(matcher, policy or ModerationPolicy(), ChatMode(shield=bool(mode and mode.shield)))
    return _moderate(message, context, now.timestamp(), record=False)[0].as_dict()
