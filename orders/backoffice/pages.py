"""Back-office pages: the audit queue (with its CSV export), the order page and a broadcast's audit policy."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.auth.models import User
from app.auth.pii import present_order
from app.db import utcnow
from app.extensions import db
from app.privacy import mask_order
from app.http.pages import page_roles
from live.models import Broadcast, broadcast_choices
from orders.actions import find_order
from orders.audit import CODES
from orders.catalog import get_product, product_to_dict
from orders.fulfilment.labels import HISTORY_LABELS as FULFILMENT_HISTORY_LABELS
from orders.fulfilment.labels import NOTICE_LABELS as FULFILMENT_NOTICE_LABELS
from orders.fulfilment.labels import ORDER_STATUS_LABELS as FULFILMENT_STATUS_LABELS
from orders.backoffice import queue_csv as csv_export
from orders.care.complaints.labels import NOTICE_KIND_LABELS as COMPLAINT_NOTICE_LABELS
from orders.care.complaints.labels import ORDER_HISTORY_LABELS as COMPLAINT_HISTORY_LABELS
from orders.backoffice.labels import (FIELD_LABELS, FINDING_LABELS, ORDER_SLOTS, auditor_reason, field_label,
                                      paid_reason_templates, payment_method_label, reason_templates,
                                      system_reason_label)
from orders.backoffice.strings import order_strings, queue_columns, queue_strings
from orders.backoffice.queue import QueueFilter, queue_chunks
from orders.models import BlocklistEntry
from orders.notices.service import notices_for_order
from orders.push import order_payload
from orders.review.context import load_policy
from orders.serialize import history_to_dict, payments_for

bp = Blueprint("orders_pages", __name__)

# The API lets the same roles act (app.http.api.roles: auditor, and admin always).
AUDIT_ROLES = frozenset({"auditor", "admin"})
STATUS_LABELS = {
    "received": _l("received"), "accepted": _l("accepted"), "held": _l("held"), "waitlisted": _l("waitlisted"),
    "rejected": _l("rejected"), "paid": _l("paid"), "cancelled": _l("cancelled"), "expired": _l("expired"),
    "claimed": _l("claimed in chat"),
}
HISTORY_ACTIONS = {"received": _l("received"), "status_changed": _l("status changed"), "note": _l("note"),
                   "edit": _l("order edited"),
                   "payment_paid": _l("payment received"), "payment_failed": _l("payment failed"),
                   "aftersale": _l("after-sales step")}
BLOCKLIST_KINDS = {"buyer_id": _l("Buyer id"), "phone": _l("Phone"), "address": _l("Address")}
SOURCE_LABELS = {"in_stream": _l("In stream"), "product_link": _l("Product link"),
                 "post_stream": _l("After the stream")}
NOTICE_KINDS = {"received": _l("Order received"), "needs_info": _l("Needs information"),
                "waitlisted": _l("Waitlisted"), "promoted": _l("Off the waitlist"),
                "promotion_applied": _l("Promotion applied"), "payment_failed": _l("Payment failed"),
                "expired": _l("Reservation expired"), "rejected": _l("Order rejected"),
                "cancelled": _l("Order cancelled"), "claimed": _l("Chat claim received"),
                "claim_bumped": _l("Claim back on the waitlist"),
                "payment_reminder": _l("Payment reminder"),
                # After the sale (orders/aftersales, orders/care).
                "aftersale_opened": _l("After-sales case opened"), "aftersale_approved": _l("After-sales case approved"),
                "aftersale_rejected": _l("After-sales case rejected"), "aftersale_received": _l("Return received"),
                "aftersale_refunded": _l("Refund made"), "aftersale_replacement_shipped": _l("Replacement shipped"),
                "aftersale_closed": _l("After-sales case closed"), "survey_invitation": _l("Satisfaction survey")}
NOTICE_STATUSES = {"pending": _l("pending"), "sent": _l("sent"), "failed": _l("failed")}
ACTORS = {"system": _l("system")}
# Fulfilment's words for the statuses, history steps and notices it adds (orders/fulfilment/labels.py).
STATUS_LABELS.update({k: v for k, v in FULFILMENT_STATUS_LABELS.items() if k not in STATUS_LABELS})
HISTORY_ACTIONS.update(FULFILMENT_HISTORY_LABELS)
NOTICE_KINDS.update(FULFILMENT_NOTICE_LABELS)
# Complaints' words for the history rows and the notice they add to an order (orders/care/complaints/labels.py).
HISTORY_ACTIONS.update(COMPLAINT_HISTORY_LABELS)
NOTICE_KINDS.update(COMPLAINT_NOTICE_LABELS)



def reason_label(reason: str | None) -> str:
    """Return a history reason for a person: the system's list of finding codes as their labels, other text as is."""
    codes = (reason or "").split(", ")
    if reason and all(code in FINDING_LABELS for code in codes):
        separator = "、" if ui_language() == "zh-CN" else ", "
        return separator.join(str(FINDING_LABELS[code]) for code in codes)
    return (reason and system_reason_label(reason, FINDING_LABELS, STATUS_LABELS)) or reason or ""


def ui_language() -> str:
    """Return the key of bilingual messages ({"en", "zh-CN"}) matching the page language."""
    return "zh-CN" if get_locale().language == "zh" else "en"


