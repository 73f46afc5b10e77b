"""Creating, migrating and resetting the test databases, and building apps on them."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.tokens import issue_token
from app.extensions import db

POSTGRES_URL = os.environ.get("LIVEDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "password123"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 at OWASP cost is deliberately slow
ROLES = ("admin", "host", "moderator", "auditor", "analyst", "aftersales")


def make_app(url: str, **overrides):
    """Return a testing app on the database at url."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "SOCKETIO_ASYNC_MODE": "threading",
        "SOCKETIO_MESSAGE_QUEUE": None,
    }
    config.update(overrides)
    return create_app(config)


def dispose(app) -> None:
    """Close every pooled connection of app's engine (PostgreSQL allows only so many clients)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def migrate_to_head(url: str) -> None:
    """Apply every migration to the database at url."""
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def create_schema(url: str) -> None:
    """Create every table of the models in the (empty) database at url.

    Most tests use this; tests/integration/test_migrations.py proves the migrations build the same schema.
    """
    app = make_app(url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


REDIS_URL = os.environ.get("LIVEDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_url_or_skip() -> str:
    """Return the Redis URL when Redis answers; skip, or fail when CI=true, otherwise."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


def postgres_url_or_skip() -> str:
    """Return the PostgreSQL URL when the server answers; skip, or fail when CI=true, otherwise."""
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:  # any connection failure means "not here"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires PostgreSQL at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    finally:
        engine.dispose()
    return POSTGRES_URL


def create_private_database(base_url: str) -> str:
    """Return the URL of a new, empty database made for this test session (parallel runs never collide)."""
    name = f"livedesk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.engine.make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_private_database(base_url: str, url: str) -> None:
    """Drop a database made by create_private_database, closing what is still connected to it."""
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema of the PostgreSQL test database."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


# The public tables (alembic_version aside) with the identity and serial sequences each owns.
_TABLES_AND_SEQUENCES = sa.text("""
    select t.relname, s.relname, q.seqstart
    from pg_class t
    join pg_namespace n on n.oid = t.relnamespace
    left join (pg_depend d
               join pg_class s on s.oid = d.objid and s.relkind = 'S'
               join pg_sequence q on q.seqrelid = s.oid)
        on d.refobjid = t.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
        and d.deptype in ('a', 'i')
    where n.nspname = 'public' and t.relkind in ('r', 'p') and t.relname <> 'alembic_version'
""")


# Above this many rows a table is truncated; below it its rows are deleted (see truncate_postgres).
_DELETE_AT_MOST = 5_000


def truncate_postgres(url: str) -> None:
    """Empty every LiveDesk table of the PostgreSQL test database, restarting identities.

    The end state is that of TRUNCATE ... RESTART IDENTITY of every table, reached faster: a test writes a few of
    the seventy-odd tables, and TRUNCATE pays for new files for each table and index it names, about a second for
    a handful of tables on a busy machine and seconds for all of them. So the tables are locked as TRUNCATE would
    lock them (a transaction still writing is waited for), the ones holding rows and the sequences that moved are
    found in one query, small tables lose their rows by DELETE with triggers and foreign-key checks off (every
    table with a row is emptied in the same transaction, so nothing is left pointing anywhere; no trigger writes
    its kept sums), large ones are truncated, and moved sequences are set back to their start.
    """
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        owned: dict[str, list[tuple[str, int]]] = {}
        for table, sequence, start in conn.execute(_TABLES_AND_SEQUENCES):
            owned.setdefault(table, [])
            if sequence is not None:
                owned[table].append((sequence, start))
        if owned:
            conn.execute(sa.text(f"LOCK TABLE {', '.join(map(quote, owned))} IN ACCESS EXCLUSIVE MODE"))
            probes = []
            for table, sequences in owned.items():
                probes.append(f"SELECT 'table', {_literal(table)}, count(*) FROM "
                              f"(SELECT 1 FROM {quote(table)} LIMIT {_DELETE_AT_MOST + 1}) AS r HAVING count(*) > 0")
                probes += [f"SELECT 'sequence', {_literal(sequence)}, {int(start)} FROM {quote(sequence)} "
                           f"WHERE is_called OR last_value <> {int(start)}" for sequence, start in sequences]
            found = conn.execute(sa.text(" UNION ALL ".join(probes))).all()
            rows = {name: number for kind, name, number in found if kind == "table"}
            moved = {name: number for kind, name, number in found if kind == "sequence"}
            superuser = conn.execute(sa.text("SELECT current_setting('is_superuser') = 'on'")).scalar()
            truncated = sorted(t for t, n in rows.items() if n > _DELETE_AT_MOST or not superuser)
            deleted = sorted(t for t in rows if t not in truncated)
            if deleted:  # session_replication_role (superusers only) turns off triggers and foreign-key checks
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                conn.execute(sa.text("; ".join(f"DELETE FROM {quote(t)}" for t in deleted)))
                conn.execute(sa.text("SET LOCAL session_replication_role = DEFAULT"))
            if truncated:
                conn.execute(sa.text(f"TRUNCATE {', '.join(map(quote, truncated))} RESTART IDENTITY CASCADE"))
            if moved:
                conn.execute(sa.text("SELECT " + ", ".join(
                    f"setval({_literal(quote(sequence))}, {int(start)}, false)" for sequence, start in moved.items())))
    engine.dispose()


def _literal(name: str) -> str:
    """Return name as an SQL string literal."""
    return "'" + name.replace("'", "''") + "'"


def create_users(app) -> dict[str, str]:
    """Create one user per role named after the role; return {role: username}."""
    with app.app_context():
        for role in ROLES:
            db.session.add(User(username=role, password_hash=_PASSWORD_HASH, role=role))
        db.session.commit()
    return {role: role for role in ROLES}


def create_token(app, name: str, signing_secrets: list[str] | None = None) -> str:
    """Create an API token and return its raw value."""
    with app.app_context():
        raw = issue_token(db.session, name, signing_secrets)
        db.session.commit()
    return raw
