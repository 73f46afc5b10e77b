"""Role matrix: every /api/v1 route and page route × each role and each token scope → allowed or refused.

One expectation table (EXPECTED) says who may call what. The test walks the app's url_map, so a route that
is not in the table fails the test (give it a row), and so does a row whose route is gone. "Allowed" means
anything but 403 (a minimal body may well get 400 or 404: this checks authorization, not success); a refused
console user gets 403; a refused token gets 403 from the API and the login page (302) from a page.
"""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import AnyConverter

from app.auth.models import ROLES, TOKEN_SCOPES
from app.auth.tokens import issue_token
from app.extensions import db
from tests.support.auth import csrf_token, login

EVERY_ROLE = frozenset(ROLES)
NO_SCOPE: frozenset[str] = frozenset()
LEGACY = "legacy"  # a token made before scopes: ingest and display
# Allowed for tokens: the scopes, of which one opens the route (LEGACY follows from ingest/display).
READ, WRITE = frozenset({"display"}), frozenset({"ingest"})


def roles(*names: str) -> frozenset[str]:
    """Return the roles allowed (admins are let through every API role check, so they are added)."""
    return frozenset({*names, "admin"})


def scopes(*names: str) -> frozenset[str]:
    """Return the token scopes of which one opens the route."""
    return frozenset(names)


