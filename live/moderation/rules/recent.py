"""Recent chat activity: an in-memory window per broadcast and a pure reference over a list.

Two keys per message: the normalised text (a raid is many viewers sending the *same* text)
and its fingerprint (repetition is one viewer sending *near-identical* texts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from live.moderation.rules.policy import ModerationPolicy

__all__ = ["QUIET", "RecentChat", "RecentMessage", "ViewerActivity", "activity_from_history"]

_LAST_SEEN_KEEP_S = 3600.0
_PRUNE_EVERY = 4096


class ViewerActivity(NamedTuple):
    """What happened just before a message (the message itself not included).

    ``recent_messages``: the viewer's messages within the flood window;
    ``similar_messages``: the viewer's messages with the same fingerprint within the
    repetition window; ``raid_viewers``: other viewers who sent the same normalised text
    within the raid window (filled only once they reach the raid threshold; sorted);
    ``seconds_since_last``: since the viewer's last message that was not hidden, or None.
    """

    recent_messages: int = 0
    similar_messages: int = 0
    raid_viewers: tuple[str, ...] = ()
    seconds_since_last: float | None = None


QUIET = ViewerActivity()
_DEFAULT_POLICY = ModerationPolicy()


@dataclass(frozen=True, slots=True)
class RecentMessage:
    """One earlier message as the activity rules see it (``at`` is a UTC timestamp)."""

    at: float
    viewer_id: str
    fingerprint: str
    normalized: str
    visible: bool = True


def _raid_applies(normalized: str, policy: ModerationPolicy) -> bool:
    return len(normalized) >= policy.raid_min_chars


def activity_from_history(
    history: Iterable[RecentMessage], viewer_id: str, fingerprint: str, normalized: str, at: float,
    policy: ModerationPolicy,
) -> ViewerActivity:
    """Return the viewer activity before ``at`` computed from a plain list of messages."""
    history = list(history)
    mine = [m for m in history if m.viewer_id == viewer_id]
    recent = sum(1 for m in mine if m.at >= at - policy.flood_window_s)
    similar = sum(1 for m in mine if m.at >= at - policy.repetition_window_s and m.fingerprint == fingerprint)
    visible = [m.at for m in mine if m.visible]
    raid: tuple[str, ...] = ()
    if _raid_applies(normalized, policy):
        others = {
            m.viewer_id for m in history
            if m.normalized == normalized and m.at >= at - policy.raid_window_s and m.viewer_id != viewer_id
        }
        if len(others) + 1 >= policy.raid_viewers:
            raid = tuple(sorted(others))
    return ViewerActivity(recent, similar, raid, at - max(visible) if visible else None)


class RecentChat:
    """The last ``horizon_s`` seconds of one broadcast's chat, kept incrementally.

    Hold one per broadcast in the chat service (not shared across OS threads). Either call
    ``activity`` before moderating and ``record`` after, or ``observe`` (both at once, as
    ``moderate_and_record`` does) and then ``unshow`` if the message was hidden.

    Messages arrive in time order. Old entries are dropped lazily: a viewer's list when that
    viewer writes again, everything else every few thousand messages. The rules read every
    window by time, so an entry older than the horizon never changes a result; dropping them
    late only bounds memory, and costs less than a log evicted message by message.
    """

    def __init__(self, horizon_s: float = 60.0, max_per_viewer: int = 1000) -> None:
        self.horizon_s = horizon_s
        # A flooding viewer keeps at most this many messages (the flood and repetition
        # counts stop there, far above any threshold).
        self.max_per_viewer = max_per_viewer
        # (at, fingerprint) per viewer, oldest first; a list, cheaper than a deque to create
        # for the one or two messages most viewers have in the window.
        self._by_viewer: dict[str, list[tuple[float, str]]] = {}
        self._by_text: dict[str, dict[str, float]] = {}  # text -> {viewer: last at}; texts long enough to raid
        self._last_visible: dict[str, float] = {}
        self._since_prune = 0
        self._policy: ModerationPolicy = _DEFAULT_POLICY
        self._adopt(_DEFAULT_POLICY)

    def __len__(self) -> int:
        """Return how many messages are held (old ones included until they are dropped)."""
        return sum(len(mine) for mine in self._by_viewer.values())

    def activity(
        self, viewer_id: str, fingerprint: str, normalized: str, at: float, policy: ModerationPolicy
    ) -> ViewerActivity:
        """Return the viewer activity before ``at`` (same result as ``activity_from_history``)."""
        if policy is not self._policy:
            self._adopt(policy)
        mine = self._by_viewer.get(viewer_id)
        recent, similar = _count(mine, fingerprint, at, policy) if mine else (0, 0)
        senders = self._by_text.get(normalized) if len(normalized) >= policy.raid_min_chars else None
        raid = _raiders(senders, viewer_id, at, policy) if senders else ()
        last = self._last_visible.get(viewer_id)
        if last is None and not recent and not similar and not raid:
            return QUIET
        return ViewerActivity(recent, similar, raid, None if last is None else at - last)

    def record(
        self, viewer_id: str, fingerprint: str, normalized: str, at: float, visible: bool = True
    ) -> None:
        """Add a moderated message (``visible`` False if it was hidden) and forget old ones."""
        self.observe(viewer_id, fingerprint, normalized, at, self._policy, visible)

    def observe(
        self, viewer_id: str, fingerprint: str, normalized: str, at: float, policy: ModerationPolicy,
        visible: bool = True,
    ) -> ViewerActivity:
        """Return the activity before the message (as ``activity``), then record the message.

        The message counts as shown unless ``visible`` is False; call ``unshow`` with the
        returned activity if it turns out hidden (hidden messages do not restart slow mode).
        """
        if policy is not self._policy:
            self._adopt(policy)
        mine = self._by_viewer.get(viewer_id)
        if mine is None:
            recent = similar = 0
            self._by_viewer[viewer_id] = [(at, fingerprint)]
        else:
            if mine[0][0] < at - self.horizon_s or len(mine) >= self.max_per_viewer:
                _trim(mine, at - self.horizon_s, self.max_per_viewer - 1)
            recent, similar = _count(mine, fingerprint, at, policy)
            mine.append((at, fingerprint))
        raid: tuple[str, ...] = ()
        if len(normalized) >= policy.raid_min_chars:
            senders = self._by_text.get(normalized)
            if senders is None:
                self._by_text[normalized] = {viewer_id: at}
            else:
                raid = _raiders(senders, viewer_id, at, policy)
                senders[viewer_id] = at
        last = self._last_visible.get(viewer_id)
        if visible:
            self._last_visible[viewer_id] = at
        self._since_prune += 1
        if self._since_prune >= _PRUNE_EVERY:
            self._prune(at)
        if last is None and not recent and not similar and not raid:
            return QUIET
        return ViewerActivity(recent, similar, raid, None if last is None else at - last)

    def unshow(self, viewer_id: str, at: float, activity: ViewerActivity) -> None:
        """Undo ``observe`` counting the viewer's message at ``at`` as shown."""
        since = activity.seconds_since_last
        if since is None:
            self._last_visible.pop(viewer_id, None)
        else:
            self._last_visible[viewer_id] = at - since

    def _adopt(self, policy: ModerationPolicy) -> None:
        # Keep enough history for the longest window any policy asks about.
        self._policy = policy
        self.horizon_s = max(self.horizon_s, policy.flood_window_s, policy.repetition_window_s,
                             policy.raid_window_s)

    def _prune(self, at: float) -> None:
        """Drop what fell out of the horizon: viewers and texts with nothing recent, then old last-seen times."""
        self._since_prune = 0
        cut = at - self.horizon_s
        self._by_viewer = {v: mine for v, mine in self._by_viewer.items() if mine[-1][0] >= cut}
        by_text: dict[str, dict[str, float]] = {}
        for text, senders in self._by_text.items():
            kept = {v: t for v, t in senders.items() if t >= cut}
            if kept:
                by_text[text] = kept
        self._by_text = by_text
        cutoff = at - _LAST_SEEN_KEEP_S
        self._last_visible = {v: t for v, t in self._last_visible.items() if t >= cutoff}


