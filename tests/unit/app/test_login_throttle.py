"""The login throttle's sliding windows (pure: the clock is passed in)."""
from __future__ import annotations

from app.auth.throttle import LoginThrottle, SlidingWindow


def test_a_key_waits_after_its_limit_until_the_oldest_failure_leaves_the_window():
    window = SlidingWindow(limit=3, window=60)
    for now in (0, 10, 20):
        assert window.retry_after("alice", now) == 0
        window.failed("alice", now)
    assert window.retry_after("alice", 30) == 30
    assert window.retry_after("alice", 59.5) == 1
    assert window.retry_after("alice", 60) == 0


def test_a_success_clears_the_username_but_not_the_address():
    throttle = LoginThrottle(per_username=2, per_address=3, window=60)
    throttle.failed("Alice", "10.0.0.1", 0)
    throttle.failed("alice", "10.0.0.1", 1)
    assert throttle.retry_after("ALICE", "10.0.0.2", 2) > 0  # names are compared case-folded
    throttle.succeeded("alice")
    assert throttle.retry_after("alice", "10.0.0.2", 2) == 0
    throttle.failed("bob", "10.0.0.1", 3)
    assert throttle.retry_after("carol", "10.0.0.1", 4) > 0


def test_memory_stays_bounded_when_names_are_sprayed():
    window = SlidingWindow(limit=5, window=60, max_keys=100)
    for n in range(1_000):
        window.failed(f"user{n}", 0)
    assert len(window._failures) == 100
