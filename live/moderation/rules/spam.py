"""Spam and content rules: flood, repetition, raid, slow mode, length, caps and symbols.

The rules are pure: they read a ``ViewerActivity`` snapshot (see ``live.moderation.rules.recent``,
whose ``RecentChat`` the caller keeps per broadcast) and a ``TextStats``.
"""

from __future__ import annotations

import re

from live.moderation.rules import reasons as codes
from live.moderation.rules.policy import ChatMode, ModerationPolicy
from live.moderation.rules.reasons import Reason, RuleHit
from live.moderation.rules.recent import QUIET, RecentChat, RecentMessage, ViewerActivity, activity_from_history
from live.moderation.rules.speedups import compiled

__all__ = [
    "RecentChat", "RecentMessage", "ViewerActivity", "activity_from_history", "check_content",
    "check_spam", "content_counts", "content_counts_re", "fingerprint", "fingerprint_re",
]

_NOT_CONTENT = re.compile(r"[\W_\d]+")
_SEPARATORS = re.compile(r"[\W_]+")
_UPPER = re.compile(r"[A-Z\u00c0-\u00de\uff21-\uff3a]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a]")
# Punctuation and symbols. Han characters are \w, so they are letters here, never symbols;
# emoji and pictographs are reactions in live chat, not noise, so they are left out too.
_SYMBOL = re.compile(r"[^\w\s\u2190-\u21ff\u2300-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f\u200d]")
_SPACE = re.compile(r"\s")
# Explicit direction controls (embeddings, overrides, isolates): a browser shows the text they wrap in another
# order than it is stored and matched in, so "\u202e54321cba 信微加" reads "加微信 abc12345" on the host's screen.
# Chat written in one language never needs them; a message with them is held for a moderator, who sees it shown.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Product codes (a letter and a digit: A12, SCARF-01-GRY, 2XL) and size letters are written in capitals by
# everyone: they are not shouting, so the caps rule does not count their letters.
_LATIN_ALNUM = "A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_JOINER = "\\-_\uff0d\uff3f"
_NOT_CAPS = re.compile(
    rf"(?<![{_LATIN_ALNUM}])(?:(?=[{_LATIN_ALNUM}{_JOINER}]*[0-9\uff10-\uff19])"
    rf"[{_LATIN_ALNUM}]+(?:[{_JOINER}][{_LATIN_ALNUM}]+)*"
    r"|(?i:xxxl|xxl|xl|xs|s|m|l)|(?i:ｘｘｘｌ|ｘｘｌ|ｘｌ|ｘｓ|ｓ|ｍ|ｌ))"
    rf"(?![{_LATIN_ALNUM}])"
)


def fingerprint_re(key: str) -> str:
    """Return the near-duplicate fingerprint of a normalised key: its letters only.

    "buy now!!! 1" and "buy now 2" share one; a key with no letters ("+1", "666") keeps its
    digits so that it is still compared with itself.
    """
    return _NOT_CONTENT.sub("", key) or _SEPARATORS.sub("", key)


def content_counts_re(text: str) -> tuple[int, int, int, int]:
    """Return (uppercase letters, Latin letters, symbols, spaces) of a text, by regular expressions."""
    return (len(_UPPER.findall(text)), len(_LATIN.findall(text)), len(_SYMBOL.findall(text)),
            len(_SPACE.findall(text)))


# One compiled loop each when live/moderation/rules/_speedups.c is built (same results).
fingerprint = compiled.fingerprint if compiled is not None else fingerprint_re
content_counts = compiled.content_counts if compiled is not None else content_counts_re


def check_content(text: str, policy: ModerationPolicy) -> list[RuleHit]:
    """Return the hits of the length, caps and symbol rules for a message's original text."""
    hits: list[RuleHit] = []
    length = len(text)
    if length > policy.max_length:
        reason = Reason(codes.SPAM_TOO_LONG, f"{length} > {policy.max_length} characters", None, "too_long",
                        {"length": length, "max": policy.max_length})
        hits.append(RuleHit(reason, policy.length_action))
    if not text.isascii():
        controls = len(_BIDI_CONTROLS.findall(text))
        if controls:
            reason = Reason(codes.SPAM_BIDI, f"{controls} text-direction control characters", None, "bidi",
                            {"controls": controls})
            hits.append(RuleHit(reason, "hold"))
    if length < policy.caps_min_letters and length < policy.symbol_min_chars:
        return hits
    upper, letters, symbols, spaces = content_counts(text)
    if letters >= policy.caps_min_letters and upper > policy.caps_ratio * letters:
        # Only text that looks like shouting pays for a second count without its codes and sizes.
        upper, letters, _, _ = content_counts(_NOT_CAPS.sub(" ", text))
    if letters >= policy.caps_min_letters and upper > policy.caps_ratio * letters:
        reason = Reason(codes.SPAM_CAPS, f"{upper}/{letters} letters uppercase", None, "caps",
                        {"upper": upper, "letters": letters})
        hits.append(RuleHit(reason, policy.ratio_action))
    visible = length - spaces
    if visible >= policy.symbol_min_chars and symbols > policy.symbol_ratio * visible:
        reason = Reason(codes.SPAM_SYMBOLS, f"{symbols}/{visible} characters are symbols", None, "symbols",
                        {"symbols": symbols, "visible": visible})
        hits.append(RuleHit(reason, policy.ratio_action))
    return hits


def check_spam(activity: ViewerActivity, policy: ModerationPolicy, mode: ChatMode, raid: bool = True) -> list[RuleHit]:
    """Return the hits of the flood, repetition, raid and slow-mode rules for one message.

    ``raid`` False leaves the raid rule out (the pipeline does so for purchase claims).
    """
    if activity is QUIET:
        return []
    hits: list[RuleHit] = []
    sent = activity.recent_messages + 1
    if sent > policy.flood_messages:
        hits.append(RuleHit(Reason(codes.SPAM_FLOOD, f"{sent} messages in {policy.flood_window_s:g} s", None, "flood",
                                   {"messages": sent, "window_s": policy.flood_window_s}),
                            policy.flood_action))
    similar = activity.similar_messages + 1
    if similar >= policy.repetition_count:
        hits.append(RuleHit(
            Reason(codes.SPAM_REPETITION, f"{similar} near-identical messages in {policy.repetition_window_s:g} s",
                   None, "repetition", {"messages": similar, "window_s": policy.repetition_window_s}),
            policy.repetition_action))
    raiders = len(activity.raid_viewers) + 1
    if raid and activity.raid_viewers and raiders >= policy.raid_viewers:
        hits.append(RuleHit(
            Reason(codes.SPAM_RAID, f"{raiders} viewers sent the same text in {policy.raid_window_s:g} s",
                   None, "raid", {"viewers": raiders, "window_s": policy.raid_window_s}),
            policy.raid_action))
    since = activity.seconds_since_last
    if mode.slow_seconds > 0 and since is not None and since < mode.slow_seconds:
        hits.append(RuleHit(
            Reason(codes.SLOW_MODE, f"{since:.0f} s since the last message; slow mode is {mode.slow_seconds:g} s",
                   None, "slow_mode", {"since_s": round(since), "slow_s": mode.slow_seconds}),
            policy.slow_mode_action))
    return hits
