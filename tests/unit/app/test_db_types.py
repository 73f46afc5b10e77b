"""UTCDateTime's one-step SQLite binding writes exactly the text SQLAlchemy's two steps wrote, and reads back."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from app.db import UTCDateTime

SHANGHAI = timezone(timedelta(hours=8))
MOMENTS = [
    datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc),
    datetime(2026, 12, 7, 10, 0, 0, 1, tzinfo=timezone.utc),
    datetime(2026, 12, 7, 23, 59, 59, 999999, tzinfo=SHANGHAI),
    datetime(1, 1, 2, 0, 0, tzinfo=timezone.utc),
    datetime(999, 3, 4, 5, 6, 7, 80, tzinfo=timezone.utc),
    datetime(9999, 12, 31, 15, 59, 59, tzinfo=SHANGHAI),
]


def _two_step(value: datetime):
    """What TypeDecorator's own binding produced: this type's conversion, then SQLite DateTime's template."""
    dialect = sqlite.dialect()
    converted = UTCDateTime().process_bind_param(value, dialect)
    return sa.DateTime().dialect_impl(dialect).bind_processor(dialect)(converted)


@pytest.mark.parametrize("moment", MOMENTS)
def test_sqlite_text_equals_the_two_step_binding(moment):
    bind = UTCDateTime().bind_processor(sqlite.dialect())
    assert bind(moment) == _two_step(moment)


def test_none_binds_none_and_naive_is_refused():
    bind = UTCDateTime().bind_processor(sqlite.dialect())
    assert bind(None) is None
    with pytest.raises(ValueError, match="naive"):
        bind(datetime(2026, 12, 7, 10, 0))


def test_round_trip_through_sqlite_keeps_the_instant_and_the_order():
    engine = sa.create_engine("sqlite://")
    table = sa.Table("moments", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("at", UTCDateTime))
    table.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"id": i, "at": moment} for i, moment in enumerate(MOMENTS)])
        back = dict(connection.execute(sa.select(table.c.id, table.c.at)).all())
        ordered = connection.execute(sa.select(table.c.id).order_by(table.c.at)).scalars().all()
    assert [back[i] for i in range(len(MOMENTS))] == MOMENTS
    assert ordered == sorted(range(len(MOMENTS)), key=lambda i: MOMENTS[i])


def test_repeated_binds_give_the_same_text_and_a_naive_twin_is_still_refused():
    bind = UTCDateTime().bind_processor(sqlite.dialect())
    moment = datetime(2026, 12, 7, 10, 0, 0, 5, tzinfo=timezone.utc)
    first = bind(moment)
    assert bind(moment) == first == _two_step(moment)
    assert bind(moment.astimezone(SHANGHAI)) == first  # the same instant, another zone: the cached text
    with pytest.raises(ValueError, match="naive"):
        bind(moment.replace(tzinfo=None))  # equal wall time, no zone: never served from the cache
