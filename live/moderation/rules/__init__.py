"""Chat moderation rules: pure functions over plain data (no Flask, database or Socket.IO).

The chat service holds a ``MatcherCache`` (rebuilt when the term lists change) and one
``RecentChat`` per broadcast, and for each message calls ``moderate_and_record``; the
dry-run endpoint calls ``check_text``. See docs/moderation.md.
"""

from live.moderation.rules.claims import Claim, is_question, parse_claim
from live.moderation.rules.contacts import ContactHit, find_contacts
from live.moderation.rules.decision import ChatMessage, Decision, ModerationContext
from live.moderation.rules.escalation import EscalationStep, ViewerAction, escalate
from live.moderation.rules.normalize import Normalized, normalize
from live.moderation.rules.pipeline import check_text, moderate, moderate_and_record
from live.moderation.rules.policy import ChatMode, ModerationPolicy
from live.moderation.rules.reasons import REASON_CODES, Reason
from live.moderation.rules.recent import RecentChat, RecentMessage, ViewerActivity, activity_from_history
from live.moderation.rules.terms import (
    AllowTerm,
    Match,
    MatcherCache,
    RegexRule,
    Term,
    TermMatcher,
    build_matcher,
    find_terms,
)

__all__ = [
    "REASON_CODES", "AllowTerm", "ChatMessage", "ChatMode", "Claim", "ContactHit", "Decision",
    "EscalationStep", "Match", "MatcherCache", "ModerationContext", "ModerationPolicy",
    "Normalized", "Reason", "RecentChat", "RecentMessage", "RegexRule", "Term", "TermMatcher",
    "ViewerAction", "ViewerActivity", "activity_from_history", "build_matcher", "check_text",
    "escalate", "find_contacts", "find_terms", "is_question", "moderate", "moderate_and_record",
    "normalize", "parse_claim",
]
