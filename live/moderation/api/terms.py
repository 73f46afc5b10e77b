"""/api/v1/moderation/terms: the term lists (list, add, remove, CSV export and import)."""
from __future__ import annotations

from flask import Response, jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from live.moderation.actions import moderator_rooms
from live.moderation.api.blueprint import MODERATORS, actor, bp, broadcast_or_404
from live.moderation.api.bodies import TERM_DELETE_FIELDS, TERM_FIELDS, no_nul, reason, term_fields, term_labels
from live.moderation.models import ModerationTerm
from live.moderation.push import queue_moderators
from live.moderation.term_csv import CsvError, read_terms, to_csv
from live.moderation.terms import (
    ADDED,
    CHANGED,
    LISTED,
    add_term,
    find_term,
    list_terms,
    remove_term,
    term_to_dict,
    terms_version,
)

MAX_CSV_BYTES = 2 * 1024 * 1024


def terms_changed(broadcast_id: int | None) -> None:
    """Tell the moderators concerned (of that broadcast, or of every live one) that a term list changed."""
    for room in moderator_rooms(db.session, broadcast_id):
        queue_moderators(db.session, room, "moderation.changed", {"what": "terms", "broadcast_id": broadcast_id})


@bp.get("/terms")
@api.scope("moderation")
@api.roles(*MODERATORS)
def get_terms():
    """List the global terms, and with ?broadcast_id= that broadcast's terms too."""
    broadcast_id = validation.query_int(request.args, "broadcast_id", 0, minimum=0, maximum=2**31 - 1) or None
    broadcast_or_404(broadcast_id)
    rows = list_terms(db.session, broadcast_id)
    return jsonify({"version": terms_version(db.session), "terms": [term_to_dict(row) for row in rows]})


@bp.post("/terms")
@api.scope("moderation")
@api.roles(*MODERATORS)
def post_term():
    """Add a term: 201 with the new one, or 200 with the one already listed under its key, given the category and
    action sent when they differ (the fields not sent are kept)."""
    data = api.json_body()
    validation.refuse_unknown_fields(data, TERM_FIELDS)
    term, category, action, broadcast_id = term_fields(data)
    broadcast_or_404(broadcast_id)

    def work():
        row, outcome = add_term(db.session, term, category, action, broadcast_id, actor(), utcnow())
        if outcome != LISTED:
            terms_changed(broadcast_id)
        body = term_to_dict(row)
        realtime.commit(db.session)
        return body, outcome

    body, outcome = run_with_retry(work)
    return jsonify(body), 201 if outcome == ADDED else 200


def _delete(row: ModerationTerm | None, why: str | None):
    """Delete a term and answer it, or 404 naming the term."""
    if row is None:
        raise ApiError(404, "not_found", "no such term in that list", "term")
    body, broadcast_id = term_to_dict(row), row.broadcast_id
    remove_term(db.session, row, actor(), why, utcnow())
    terms_changed(broadcast_id)
    realtime.commit(db.session)
    return jsonify({"deleted": body})


@bp.delete("/terms")
@api.scope("moderation")
@api.roles(*MODERATORS)
def delete_term():
    """Remove a term given as {"term", "category"?, "action"?, "broadcast_id"?, "reason"?}: the body it was added
    with fits. It is found by its normalised key in its list; category and action are checked, not matched."""
    data = api.json_body()
    validation.refuse_unknown_fields(data, TERM_DELETE_FIELDS)
    term = no_nul(validation.text(data, "term", max_len=100), "term")
    term_labels(data)
    broadcast_id = validation.whole_number(data, "broadcast_id", minimum=1, maximum=2**31 - 1, required=False)
    return _delete(find_term(db.session, term, broadcast_id), reason(data))


@bp.delete("/terms/<int:term_id>")
@api.scope("moderation")
@api.roles(*MODERATORS)
def delete_term_by_id(term_id: int):
    """Remove a term by its id (the console's remove button)."""
    return _delete(db.session.get(ModerationTerm, term_id), reason(api.json_body(optional=True)))


@bp.get("/terms/export.csv")
@api.scope("moderation")
@api.roles(*MODERATORS)
def export_terms():
    """Download the term lists as CSV (cells starting with = + - @ escaped with an apostrophe)."""
    broadcast_id = validation.query_int(request.args, "broadcast_id", 0, minimum=0, maximum=2**31 - 1) or None
    broadcast_or_404(broadcast_id)
    rows = [(t.term, t.category, t.action, t.broadcast_id, t.created_by, t.created_at.isoformat())
            for t in list_terms(db.session, broadcast_id)]
    name = f"terms-{broadcast_id or 'global'}.csv"
    return Response(to_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/terms/import")
@api.scope("moderation")
@api.roles(*MODERATORS)
def import_terms():
    """Add every term of a CSV body (columns term, category?, action?, broadcast_id?); all or nothing. A listed term
    takes the row's category and action (blank cells: kept), as a re-add by POST does."""
    raw = request.get_data(cache=True)
    if len(raw) > MAX_CSV_BYTES:
        raise ApiError(413, "too_large", f"the CSV may be at most {MAX_CSV_BYTES} bytes", "csv")
    try:
        rows = read_terms(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "the CSV must be UTF-8", "csv") from None
    except CsvError as error:
        raise ApiError(400, "invalid_csv", str(error), error.field) from None
    parsed = [term_fields(row, prefix=f"csv.row[{row['_line']}].") for row in rows]  # every row checked first
    for number, (_t, _c, _a, broadcast_id) in zip((r["_line"] for r in rows), parsed):
        broadcast_or_404(broadcast_id, field=f"csv.row[{number}].broadcast_id")

    def work():
        now, counts, scopes = utcnow(), {ADDED: 0, CHANGED: 0, LISTED: 0}, set()
        for term, category, action, broadcast_id in parsed:
            outcome = add_term(db.session, term, category, action, broadcast_id, actor(), now)[1]
            counts[outcome] += 1
            if outcome != LISTED:
                scopes.add(broadcast_id)
        for broadcast_id in scopes:
            terms_changed(broadcast_id)
        realtime.commit(db.session)
        # "existing" counts every row whose term was listed already; "changed" those of them given another
        # category or action.
        return {"added": counts[ADDED], "existing": counts[CHANGED] + counts[LISTED], "changed": counts[CHANGED]}

    return jsonify(run_with_retry(work))
