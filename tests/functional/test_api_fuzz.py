"""Schemathesis over the v1 OpenAPI document: every operation, every check; no server error, no schema mismatch.

Slow (a few minutes): `make fuzz`, or `pytest -m slow tests/functional/test_api_fuzz.py` (docs/api.md, "Fuzzing
the API"). Each operation is called with generated valid and invalid requests, as a service token and as an admin.
"""
from __future__ import annotations

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.openapi.spec import build_spec
from tests.support import databases
from tests.support.auth import csrf_token, login

EXAMPLES = 40  # per operation and principal
# Schema-valid requests these operations refuse with a 400 for a reason JSON Schema cannot state; each says so
# in its description (test_every_unstated_refusal_is_described keeps it so).
NOT_STATIC = {
    "POST /api/v1/broadcasts/{broadcast_id}/start": "`at` must be near now (docs/api.md, Time bounds)",
    "POST /api/v1/broadcasts/{broadcast_id}/end": "`at` must be near now and after the start",
    "GET /api/v1/broadcasts": "`from` and `to` between 2000 and two years ahead; `to` after `from`",
    "POST /api/v1/broadcasts": "`planned_start_at` must be near now (docs/api.md, Time bounds)",
    "PATCH /api/v1/broadcasts/{broadcast_id}": "`planned_start_at` must be near now; not once started",
    "POST /api/v1/promotions": "ends_at after starts_at; the broadcast must exist; kind-specific rules",
    "PUT /api/v1/promotions/{code}": "ends_at after starts_at; the broadcast must exist; kind-specific rules",
    # Blank names are outside the document now; SKUs unique across the product and its variants are not expressible.
    "POST /api/v1/products": "a variant SKU must differ from the product's and the other variants'",
    "PATCH /api/v1/products/{sku}": "a new variant needs stock and a name, size or colour; no SKU twice",
    "POST /api/v1/products/import": "the CSV's header and lines are checked",
    "POST /api/v1/users": "the password policy: length, the common-passwords list, not the username",
    "PUT /api/v1/me/password": "the current password must be right; the password policy",
    "GET /api/v1/complaints/report": "from on or before to, at most 366 days, dates from 2000 to 2100",
    "PUT /api/v1/complaints/sla-policy": "intervals must not overlap; a date not both holiday and make-up day; a zone",
    "POST /api/v1/orders/{order_id}/shipments": "the number must fit the carrier; lines within what is left to ship",
    "POST /api/v1/shipments/{shipment_id}/tracking": "checkpoint times within a year before now and a day after it",
    "POST /api/v1/carriers": "a code that no carrier has yet",
    "PUT /api/v1/broadcasts/{broadcast_id}/ship-by-policy": "at most 20 business days",
}


def accepts(component: str, body) -> bool:
    """Return True when body is valid against the document's component schema (its $refs resolved in the document)."""
    document = build_spec()
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return jsonschema_rs.Draft202012Validator(schema).is_valid(body)


@pytest.mark.parametrize("name", ["", " ", "\x1d", "\x85", "\u3000", "a\x00b"])
def test_a_name_the_server_refuses_as_blank_or_nul_is_outside_the_document(api, name):
    product = {"sku": "TEA-01", "name": "Tea", "price": "9.00", "variants": [{"sku": "TEA-01-S", "name": name, "stock": 1}]}
    assert not accepts("ProductInput", product)
    assert api.post("/api/v1/products", json=product).status_code == 400


@pytest.mark.parametrize("price", ["100000000.01", "69009030171.67", "0100000000.1"])
def test_a_money_string_above_the_maximum_is_outside_the_document(price):
    assert not accepts("LineupInput", {"sku": "TEA-01", "live_price": price})


@pytest.mark.parametrize("price", ["100000000", "100000000.00", "99999999.99", "0079.5", 99999999.99, 100000000])
def test_every_amount_up_to_the_maximum_is_in_the_document(price):
    assert accepts("LineupInput", {"sku": "TEA-01", "live_price": price})


@pytest.mark.parametrize("label", sorted(NOT_STATIC))
def test_every_unstated_refusal_is_described(label):
    method, path = label.split(" ", 1)
    description = build_spec()["paths"][path][method.lower()]["description"]
    assert "Refused" in description and "though the schema allows it" in description


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
