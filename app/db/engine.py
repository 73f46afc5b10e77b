"""Engine tuning: SQLite PRAGMAs and write transactions that take the lock up front."""
from __future__ import annotations

import json

import orjson
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
    """Apply SQLite PRAGMAs and BEGIN IMMEDIATE for every transaction; on PostgreSQL, batched executemany.

    Every transaction takes the write lock up front, reads included: they are short, and it removes the
    upgrade failure (SQLITE_BUSY) of a deferred reader that turns writer. WAL lets outside readers go on.
    """
    engine.dialect._json_serializer = dumps_json
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg2":
        _batch_executemany(engine)
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


def dumps_json(value) -> str:
    """Return value as the JSON text stored in a JSON column: what json.dumps gives, read back.

    Chat and order batches store three JSON values per message (event log, push log, the message's codes), and
    json.dumps cost about a tenth of the server's time. orjson writes the same data about seven times faster (as
    UTF-8 rather than \\u escapes). Whatever orjson refuses (integers beyond 64 bits, lone surrogates, types it
    does not know) goes to json.dumps, so those values are stored, or refused, exactly as before.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value)


def _batch_executemany(engine: Engine) -> None:
    """Send an UPDATE or DELETE run with many parameter sets in pages of 100 per round trip (psycopg2 execute_batch).

    psycopg2's own executemany sends one statement per set: a batch of 100 orders then waited for 100 round trips
    to set their reviewed state, and as many for the rollups. INSERTs are batched by SQLAlchemy already. This is
    the engine's executemany_mode="values_plus_batch"; it gives up the row count of such a batch, which no caller
    reads (a conditional change is always a single statement whose rowcount is checked).
    """
    from sqlalchemy.dialects.postgresql.psycopg2 import EXECUTEMANY_VALUES_PLUS_BATCH

    engine.dialect.executemany_mode = EXECUTEMANY_VALUES_PLUS_BATCH
    engine.dialect.supports_sane_multi_rowcount = False
