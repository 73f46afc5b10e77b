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


def truncate_postgres(url: str) -> None:
    """Empty every LiveDesk table of the PostgreSQL test database, restarting identities."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [name for (name,) in conn.execute(sa.text(
            "select tablename from pg_tables where schemaname='public' and tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


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