def _trim(mine: list[tuple[float, str]], cut: float, keep_at_most: int) -> None:
    """Drop a viewer's messages older than cut, and the oldest beyond keep_at_most."""
    drop = 0
    for ts, _ in mine:
        if ts >= cut:
            break
        drop += 1
    drop = max(drop, len(mine) - keep_at_most)
    del mine[:drop]


def _count(mine: list[tuple[float, str]], fingerprint: str, at: float, policy: ModerationPolicy) -> tuple[int, int]:
    recent = similar = 0
    flood_cut = at - policy.flood_window_s
    repeat_cut = at - policy.repetition_window_s
    oldest = flood_cut if flood_cut < repeat_cut else repeat_cut
    for ts, fp in reversed(mine):
        if ts < oldest:
            break
        if ts >= flood_cut:
            recent += 1
        if ts >= repeat_cut and fp == fingerprint:
            similar += 1
    return recent, similar


def _raiders(
    senders: dict[str, float], viewer_id: str, at: float, policy: ModerationPolicy
) -> tuple[str, ...]:
    if len(senders) + 1 < policy.raid_viewers:
        return ()
    cut = at - policy.raid_window_s
    others = [v for v, sent_at in senders.items() if sent_at >= cut and v != viewer_id]
    return tuple(sorted(others)) if len(others) + 1 >= policy.raid_viewers else ()
