"""/api/v1 of platform adapters: the endpoint platforms post to, and the admins' connections API.

``POST /api/v1/adapters/<platform>/<name>`` is public: the request's signature (made with the connection's
secret) is its authentication, so it sits on its own blueprint without the API's token or session check and
without CSRF. Everything else is for admins only (no token may).
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request

from app.db import utcnow
from app.errors import ApiError
from app.extensions import csrf, db
from app.http import api, validation
from app.http.api import install_api
from live.adapters import connections as actions
from live.adapters.inbox import (MAX_BODY, Delivery, delivery_to_dict, inbox_stats, receive, recent_messages,
                                 send_test, too_large)
from live.adapters.models import PlatformConnection
from live.adapters.registry import PLATFORMS
from live.adapters.rejections import rejections_page

hooks = Blueprint("adapter_hooks", __name__, url_prefix="/api/v1/adapters")
csrf.exempt(hooks)
bp = install_api(Blueprint("connections_api", __name__, url_prefix="/api/v1"))
MAX_PER_PAGE = 200


@hooks.post("/<platform>/<name>")
def platform_delivery(platform: str, name: str):
    """Take one platform (or forwarder) request for the connection: verified, stored, answered as it expects."""
    if platform not in PLATFORMS:
        raise ApiError(404, "not_found", f"no platform {platform[:32]!r}; platforms are {', '.join(PLATFORMS)}",
                       "platform")
    connection = actions.connection_named(db.session, name)
    if connection is None or connection.platform != platform:
        raise ApiError(404, "not_found", f"no {platform} connection {name[:48]!r}", "name")
    if (request.content_length or 0) > MAX_BODY:
        return answer(too_large(db.session, connection, request.content_length, utcnow()))  # not read at all
    body = request.stream.read(MAX_BODY + 1)  # a body without Content-Length is read no further than this
    return answer(receive(db.session, connection, request.headers, body, utcnow(), current_app.config))


def answer(delivery: Delivery) -> Response:
    """Return the HTTP response of a delivery: JSON for objects and lists, text otherwise."""
    if isinstance(delivery.body, (dict, list)):
        response = jsonify(delivery.body)
    else:
        response = Response(str(delivery.body), mimetype="text/plain")
    response.status_code = delivery.status
    return response


def _connection(name: str) -> PlatformConnection:
    """Return the connection called name, or raise 404."""
    row = actions.connection_named(db.session, name)
    if row is None:
        raise ApiError(404, "not_found", f"no connection {name[:48]!r}", "name")
    return row


def _refused(error: actions.ConnectionRefused) -> ApiError:
    return ApiError(error.status, error.code, error.message, error.field)


def connection_body(row: PlatformConnection) -> dict:
    """Return a connection as the API shows it: its fields, inbox counts and last messages."""
    return actions.connection_to_dict(row, utcnow()) | {
        "inbox": inbox_stats(db.session, row.id), "recent": recent_messages(db.session, row.id, 5)}


@bp.get("/connections")
@api.roles("admin")
def list_connections():
    """List every platform connection with its inbox counts (secrets by fingerprint only)."""
    rows = db.session.scalars(db.select(PlatformConnection).order_by(PlatformConnection.name))
    now = utcnow()
    return jsonify({"connections": [actions.connection_to_dict(row, now) | {"inbox": inbox_stats(db.session, row.id)}
                                    for row in rows]})


@bp.post("/connections")
@api.roles("admin")
def create_connection():
    """Create a connection; its secret is in this answer only."""
    data = api.json_body()
    try:
        row, secret = actions.create_connection(
            db.session, data.get("name"), data.get("platform"), data.get("broadcast_id"),
            shop_id=data.get("shop_id"), app_key=data.get("app_key"), app_secret=data.get("app_secret"),
            settings=data.get("settings"), actor=getattr(g.principal, "username", None), now=utcnow())
    except actions.ConnectionRefused as error:
        db.session.rollback()
        raise _refused(error) from None
    db.session.commit()
    return jsonify(connection_body(row) | {"secret": secret}), 201


@bp.get("/connections/<name>")
@api.roles("admin")
def get_connection(name: str):
    """Show one connection: fields, inbox counts by status and its latest messages."""
    return jsonify(connection_body(_connection(name)))


@bp.patch("/connections/<name>")
@api.roles("admin")
def edit_connection(name: str):
    """Change a connection's broadcast, shop id, app key or settings (merged; null removes); others are refused."""
    data = api.json_body()
    row = _connection(name)
    try:
        actions.edit_connection(db.session, row, data)
    except actions.ConnectionRefused as error:
        db.session.rollback()
        raise _refused(error) from None
    db.session.commit()
    return jsonify(connection_body(row))


@bp.post("/connections/<name>/rotate")
@api.roles("admin")
def rotate_secret(name: str):
    """Give the connection a new secret (made, or the platform's new app secret when sent); the old one works 24 h,
    or not at all with "keep_previous": false (it leaked)."""
    data = api.json_body(optional=True)
    row = _connection(name)
    try:
        secret = actions.rotate_secret(row, utcnow(), data.get("secret"), keep_previous=data.get("keep_previous", True))
    except actions.ConnectionRefused as error:
        db.session.rollback()
        raise _refused(error) from None
    db.session.commit()
    return jsonify(connection_body(row) | {"secret": secret})


@bp.delete("/connections/<name>/previous-secret")
@api.roles("admin")
def end_previous_secret(name: str):
    """Stop accepting the connection's previous secret now, before its 24 hours run out (409 when none is)."""
    return _changed(name, lambda row: actions.end_previous_secret(row, utcnow()))


@bp.post("/connections/<name>/disable")
@api.roles("admin")
def disable_connection(name: str):
    """Switch the connection off: its requests are refused 403 connection_disabled (and logged) until switched on."""
    return _changed(name, lambda row: actions.set_enabled(row, False, g.principal.username, utcnow()))


@bp.post("/connections/<name>/enable")
@api.roles("admin")
def enable_connection(name: str):
    """Switch the connection on again."""
    return _changed(name, lambda row: actions.set_enabled(row, True, g.principal.username, utcnow()))


def _changed(name: str, action) -> Response:
    """Run action on the connection called name, commit, and answer the connection (or the refusal)."""
    row = _connection(name)
    try:
        action(row)
    except actions.ConnectionRefused as error:
        db.session.rollback()
        raise _refused(error) from None
    db.session.commit()
    return jsonify(connection_body(row))


@bp.get("/connections/<name>/rejected")
@api.roles("admin")
def list_rejected(name: str):
    """List what the connection refused, newest first, with the reason (bodies of bad signatures are not kept)."""
    page = validation.query_int(request.args, "page", 1, maximum=100_000)
    per_page = validation.query_int(request.args, "per_page", 50, maximum=MAX_PER_PAGE)
    row = _connection(name)
    rejected, total = rejections_page(db.session, row.id, page, per_page)
    return jsonify({"rejected": rejected, "total": total, "page": page, "per_page": per_page})


@bp.post("/connections/<name>/test")
@api.roles("admin")
def send_test_payload(name: str):
    """Post the platform's sample payload, signed with the connection's secret, through the real path."""
    row = _connection(name)
    delivery = send_test(db.session, row, utcnow(), current_app.config)
    return jsonify(delivery_to_dict(delivery) | {"connection": connection_body(row)})