PUBLIC = (EVERY_ROLE, None)  # no login needed: nobody is refused (None: tokens are not refused either)
# "METHOD rule": (roles allowed, scopes allowed). Keep it sorted by rule; one row per method.
EXPECTED: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    # Pages (a token never opens a page: it is sent to the login page).
    "GET /": (EVERY_ROLE, NO_SCOPE),
    "GET /admin/pii-access-log": (roles(), NO_SCOPE),
    "GET /aftersales": (roles("aftersales", "auditor"), NO_SCOPE),
    "GET /aftersales/<case_id>": (roles("aftersales", "auditor"), NO_SCOPE),
    "GET /audit": (roles("auditor"), NO_SCOPE),
    "GET /audit/queue.csv": (roles("auditor"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>": (EVERY_ROLE, NO_SCOPE),
    "GET /analytics": (roles("analyst", "host"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/analytics": (roles("analyst", "host"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/audit-policy": (roles("auditor"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/live": (EVERY_ROLE, NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/moderation": (roles("moderator"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/reconciliation": (roles("host", "auditor", "moderator"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/reconciliation.csv": (roles("host", "auditor", "moderator"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/rejected-events": (roles("host", "auditor"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/report": (roles("analyst", "host"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/report.html": (roles("analyst", "host"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/report/<any(by_product, by_source, timeline, comparison):table>.csv":
        (roles("analyst", "host"), NO_SCOPE),
    "GET /broadcasts/<int:broadcast_id>/report/<any(refunds, refund_reasons):table>.csv":
        (roles("analyst", "host"), NO_SCOPE),
    "GET /complaints": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /complaints/<complaint_id>": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /complaints/report": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /complaints/report.csv": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /complaints/sla": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /connections": (roles(), NO_SCOPE),
    "POST /connections": (roles(), NO_SCOPE),
    "GET /connections/<name>": (roles(), NO_SCOPE),
    "POST /connections/<name>/broadcast": (roles(), NO_SCOPE),
    "POST /connections/<name>/rotate": (roles(), NO_SCOPE),
    "POST /connections/<name>/test": (roles(), NO_SCOPE),
    "POST /connections/<name>/settings": (roles(), NO_SCOPE),
    "POST /connections/<name>/previous-secret/end": (roles(), NO_SCOPE),
    "POST /connections/<name>/enabled": (roles(), NO_SCOPE),
    "GET /customers": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /customers/<buyer_id>": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /followups": (roles("aftersales"), NO_SCOPE),
    "POST /followups": (roles("aftersales"), NO_SCOPE),
    "POST /followups/<int:task_id>/cancel": (roles("aftersales"), NO_SCOPE),
    "POST /followups/<int:task_id>/done": (roles("aftersales"), NO_SCOPE),
    "GET /fulfilment": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /fulfilment/packing-list": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /fulfilment/packing-list.csv": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /healthz": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "GET /readyz": PUBLIC,
    "POST /logout": (EVERY_ROLE, NO_SCOPE),
    "GET /moderation": (roles("moderator"), NO_SCOPE),
    "GET /offers": (roles("aftersales", "auditor", "host"), NO_SCOPE),
    "GET /orders": (roles("auditor", "aftersales", "host"), NO_SCOPE),
    "GET /orders.csv": (roles("auditor", "aftersales", "host"), NO_SCOPE),
    "GET /orders/<order_id>": (EVERY_ROLE, NO_SCOPE),
    "GET /products": (roles("auditor", "host"), NO_SCOPE),
    "GET /products/<sku>": (roles("auditor", "host"), NO_SCOPE),
    "GET /products/import": (roles("host"), NO_SCOPE),
    "GET /products/new": (roles("host"), NO_SCOPE),
    "GET /promotions": (EVERY_ROLE, NO_SCOPE),
    "GET /s/<token>": PUBLIC,
    "POST /s/<token>": PUBLIC,
    "GET /set-password/<token>": PUBLIC,
    "POST /set-password/<token>": PUBLIC,
    "GET /settings": (EVERY_ROLE, NO_SCOPE),
    "POST /settings": (EVERY_ROLE, NO_SCOPE),
    "POST /settings/password": (EVERY_ROLE, NO_SCOPE),
    "GET /setup": PUBLIC,
    "POST /setup": PUBLIC,
    "GET /surveys": (roles("analyst", "aftersales"), NO_SCOPE),
    "POST /surveys/campaigns": (roles("analyst"), NO_SCOPE),
    "GET /surveys/responses.csv": (roles("analyst", "aftersales"), NO_SCOPE),
    "GET /tokens": (roles(), NO_SCOPE),
    "POST /tokens": (roles(), NO_SCOPE),
    "POST /tokens/<name>/revoke": (roles(), NO_SCOPE),
    "POST /tokens/<name>/signing-secrets": (roles(), NO_SCOPE),
    "POST /tokens/<name>/signing-secrets/<secret_id>/remove": (roles(), NO_SCOPE),
    "GET /users": (roles(), NO_SCOPE),
    "POST /users": (roles(), NO_SCOPE),
    "POST /users/<username>/disabled": (roles(), NO_SCOPE),
    "POST /users/<username>/reset-password": (roles(), NO_SCOPE),
    "POST /users/<username>/role": (roles(), NO_SCOPE),
    # API: back office.
    "GET /api/v1/audit/queue": (roles("auditor"), scopes("backoffice")),
    "GET /api/v1/blocklist": (roles("auditor"), scopes("backoffice")),
    "POST /api/v1/blocklist": (roles("auditor"), scopes("backoffice")),
    "DELETE /api/v1/blocklist/<int:entry_id>": (roles("auditor"), scopes("backoffice")),
    "GET /api/v1/broadcasts/<int:broadcast_id>/audit-policy": (EVERY_ROLE, scopes("backoffice", "display")),
    "PUT /api/v1/broadcasts/<int:broadcast_id>/audit-policy": (roles("auditor"), scopes("backoffice")),
    "GET /api/v1/broadcasts/<int:broadcast_id>/claim-policy": (roles("host", "auditor", "moderator"), READ),
    "PUT /api/v1/broadcasts/<int:broadcast_id>/claim-policy": (roles("host", "auditor"), NO_SCOPE),
    "GET /api/v1/broadcasts/<int:broadcast_id>/claims": (roles("host", "auditor", "moderator"), READ),
    "GET /api/v1/broadcasts/<int:broadcast_id>/reconciliation": (roles("host", "auditor", "moderator"), READ),
    "POST /api/v1/broadcasts/<int:broadcast_id>/claims/<comment_id>/cancel": (roles("host", "auditor"), NO_SCOPE),
    "GET /api/v1/broadcasts/<int:broadcast_id>/rejected-events": (roles("host", "auditor"), READ),
    "POST /api/v1/broadcasts/<int:broadcast_id>/reminders": (roles("host", "auditor"), WRITE),
    "PATCH /api/v1/orders/<order_id>": (roles("auditor"), scopes("backoffice")),
    "POST /api/v1/orders/<order_id>/<any(approve, reject, hold):action>": (roles("auditor"), scopes("backoffice")),
    "POST /api/v1/orders/<order_id>/<any(claim, release):action>": (roles("auditor"), scopes("backoffice")),
    "POST /api/v1/orders/<order_id>/extend": (roles("auditor"), scopes("backoffice")),
    "POST /api/v1/orders/<order_id>/findings/<code>/override": (roles("auditor"), scopes("backoffice")),
    "POST /api/v1/orders/bulk-approve": (roles("auditor"), scopes("backoffice")),
    # After-sales (orders/aftersales): agents act, auditors read.
    "GET /api/v1/aftersales": (roles("aftersales", "auditor"), scopes("aftersales")),
    "GET /api/v1/aftersales/<case_id>": (roles("aftersales", "auditor"), scopes("aftersales")),
    "GET /api/v1/aftersales/policy": (roles("aftersales", "auditor"), scopes("aftersales")),
    "POST /api/v1/aftersales/<case_id>/<any(approve, reject, cancel, appeal, complete):action>":
        (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/aftersales/<case_id>/<any(claim, release):action>": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/aftersales/<case_id>/<any(receive, inspect):action>": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/aftersales/<case_id>/refunds": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/aftersales/<case_id>/refunds/<refund_id>/<any(succeed, fail):action>":
        (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/aftersales/<case_id>/replacement": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/aftersales/<case_id>/return-shipment": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/orders/<order_id>/aftersales": (roles("aftersales"), scopes("aftersales")),
    # API: satisfaction surveys and follow-ups (the answer endpoint is public: the signed token authorises it).
    "GET /api/v1/followups": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/followups": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/followups/<int:task_id>/cancel": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/followups/<int:task_id>/done": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/surveys/answers": PUBLIC,
    "GET /api/v1/surveys/campaigns": (roles("analyst", "aftersales"), scopes("analytics", "aftersales")),
    "POST /api/v1/surveys/campaigns": (roles("analyst"), NO_SCOPE),
    "GET /api/v1/surveys/report": (roles("analyst", "aftersales"), scopes("analytics", "aftersales")),
    "GET /api/v1/surveys/responses": (roles("analyst", "aftersales"), scopes("analytics", "aftersales")),
    "GET /api/v1/surveys/summary": (roles("analyst", "aftersales"), scopes("analytics", "aftersales")),
    # API: complaints (after-sales agents act; auditors and hosts read; the SLA policy is changed by admins).
    "GET /api/v1/complaints": (roles("aftersales", "auditor", "host"), scopes("aftersales")),
    "POST /api/v1/complaints": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/complaints/<complaint_id>": (roles("aftersales", "auditor", "host"), scopes("aftersales")),
    "POST /api/v1/complaints/<complaint_id>/<any(acknowledge, investigate, close):action>":
        (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/complaints/<complaint_id>/analysis": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/complaints/<complaint_id>/reopen": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/complaints/<complaint_id>/resolve": (roles("aftersales"), scopes("aftersales")),
    "POST /api/v1/complaints/<complaint_id>/triage": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/complaints/report": (roles("aftersales", "auditor", "host"), scopes("aftersales")),
    "GET /api/v1/complaints/sla-policy": (roles("aftersales", "auditor", "host"), scopes("aftersales")),
    "PUT /api/v1/complaints/sla-policy": (roles(), NO_SCOPE),
    "POST /api/v1/chat/<int:message_id>/escalate": (roles("moderator", "aftersales"), scopes("moderation", "aftersales")),
    # API: broadcasts, line-up, events.
    "GET /api/v1/broadcasts": (EVERY_ROLE, READ),
    "POST /api/v1/broadcasts": (roles("host"), WRITE),
    "GET /api/v1/broadcasts/<int:broadcast_id>": (EVERY_ROLE, READ),
    "PATCH /api/v1/broadcasts/<int:broadcast_id>": (roles("host"), WRITE),
    "POST /api/v1/broadcasts/<int:broadcast_id>/<any(pin, unpin):action>": (roles("host"), WRITE),
    "POST /api/v1/broadcasts/<int:broadcast_id>/<any(start, end):action>": (roles("host"), WRITE),
    "POST /api/v1/broadcasts/<int:broadcast_id>/events": (roles(), WRITE),
    "GET /api/v1/broadcasts/<int:broadcast_id>/products": (EVERY_ROLE, READ),
    "POST /api/v1/broadcasts/<int:broadcast_id>/products": (roles("host"), WRITE),
    "PATCH /api/v1/broadcasts/<int:broadcast_id>/products/<sku>": (roles("host"), WRITE),
    "DELETE /api/v1/broadcasts/<int:broadcast_id>/products/<sku>": (roles("host"), WRITE),
    "GET /api/v1/broadcasts/<int:broadcast_id>/snapshot": (EVERY_ROLE, READ),
    # API: analytics.
    "GET /api/v1/broadcasts/<int:broadcast_id>/interactions": (roles("analyst", "host"),
                                                                scopes("analytics", "display")),
    "GET /api/v1/broadcasts/<int:broadcast_id>/metrics": (roles("analyst", "host"), scopes("analytics", "display")),
    # API: moderation.
    "GET /api/v1/broadcasts/<int:broadcast_id>/chat": (EVERY_ROLE, scopes("moderation", "display")),
    "GET /api/v1/broadcasts/<int:broadcast_id>/moderation-policy": (roles("host", "moderator"), scopes("moderation")),
    "PUT /api/v1/broadcasts/<int:broadcast_id>/moderation-policy": (roles("moderator"), scopes("moderation")),
    "POST /api/v1/chat/<int:message_id>/<any(approve, hide):decision>": (roles("moderator"), scopes("moderation")),
    "POST /api/v1/chat/<int:message_id>/restore": (roles("moderator"), scopes("moderation")),
    "POST /api/v1/chat/bulk": (roles("moderator"), scopes("moderation")),
    "POST /api/v1/moderation/check": (roles("moderator"), scopes("moderation", "display")),
    "GET /api/v1/moderation/log": (roles("moderator"), scopes("moderation")),
    "GET /api/v1/moderation/terms": (roles("moderator"), scopes("moderation")),
    "POST /api/v1/moderation/terms": (roles("moderator"), scopes("moderation")),
    "DELETE /api/v1/moderation/terms": (roles("moderator"), scopes("moderation")),
    "DELETE /api/v1/moderation/terms/<int:term_id>": (roles("moderator"), scopes("moderation")),
    "GET /api/v1/moderation/terms/export.csv": (roles("moderator"), scopes("moderation")),
    "POST /api/v1/moderation/terms/import": (roles("moderator"), scopes("moderation")),
    "GET /api/v1/moderation/viewers/<viewer_id>": (roles("moderator"), scopes("moderation")),
    "POST /api/v1/moderation/viewers/<viewer_id>/<any(timeout, ban, unban):kind>":
        (roles("moderator"), scopes("moderation")),
    "POST /api/v1/moderation/viewers/<viewer_id>/lift": (roles("moderator"), scopes("moderation")),
    # API: platform adapters (the platform endpoint's signature is its authentication; connections: admins only).
    "POST /api/v1/adapters/<platform>/<name>": PUBLIC,
    "GET /api/v1/connections": (roles(), NO_SCOPE),
    "POST /api/v1/connections": (roles(), NO_SCOPE),
    "GET /api/v1/connections/<name>": (roles(), NO_SCOPE),
    "PATCH /api/v1/connections/<name>": (roles(), NO_SCOPE),
    "GET /api/v1/connections/<name>/rejected": (roles(), NO_SCOPE),
    "POST /api/v1/connections/<name>/rotate": (roles(), NO_SCOPE),
    "POST /api/v1/connections/<name>/test": (roles(), NO_SCOPE),
    "DELETE /api/v1/connections/<name>/previous-secret": (roles(), NO_SCOPE),
    "POST /api/v1/connections/<name>/disable": (roles(), NO_SCOPE),
    "POST /api/v1/connections/<name>/enable": (roles(), NO_SCOPE),
    # API: accounts (admins; /me is every console user's own account, never a token's).
    "GET /api/v1/me": (EVERY_ROLE, NO_SCOPE),
    "POST /api/v1/me/log-out-everywhere": (EVERY_ROLE, NO_SCOPE),
    "PUT /api/v1/me/password": (EVERY_ROLE, NO_SCOPE),
    "GET /api/v1/pii-access-log": (roles(), NO_SCOPE),
    "GET /api/v1/tokens": (roles(), NO_SCOPE),
    "POST /api/v1/tokens": (roles(), NO_SCOPE),
    "DELETE /api/v1/tokens/<name>": (roles(), NO_SCOPE),
    "POST /api/v1/tokens/<name>/signing-secrets": (roles(), NO_SCOPE),
    "DELETE /api/v1/tokens/<name>/signing-secrets/<secret_id>": (roles(), NO_SCOPE),
    "GET /api/v1/users": (roles(), NO_SCOPE),
    "POST /api/v1/users": (roles(), NO_SCOPE),
    "PATCH /api/v1/users/<username>": (roles(), NO_SCOPE),
    "POST /api/v1/users/<username>/reset-password": (roles(), NO_SCOPE),
    # API: fulfilment (agents act, auditors and hosts read; providers' callbacks are signed, not logged in).
    "GET /api/v1/broadcasts/<int:broadcast_id>/ship-by-policy":
        (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "PUT /api/v1/broadcasts/<int:broadcast_id>/ship-by-policy": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/carriers": (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "POST /api/v1/carriers": (roles(), NO_SCOPE),
    "GET /api/v1/fulfilment/overdue": (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "GET /api/v1/fulfilment/packing-list": (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "GET /api/v1/fulfilment/packing-list.csv":
        (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "GET /api/v1/fulfilment/tracking-issues": (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "POST /api/v1/orders/pack": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/orders/<order_id>/shipments": (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "POST /api/v1/orders/<order_id>/shipments": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/shipments/<shipment_id>": (roles("aftersales", "auditor", "host"), scopes("aftersales", "display")),
    "POST /api/v1/shipments/<shipment_id>/tracking": (roles("aftersales"), scopes("aftersales", "ingest")),
    "POST /api/v1/tracking/<provider>": PUBLIC,
    # API: catalogue, stock, orders, customers, promotions.
    "GET /api/v1/customer-tiers": (roles("aftersales", "auditor", "host"), scopes("display", "aftersales")),
    "PUT /api/v1/customer-tiers": (roles(), NO_SCOPE),
    "GET /api/v1/customers": (roles("aftersales", "auditor", "host"), scopes("display", "aftersales")),
    "POST /api/v1/customers/recalculate": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/customers/<buyer_id>": (roles("aftersales", "auditor", "host"), scopes("display", "aftersales")),
    "POST /api/v1/customers/<buyer_id>/erase": (roles(), NO_SCOPE),
    "GET /api/v1/customers/<buyer_id>/export": (roles("aftersales", "auditor"), NO_SCOPE),
    "POST /api/v1/customers/<buyer_id>/tags": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/offers": (roles("aftersales", "auditor", "host"), scopes("display", "aftersales")),
    "POST /api/v1/offers": (roles("aftersales"), scopes("aftersales")),
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/orders": (roles("auditor", "aftersales", "host"), scopes("display", "backoffice")),
    "GET /api/v1/orders/<order_id>": (EVERY_ROLE, scopes("display", "backoffice")),
    "POST /api/v1/orders/<order_id>/contact": (roles("auditor", "aftersales"), NO_SCOPE),
    "GET /api/v1/products": (EVERY_ROLE, READ),
    "POST /api/v1/products": (roles("host"), WRITE),
    "GET /api/v1/products/<sku>": (EVERY_ROLE, READ),
    "PATCH /api/v1/products/<sku>": (roles("host"), WRITE),
    "POST /api/v1/products/<sku>/restock": (roles("auditor", "host"), WRITE),
    "PUT /api/v1/products/<sku>/stock": (roles("auditor", "host"), WRITE),
    "POST /api/v1/products/<sku>/stock-corrections": (roles("auditor", "host"), WRITE),
    "GET /api/v1/products/<sku>/stock-history": (EVERY_ROLE, READ),
    "POST /api/v1/products/import": (roles("host"), WRITE),
    "GET /api/v1/promotions": (EVERY_ROLE, READ),
    "POST /api/v1/promotions": (roles("auditor", "host"), WRITE),
    "GET /api/v1/promotions/<code>": (EVERY_ROLE, READ),
    "PUT /api/v1/promotions/<code>": (roles("auditor", "host"), WRITE),
    "DELETE /api/v1/promotions/<code>": (roles("auditor", "host"), WRITE),
    "POST /api/v1/promotions/<code>/start": (roles("auditor", "host"), WRITE),
}
# Query strings some routes need so an allowed principal is not refused inside the view for another reason
# (only moderators may list held chat messages; everyone may list what the host sees).
QUERY = {"GET /api/v1/broadcasts/<int:broadcast_id>/chat": "?status=visible"}
# Routes that end the caller's session: the user logs in again afterwards.
ENDS_SESSION = {"POST /logout", "POST /api/v1/me/log-out-everywhere"}
PRINCIPALS = (*ROLES, *(f"token:{s}" for s in TOKEN_SCOPES), f"token:{LEGACY}")


def routes(app) -> list[tuple[str, object]]:
    """Return ("METHOD rule", rule) for every route of the app but static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((f"{method} {rule.rule}", rule))
    return sorted(found, key=lambda pair: pair[0])


def url_of(app, rule) -> str:
    """Return a URL of rule with placeholder values (1 for ids, the first choice of an any(), 'x' otherwise)."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            values[name] = re.search(rf"<any\(([^),]+)[^>]*:{name}>", rule.rule).group(1)
        elif "int" in type(converter).__name__.lower() or converter.regex.startswith(r"\d"):
            values[name] = 1
        else:
            values[name] = "x"
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, force_external=False)


def expected_allowed(label: str, principal: str) -> bool:
    """Return True when EXPECTED lets principal call the route labelled label."""
    allowed_roles, allowed_scopes = EXPECTED[label]
    if not principal.startswith("token:"):
        return principal in allowed_roles
    if allowed_scopes is None:
        return True
    scope = principal.removeprefix("token:")
    held = {"ingest", "display"} if scope == LEGACY else {scope}
    return bool(held & allowed_scopes)


@pytest.fixture
def callers(app, users):
    """Return {principal: [test client, API headers, form CSRF token]}: a logged-in client per role, a bearer token
    per scope (its client holds an anonymous session's CSRF token, so its form posts reach the page's own check)."""
    found = {role: _logged_in(app, role) for role in ROLES}
    with app.app_context():
        raws = {scope: issue_token(db.session, f"matrix-{scope}", scopes=None if scope == LEGACY else [scope])
                for scope in (*TOKEN_SCOPES, LEGACY)}
        db.session.commit()
    for scope, raw in raws.items():
        client = app.test_client()
        found[f"token:{scope}"] = [client, {"Authorization": f"Bearer {raw}"}, csrf_token(client, "/login")]
    return found


def _logged_in(app, role: str) -> list:
    """Return [client logged in as role, its API headers, its form CSRF token]."""
    client = login(app, role)
    token = csrf_token(client, "/settings")
    return [client, {"X-CSRFToken": token}, token]


def test_every_route_has_one_row_in_the_expectation_table(app):
    labels = {label for label, _rule in routes(app)}
    missing, stale = sorted(labels - set(EXPECTED)), sorted(set(EXPECTED) - labels)
    assert not missing, f"routes without a row in EXPECTED (add who may call them): {missing}"
    assert not stale, f"rows in EXPECTED for routes that no longer exist: {stale}"


@pytest.mark.slow
def test_each_route_allows_exactly_the_roles_and_scopes_of_its_row(app, callers):
    wrong = []
    for label, rule in routes(app):
        if label not in EXPECTED:
            continue
        method = label.split(" ", 1)[0]
        url = url_of(app, rule) + QUERY.get(label, "")
        for principal in PRINCIPALS:
            client, headers, form_csrf = callers[principal]
            if not url.startswith("/api/"):
                kwargs = {"data": {"csrf_token": form_csrf}} if method == "POST" else {}
            else:
                kwargs = {"json": {}} if method not in ("GET", "DELETE") else {}
            response = client.open(url, method=method, headers=headers, buffered=True, **kwargs)
            response.close()
            denied = response.status_code == 403
            if principal.startswith("token:") and not url.startswith("/api/"):
                # A page ignores bearer tokens: the token's client is sent to log in.
                denied = denied or response.status_code == 401 or (
                    response.status_code == 302 and "/login" in response.headers.get("Location", ""))
            if denied == expected_allowed(label, principal):
                wrong.append(f"{label} as {principal}: {response.status_code} "
                             f"(expected {'allowed' if expected_allowed(label, principal) else 'refused'})")
            if label in ENDS_SESSION and not principal.startswith("token:"):
                callers[principal] = _logged_in(app, principal)
    assert not wrong, "\n".join(wrong)
