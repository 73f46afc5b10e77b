"""Declarative base, naming convention and the column types every domain shares."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CENT = Decimal("0.01")


class Base(DeclarativeBase):
    """Base class of every model; constraint names follow NAMING_CONVENTION."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def quantize_money(value: Decimal | int | str) -> Decimal:
    """Return value as a Decimal rounded half-up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def cents_to_money(cents: int | None) -> Decimal:
    """Return a Decimal amount for an integer number of cents (None counts as 0)."""
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(timezone.utc)


class Money(sa.types.TypeDecorator):
    """Stores a Decimal amount as integer cents, exact on SQLite and PostgreSQL alike."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Return the integer cents for a Decimal amount."""
        if value is None:
            return None
        return int(quantize_money(value) * 100)

    def process_result_value(self, value, dialect):
        """Return the Decimal amount for stored cents."""
        if value is None:
            return None
        return cents_to_money(value)


# The stored text of recent times: a chat message's time is bound three or four times (event log, message, viewer,
# offence) and a batch's "now" once per row, so most conversions are repeats. Equal instants share one text.
_SQLITE_TEXTS: dict[datetime, str] = {}
_SQLITE_TEXTS_KEPT = 4096


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes in UTC and always gives them back aware (SQLite drops zones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Return value in UTC; naive datetimes are refused because their zone is unknown."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; LiveDesk stores aware UTC times only")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect):
        """Return the bind conversion; on SQLite one step that writes the stored text itself.

        Chat and order batches bind thousands of times a second, and the two steps (this type's, then SQLite's
        DateTime formatting with a % template) cost more than the rest of a row. The text is the one SQLite's
        DateTime stores: "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (tests/unit/test_db_types.py compares the two).
        """
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def to_sqlite_text(value):
            if value is None:
                return None
            text = _SQLITE_TEXTS.get(value)  # a naive value never equals an aware key, so it misses
            if text is None:
                if value.tzinfo is None:
                    raise ValueError("naive datetime given; LiveDesk stores aware UTC times only")
                text = value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")
                if len(_SQLITE_TEXTS) >= _SQLITE_TEXTS_KEPT:
                    _SQLITE_TEXTS.clear()
                _SQLITE_TEXTS[value] = text
            return text
        return to_sqlite_text

    def process_result_value(self, value, dialect):
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
