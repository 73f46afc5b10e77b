"""After-sales pages: the queue of cases, one case (timeline, lines, photos, refund ledger, actions), and the
"After-sales" section of the order page. Agents (aftersales) and admins act; auditors read.

The pages act through the API (static/aftersales/*.js call /api/v1/aftersales/...): one code path for people and
integrations, and its errors come back named by field.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from app.auth.models import User
from app.db import quantize_money, utcnow
from app.extensions import db
from app.http.pages import page_roles
from live.models import Broadcast, broadcast_choices
from orders.actions import find_order
from orders.aftersales import queue, strings
from orders.aftersales.case_view import (
    line_qty,
    line_received,
    line_remaining,
    photo_links,
    step_details,
    suggested_refund,
)
from orders.aftersales.exchange import exchange_choices
from orders.aftersales.flow import is_ended
from orders.aftersales.intake import SHIPPED_STATUSES, units_open_to_cases
from orders.aftersales.models import (
    CASE_REASONS,
    CASE_STATUSES,
    CASE_TYPES,
    RESPONSIBILITIES,
    SYSTEM_REASONS,
)
from orders.aftersales.queries import case_detail
from orders.aftersales.refunds import available, line_values, paid_total, pending_total
from orders.aftersales.serialize import case_to_dict
from orders.fulfilment.carriers import all_carriers

bp = Blueprint("aftersales_pages", __name__)

# The API lets the same people act (orders/aftersales/api.py: role aftersales, and admin always) and read.
AGENT_ROLES = frozenset({"aftersales", "admin"})
READER_ROLES = AGENT_ROLES | {"auditor"}
MAX_PAGE = 10_000


def _words() -> dict:
    """Return the label tables every after-sales template uses."""
    return {"types": strings.TYPE_LABELS, "reasons": strings.REASON_LABELS, "statuses": strings.STATUS_LABELS,
            "tones": strings.STATUS_TONES, "responsibilities": strings.RESPONSIBILITY_LABELS,
            "steps": strings.STEP_LABELS, "deadlines": strings.DEADLINE_LABELS,
            "refund_statuses": strings.REFUND_STATUS_LABELS, "refund_tones": strings.REFUND_TONES,
            "label": strings.label, "countdown": strings.countdown_text,
            "ended": lambda case: is_ended(case.status, case.appeal_used)}


def _choice(name: str, allowed) -> str | None:
    """Return the query parameter name when it is one of allowed (None when absent); 400 otherwise."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        abort(400, description=_("Unknown value for %(field)s", field=name))
    return value


