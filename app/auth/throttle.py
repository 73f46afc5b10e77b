"""Login throttling: failed attempts counted per username and per client address in a sliding window.

The counts live in this process's memory (one LoginThrottle per app): they are lost on restart, and with
several servers each one counts only the attempts that reach it, so an attacker spread over N servers gets
up to N times the limit. That bounds online guessing well enough for a console with a handful of users
(docs/deployment.md says so); a shared store would be needed for an exact limit.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque

from flask import Flask, current_app

_EXTENSION = "livedesk_login_throttle"


class SlidingWindow:
    """Failure times per key within the last `window` seconds; at `limit` failures the key waits (pure, clock passed in)."""

    def __init__(self, limit: int, window: float, max_keys: int = 10_000):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, key: str, now: float) -> int:
        """Return the whole seconds key must wait before its next attempt (0: it may try now)."""
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.limit:
                return 0
            return max(1, math.ceil(times[-self.limit] + self.window - now))

    def failed(self, key: str, now: float) -> None:
        """Count one failed attempt of key at now."""
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:  # memory stays bounded when keys are sprayed
                self._failures.popitem(last=False)

    def forget(self, key: str) -> None:
        """Clear key's failures (after a successful login)."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        """Return key's failures still inside the window (older ones dropped)."""
        times = self._failures.get(key) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times


class LoginThrottle:
    """The two windows a login attempt must pass: its username's and its client address's."""

    def __init__(self, per_username: int, per_address: int, window: float):
        self.usernames = SlidingWindow(per_username, window)
        self.addresses = SlidingWindow(per_address, window)

    def retry_after(self, username: str, address: str, now: float) -> int:
        """Return the seconds to wait before this username may be tried from this address (0: go ahead)."""
        return max(self.usernames.retry_after(_fold(username), now), self.addresses.retry_after(address, now))

    def failed(self, username: str, address: str, now: float) -> None:
        """Count one failed attempt against both the username and the address."""
        self.usernames.failed(_fold(username), now)
        self.addresses.failed(address, now)

    def succeeded(self, username: str) -> None:
        """Clear the username's failures (the address keeps its count: it may be guessing other names)."""
        self.usernames.forget(_fold(username))


def _fold(username: str) -> str:
    """Return the key of a username (case-folded, so 'Admin' and 'admin' share one count)."""
    return username.casefold()


def login_throttle(app: Flask | None = None) -> LoginThrottle:
    """Return the app's login throttle, made on first use from its LOGIN_* settings."""
    app = app or current_app._get_current_object()
    throttle = app.extensions.get(_EXTENSION)
    if throttle is None:
        throttle = app.extensions[_EXTENSION] = LoginThrottle(
            app.config["LOGIN_FAILURES_PER_USERNAME"], app.config["LOGIN_FAILURES_PER_ADDRESS"],
            app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    return throttle
