"""Per-broadcast moderation policy and chat modes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["ChatMode", "ModerationPolicy", "RuleAction"]

RuleAction = Literal["hide", "hold", "timeout", "ban"]
_RULE_ACTIONS = get_args(RuleAction)


@dataclass(frozen=True, slots=True)
class ModerationPolicy:
    """Thresholds and actions of every spam, content and escalation rule.

    A rule's action is what happens to the message: ``hide`` or ``hold``; ``timeout`` hides
    it and counts an offence (escalation picks the timeout); ``ban`` hides it and bans.
    """

    flood_messages: int = 5  # more than this many messages ...
    flood_window_s: float = 10.0  # ... within this window from one viewer
    flood_action: RuleAction = "timeout"
    repetition_count: int = 3  # this many near-identical messages (current one included)
    repetition_window_s: float = 30.0
    repetition_action: RuleAction = "hide"
    raid_viewers: int = 10  # this many distinct viewers (current one included)
    raid_window_s: float = 30.0
    # Organic hype ("666", "+1", "好看") is short; raids are not. Shorter texts never raid.
    raid_min_chars: int = 10
    raid_action: RuleAction = "hide"
    max_length: int = 200
    length_action: RuleAction = "hide"
    caps_ratio: float = 0.7  # uppercase share of Latin letters above which caps is shouting
    caps_min_letters: int = 10
    symbol_ratio: float = 0.5  # punctuation/symbol share of visible characters
    symbol_min_chars: int = 10
    ratio_action: RuleAction = "hide"
    contact_action: RuleAction = "timeout"
    digit_run_min: int = 8
    allowed_domains: tuple[str, ...] = ()
    slow_mode_action: RuleAction = "hide"
    warning_timeout_s: int = 10
    timeout_s: int = 600
    escalation_window_s: float = 3600.0
    shield_new_viewer_s: float = 300.0  # in shield mode, viewers first seen this recently are held

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name.endswith("_action") and getattr(self, f.name) not in _RULE_ACTIONS:
                raise ValueError(f"{f.name} must be one of {_RULE_ACTIONS}")
        # Lower values would flag every single message; the spam rules rely on these bounds.
        if self.flood_messages < 1 or self.repetition_count < 2 or self.raid_viewers < 2:
            raise ValueError("flood_messages >= 1, repetition_count >= 2 and raid_viewers >= 2 are required")

    def shielded(self) -> ModerationPolicy:
        """Return the stricter variant of this policy used while shield mode is on."""
        return _shielded(self)

    def replace(self, **changes: object) -> ModerationPolicy:
        """Return a copy of the policy with the given fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


# Keyed by identity: hashing a policy (every field) would cost more than the rules it feeds.
_SHIELDED: dict[int, tuple[ModerationPolicy, ModerationPolicy]] = {}


def _shielded(policy: ModerationPolicy) -> ModerationPolicy:
    cached = _SHIELDED.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    if len(_SHIELDED) > 256:
        _SHIELDED.clear()
    strict = _stricter(policy)
    _SHIELDED[id(policy)] = (policy, strict)
    return strict


def _stricter(policy: ModerationPolicy) -> ModerationPolicy:
    return dataclasses.replace(
        policy,
        flood_messages=min(policy.flood_messages, 3),
        repetition_count=min(policy.repetition_count, 2),
        repetition_action="timeout" if policy.repetition_action == "hide" else policy.repetition_action,
        raid_viewers=min(policy.raid_viewers, 5),
        raid_min_chars=min(policy.raid_min_chars, 4),
        max_length=min(policy.max_length, 100),
        caps_ratio=min(policy.caps_ratio, 0.5),
        symbol_ratio=min(policy.symbol_ratio, 0.3),
        digit_run_min=min(policy.digit_run_min, 6),
        warning_timeout_s=max(policy.warning_timeout_s, 60),
    )


@dataclass(frozen=True, slots=True)
class ChatMode:
    """The chat modes switched on for a broadcast: slow mode (seconds, 0 = off) and shield."""

    slow_seconds: float = 0.0
    shield: bool = False
