"""Escalation ladder: warning timeout, then the policy timeout, then a ban."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, NotRequired, TypedDict

from live.moderation.rules.policy import ModerationPolicy

__all__ = ["EscalationStep", "ViewerAction", "escalate"]


class ViewerAction(TypedDict):
    """What happens to the viewer: ``{"type": "timeout", "seconds": n}`` or ``{"type": "ban"}``."""

    type: Literal["timeout", "ban"]
    seconds: NotRequired[int]


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """The rung reached (``warning``, ``timeout`` or ``ban``) and the viewer action it takes."""

    level: Literal["warning", "timeout", "ban"]
    viewer_action: ViewerAction
    prior_offences: int


def escalate(prior_offences: Iterable[datetime], at: datetime, policy: ModerationPolicy) -> EscalationStep:
    """Return the escalation step for a new offence at ``at`` given the viewer's earlier ones.

    Only offences within ``policy.escalation_window_s`` before ``at`` count: none gives the
    warning timeout, one the policy timeout, two or more a ban.
    """
    since = at - timedelta(seconds=policy.escalation_window_s)
    count = sum(1 for t in prior_offences if since <= t <= at)
    if count == 0:
        return EscalationStep("warning", {"type": "timeout", "seconds": policy.warning_timeout_s}, 0)
    if count == 1:
        return EscalationStep("timeout", {"type": "timeout", "seconds": policy.timeout_s}, 1)
    return EscalationStep("ban", {"type": "ban"}, count)
