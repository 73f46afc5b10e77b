"""Fixtures shared by every test: apps on real SQLite (and PostgreSQL when present), users, tokens, clients."""
from __future__ import annotations

import os
import shutil

os.environ["SOCKETIO_ASYNC_MODE"] = "threading"  # before the app is imported: tests never monkey-patch

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from tests.support import databases, routing_cache, template_cache  # noqa: E402
from tests.support.api import ApiClient  # noqa: E402

routing_cache.install()  # most tests build an app of their own; their routes compile once per process
template_cache.install()  # and so do the templates their pages render

if os.environ.get("PYTEST_XDIST_WORKER"):
    # In a parallel run (make test) the other workers and their browsers share the cores, so how long one
    # generated example takes says nothing about the code: no per-example deadline there.
    settings.register_profile("parallel", deadline=None)
    settings.load_profile("parallel")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Return the path of an SQLite file with the full schema, made once per test session."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    databases.create_schema(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path):
    """Return the URL of a fresh SQLite database with the full schema for one test."""
    path = tmp_path / "livedesk.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_url():
    """Return the URL of the PostgreSQL test database with the full schema, or skip (fail with CI=true) when it is down."""
    base = databases.postgres_url_or_skip()
    url = databases.create_private_database(base)
    databases.create_schema(url)
    yield url
    databases.drop_private_database(base, url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request):
    """Return a fresh database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    url = request.getfixturevalue("postgres_url")
    databases.truncate_postgres(url)
    return url


@pytest.fixture
def app(sqlite_url):
    """Return an app on a fresh SQLite database."""
    app = databases.make_app(sqlite_url)
    yield app
    databases.dispose(app)


@pytest.fixture
def any_app(database_url):
    """Return an app on SQLite, then on PostgreSQL (tests using it run on both)."""
    app = databases.make_app(database_url)
    yield app
    databases.dispose(app)


@pytest.fixture
def client(app):
    """Return a Flask test client for app."""
    return app.test_client()


@pytest.fixture
def users(app):
    """Create one user per role (password 'password123') and return their usernames by role."""
    return databases.create_users(app)


@pytest.fixture
def token(app):
    """Return a raw API token for app."""
    return databases.create_token(app, "test-adapter")


@pytest.fixture
def api(app, token):
    """Return an API client authenticated with a bearer token."""
    return ApiClient(app.test_client(), token)


@pytest.fixture
def any_api(any_app):
    """Return an API client for any_app (SQLite, then PostgreSQL)."""
    return ApiClient(any_app.test_client(), databases.create_token(any_app, "test-adapter"))
