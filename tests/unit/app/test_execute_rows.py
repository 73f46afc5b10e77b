"""app.db.bulk.execute_rows binds rows itself on SQLite: the rows it stores and the RETURNING rows it gives back
are the ones session.execute(statement, rows) stores and gives, for every column type and default we use."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import Money, UTCDateTime
from app.db.bulk import _bind_plan, execute_rows
from app.db.conflicts import insert_ignoring_conflicts
from app.db.engine import configure_engine

FIXED = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)


def _table(metadata: sa.MetaData, name: str) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(32), nullable=False, unique=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("amount", Money),
        sa.Column("flag", sa.Boolean, nullable=False),
        sa.Column("body", sa.JSON),
        sa.Column("status", sa.String(16), default="new"),
        sa.Column("created_at", UTCDateTime, default=lambda: FIXED),
    )


@pytest.fixture()
def session():
    engine = sa.create_engine("sqlite://")
    configure_engine(engine)
    metadata = sa.MetaData()
    fast, slow = _table(metadata, "fast"), _table(metadata, "slow")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session, fast, slow
    engine.dispose()


def _rows(count: int, start: int = 0) -> list[dict]:
    shanghai = timezone(timedelta(hours=8))
    return [{"key": f"k{n}", "at": (FIXED + timedelta(seconds=n)).astimezone(shanghai), "amount": Decimal("9.90") + n,
             "flag": n % 2 == 0, "body": {"text": f"消息 {n}", "codes": ["a"] * (n % 3)}} for n in range(start, count)]


def _stored(session: Session, table: sa.Table) -> list[tuple]:
    return [tuple(row[1:]) for row in session.execute(sa.select(table).order_by(table.c.key)).all()]


def test_rows_defaults_and_types_are_stored_as_sqlalchemy_stores_them(session):
    session, fast, slow = session
    rows = _rows(50)
    assert _bind_plan(session.get_bind().dialect, sa.insert(fast), tuple(rows[0])) is not None  # bound by us
    assert execute_rows(session, sa.insert(fast), rows) == []
    session.execute(sa.insert(slow), rows)
    assert _stored(session, fast) == _stored(session, slow)
    assert _stored(session, fast)[0][5:] == ("new", FIXED)  # scalar and callable defaults filled


def test_returning_with_conflicts_gives_what_sqlalchemy_gives(session):
    session, fast, slow = session
    for table in (fast, slow):
        session.execute(sa.insert(table), _rows(10))  # k0..k9 are there already
    rows = _rows(2500)  # more than one statement's worth of parameters: sent in parts
    fast_back = execute_rows(session, insert_ignoring_conflicts("sqlite", fast, ("key",)).returning(fast.c.key), rows)
    slow_back = session.execute(insert_ignoring_conflicts("sqlite", slow, ("key",)).returning(slow.c.key), rows).all()
    assert sorted(key for (key,) in fast_back) == sorted(key for (key,) in slow_back) == sorted(
        row["key"] for row in rows[10:])
    assert _stored(session, fast) == _stored(session, slow)


def test_statements_it_cannot_bind_exactly_go_through_sqlalchemy(session):
    session, fast, _slow = session
    dialect = session.get_bind().dialect
    with_values = sa.insert(fast).values(status="given")
    assert _bind_plan(dialect, with_values, tuple(_rows(1)[0])) is None
    execute_rows(session, with_values, _rows(3))
    assert {status for (status,) in session.execute(sa.select(fast.c.status))} == {"given"}
    returning_time = sa.insert(fast).returning(fast.c.created_at)  # a converted RETURNING column
    assert _bind_plan(dialect, returning_time, tuple(_rows(1)[0])) is None
    assert execute_rows(session, returning_time, _rows(5, start=3)) == [(FIXED,)] * 2


def test_a_default_that_reads_the_row_goes_through_sqlalchemy(session):
    session, _fast, _slow = session
    table = sa.Table("derived", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("phone", sa.String(20)),
                     sa.Column("last4", sa.String(4),
                               default=lambda context: context.get_current_parameters()["phone"][-4:]))
    table.create(session.connection())
    assert _bind_plan(session.get_bind().dialect, sa.insert(table), ("phone",)) is None
    execute_rows(session, sa.insert(table), [{"phone": "13800138000"}, {"phone": "13900139999"}])
    assert session.execute(sa.select(table.c.last4).order_by(table.c.id)).scalars().all() == ["8000", "9999"]


def test_nothing_to_insert_runs_nothing(session):
    session, fast, _slow = session
    assert execute_rows(session, sa.insert(fast), []) == []