def _whole(name: str) -> int | None:
    """Return a positive whole-number query parameter (None when absent or 0); 400 on anything else."""
    raw = request.args.get(name, "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        abort(400, description=_("%(field)s must be a whole number", field=name))
    return int(raw) if raw and int(raw) > 0 else None


def _filters() -> queue.CaseFilter:
    """Return the queue's filters from the query string (400 on garbage)."""
    status = _choice("status", (*CASE_STATUSES, queue.OPEN, queue.ALL)) or queue.OPEN
    return queue.CaseFilter(case_type=_choice("type", CASE_TYPES), reason=_choice("reason", CASE_REASONS),
                            status=status, deadline=_choice("deadline", queue.DEADLINES),
                            broadcast_id=_whole("broadcast_id"))


def _usernames(ids) -> dict[int, str]:
    """Return the usernames of the users with these ids."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.username).where(User.id.in_(wanted))).all())


def _config(can_act: bool) -> dict:
    """Return what static/aftersales/*.js needs: who is looking, whether they act, and the page's texts."""
    return {"me": current_user.id, "canAct": can_act, "strings": strings.js_strings()}


@bp.get("/aftersales")
@page_roles(*READER_ROLES)
def queue_page():
    """The after-sales queue: cases nearest their deadline first, with filters, live countdowns and claims."""
    filters = _filters()
    page = min(_whole("page") or 1, MAX_PAGE)
    now = utcnow()
    found = queue.case_page(db.session, now, filters, page, due_soon=timedelta(hours=strings.DUE_SOON_HOURS))
    broadcasts = broadcast_choices(db.session)
    titles = {b.id: b.title for b in broadcasts}
    missing = {case.broadcast_id for case in found.cases} - set(titles)
    if missing:
        titles |= dict(db.session.execute(sa.select(Broadcast.id, Broadcast.title).where(Broadcast.id.in_(missing))))
    can_act = current_user.role in AGENT_ROLES
    pages = max(1, -(-found.total // queue.PER_PAGE))
    config = _config(can_act) | {"live": [b.id for b in broadcasts if b.status == "live"]}
    return render_template("aftersales/queue.html", found=found, filters=filters, page=page, pages=pages,
                           broadcasts=broadcasts, titles=titles, claimers=_usernames(c.claimed_by for c in found.cases),
                           can_act=can_act, config=config, now=now, status_codes=CASE_STATUSES,
                           case_types=CASE_TYPES, case_reasons=CASE_REASONS, due_soon_hours=strings.DUE_SOON_HOURS,
                           **_words())


@bp.get("/aftersales/<case_id>")
@page_roles(*READER_ROLES)
def case_page(case_id: str):
    """One case: header, lines, photos as links, timeline, refund ledger, and the actions it may take now."""
    case = case_detail(db.session, case_id[:64])
    if case is None:
        abort(404)
    data = case_to_dict(case, with_timeline=True)
    order = case.order
    ledger = {"paid": paid_total(db.session, order), "refunded": quantize_money(order.refunded_amount or 0),
              "pending": pending_total(db.session, order.id), "available": available(db.session, order)}
    broadcast = db.session.get(Broadcast, case.broadcast_id)
    can_act = current_user.role in AGENT_ROLES
    people = _usernames([case.claimed_by])
    suggested = suggested_refund(line_values(db.session, case), ledger["available"], case.requested_amount)
    choices = exchange_choices(db.session, [line.sku for line in case.lines]) if case.type == "exchange" else {}
    carriers = all_carriers(db.session) if can_act else []
    db.session.commit()
    return render_template("aftersales/case.html", case=data, order=order, broadcast=broadcast, ledger=ledger,
                           photos=photo_links(case, data["timeline"]), details=step_details,
                           claimed_by=people.get(case.claimed_by), can_act=can_act, config=_config(can_act),
                           responsibility_choices=RESPONSIBILITIES, suggested_refund=suggested, now=utcnow(),
                           exchange_choices=choices, carriers=carriers,
                           carrier_lang="zh-CN" if get_locale().language == "zh" else "en",
                           action_buttons=strings.ACTION_BUTTONS, action_tones=strings.ACTION_TONES,
                           line_remaining=line_remaining, line_received=line_received, line_qty=line_qty, **_words())


@bp.app_template_global()
def aftersales_for_order(order: dict) -> dict | None:
    """Return what the order page's "After-sales" section shows to the viewer, or None when their role may not
    read cases: the order's cases, whether they may open one, and the choices of the form (units: one entry per
    SKU with its units ordered and those not yet in a case)."""
    if not (getattr(current_user, "is_authenticated", False) and current_user.role in READER_ROLES):
        return None
    cases = queue.cases_of_order(db.session, order["order_id"])
    row = find_order(db.session, order["order_id"])
    units = units_open_to_cases(db.session, row) if row is not None else []
    # The form's choices have their own keys: "types" and "reasons" are the label tables of _words(), which list the
    # reasons only the system gives (duplicate_payment, payment_on_closed_order) that a person's request is refused.
    return {"cases": cases, "can_open": current_user.role in AGENT_ROLES, "units": units,
            "type_choices": CASE_TYPES, "reason_choices": [r for r in CASE_REASONS if r not in SYSTEM_REASONS],
            "strings": strings.js_strings(), "zero": Decimal("0.00"), "default_type": _default_type, **_words()}


def _default_type(order_status: str) -> str:
    """Return the case type the order page's form starts with: a return once goods left, else a refund only."""
    return "return_refund" if order_status in SHIPPED_STATUSES else "refund_only"
