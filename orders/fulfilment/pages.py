"""Fulfilment pages: /fulfilment (orders to pack and ship by deadline, overdue, late dispatch, tracking issues),
the printable packing list with its CSV, and the "Shipments" panel the order page includes.

Agents (role aftersales) and admins act; auditors and hosts read. The pages call the fulfilment API from
static/fulfilment/*.js, so a person and a tool go through the same checks.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from app.db import utcnow
from app.extensions import db
from app.http.pages import page_roles
from live.models import Broadcast, broadcast_choices
from orders.fulfilment import labels
from orders.fulfilment.api.lists import packing_csv
from orders.fulfilment.carriers import all_carriers
from orders.fulfilment.deadline import backfill_ship_by, policy_for
from orders.fulfilment.queries import (TO_PACK_FILTERS, count_open, late_dispatch, left_to_ship, orders_to_pack,
                                       packing_list, packing_rows, to_pick, troubled_shipments)
from orders.fulfilment.refunded import refund_state, refund_states
from orders.fulfilment.rules import SHIPPABLE_STATUSES
from orders.fulfilment.serialize import shipment_to_dict, shipments_of
from orders.models import Order

bp = Blueprint("fulfilment", __name__)
PAGE_ROLES = ("aftersales", "admin", "auditor", "host")
ACT_ROLES = frozenset({"aftersales", "admin"})
CASE_READERS = frozenset({"aftersales", "admin", "auditor"})  # as orders/aftersales/pages.py lets read a case
PAGE_LIMIT = 200


def ui_language() -> str:
    """Return the key of bilingual texts matching the page language ("zh-CN" or "en")."""
    return "zh-CN" if get_locale().language == "zh" else "en"


def can_read_cases() -> bool:
    """Return True when the signed-in user may open after-sales cases (the case a refund note names is a link)."""
    return bool(getattr(current_user, "is_authenticated", False)) and current_user.role in CASE_READERS


def can_act() -> bool:
    """Return True when the signed-in user may pack and ship (agents and admins)."""
    return bool(getattr(current_user, "is_authenticated", False)) and current_user.role in ACT_ROLES


def _filters() -> tuple[Broadcast | None, str | None, bool]:
    """Return (broadcast, status, overdue only) from the query string; 400 on garbage, 404 on an unknown broadcast."""
    raw = request.args.get("broadcast_id", "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        abort(400)
    broadcast = db.session.get(Broadcast, int(raw)) if raw else None
    if raw and broadcast is None:
        abort(404)
    status = request.args.get("status") or None
    if status is not None and status not in TO_PACK_FILTERS:
        abort(400)
    return broadcast, status, request.args.get("overdue") == "1"


@bp.app_context_processor
def fulfilment_globals() -> dict:
    """Give every template the nav flag and the order page's Shipments panel (templates/fulfilment/_order_shipments.html)."""
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return {"can_open_fulfilment": signed_in and current_user.role in PAGE_ROLES, "fulfilment_panel": order_panel}


def order_panel(order_id: str) -> dict | None:
    """Return what the order page's Shipments panel shows: shipments, units left, carriers, and whether to offer shipping."""
    order = db.session.scalar(sa.select(Order).where(Order.order_id == order_id))
    if order is None:
        return None
    shipments = [shipment_to_dict(s, order.order_id) for s in shipments_of(db.session, order.id)]
    left = left_to_ship(db.session, [order])[order.id]
    refund = refund_state(db.session, order)
    return {"order_id": order.order_id, "status": order.status, "shipments": shipments, "left": left,
            "ship_by_at": order.ship_by_at.isoformat() if order.ship_by_at else None, "refund": refund,
            "held": bool(refund.held_by) and order.status in SHIPPABLE_STATUSES, "can_read_cases": can_read_cases(),
            "can_ship": (can_act() and order.status in SHIPPABLE_STATUSES and bool(left) and not refund.held_by),
            "carriers": all_carriers(db.session), "lang": ui_language(), "labels": labels,
            "overdue": bool(order.ship_by_at and order.ship_by_at < utcnow() and order.status in SHIPPABLE_STATUSES)}


@bp.get("/fulfilment")
@page_roles(*PAGE_ROLES)
def index():
    """Orders to pack and ship, earliest deadline first, with overdue counts, late dispatch and tracking issues."""
    broadcast, status, overdue = _filters()
    broadcast_id = broadcast.id if broadcast else None
    now = utcnow()
    if backfill_ship_by(db.session):
        db.session.commit()  # orders paid before deadlines existed get theirs, so the overdue list is right
    orders = orders_to_pack(db.session, broadcast_id, status, overdue_at=now if overdue else None, limit=PAGE_LIMIT)
    broadcasts = broadcast_choices(db.session)
    return render_template(
        "fulfilment/index.html", orders=orders, left=left_to_ship(db.session, orders), now=now,
        refunds=refund_states(db.session, orders), can_read_cases=can_read_cases(),
        counts=count_open(db.session, now, broadcast_id), rates=late_dispatch(db.session, broadcast_id),
        issues=troubled_shipments(db.session, limit=100), carriers=all_carriers(db.session),
        broadcasts=broadcasts, titles={b.id: b.title for b in broadcasts}, labels=labels, lang=ui_language(),
        selected={"broadcast_id": broadcast_id, "status": status, "overdue": overdue}, can_act=can_act(),
        policy=policy_for(db.session, broadcast_id) if broadcast_id else None, statuses=TO_PACK_FILTERS,
        strings=labels.page_strings(), limit=PAGE_LIMIT)


@bp.get("/fulfilment/packing-list")
@page_roles(*PAGE_ROLES)
def packing_list_page():
    """The printable packing list: units to pick by SKU with totals, then each order's units to put in its parcel."""
    broadcast, status, _ = _filters()
    orders = to_pick(db.session, orders_to_pack(db.session, broadcast.id if broadcast else None, status, limit=100_000))
    left = left_to_ship(db.session, orders)
    rows = packing_rows(db.session, orders, left)
    return render_template("fulfilment/packing_list.html", rows=rows, orders=[o for o in orders if left[o.id]],
                           left=left, broadcast=broadcast, status=status, generated_at=utcnow(), labels=labels,
                           total_units=sum(r.units for r in rows))


@bp.get("/fulfilment/packing-list.csv")
@page_roles(*PAGE_ROLES)
def packing_list_csv():
    """The packing list as a CSV download (formula-safe)."""
    broadcast, status, _ = _filters()
    broadcast_id = broadcast.id if broadcast else None
    name = f"packing-list-{broadcast_id or 'all'}-{utcnow():%Y%m%dT%H%M%SZ}.csv"
    return Response(packing_csv(packing_list(db.session, broadcast_id, status)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
