"""/api/v1/blocklist: buyer ids, phones and addresses refused service (their orders are held for a person)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, jsonify

from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from app.http.api import install_api
from orders.audit.risk import blocklist_key
from orders.models import BlocklistEntry

bp = install_api(Blueprint("blocklist_api", __name__, url_prefix="/api/v1"))

# A value longer than what it is compared with could never match: buyer ids are at most 64 characters.
BLOCKLIST_VALUE_LENGTH = {"buyer_id": 64, "phone": 32, "address": 300}
_UNMATCHABLE = {"buyer_id": "value must be a buyer id",
                "phone": "value must be a mainland mobile (13812345678) or a number with its + country code",
                "address": "value must hold letters or digits of an address"}


@bp.get("/blocklist")
@api.scope("backoffice")
@api.roles("auditor")
def list_blocklist():
    """List blocklisted buyer ids, phones and addresses."""
    rows = db.session.scalars(db.select(BlocklistEntry).order_by(BlocklistEntry.id)).all()
    return jsonify({"entries": [{"id": r.id, "kind": r.kind, "value": r.value, "reason": r.reason} for r in rows]})


@bp.post("/blocklist")
@api.scope("backoffice")
@api.roles("auditor")
def add_blocklist():
    """Blocklist a buyer id, phone or address (adding an existing entry is not an error)."""
    data = api.json_body()
    validation.refuse_unknown_fields(data, ("kind", "value", "reason"))
    kind = validation.text(data, "kind", max_len=16)
    if kind not in ("buyer_id", "phone", "address"):
        raise ApiError(400, "invalid_choice", "kind must be buyer_id, phone or address", "kind")
    value = validation.text(data, "value", max_len=BLOCKLIST_VALUE_LENGTH[kind])
    reason = validation.text(data, "reason", max_len=500, required=False)
    key = blocklist_key(kind, value)
    if key is None:
        raise ApiError(400, "invalid_value", _UNMATCHABLE[kind], "value")
    # The same phone typed another way ("+86 139-0000-1111", "13900001111") is the same entry.
    existing = db.session.scalar(db.select(BlocklistEntry).where(
        BlocklistEntry.kind == kind, sa.or_(BlocklistEntry.value == value, BlocklistEntry.match_key == key))
        .order_by(BlocklistEntry.id).limit(1))
    entry = existing or BlocklistEntry(kind=kind, value=value, reason=reason,
                                       created_by=getattr(g.principal, "username", "service"))
    db.session.add(entry)
    db.session.commit()
    return jsonify({"id": entry.id, "kind": kind, "value": entry.value, "reason": entry.reason}), 200 if existing else 201


@bp.delete("/blocklist/<int:entry_id>")
@api.scope("backoffice")
@api.roles("auditor")
def remove_blocklist(entry_id: int):
    """Remove a blocklist entry."""
    entry = db.session.get(BlocklistEntry, entry_id)
    if entry is None:
        raise ApiError(404, "not_found", f"no blocklist entry {entry_id}", "entry_id")
    db.session.delete(entry)
    db.session.commit()
    return jsonify({"deleted": entry_id})
