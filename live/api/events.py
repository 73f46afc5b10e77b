"""/api/v1 event ingestion: POST /api/v1/broadcasts/<id>/events, 1 to 1,000 platform events per request."""
from __future__ import annotations

import functools

from flask import current_app, g, jsonify, request
from sqlalchemy.exc import DBAPIError

from app import realtime
from app.auth.pii import present_order
from app.db.group_commit import Mergeable, group_commit, group_commit_on
from app.db.transactions import retryable, run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api
from live.api.blueprint import bp, find_broadcast
from live.events import MAX_EVENTS
from live.ingest import ingest_events
from live.ingest.merged import ingest_batches, request_parts


@bp.post("/broadcasts/<int:broadcast_id>/events")
@api.roles("service")
def post_events(broadcast_id: int):
    """Ingest 1 to 1,000 platform events; answers one result per event, in request order."""
    api.require_signature_if_configured()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'the body must be a JSON object with an "events" list', "body")
    if "events" not in data:
        raise ApiError(400, "missing_field", 'the body needs an "events" list', "events")
    events = data["events"]
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise ApiError(400, "invalid_events", f"events must be a list of 1 to {MAX_EVENTS} events", "events")
    principal = g.principal
    source = getattr(principal, "name", None) or f"user:{principal.username}"
    if group_commit_on(current_app.config) and not getattr(principal, "sees_pii", False):
        # Merged with concurrent requests into one batch per broadcast and source, in one shared transaction
        # (app/db/group_commit.py, live/ingest/merged.py); answered after the commit. Masking needs no database.
        # An unknown broadcast is answered 404 from there (the group reads the broadcasts of all its requests at once).
        committer, results = group_commit(current_app._get_current_object()), []
        try:
            for part in request_parts(events):  # each part commits; the answer waits for the last one
                write = Mergeable(ingest_batches, (broadcast_id, source), part)
                results.extend(committer.run(db.session, write, weight=len(part)))
        except DBAPIError as error:
            raise _busy(error) from error
        return jsonify({"results": [result | {"order": present_order(db.session, principal, result["order"], "ingest")}
                                    if "order" in result else result for result in results]})

    def work(part: list) -> list[dict]:
        results = ingest_events(db.session, find_broadcast(broadcast_id), source, part)
        for result in results:
            if "order" in result:
                result["order"] = present_order(db.session, principal, result["order"], "ingest")
        realtime.commit(db.session)
        return results

    try:
        return jsonify({"results": [result for part in request_parts(events)
                                    for result in run_with_retry(functools.partial(work, part))]})
    except DBAPIError as error:
        raise _busy(error) from error


def _busy(error: DBAPIError) -> Exception:
    """Return the answer to a batch the database kept refusing (deadlocks past every retry): 503, send again.

    Platforms redeliver a webhook answered 5xx, and event ids make the redelivery safe; anything else stays a 500.
    """
    if not retryable(error):
        return error
    return ApiError(503, "busy", "the database was busy; send the events again (their ids make a resend safe)", "events")
