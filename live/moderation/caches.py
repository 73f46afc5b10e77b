"""What the chat service keeps in process memory, per app: the matcher, policies and recent chat.

Kept on the app (``app.extensions``), not in module globals, so every app built in one process (tests, the
bench) starts clean. On the embedded default each broadcast's spam windows (flood, repetition, raid, slow
mode) are a ``RecentChat`` in process; when the app has a shared Redis (app/redis_client.py: several servers)
they are a ``SharedRecentChat`` there instead, so a flooder gets one allowance, not one per server.
The matcher and the policies are right across processes: both are keyed by a version stored in the database.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app

from app.redis_client import shared_redis
from live.moderation.rules import ChatMode, MatcherCache, ModerationPolicy, RecentChat
from live.moderation.shared_recent import SharedRecentChat

_KEY = "livedesk_moderation"
MAX_BROADCASTS = 256  # recent-chat windows kept; the least recently used broadcast's is dropped first


@dataclass(frozen=True)
class Settings:
    """A broadcast's policy and chat modes, as one immutable value (policy objects are cache keys)."""

    version: int
    policy: ModerationPolicy
    mode: ChatMode
    overrides: dict = field(default_factory=dict)


@dataclass
class ModerationState:
    """The per-app caches of the chat service."""

    matchers: MatcherCache = field(default_factory=MatcherCache)
    build_lock: threading.Lock = field(default_factory=threading.Lock)
    settings: dict[int, Settings] = field(default_factory=dict)
    recent: OrderedDict[int, tuple[RecentChat | SharedRecentChat, threading.Lock]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The shared Redis and the key prefix of its windows; None keeps the windows in process.
    redis: object | None = None
    redis_prefix: str = "livedesk"

    def recent_chat(self, broadcast_id: int) -> tuple[RecentChat | SharedRecentChat, threading.Lock]:
        """Return the broadcast's recent-chat window and the lock to hold while using it."""
        with self.lock:
            entry = self.recent.get(broadcast_id)
            if entry is None:
                window = (RecentChat() if self.redis is None
                          else SharedRecentChat(self.redis, f"{self.redis_prefix}:chat:{broadcast_id}"))
                entry = self.recent[broadcast_id] = (window, threading.Lock())
                while len(self.recent) > MAX_BROADCASTS:
                    self.recent.popitem(last=False)
            else:
                self.recent.move_to_end(broadcast_id)
            return entry


def state() -> ModerationState:
    """Return the current app's moderation caches, creating them on first use."""
    extensions = current_app.extensions
    found = extensions.get(_KEY)
    if found is None:
        found = extensions[_KEY] = ModerationState(redis=shared_redis(current_app),
                                                   redis_prefix=current_app.config.get("SOCKETIO_CHANNEL", "livedesk"))
    return found
