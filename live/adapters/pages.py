"""The admins' connection pages: /connections (list, create) and /connections/<name> (rotate the secret or end
the previous one, switch it off and on, move to another broadcast, edit its settings, whether it is ready, send
a test payload, last message, inbox counts, rejected messages).

Each form posts to one route that calls one action of live.adapters.connections (or inbox.send_test) and
commits. A secret is shown once, in the answer to the post that made it.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.tokens import secret_fingerprint
from app.db import utcnow
from app.extensions import db
from app.http.pages import page_roles
from live.adapters import connections as actions
from live.adapters import forms
from live.adapters.inbox import Delivery, inbox_stats, recent_messages, send_test
from live.adapters.models import PlatformConnection
from live.adapters.registry import LIVE_ROOM_PLATFORMS, PLATFORMS
from live.adapters.rejections import rejections_page
from live.broadcasts import list_broadcasts
from live.models import BROADCAST_LABELS, Broadcast

bp = Blueprint("connections", __name__)
REJECTIONS_SHOWN = 50
PLATFORM_LABELS = {"douyin": _l("Douyin shop (抖店)"), "tiktok_shop": _l("TikTok Shop"), "kuaishou": _l("Kuaishou shop"),
                   "tiktok_live": _l("TikTok LIVE room (connector)"), "douyin_live": _l("Douyin live room (connector)"),
                   "bilibili": _l("Bilibili live room (connector)")}
STATUS_LABELS = {"pending": _l("pending"), "done": _l("done"), "ignored": _l("ignored"), "failed": _l("failed")}
# Why a request or message was refused, in the reader's language (the log keeps LiveDesk's English detail).
REJECTION_LABELS = {
    "bad_signature": _l("The signature is missing, too old, or not made with this connection's secret."),
    "too_large": _l("The body is larger than 1 MiB."), "too_deep": _l("The body nests too deep to read."),
    "adapter_unavailable": _l("This platform's adapter is unavailable on the server."),
    "connection_disabled": _l("The connection is switched off."),
    "message_failed": _l("The message could not be processed."), "failed": _l("The message could not be processed."),
}
STAT_LABELS = {"done": _l("Processed"), "ignored": _l("Ignored"), "pending": _l("Waiting"), "failed": _l("Failed")}
REFUSALS = {
    "name_taken": _l("That name is taken already."),
    "unknown_broadcast": _l("There is no such broadcast."),
    "missing_field": _l("A commerce platform needs the app secret it signs with."),
    "invalid_choice": _l("Choose a platform."),
}


SETTING_LABELS = {
    "app_key": _l("App key"), "access_token": _l("Access token"), "sign_secret": _l("Sign secret (Kuaishou)"),
    "shop_cipher": _l("Shop cipher (TikTok Shop)"), "api_base_url": _l("API base URL (optional)"),
    "decrypt_contacts": _l("Decrypt buyer contacts"), "zone": _l("Time zone of the platform (optional)"),
}
SETTING_HINTS = {
    "access_token": _l("The shop's access token from the platform's open API. Orders cannot be fetched without it."),
    "sign_secret": _l("The app's signSecret, which signs Kuaishou API calls."),
    "shop_cipher": _l("From Get Authorized Shops."),
    "api_base_url": _l("Empty for the platform's production API; a sandbox URL to test."),
    "decrypt_contacts": _l("Choose No when the app lacks the platform's decrypt permission."),
}


FIELD_REFUSALS = {
    "name": _l("Connection names are 1 to 48 letters, digits or . _ -."),
    "broadcast_id": _l("There is no such broadcast."),
    "shop_id": _l("A shop id is 1 to 64 characters without /."),
    "app_key": _l("An app key is 1 to 128 characters."),
    "app_secret": _l("A secret is 16 to 128 printable characters."),
    "settings.zone": _l("Give an IANA time zone such as Asia/Shanghai."),
}


def _refusal(error: actions.ConnectionRefused):
    """Return the translated sentence of a refused action."""
    if error.code == "invalid_secret":  # the platform's own rule (a 快手 message key): its sentence says which
        return error.message
    if error.code in REFUSALS:
        return REFUSALS[error.code]
    return FIELD_REFUSALS.get(error.field, error.message)


def _missing_labels(row: PlatformConnection) -> list:
    """Return the labels of what the connection lacks before it can process a message (empty when ready)."""
    return [SETTING_LABELS.get(key, key) for key in actions.lacking(row)]


def _list_page(status: int = 200, shown_once: dict | None = None):
    """Return the connections page, with a secret to copy once when one was just made."""
    rows = list(db.session.scalars(db.select(PlatformConnection).order_by(PlatformConnection.name)))
    titles = {b.id: b.title for b in db.session.scalars(
        db.select(Broadcast).where(Broadcast.id.in_({row.broadcast_id for row in rows})))} if rows else {}
    return render_template("adapters/connections.html", connections=rows, titles=titles,
                           stats={row.id: inbox_stats(db.session, row.id) for row in rows},
                           broadcasts=list_broadcasts(db.session, live_first=True), platforms=PLATFORMS,
                           platform_labels=PLATFORM_LABELS, live_room=LIVE_ROOM_PLATFORMS, shown_once=shown_once,
                           broadcast_labels=BROADCAST_LABELS, missing={row.id: _missing_labels(row) for row in rows},
                           setting_fields=_create_fields(), setting_labels=SETTING_LABELS, setting_hints=SETTING_HINTS,
                           form=request.form if status >= 400 else {}), status


def _create_fields() -> list[tuple]:
    """Return (Setting, platforms that read it) of each setting the create form offers, in the page's order."""
    fields: dict = {}
    for platform in PLATFORMS:
        for spec in forms.page_settings(platform):
            fields.setdefault(spec.key, (spec, []))[1].append(platform)
    return [(spec, tuple(platforms)) for spec, platforms in fields.values()]


