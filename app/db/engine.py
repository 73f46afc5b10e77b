"""Engine tuning: SQLite PRAGMAs and write transactions that take the lock up front."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL: a commit is on disk (WAL fsynced) before we acknowledge an order.
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=30000",
    "PRAGMA foreign_keys=ON",
)


def configure_engine(engine: Engine) -> None:
    """Apply SQLite PRAGMAs and BEGIN IMMEDIATE for every transaction; PostgreSQL needs nothing here.

    Every transaction takes the write lock up front, reads included: they are short, and it removes the
    upgrade failure (SQLITE_BUSY) of a deferred reader that turns writer. WAL lets outside readers go on.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        """Take transaction control from pysqlite and set the PRAGMAs on every new connection."""
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        """Begin every transaction with IMMEDIATE: a deferred reader upgrading to a writer can fail with SQLITE_BUSY at once."""
        connection.exec_driver_sql("BEGIN IMMEDIATE")
