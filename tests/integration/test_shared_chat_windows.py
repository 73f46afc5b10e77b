"""Spam windows shared in Redis count what every server saw, exactly as the in-process window and the reference.

Property: for any run of messages (viewers, near-duplicates, raid-long texts, equal and spread times, some
hidden), ``SharedRecentChat`` answers what ``RecentChat`` answers and what ``activity_from_history`` computes
from the plain list. Then two "servers" (two windows on one Redis) split a flood between them and still see
one flood.
"""
from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live.moderation.rules import ModerationPolicy, RecentChat
from live.moderation.rules.recent import RecentMessage, activity_from_history
from live.moderation.shared_recent import SharedRecentChat

REDIS_URL = os.environ.get("LIVEDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POLICY = ModerationPolicy(flood_messages=3, flood_window_s=10.0, repetition_window_s=30.0, raid_viewers=3,
                          raid_window_s=20.0, raid_min_chars=4)

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis_client():
    """Return a client of the test Redis, or skip (fail with CI=true) when it does not answer."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    yield client
    client.close()


def _forget(client, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


message = st.tuples(
    st.sampled_from(["v1", "v2", "v3", "v4"]),  # viewer
    st.sampled_from(["fpA", "fpB", "fp|C"]),  # fingerprint (a "|" must survive the member encoding)
    st.sampled_from(["hi", "buy buy now", "同款链接在哪里", "raid text!!"]),  # normalised text
    # Seconds after the previous one: equal times, window edges hit exactly, and anything between.
    st.one_of(st.sampled_from([0.0, 5.0, 10.0, 20.0]), st.floats(min_value=0.001, max_value=12.0)),
    st.booleans(),  # hidden by the pipeline
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(message, min_size=1, max_size=40))
def test_the_shared_window_answers_as_the_in_process_window_and_the_reference(redis_client, messages):
    prefix = f"test:{uuid.uuid4().hex}"
    shared, local, history = SharedRecentChat(redis_client, prefix), RecentChat(), []
    at = 1_765_000_000.0
    try:
        for viewer, fingerprint, text, gap, hidden in messages:
            at += gap
            expected = activity_from_history(history, viewer, fingerprint, text, at, POLICY)
            from_local = local.observe(viewer, fingerprint, text, at, POLICY)
            from_shared = shared.observe(viewer, fingerprint, text, at, POLICY)
            assert from_shared == from_local == expected
            if hidden:
                local.unshow(viewer, at, from_local)
                shared.unshow(viewer, at, from_shared)
            history.append(RecentMessage(at, viewer, fingerprint, text, visible=not hidden))
    finally:
        _forget(redis_client, prefix)


def test_a_flood_split_across_two_servers_is_one_flood(redis_client):
    prefix = f"test:{uuid.uuid4().hex}"
    server_a, server_b = SharedRecentChat(redis_client, prefix), SharedRecentChat(redis_client, prefix)
    try:
        counts = [(server_a if i % 2 else server_b).observe("flooder", f"fp{i}", f"msg {i}", 100.0 + i, POLICY)
                  .recent_messages for i in range(6)]
        assert counts == [0, 1, 2, 3, 4, 5]
    finally:
        _forget(redis_client, prefix)


def test_windows_expire_in_redis_after_the_horizon(redis_client):
    prefix = f"test:{uuid.uuid4().hex}"
    try:
        SharedRecentChat(redis_client, prefix).observe("v1", "fp", "long enough text", 100.0, POLICY)
        ttls = {key.decode(): redis_client.pttl(key) for key in redis_client.scan_iter(match=f"{prefix}:*")}
        assert ttls and all(0 < ttl <= 3_600_000 for ttl in ttls.values()), ttls
    finally:
        _forget(redis_client, prefix)


TEXTS = ("hello everyone", "how much is it", "nice colour", "does it come in blue", "when does it ship",
         "great show today")


def _flood_through_two_servers(sqlite_url, **config) -> list[str]:
    """Return the moderation action of each of six messages a viewer sends, alternating between two servers."""
    from datetime import datetime, timedelta, timezone

    from tests.support.api import ApiClient
    from tests.support.databases import create_token, dispose, make_app

    apps = [make_app(sqlite_url, **config), make_app(sqlite_url, **config)]
    token = create_token(apps[0], "two-servers")
    servers = [ApiClient(app.test_client(), token) for app in apps]
    broadcast_id = servers[0].live_broadcast()
    start = datetime.now(timezone.utc).replace(microsecond=0)
    actions = []
    for i in range(6):
        event = {"id": f"flood-{i}", "type": "chat", "ts": (start + timedelta(seconds=i)).isoformat(),
                 "viewer_id": "flooder", "text": TEXTS[i]}
        response = servers[i % 2].events(broadcast_id, [event])
        assert response.status_code == 200, response.get_json()
        actions.append(response.get_json()["results"][0]["action"])
    for app in apps:
        dispose(app)
    return actions


def test_two_servers_on_one_redis_see_one_flood_through_the_events_api(redis_client, sqlite_url):
    channel = f"test-{uuid.uuid4().hex}"
    try:
        actions = _flood_through_two_servers(sqlite_url, REDIS_URL=REDIS_URL, SOCKETIO_CHANNEL=channel)
        # The default policy allows 5 messages in 10 s: the sixth is a flood, although each server saw three.
        assert actions[:5] == ["allow"] * 5 and actions[5] != "allow", actions
    finally:
        _forget(redis_client, channel)


def test_without_redis_each_server_counts_only_what_it_saw(sqlite_url):
    assert _flood_through_two_servers(sqlite_url) == ["allow"] * 6