@bp.get("/connections")
@page_roles("admin")
def connections_page():
    """List every connection with its endpoint, last message and counts, and the form to create one."""
    return _list_page()


def _form_int(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.post("/connections")
@page_roles("admin")
def create_connection():
    """Create a connection from the form; show its endpoint and secret once."""
    form = request.form
    optional = {key: form.get(key, "").strip() or None for key in ("shop_id", "app_key", "app_secret")}
    platform = form.get("platform")
    try:
        row, secret = actions.create_connection(
            db.session, form.get("name", "").strip(), platform, _form_int("broadcast_id"),
            shop_id=optional["shop_id"], app_key=optional["app_key"], app_secret=optional["app_secret"],
            settings=forms.new_settings(platform, form) if platform in PLATFORMS else {},
            actor=current_user.username, now=utcnow())
    except actions.ConnectionRefused as error:
        db.session.rollback()
        flash(_refusal(error), "error")
        return _list_page(400)
    db.session.commit()
    shown = {"label": _l("Secret of connection %(name)s", name=row.name), "value": secret,
             "endpoint": request.url_root.rstrip("/") + actions.endpoint_path(row.platform, row.name),
             "link": url_for("connections.connection_page", name=row.name)}
    return _list_page(201, shown)


def _connection(name: str) -> PlatformConnection:
    row = actions.connection_named(db.session, name)
    if row is None:
        abort(404)
    return row


def _detail_page(row: PlatformConnection, status: int = 200, shown_once: dict | None = None,
                 test: Delivery | None = None, settings_error: actions.ConnectionRefused | None = None):
    """Return one connection's page, with a new secret, a test result or a refused edit when an action just made one."""
    now = utcnow()
    stored = row.settings or {}
    rejected, rejected_total = rejections_page(db.session, row.id, 1, REJECTIONS_SHOWN)
    previous = row.previous_secret if row.previous_expires_at and row.previous_expires_at > now else None
    return render_template(
        "adapters/connection.html", connection=row, broadcast=db.session.get(Broadcast, row.broadcast_id),
        broadcasts=list_broadcasts(db.session, live_first=True), platform_labels=PLATFORM_LABELS,
        endpoint=request.url_root.rstrip("/") + actions.endpoint_path(row.platform, row.name),
        fingerprint=secret_fingerprint(row.secret), previous_fingerprint=secret_fingerprint(previous) if previous else None,
        stats=inbox_stats(db.session, row.id), recent=recent_messages(db.session, row.id, 10),
        rejected=rejected, rejected_total=rejected_total, status_labels=STATUS_LABELS, stat_labels=STAT_LABELS,
        rejection_labels=REJECTION_LABELS,
        live_room=row.platform in LIVE_ROOM_PLATFORMS, shown_once=shown_once, test=test,
        missing=_missing_labels(row), setting_specs=forms.page_settings(row.platform), setting_labels=SETTING_LABELS,
        setting_hints=SETTING_HINTS, settings=stored, form=request.form if settings_error else {},
        fingerprints={key: secret_fingerprint(str(value)) for key, value in stored.items() if value},
        settings_error=settings_error and {"field": settings_error.field, "message": _refusal(settings_error)}), status


@bp.get("/connections/<name>")
@page_roles("admin")
def connection_page(name: str):
    """Show one connection: endpoint, secret fingerprint, last message, inbox counts and rejected messages."""
    return _detail_page(_connection(name))


@bp.post("/connections/<name>/rotate")
@page_roles("admin")
def rotate_secret(name: str):
    """Give the connection a new secret (shown once); the previous one keeps working for 24 hours."""
    row = _connection(name)
    given = request.form.get("secret", "").strip() or None
    try:
        secret = actions.rotate_secret(row, utcnow(), given, keep_previous=request.form.get("drop_previous") != "1")
    except actions.ConnectionRefused as error:
        db.session.rollback()
        flash(_l("Paste the new app secret the platform shows.") if error.code == "missing_field"
              else error.message if error.code == "invalid_secret"
              else _l("A secret is 16 to 128 printable characters."), "error")
        return _detail_page(row, 400)
    db.session.commit()
    return _detail_page(row, 200, {"label": _l("New secret of %(name)s", name=row.name), "value": secret})


@bp.post("/connections/<name>/previous-secret/end")
@page_roles("admin")
def end_previous_secret(name: str):
    """Stop accepting the previous secret now (it leaked), before its 24 hours run out."""
    row = _connection(name)
    try:
        actions.end_previous_secret(row, utcnow())
    except actions.ConnectionRefused:
        db.session.rollback()
        flash(_l("No previous secret is accepted now."), "error")
        return _detail_page(row, 409)
    db.session.commit()
    flash(_l("The previous secret is no longer accepted."), "success")
    return redirect(url_for("connections.connection_page", name=row.name))


@bp.post("/connections/<name>/enabled")
@page_roles("admin")
def switch_connection(name: str):
    """Switch the connection off (its requests are refused) or on again."""
    row = _connection(name)
    enabled = request.form.get("enabled") == "1"
    actions.set_enabled(row, enabled, current_user.username, utcnow())
    db.session.commit()
    flash(_l("%(name)s is switched on: its requests are taken in again.", name=row.name) if enabled else
          _l("%(name)s is switched off: its requests are refused until you switch it on.", name=row.name), "success")
    return redirect(url_for("connections.connection_page", name=row.name))


@bp.post("/connections/<name>/broadcast")
@page_roles("admin")
def move_connection(name: str):
    """Point the connection at another broadcast (the next show)."""
    row = _connection(name)
    try:
        actions.move_to_broadcast(db.session, row, _form_int("broadcast_id"))
    except actions.ConnectionRefused:
        db.session.rollback()
        flash(REFUSALS["unknown_broadcast"], "error")
        return _detail_page(row, 400)
    db.session.commit()
    flash(_l("Events of %(name)s now land in broadcast %(id)s.", name=row.name, id=row.broadcast_id), "success")
    return redirect(url_for("connections.connection_page", name=row.name))


@bp.post("/connections/<name>/settings")
@page_roles("admin")
def edit_settings(name: str):
    """Save the connection's shop id, app key and settings (a secret left empty is kept); say if it is now ready."""
    row = _connection(name)
    try:
        actions.edit_connection(db.session, row, forms.edit_changes(row.platform, request.form))
    except actions.ConnectionRefused as error:
        db.session.rollback()
        return _detail_page(row, 400, settings_error=error)
    db.session.commit()
    flash(_l("Settings saved."), "success")
    return redirect(url_for("connections.connection_page", name=row.name) + "#settings-card")


@bp.post("/connections/<name>/test")
@page_roles("admin")
def send_test_payload(name: str):
    """Post the platform's sample payload through the real path, signed with the secret, and show what it did."""
    row = _connection(name)
    delivery = send_test(db.session, row, utcnow(), current_app.config)
    db.session.refresh(row)
    return _detail_page(row, 200, test=delivery)
