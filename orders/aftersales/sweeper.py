"""The after-sales timer sweeper: cases past their deadline get their remedy, each timer exactly once.

The same job mechanism as the reservation sweeper (orders/expiry.py): due cases are selected oldest deadline
first, row-locked with SKIP LOCKED (PostgreSQL), so several servers sweeping at once never take the same case;
firing moves the case to a status whose timer is another (or none), so it is not due any more; and the step
records the timer's key (kind@deadline), unique per case, so even a second firing could not be written.
A remedy the case can no longer take (e.g. nothing left to refund past the ledger) is recorded as
``timer_failed`` with the same key and leaves the case to a person, its deadline cleared.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.extensions import db
from orders.actions import OrderRejected
from orders.aftersales import actions, refunds
from orders.aftersales.common import SYSTEM, load_policy, lock_order
from orders.aftersales.models import AftersaleCase
from orders.aftersales.records import queue_case_pushes, record_step
from orders.aftersales.timers import Due, TimerPolicy, due

BATCH = 100
REASONS = {"respond": "not answered in time: approved automatically",
           "return_ship": "the return was not shipped in time",
           "confirm_receipt": "the return's receipt was not confirmed in time",
           "refund": "not refunded in time: refunded automatically"}


def due_cases(session: Session, now: datetime, limit: int = BATCH) -> list[AftersaleCase]:
    """Return up to limit cases whose deadline has passed, oldest first, locked (others' locked rows skipped)."""
    return list(session.scalars(
        sa.select(AftersaleCase).where(AftersaleCase.deadline_at <= now, AftersaleCase.deadline_kind.is_not(None))
        .order_by(AftersaleCase.deadline_at, AftersaleCase.id).limit(limit)
        .with_for_update(skip_locked=True)))


def fire(session: Session, case: AftersaleCase, timer: Due, now: datetime, policy: TimerPolicy) -> None:
    """Run the remedy of one passed timer of case (recording the timer's key with the step)."""
    reason = REASONS.get(timer.kind, timer.kind)
    if timer.action == "approve":
        actions.approve(session, case.case_id, SYSTEM, now, policy, reason=reason, timer_key=timer.key)
    elif timer.action == "close":
        actions.close(session, case.case_id, SYSTEM, now, policy, reason=reason, timer_key=timer.key)
    elif timer.action == "receive":
        actions.receive(session, case.case_id, SYSTEM, now, policy, reason=reason, timer_key=timer.key)
    elif timer.action == "refund":
        refunds.auto_refund(session, case.case_id, now, policy, timer.key, SYSTEM)
    elif timer.action == "expire_appeal":
        actions.expire_appeal(session, case.case_id, now, policy, timer.key)
    else:
        raise ValueError(f"unknown timer action {timer.action!r}")


def _give_up(session: Session, case: AftersaleCase, timer: Due, error: OrderRejected, now: datetime,
             policy: TimerPolicy) -> None:
    """Record that a timer's remedy could not be taken, once, and leave the case to a person."""
    order = lock_order(session, case)
    record_step(session, case, order, "timer_failed", SYSTEM.name, now, policy, reason=error.message,
                data={"timer": timer.kind, "code": error.code}, timer_key=timer.key)
    case.deadline_at = case.deadline_kind = case.deadline_source = None
    queue_case_pushes(session, case, order)


def fire_due(session: Session, now: datetime, policy: TimerPolicy, limit: int = BATCH) -> int:
    """Return how many timers fired (not committed): every due case's remedy, each in its own savepoint."""
    fired = 0
    for case in due_cases(session, now, limit):
        timer = due(case, case.deadline_kind, case.deadline_at, now)
        if timer is None:  # a deadline left from another status: it never fires
            case.deadline_at = case.deadline_kind = case.deadline_source = None
            continue
        savepoint = session.begin_nested()
        try:
            fire(session, case, timer, now, policy)
            session.flush()
        except OrderRejected as error:
            savepoint.rollback()
            session.refresh(case)
            savepoint = session.begin_nested()
            _give_up(session, case, timer, error, now, policy)
            session.flush()
        except IntegrityError:  # the timer's key is recorded already: it fired elsewhere
            savepoint.rollback()
            continue
        savepoint.commit()
        fired += 1
    return fired


def sweep(session: Session, now: datetime, policy: TimerPolicy | None = None, limit: int = BATCH) -> int:
    """Return how many timers one sweep fired, after committing them with their pushes."""
    policy = policy or load_policy()

    def work() -> int:
        fired = fire_due(session, now, policy, limit)
        realtime.commit(session)
        return fired

    return run_with_retry(work)


def sweep_job(app: Flask) -> None:
    """Background job: fire the due after-sales timers (runs every few seconds in each server)."""
    while sweep(db.session, utcnow()) >= BATCH:
        pass
