"""Races on PostgreSQL (issue 15): two workers delivering the same order at once make one invitation and one task;
two submits of one survey at once store one answer and tell the other "already answered"."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.signals import order_delivered
from orders.care.followups.models import FollowUpTask
from orders.care.surveys.answers import AnswerRefused, record_answer
from orders.care.surveys.models import SurveyInvitation, SurveyResponse
from orders.models import Order
from orders.notices.models import BuyerNotice
from tests.support import databases
from tests.support import survey_rows as rows

pytestmark = pytest.mark.postgres
WORKERS = 4


@pytest.fixture
def pg_app(postgres_url):
    """Return an app on the (emptied) PostgreSQL test database."""
    databases.truncate_postgres(postgres_url)
    app = databases.make_app(postgres_url)
    yield app
    databases.dispose(app)


def in_parallel(app, work) -> list:
    """Run work() in WORKERS threads, each in its own app context and session, started together; return results."""
    barrier, results = threading.Barrier(WORKERS), []

    def worker():
        with app.app_context():
            barrier.wait()
            try:
                results.append(work())
            except AnswerRefused as refused:
                results.append(refused.code)
            finally:
                db.session.rollback()
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_concurrent_deliveries_of_one_order_make_one_invitation_one_notice_one_task(pg_app):
    with pg_app.app_context():
        order_pk = rows.paid_order(rows.broadcast().id).id
        db.session.commit()

    def deliver():
        order = db.session.get(Order, order_pk)
        order_delivered.send(db.session, order=order, at=utcnow())
        db.session.commit()
        return "ok"

    assert in_parallel(pg_app, deliver) == ["ok"] * WORKERS
    with pg_app.app_context():
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        assert (count(SurveyInvitation), count(BuyerNotice), count(FollowUpTask)) == (1, 1, 1)


def test_concurrent_answers_to_one_link_store_one(pg_app):
    with pg_app.app_context():
        rows.deliver(rows.paid_order(rows.broadcast().id))
        invitation_id = db.session.scalar(sa.select(SurveyInvitation.id))

    def answer():
        invitation = db.session.get(SurveyInvitation, invitation_id)
        response = record_answer(db.session, invitation, 1, "慢", None, utcnow())
        db.session.commit()
        return response.score

    results = in_parallel(pg_app, answer)
    assert sorted(map(str, results)) == ["1"] + ["already_answered"] * (WORKERS - 1)
    with pg_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count()).where(FollowUpTask.source == "survey")) == 1
