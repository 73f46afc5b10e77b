"""Plain data going into and out of the moderation pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

from live.moderation.rules.claims import Claim
from live.moderation.rules.escalation import ViewerAction
from live.moderation.rules.policy import ChatMode, ModerationPolicy
from live.moderation.rules.reasons import Reason
from live.moderation.rules.recent import RecentChat
from live.moderation.rules.terms import TermMatcher

__all__ = ["ChatMessage", "Decision", "MessageAction", "ModerationContext"]

MessageAction = Literal["allow", "hide", "hold"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One incoming chat message; ``at`` and ``viewer_first_seen`` are aware UTC datetimes."""

    text: str
    viewer_id: str
    nickname: str
    broadcast_id: str
    at: datetime
    viewer_first_seen: datetime | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("ChatMessage.at must be timezone-aware (UTC)")


def no_offences(viewer_id: str) -> tuple[datetime, ...]:
    """Return no earlier offences (the default offence lookup)."""
    return ()


@dataclass(slots=True)
class ModerationContext:
    """Everything besides the message that a decision depends on; one per broadcast.

    ``recent`` is the broadcast's recent-chat window (None skips the spam rules, as the dry
    run does). ``offences(viewer_id)`` returns the times of the viewer's earlier offences; it
    is only called when a message is an offence, so it may query the database.
    """

    matcher: TermMatcher
    policy: ModerationPolicy = field(default_factory=ModerationPolicy)
    mode: ChatMode = field(default_factory=ChatMode)
    recent: RecentChat | None = None
    offences: Callable[[str], Iterable[datetime]] = no_offences


class Decision(NamedTuple):
    """The outcome for one message (an immutable record; decisions for repeated texts are shared).

    ``action``: allow, hide (kept, moderators only) or hold (waits for a moderator).
    ``viewer_action``: None, ``{"type": "timeout", "seconds": n}`` or ``{"type": "ban"}``.
    ``offence``: the service should store an offence for the viewer (escalation input).
    ``raid_viewer_ids``: other viewers of a detected raid, whose recent messages with the
    same ``fingerprint`` the service should hide too.
    """

    action: MessageAction
    reasons: tuple[Reason, ...] = ()
    normalized: str = ""
    claim: Claim | None = None
    is_question: bool = False
    viewer_action: ViewerAction | None = None
    suggest_shield: bool = False
    offence: bool = False
    raid_viewer_ids: tuple[str, ...] = ()
    fingerprint: str = ""

    @property
    def codes(self) -> list[str]:
        """Return the reason codes in order."""
        return [r.code for r in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        """Return the decision as a JSON-ready dict."""
        return {
            "action": self.action,
            "reasons": [r.as_dict() for r in self.reasons],
            "normalized": self.normalized,
            "claim": self.claim.as_dict() if self.claim else None,
            "is_question": self.is_question,
            "viewer_action": self.viewer_action,
            "suggest_shield": self.suggest_shield,
            "offence": self.offence,
            "raid_viewer_ids": list(self.raid_viewer_ids),
        }
