"""The OpenAPI 3.1 document of /api/v1, assembled from the fragments each domain keeps beside its routes.

This module is the document's composition root: it imports every fragment and merges them in FRAGMENTS order.
A fragment is a module with ``paths()``, ``schemas()`` and ``parameters()``, built with app.openapi.operations
and app.openapi.schemas only.
"""
from __future__ import annotations

from analytics.api import openapi as metrics_fragment
from app.auth.api import openapi as accounts_fragment
from app.auth.pii import openapi as pii_fragment
from app.openapi.operations import common_parameters, error_responses, error_schemas, operation
from live.adapters import openapi as adapters_fragment
from live.api import openapi as live_fragment
from live.moderation.api import openapi as moderation_fragment
from orders.aftersales import openapi as aftersales_fragment
from orders.api import openapi as orders_fragment
from orders.backoffice import openapi as backoffice_fragment
from orders.care.followups import openapi as followups_fragment
from orders.care.complaints import openapi as complaints_fragment
from orders.care.surveys import openapi as surveys_fragment
from orders.claims import openapi as claims_fragment
from orders.customers import openapi as customers_fragment
from orders.fulfilment import openapi as fulfilment_fragment
from orders.promotions import openapi as promotions_fragment

FRAGMENTS = (orders_fragment, fulfilment_fragment, aftersales_fragment, live_fragment, adapters_fragment, metrics_fragment, backoffice_fragment, promotions_fragment,
             moderation_fragment, customers_fragment, claims_fragment, complaints_fragment, surveys_fragment, followups_fragment, pii_fragment, accounts_fragment)  # accounts last: logging out everywhere ends the caller's session
TAGS = ("catalogue", "broadcasts", "events", "orders", "fulfilment", "after-sales", "back office", "promotions", "moderation", "complaints", "surveys", "follow-ups", "accounts", "meta")


def meta_paths() -> dict:
    """Return the operation serving this document."""
    op = operation("getOpenApi", "This OpenAPI document", "meta", ("200", "The document.", {"type": "object"}))
    op["security"] = []
    return {"/api/v1/openapi.json": {"get": op}}


def security_schemes() -> dict:
    """Return the bearer token and console session schemes."""
    return {
        "bearerAuth": {"type": "http", "scheme": "bearer", "description": (
            "An API token from the Tokens page, POST /api/v1/tokens or `flask --app wsgi create-token NAME "
            "[--scope S ...] [--signing-secret S]`. Its scopes decide what it may call (ingest, display, "
            "moderation, backoffice, analytics; docs/accounts.md); buyer data is masked.")},
        "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session", "description": (
            "The console's login session (browsers). POST and PUT also need an `X-CSRFToken` header with the "
            "token from the page's `csrf-token` meta tag.")},
    }


def merged(parts: list[dict], what: str) -> dict:
    """Return the parts merged into one dict, or raise ValueError when two parts define the same name."""
    found: dict = {}
    for part in parts:
        for name, value in part.items():
            if name in found:
                raise ValueError(f"two OpenAPI fragments define the {what} {name}")
            found[name] = value
    return found


def merged_paths(parts: list[dict]) -> dict:
    """Return the path items merged; two fragments may describe one path, but never one of its methods."""
    found: dict = {}
    for part in parts:
        for path, item in part.items():
            found[path] = merged([found.get(path, {}), item], f"operation of {path}:")
    return found


def build_spec() -> dict:
    """Return the OpenAPI document as a dict."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "LiveDesk API", "version": "1", "description": (
            "Operations console API for live-stream selling. Errors are `{\"error\": {\"code\", \"field\", "
            "\"message\"}}`. Money is a string with 2 decimals in responses; requests accept a number or a string. "
            "Times are ISO-8601 in UTC. See docs/api.md for a guide.")},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "tags": [{"name": name} for name in TAGS],
        "paths": merged_paths([*(f.paths() for f in FRAGMENTS), meta_paths()]),
        "components": {
            "schemas": merged([error_schemas(), *(f.schemas() for f in FRAGMENTS)], "schema"),
            "responses": error_responses(),
            "parameters": merged([common_parameters(), *(f.parameters() for f in FRAGMENTS)], "parameter"),
            "securitySchemes": security_schemes(),
        },
    }
