"""`flask create-connection` and `flask adapter-replay`: how a seller connects a room and tests it before going live."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.adapters.models import AdapterInboxMessage, PlatformConnection
from live.models import EventLog
from tests.support.live_room import at, body, item, renamed


@pytest.fixture
def runner(app):
    """Return a CLI runner for app."""
    return app.test_cli_runner()


@pytest.fixture
def broadcast_id(api):
    """Return the id of a live broadcast."""
    return api.live_broadcast("CLI room")


def _recording(tmp_path, platform: str, names: list[str], moment: datetime | None = None) -> str:
    """Write a JSON-lines file of request bodies, one per fixture name (times set to moment when given)."""
    lines = []
    for number, name in enumerate(names):
        entry = item(platform, name)
        if moment is not None:
            entry = renamed(at(entry, moment), f"r{number}-")
        lines.append(body(entry).decode())
    path = tmp_path / f"{platform}.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return str(path)


def test_create_connection_prints_the_endpoint_and_then_the_secret_once(app, runner, broadcast_id):
    result = runner.invoke(args=["create-connection", "room-1", "--platform", "bilibili", "--broadcast",
                                 str(broadcast_id), "--zone", "Asia/Shanghai"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "POST /api/v1/adapters/bilibili/room-1" in result.output and lines[-1].startswith("lds_")


def test_create_connection_refuses_what_the_api_refuses(runner, broadcast_id):
    result = runner.invoke(args=["create-connection", "shop", "--platform", "douyin", "--broadcast", str(broadcast_id)])
    assert result.exit_code != 0 and "app_secret" in result.output
    result = runner.invoke(args=["create-connection", "x", "--platform", "bilibili", "--broadcast", "999"])
    assert result.exit_code != 0 and "no broadcast 999" in result.output


def test_a_kuaishou_secret_that_is_no_message_key_is_refused_with_the_reason_not_a_traceback(app, runner,
                                                                                              broadcast_id):
    result = runner.invoke(args=["create-connection", "ks-bad", "--platform", "kuaishou", "--broadcast",
                                 str(broadcast_id), "--app-key", "ksapp1", "--app-secret", "notakey"])
    assert result.exit_code == 1 and not isinstance(result.exception, RuntimeError), result.exception
    assert "Error: app_secret: For a Kuaishou shop the app secret is its message key" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlatformConnection)) == 0


def test_a_dry_run_maps_every_recorded_request_and_stores_nothing(app, runner, tmp_path):
    path = _recording(tmp_path, "tiktok_live", ["chat", "member", "gift_streak_running", "gift_streak_end", "social",
                                                 "chat"])
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('[{"event": "chat"}]\n')
    result = runner.invoke(args=["adapter-replay", "tiktok_live", path])
    assert result.exit_code == 0, result.output
    assert "accepted 3  duplicate 1  ignored 2  rejected 1" in result.output
    assert "line 8: refused" in result.output  # line 7 is the blank line the recording ends with
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AdapterInboxMessage)) == 0


def test_a_replay_through_a_connection_lands_its_events_and_a_second_run_only_finds_duplicates(app, runner, tmp_path,
                                                                                              broadcast_id):
    assert runner.invoke(args=["create-connection", "room", "--platform", "douyin_live", "--broadcast",
                               str(broadcast_id)]).exit_code == 0
    path = _recording(tmp_path, "douyin_live", ["chat", "member", "gift_combo_end", "like", "room_user_seq", "social"],
                      datetime.now(timezone.utc))
    first = runner.invoke(args=["adapter-replay", "douyin_live", path, "--connection", "room"])
    assert first.exit_code == 0, first.output
    assert "accepted 5  duplicate 0  ignored 1  rejected 0" in first.output
    again = runner.invoke(args=["adapter-replay", "douyin_live", path, "--connection", "room"])
    assert "accepted 0  duplicate 6  ignored 0  rejected 0" in again.output
    with app.app_context():
        kinds = db.session.scalars(sa.select(EventLog.type).where(EventLog.source == "adapter:room")
                                   .order_by(EventLog.id)).all()
    assert kinds == ["chat", "viewer_join", "gift", "like", "viewer_count"]


def test_a_replay_accepts_old_recordings_into_the_broadcast(app, runner, tmp_path, broadcast_id):
    assert runner.invoke(args=["create-connection", "old", "--platform", "bilibili", "--broadcast",
                               str(broadcast_id)]).exit_code == 0
    path = _recording(tmp_path, "bilibili", ["danmu_msg", "send_gift"])  # recorded in 2024
    result = runner.invoke(args=["adapter-replay", "bilibili", path, "--connection", "old"])
    assert "accepted 2" in result.output, result.output


def test_replay_names_a_missing_connection_and_file(runner, tmp_path):
    path = _recording(tmp_path, "bilibili", ["danmu_msg"])
    assert "no bilibili connection 'nope'" in runner.invoke(
        args=["adapter-replay", "bilibili", path, "--connection", "nope"]).output
    assert "cannot read" in runner.invoke(args=["adapter-replay", "bilibili", str(tmp_path / "none.jsonl")]).output


def test_recordings_are_json_lines_of_request_bodies(tmp_path):
    path = _recording(tmp_path, "bilibili", ["danmu_msg", "preparing"])
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle.read().splitlines() if line]
    assert all(isinstance(json.loads(line), list) for line in lines)
