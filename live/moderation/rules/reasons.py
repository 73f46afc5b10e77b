"""Reason codes (stable: the UI, the API and stored decisions rely on them) and rule hits."""

from __future__ import annotations

from typing import NamedTuple

from live.moderation.rules.policy import RuleAction
from live.moderation.rules.terms import CATEGORIES

__all__ = ["CLAIM_HELD_REASON", "DETAIL_CODES", "REASON_CODES", "Reason", "RuleHit"]

CONTACT_PHONE = "contact_phone"
CONTACT_WECHAT = "contact_wechat"
CONTACT_QQ = "contact_qq"
CONTACT_DIGITS = "contact_digits"
CONTACT_URL = "contact_url"
SPAM_FLOOD = "spam_flood"
SPAM_REPETITION = "spam_repetition"
SPAM_RAID = "spam_raid"
SPAM_TOO_LONG = "spam_too_long"
SPAM_CAPS = "spam_caps"
SPAM_SYMBOLS = "spam_symbols"
SPAM_BIDI = "spam_bidi"
SLOW_MODE = "slow_mode"
SHIELD_NEW_VIEWER = "shield_new_viewer"
CLAIM_HELD = "claim_held"
VIEWER_WARNING = "viewer_warning"
VIEWER_TIMEOUT = "viewer_timeout"
VIEWER_BAN = "viewer_ban"


def term_code(category: str) -> str:
    """Return the reason code of a blocked term in the message (``term_<category>``)."""
    return f"term_{category}"


def regex_code(category: str) -> str:
    """Return the reason code of a regex rule matching the message (``regex_<category>``)."""
    return f"regex_{category}"


def nickname_code(category: str) -> str:
    """Return the reason code of a blocked term in the nickname (``nickname_<category>``)."""
    return f"nickname_{category}"


REASON_CODES: frozenset[str] = frozenset(
    [code(c) for c in CATEGORIES for code in (term_code, regex_code, nickname_code)]
    + [
        CONTACT_PHONE, CONTACT_WECHAT, CONTACT_QQ, CONTACT_DIGITS, CONTACT_URL,
        SPAM_FLOOD, SPAM_REPETITION, SPAM_RAID, SPAM_TOO_LONG, SPAM_CAPS, SPAM_SYMBOLS, SPAM_BIDI,
        SLOW_MODE, SHIELD_NEW_VIEWER, CLAIM_HELD, VIEWER_WARNING, VIEWER_TIMEOUT, VIEWER_BAN,
    ]
)


# What a reason's detail says, as a stable code a page translates with its parameters (``detail_params``):
# the English ``detail`` stays for API consumers and logs, a person reads the catalogue's text.
DETAIL_CODES: frozenset[str] = frozenset([
    "matched",  # {"text"}: the blocked term, or the contact as moderators may see it (masked)
    "too_long", "caps", "symbols",  # {"length", "max"}; {"upper", "letters"}; {"symbols", "visible"}
    "bidi",  # {"controls"}
    "flood", "repetition", "raid",  # {"messages", "window_s"}; {"messages", "window_s"}; {"viewers", "window_s"}
    "slow_mode", "new_viewer",  # {"since_s", "slow_s"}; {"age_s"}
    "ban_rule", "offence_timeout", "offence_ban",  # {}; {"offence", "window_min", "seconds"}; {"offence", "window_min"}
    "claim_held", "viewer_banned", "timed_out_until",  # {}; {}; {"until": ISO 8601 UTC}
])


class Reason(NamedTuple):
    """Why a decision was taken: a stable ``code``, a human ``detail`` (English) and, when the reason is
    a piece of the message, its ``span`` in the original text (for highlighting); ``detail_code`` and
    ``detail_params`` say the detail again for a page to translate (one of ``DETAIL_CODES``)."""

    code: str
    detail: str = ""
    span: tuple[int, int] | None = None
    detail_code: str = ""
    detail_params: dict[str, object] | None = None

    def as_dict(self) -> dict[str, object]:
        """Return ``{"code", "detail", "span", "detail_code", "detail_params"}`` ready for JSON
        (span is ``[start, end]`` or None; detail_params an object, empty without parameters)."""
        return {"code": self.code, "detail": self.detail, "span": list(self.span) if self.span else None,
                "detail_code": self.detail_code, "detail_params": dict(self.detail_params or {})}


class RuleHit(NamedTuple):
    """One rule that fired: the reason and what it asks for (hide, hold, timeout, ban)."""

    reason: Reason
    action: RuleAction


# A purchase claim is never silently hidden: the same reason wherever a hide is turned into a hold.
CLAIM_HELD_REASON = Reason(CLAIM_HELD, "purchase claim held instead of hidden", None, "claim_held")
