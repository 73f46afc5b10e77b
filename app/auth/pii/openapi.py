"""OpenAPI fragment of the PII access log (app/auth/pii/api.py): GET /api/v1/pii-access-log, admins only."""
from __future__ import annotations

from app.openapi.operations import operation, parameter
from app.openapi.schemas import DATETIME, array, integer, nullable, obj, ref, string

DAY = {"type": "string", "format": "date", "pattern": "^20[0-9]{2}-"}


def parameters() -> dict:
    """Return the log's filters."""
    return {
        "LogUser": parameter("user_id", "query", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                             "Only views by this user."),
        "LogBuyer": parameter("buyer_id", "query",
                              {"type": "string", "maxLength": 64, "pattern": "^[^\\u0000-\\u001f]*$"},
                              "Only views of this buyer's contact."),
        "LogFrom": parameter("from", "query", DAY, "At or after: a date (a UTC day); an ISO-8601 time with a zone "
                                                   "is accepted too."),
        "LogTo": parameter("to", "query", DAY, "At or before: a date (its whole UTC day) or an ISO-8601 time with "
                                               "a zone."),
    }


def paths() -> dict:
    """Return the log read operation."""
    return {
        "/api/v1/pii-access-log": {
            "get": operation(
                "listPiiAccess", "Who was shown which buyer's contact, when and from where", "accounts",
                ("200", "One page of the log, newest first.", ref("PiiAccessPage")), errors="400 401 403",
                roles="admin", params=("LogUser", "LogBuyer", "LogFrom", "LogTo", "Page", "PerPage"),
                description="Every unmasked view of buyer contact data: the API and pages of PII roles, the "
                            "audit CSV, live pages, and each `Show contact`."),
        },
    }


def schemas() -> dict:
    """Return a log entry and a page of them."""
    entry = obj({"id": integer(), "user_id": integer(), "username": string(), "buyer_id": nullable(string()),
                 "subject": string("What was shown, e.g. order:SIM-42-12 or broadcast:7."),
                 "channel": string("Where: page, api, csv, contact, socket, snapshot."),
                 "remote_addr": nullable(string("The client address.")), "at": DATETIME},
                required=("id", "user_id", "username", "buyer_id", "subject", "channel", "remote_addr", "at"))
    page = obj({"entries": array(ref("PiiAccessEntry")), "total": integer(), "page": integer(minimum=1),
                "per_page": integer(minimum=1, maximum=200)}, required=("entries", "total", "page", "per_page"))
    return {"PiiAccessEntry": entry, "PiiAccessPage": page}
