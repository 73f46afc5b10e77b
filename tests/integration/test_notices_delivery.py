"""Buyer notice delivery on SQLite and PostgreSQL: channels, retries and back-off, leases of dying or racing
workers, the configuration, the background job and the command."""
from __future__ import annotations

import logging
import random
import threading
from datetime import timedelta
from decimal import Decimal

import pytest

from app import background
from app.extensions import db
from orders.notices.channels import DeliveryError, LogChannel, WebhookChannel, channel_from_config
from orders.notices.jobs import deliver_job, register_notice_jobs
from orders.notices.service import LEASE, MAX_ATTEMPTS, deliver_due, queue_notice
from tests.support.notices import SECRET, T0, make_order, notice


def test_log_channel_sends_one_line_and_marks_the_notice_sent(ctx, caplog):
    order = make_order(ctx)
    row_id = queue_notice(ctx, order, "waitlisted", {"skus": ["A1\nforged line"]}, now=T0).id
    ctx.commit()
    with caplog.at_level(logging.INFO, logger="livedesk.notices"):
        counts = deliver_due(ctx, LogChannel(), T0)
    assert counts == {"sent": 1, "retrying": 0, "failed": 0, "skipped": 0}
    row = notice(ctx, row_id)
    assert (row.status, row.attempts, row.sent_at, row.channel) == ("sent", 1, T0, "log")
    [line] = [r.getMessage() for r in caplog.records if r.name == "livedesk.notices"]
    assert "\n" not in line and '"order_id":"O-1"' in line
    assert deliver_due(ctx, LogChannel(), T0 + timedelta(hours=1))["sent"] == 0


def test_webhook_is_retried_with_growing_backoff_and_ends_sent_after_3_attempts(ctx, receiver):
    receiver.fail_first = 2
    channel, rng = WebhookChannel(receiver.url, SECRET), random.Random(7)
    row_id = queue_notice(ctx, make_order(ctx), "promoted", now=T0).id
    ctx.commit()

    assert deliver_due(ctx, channel, T0, rng=rng)["retrying"] == 1
    first = notice(ctx, row_id)
    first_retry, first_error = first.next_attempt_at, first.last_error
    assert first.attempts == 1 and timedelta(seconds=2) <= first_retry - T0 <= timedelta(seconds=2.2)
    assert first_error == "DeliveryError: HTTP 500: boom"
    assert deliver_due(ctx, channel, first_retry - timedelta(milliseconds=1), rng=rng)["retrying"] == 0

    assert deliver_due(ctx, channel, first_retry, rng=rng)["retrying"] == 1
    second_retry = notice(ctx, row_id).next_attempt_at
    assert second_retry - first_retry > first_retry - T0
    assert timedelta(seconds=4) <= second_retry - first_retry <= timedelta(seconds=4.4)

    assert deliver_due(ctx, channel, second_retry, rng=rng)["sent"] == 1
    row = notice(ctx, row_id)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 3, second_retry, None)
    assert [valid for valid, _ in receiver.received] == [True, True, True]
    assert list(receiver.ids().values()) == [3]


