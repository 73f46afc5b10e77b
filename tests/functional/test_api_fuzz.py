"""Schemathesis over the v1 OpenAPI document: every operation, every check; no server error, no schema mismatch.

Slow (a few minutes): `make fuzz`, or `pytest -m slow tests/functional/test_api_fuzz.py` (docs/api.md, "Fuzzing
the API"). Each operation is called with generated valid and invalid requests, as a service token and as an admin.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support import databases
from tests.support.auth import csrf_token, login

EXAMPLES = 40  # per operation and principal
# Schema-valid requests these operations refuse with a 400 for a reason JSON Schema cannot state.
NOT_STATIC = {
    "POST /api/v1/broadcasts/{broadcast_id}/start": "`at` must be near now (docs/api.md, Time bounds)",
    "POST /api/v1/broadcasts/{broadcast_id}/end": "`at` must be near now and after the start",
    "POST /api/v1/promotions": "ends_at after starts_at; the broadcast and SKUs must exist",
    "PUT /api/v1/promotions/{code}": "ends_at after starts_at; the SKUs must exist",
    # Left to do (issue 10, item 16): the document says minLength 1 where the code strips and refuses a blank
    # string, and a JSON number just under a money maximum can round above it.
    "POST /api/v1/products": "left: a blank variant name or SKU is refused; the document allows it",
    "POST /api/v1/broadcasts/{broadcast_id}/products": "left: a float just under 100000000 rounds above it",
}


@pytest.fixture
def fuzz_app(sqlite_url):
    """Return an app on a fresh SQLite database with one user per role."""
    app = databases.make_app(sqlite_url)
    databases.create_users(app)
    yield app
    databases.dispose(app)


@pytest.fixture
def principals(fuzz_app):
    """Return {name: (headers, cookie client or None)}: a service token and a logged-in admin."""
    admin = login(fuzz_app, "admin")
    cookie = admin.get_cookie("session")
    return {
        "service": {"Authorization": f"Bearer {databases.create_token(fuzz_app, 'fuzz')}"},
        "admin": {"Cookie": f"session={cookie.value}", "X-CSRFToken": csrf_token(admin, "/")},
    }


@pytest.mark.slow
def test_every_operation_answers_as_its_document_says(fuzz_app, principals):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        excluded = [positive_data_acceptance] if operation.label in NOT_STATIC else []
        for name, headers in principals.items():

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def call(case):  # run at once, within this iteration
                case.call_and_validate(headers=headers, excluded_checks=excluded)  # noqa: B023

            try:
                call()
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  collected, then all reported at once
                failures.append(f"{operation.label} as {name}: {error}")
    print("\n\n".join(failures))  # in full under "Captured stdout": pytest shortens the assertion message
    assert not failures, f"{len(failures)} operations answered otherwise than documented"