def _filters() -> tuple[int | None, str | None, int | None]:
    """Return (broadcast_id, finding code, minimum age in seconds) from the query string; 400 on garbage."""
    values = []
    for key in ("broadcast_id", "min_age"):
        raw = request.args.get(key, "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
            abort(400, _("%(field)s must be a whole number", field=key))
        values.append(int(raw) if raw and int(raw) > 0 else None)
    code = request.args.get("code") or None
    if code is not None and code not in CODES:
        abort(400, _("Unknown finding code"))
    return values[0], code, values[1]


def _usernames() -> dict[int, str]:
    """Return the usernames of everyone who may claim an order, by user id."""
    rows = db.session.execute(sa.select(User.id, User.username).where(User.role.in_(AUDIT_ROLES)))
    return {user_id: username for user_id, username in rows}


@bp.get("/audit")
@page_roles(*AUDIT_ROLES)
def audit_queue():
    """The audit queue page; the rows are fetched and kept live by static/orders/queue.js."""
    broadcast_id, code, min_age = _filters()
    broadcasts = broadcast_choices(db.session)
    config = {
        "lang": ui_language(), "me": current_user.id, "users": {str(k): v for k, v in _usernames().items()},
        "live": [b.id for b in broadcasts if b.status == "live"],
        "titles": {str(b.id): b.title for b in broadcasts}, "strings": queue_strings(STATUS_LABELS),
    }
    config["findingLabels"] = {code: str(FINDING_LABELS.get(code, code)) for code in CODES}
    # A paid order's row reads paidReasonTemplates where they differ: its items cannot be fixed any more.
    config |= {"reasonTemplates": reason_templates(), "paidReasonTemplates": paid_reason_templates(),
               "orderSlots": sorted(ORDER_SLOTS),
               "fieldLabels": {path: str(label) for path, label in FIELD_LABELS.items()},
               "columns": queue_columns()}
    return render_template("orders/queue.html", broadcasts=broadcasts, codes=sorted(CODES), config=config,
                           findings=FINDING_LABELS,
                           selected={"broadcast_id": broadcast_id, "code": code, "min_age": min_age})


@bp.get("/audit/queue.csv")
@page_roles(*AUDIT_ROLES)
def audit_queue_csv():
    """The audit queue with the page's filters as a CSV download (buyer data in full, and logged)."""
    broadcast_id, code, min_age = _filters()
    now, usernames = utcnow(), _usernames()

    def chunks():
        # Every held order, a chunk at a time: the file is streamed while the next chunk is read, and each
        # chunk's unmasked views are logged (committed) as it is sent.
        for items in queue_chunks(db.session, now, QueueFilter(broadcast_id, code, min_age)):
            shown = [present_order(db.session, current_user, item, "csv") for item in items]
            db.session.commit()
            yield shown

    def body():
        # The byte-order mark makes Excel read the file as UTF-8, so Chinese names survive a double-click.
        yield "\ufeff"
        yield from csv_export.queue_csv_parts(chunks(), usernames)

    filename = f"audit-queue-{now:%Y%m%dT%H%M%SZ}.csv"
    return Response(stream_with_context(body()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/orders/<order_id>")
@login_required
def order_page(order_id: str):
    """One order: buyer (as the viewer's role may see it), prices, promotions, findings, payments, notices, history."""
    order = find_order(db.session, order_id)
    if order is None:
        abort(404)
    body = order_payload(db.session, order) | {
        "history": [history_to_dict(row) for row in order.history],
        "payments": payments_for(db.session, order.id),
        "notices": notices_for_order(db.session, order.id),
    }
    # Masked for every role: auditors and admins press "Show contact", which logs the view (issue 11).
    body = mask_order(body)
    claimed_by = db.session.get(User, order.claimed_by) if order.claimed_by else None
    broadcast = db.session.get(Broadcast, order.broadcast_id)
    db.session.commit()
    templates = reason_templates(paid=body.get("paid_amount") is not None)
    return render_template("orders/order.html", order=body, broadcast=broadcast, lang=ui_language(),
                           claimed_by=claimed_by.username if claimed_by else None, labels=STATUS_LABELS,
                           actions=HISTORY_ACTIONS, findings=FINDING_LABELS, sources=SOURCE_LABELS,
                           notice_kinds=NOTICE_KINDS, notice_statuses=NOTICE_STATUSES, actors=ACTORS,
                           reason_label=reason_label, field_label=field_label, method_label=payment_method_label,
                           explain=lambda finding: auditor_reason(finding, templates),
                           variants=_variant_choices(body["items"]),
                           can_act=current_user.role in AUDIT_ROLES, strings=order_strings(),
                           can_show_contact=current_user.sees_pii)


def _variant_choices(items: list[dict]) -> dict[str, list[dict]]:
    """Return, per SKU of the order's lines, the variants of its product (sku, name, stock) to offer in the fix form."""
    choices = {}
    for sku in {line["sku"] for line in items if line.get("sku")}:
        product = get_product(db.session, sku)
        if product is not None and product.variants:
            choices[sku] = product_to_dict(db.session, product)["variants"]
    return choices


@bp.get("/broadcasts/<int:broadcast_id>/audit-policy")
@page_roles(*AUDIT_ROLES)
def audit_policy(broadcast_id: int):
    """A broadcast's audit thresholds as a form, and the blocklist shared by every broadcast."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        abort(404)
    entries = db.session.scalars(sa.select(BlocklistEntry).order_by(BlocklistEntry.id)).all()
    strings = {"saved": _("Saved."), "failed": _("Could not save. Try again."),
               "offline": _("The server could not be reached. Try again."), "remove": _("Remove"),
               "kinds": {key: str(label) for key, label in BLOCKLIST_KINDS.items()}}
    return render_template("orders/policy.html", broadcast=broadcast,
                           policy=load_policy(db.session, broadcast_id).to_dict(), entries=entries,
                           kinds=BLOCKLIST_KINDS, strings=strings)