def test_a_notice_that_always_fails_is_given_up_after_max_attempts(ctx, receiver):
    receiver.fail_first = 1000
    channel, now = WebhookChannel(receiver.url, SECRET), T0
    row_id = queue_notice(ctx, make_order(ctx), "expired", now=T0).id
    ctx.commit()
    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        counts = deliver_due(ctx, channel, now, rng=random.Random(1))
        outcomes.append("failed" if counts["failed"] else "retrying")
        now = notice(ctx, row_id).next_attempt_at
    assert outcomes == ["retrying"] * (MAX_ATTEMPTS - 1) + ["failed"]
    row = notice(ctx, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("failed", MAX_ATTEMPTS, None)
    assert "HTTP 500" in row.last_error
    assert deliver_due(ctx, channel, T0 + timedelta(days=1)) == {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    assert len(receiver.received) == MAX_ATTEMPTS


def test_a_receiver_refusing_the_signature_is_a_failure(receiver):
    with pytest.raises(DeliveryError, match="HTTP 401"):
        WebhookChannel(receiver.url, "not-the-secret").send({"id": "n-1"})
    assert receiver.received[0][0] is False


def test_a_worker_dying_mid_send_leaves_the_notice_leased_then_sent_again(ctx):
    class Crash(BaseException):
        pass

    class Crashing:
        name = "log"

        def send(self, notice_payload: dict) -> None:
            raise Crash()

    row_id = queue_notice(ctx, make_order(ctx), "received", {"total": Decimal(5)}, now=T0).id
    ctx.commit()
    with pytest.raises(Crash):
        deliver_due(ctx, Crashing(), T0)
    ctx.rollback()
    assert deliver_due(ctx, LogChannel(), T0 + LEASE - timedelta(seconds=1))["sent"] == 0
    assert deliver_due(ctx, LogChannel(), T0 + LEASE)["sent"] == 1
    assert notice(ctx, row_id).attempts == 2


def test_two_workers_at_once_send_each_notice_exactly_once(any_app, ctx, receiver):
    order = make_order(ctx)
    ids = [queue_notice(ctx, order, "payment_failed", dedupe=f"evt-{i}", now=T0).id for i in range(20)]
    ctx.commit()
    barrier, totals = threading.Barrier(2), []

    def work():
        with any_app.app_context():
            barrier.wait(timeout=30)
            totals.append(deliver_due(db.session, WebhookChannel(receiver.url, SECRET), T0))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(t["sent"] for t in totals) == 20
    assert sum(t["retrying"] + t["failed"] for t in totals) == 0
    assert len(receiver.received) == 20 and set(receiver.ids().values()) == {1}
    assert {notice(ctx, i).status for i in ids} == {"sent"}


@pytest.mark.parametrize("config, env, expected", [
    ({}, {}, "log"),
    ({"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "https://example.test/n", "NOTICE_WEBHOOK_SECRET": "s"},
     {}, "webhook"),
    ({}, {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "http://x.test/n", "NOTICE_WEBHOOK_SECRET": "s"},
     "webhook"),
])
def test_channel_comes_from_config_then_environment(monkeypatch, config, env, expected):
    for key in ("NOTICE_CHANNEL", "NOTICE_WEBHOOK_URL", "NOTICE_WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert channel_from_config(config).name == expected


@pytest.mark.parametrize("config", [
    {"NOTICE_CHANNEL": "sms"},
    {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_SECRET": "s"},
    {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "https://example.test/n"},
    {"NOTICE_CHANNEL": "webhook", "NOTICE_WEBHOOK_URL": "file:///etc/passwd", "NOTICE_WEBHOOK_SECRET": "s"},
])
def test_misconfigured_channel_is_a_value_error(monkeypatch, config):
    for key in ("NOTICE_CHANNEL", "NOTICE_WEBHOOK_URL", "NOTICE_WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ValueError):
        channel_from_config(config)


def test_background_job_delivers_through_the_configured_webhook(any_app, ctx, receiver):
    register_notice_jobs()
    assert [job.seconds for job in background.jobs() if job.name == "notices"] == [2]
    any_app.config.update(NOTICE_CHANNEL="webhook", NOTICE_WEBHOOK_URL=receiver.url, NOTICE_WEBHOOK_SECRET=SECRET)
    queue_notice(ctx, make_order(ctx), "promoted")
    ctx.commit()
    assert deliver_job(any_app)["sent"] == 1
    assert [valid for valid, _ in receiver.received] == [True]


def test_notices_deliver_command_sends_due_notices_once(any_app, ctx):
    queue_notice(ctx, make_order(ctx), "promoted")
    ctx.commit()
    result = any_app.test_cli_runner().invoke(args=["notices-deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1, retrying 0, failed 0, skipped 0"


def test_notices_deliver_command_reports_a_misconfigured_channel(any_app):
    any_app.config["NOTICE_CHANNEL"] = "carrier-pigeon"
    result = any_app.test_cli_runner().invoke(args=["notices-deliver", "--once"])
    assert result.exit_code != 0 and "NOTICE_CHANNEL must be" in result.output
