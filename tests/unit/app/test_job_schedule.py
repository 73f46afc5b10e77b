"""Periodic jobs start on a fixed grid: a run's own time does not push the next one later (issue 5: the live
dashboard is pushed at least every 5 s)."""
from __future__ import annotations

from app.background import next_due


def test_the_next_run_is_one_period_after_the_last_due_time_not_after_the_run_ended():
    assert next_due(due=100.0, period=4.5, now=101.2) == 104.5


def test_a_job_that_fell_behind_runs_at_once_without_a_burst_of_missed_runs():
    assert next_due(due=100.0, period=4.5, now=113.0) == 113.0
    assert next_due(due=113.0, period=4.5, now=113.1) == 117.5


def test_a_job_of_no_period_runs_every_time_it_is_looked_at():
    assert next_due(due=5.0, period=0, now=7.0) == 7.0
