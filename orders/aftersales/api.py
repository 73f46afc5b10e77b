"""/api/v1 after-sales endpoints: open a case for an order, list and read cases, take each step, refund.

After-sales agents (role and token scope `aftersales`) and admins act; auditors read. Every route parses, calls
one action (orders/aftersales/actions.py, refunds.py, intake.py) and commits with the pushes it queued.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from app.http.api import install_api
from orders.actions import OrderRejected
from orders.aftersales import actions, intake, refunds
from orders.aftersales.common import Actor, excluded_from_no_reason, load_policy
from orders.aftersales.figures import paid_totals
from orders.aftersales.models import CASE_REASONS, CASE_STATUSES, CASE_TYPES, AftersaleCase, Refund
from orders.aftersales.queries import MAX_PER_PAGE, case_detail, list_cases
from orders.aftersales.queue import ALL, OPEN
from orders.aftersales.serialize import case_ref, case_to_dict, refund_to_dict

bp = install_api(Blueprint("aftersales_api", __name__, url_prefix="/api/v1"))
AGENTS = ("aftersales",)
READERS = ("aftersales", "auditor")
MAX_LINES = 100
MAX_UNITS = 100_000


def _actor() -> Actor:
    principal = g.principal
    return Actor(getattr(principal, "id", None), principal.username)


def _run(work, status: int = 200):
    """Run work(session, actor, now, policy) -> body in one retried transaction, committing with its pushes."""
    actor, policy = _actor(), load_policy()

    def attempt():
        try:
            body = work(db.session, actor, utcnow(), policy)
        except OrderRejected as error:
            db.session.rollback()
            realtime.discard(db.session)
            raise ApiError(error.status, error.code, error.message, error.field) from None
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(attempt)), status


def _body() -> dict:
    return api.json_body() if request.get_data(cache=True) else {}


def _lines(data: dict, key: str = "lines", qty_key: str = "qty", minimum: int = 1) -> list[tuple[str, int]] | None:
    """Return [(sku, qty)] of a lines field (None when absent); 400 naming the entry at fault."""
    raw = data.get(key)
    if raw is None:
        return None
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_LINES:
        raise ApiError(400, "invalid_type", f"{key} must be a list of 1 to {MAX_LINES} lines", key)
    lines, seen = [], set()
    for index, item in enumerate(raw):
        path = f"{key}[{index}]"
        if not isinstance(item, dict):
            raise ApiError(400, "invalid_type", f"{path} must be an object", path)
        sku = validation.text(item, "sku", f"{path}.sku", max_len=64)
        if sku in seen:
            raise ApiError(400, "duplicate_line", f"{path}.sku names {sku!r} a second time", f"{path}.sku")
        seen.add(sku)
        lines.append((sku, validation.whole_number(item, qty_key, f"{path}.{qty_key}", minimum=minimum,
                                                   maximum=MAX_UNITS)))
    return lines


def _version(data: dict) -> int | None:
    return validation.whole_number(data, "version", minimum=0, maximum=2**31 - 1, required=False)


def _case_body(outcome) -> dict:
    return case_to_dict(outcome.case, with_timeline=True)


@bp.post("/orders/<order_id>/aftersales")
@api.scope("aftersales")
@api.roles(*AGENTS)
def open_case(order_id: str):
    """Open an after-sales case for an order (type, reason, lines, amount, freight, note)."""
    data = api.json_body()
    # A misspelt "amount" must not open a case for the whole payment.
    validation.refuse_unknown_fields(data, ("type", "reason", "lines", "amount", "freight", "note"))
    case_type = validation.text(data, "type", max_len=16)
    reason = validation.text(data, "reason", max_len=32)
    lines = _lines(data)
    amount = validation.money(data, "amount", required=False)
    freight = validation.money(data, "freight", required=False)
    note = validation.text(data, "note", max_len=1000, required=False)
    return _run(lambda s, actor, now, policy: _case_body(intake.open_case(
        s, order_id, actor, now, policy, case_type=case_type, reason=reason, lines=lines, amount=amount,
        freight=freight, note=note)), 201)


@bp.get("/aftersales")
@api.scope("aftersales")
@api.roles(*READERS)
def list_all():
    """List a page of cases, nearest deadline first, filtered by status, type, reason and broadcast."""
    status = validation.query_code(request.args, "status")
    case_type = validation.query_code(request.args, "type")
    reason = validation.query_code(request.args, "reason")
    if status is not None and status not in (OPEN, ALL, *CASE_STATUSES):
        raise ApiError(400, "invalid_query", f"status must be open, all or one of {', '.join(CASE_STATUSES)}",
                       "status")
    if case_type is not None and case_type not in CASE_TYPES:
        raise ApiError(400, "invalid_query", f"type must be one of {', '.join(CASE_TYPES)}", "type")
    if reason is not None and reason not in CASE_REASONS:
        raise ApiError(400, "invalid_query", f"reason must be one of {', '.join(CASE_REASONS)}", "reason")
    broadcast_id = validation.query_int(request.args, "broadcast_id", default=0, minimum=0,
                                        maximum=validation.MAX_ID) or None
    page = validation.query_int(request.args, "page", default=1, maximum=100_000)
    per_page = validation.query_int(request.args, "per_page", default=50, maximum=MAX_PER_PAGE)
    cases, total = list_cases(db.session, status, case_type, broadcast_id, page, per_page, reason=reason)
    paid = paid_totals(db.session, list({case.order_pk: case.order for case in cases}.values()))
    body = {"cases": [case_to_dict(case, paid=paid[case.order_pk]) for case in cases], "total": total, "page": page,
            "per_page": per_page}
    db.session.commit()
    return jsonify(body)


@bp.get("/aftersales/policy")
@api.scope("aftersales")
@api.roles(*READERS)
def policy():
    """Show the after-sales timers (seconds) and the SKUs sold without 七天无理由."""
    return jsonify({"timers": load_policy().as_dict(), "no_reason_excluded_skus": sorted(excluded_from_no_reason())})


@bp.get("/aftersales/<case_id>")
@api.scope("aftersales")
@api.roles(*READERS)
def detail(case_id: str):
    """Show one case with its lines, refunds, timeline and the actions it may take now."""
    case = case_detail(db.session, case_id)
    if case is None:
        raise ApiError(404, "unknown_case", f"no after-sales case {case_id!r}", "case_id")
    body = case_to_dict(case, with_timeline=True)
    db.session.commit()
    return jsonify(body)


@bp.post("/aftersales/<case_id>/<any(approve, reject, cancel, appeal, complete):action>")
@api.scope("aftersales")
@api.roles(*AGENTS)
def decide(case_id: str, action: str):
    """Approve, reject (reason), cancel, appeal (reason) or complete a case."""
    data = _body()
    reason = validation.text(data, "reason", max_len=500, required=action in ("reject", "appeal"))
    version = _version(data)
    if action == "approve":
        responsibility = validation.text(data, "responsibility", max_len=8, required=False)
        return _run(lambda s, actor, now, pol: _case_body(actions.approve(
            s, case_id, actor, now, pol, reason=reason, responsibility=responsibility, version=version)))
    step = {"reject": actions.reject, "cancel": actions.cancel, "appeal": actions.appeal,
            "complete": actions.complete}[action]
    return _run(lambda s, actor, now, pol: _case_body(step(s, case_id, actor, now, pol, reason=reason,
                                                           version=version)))


@bp.post("/aftersales/<case_id>/<any(receive, inspect):action>")
@api.scope("aftersales")
@api.roles(*AGENTS)
def goods(case_id: str, action: str):
    """Confirm the returned parcel (lines: sku, qty received) or inspect it (lines: sku, sellable_qty)."""
    data = _body()
    reason = validation.text(data, "reason", max_len=500, required=False)
    version = _version(data)
    if action == "receive":
        lines = _lines(data)
        return _run(lambda s, actor, now, pol: _case_body(actions.receive(
            s, case_id, actor, now, pol, lines=lines, reason=reason, version=version)))
    lines = _lines(data, qty_key="sellable_qty", minimum=0)
    return _run(lambda s, actor, now, pol: _case_body(actions.inspect(
        s, case_id, actor, now, pol, lines=lines, reason=reason, version=version)))


def _parcel(data: dict) -> tuple[str, str]:
    return (validation.text(data, "carrier", max_len=64), validation.text(data, "tracking", max_len=64))


@bp.post("/aftersales/<case_id>/return-shipment")
@api.scope("aftersales")
@api.roles(*AGENTS)
def return_shipment(case_id: str):
    """Record the buyer's return parcel: carrier and tracking number."""
    data = api.json_body()
    carrier, tracking = _parcel(data)
    version = _version(data)
    return _run(lambda s, actor, now, pol: _case_body(actions.ship_return(
        s, case_id, actor, now, pol, carrier, tracking, version=version)))


@bp.post("/aftersales/<case_id>/replacement")
@api.scope("aftersales")
@api.roles(*AGENTS)
def replacement(case_id: str):
    """Ship the replacement (exchange), the missing item (reship) or the repaired item: carrier, tracking, lines."""
    data = api.json_body()
    carrier, tracking = _parcel(data)
    lines, version = _lines(data), _version(data)
    return _run(lambda s, actor, now, pol: _case_body(actions.ship_replacement(
        s, case_id, actor, now, pol, carrier, tracking, lines=lines, version=version)))


@bp.post("/aftersales/<case_id>/<any(claim, release):action>")
@api.scope("aftersales")
@api.roles(*AGENTS)
def claim(case_id: str, action: str):
    """Claim a case (so no other agent acts on it for 10 minutes) or give the claim back."""
    if action == "claim":
        return _run(lambda s, actor, now, pol: _case_body(actions.claim(s, case_id, actor, now)))
    return _run(lambda s, actor, now, pol: _case_body(actions.release(s, case_id, actor)))


@bp.post("/aftersales/<case_id>/refunds")
@api.scope("aftersales")
@api.roles(*AGENTS)
def refund(case_id: str):
    """Refund a case: amount (goods), freight, lines (sku, qty); status pending waits for the payout."""
    data = api.json_body()
    amount = validation.money(data, "amount")
    freight = validation.money(data, "freight", required=False)
    lines, version = _lines(data), _version(data)
    status = validation.text(data, "status", max_len=16, required=False) or "succeeded"
    if status not in ("succeeded", "pending"):
        raise ApiError(400, "invalid_choice", "status must be succeeded (paid out) or pending (payout awaited)",
                       "status")

    def work(s, actor, now, pol):
        outcome = refunds.create_refund(s, case_id, actor, now, pol, amount, freight or 0, lines,
                                        settle=status == "succeeded", version=version)
        return refund_to_dict(outcome.refund, case_id, outcome.order.order_id) | {"case": case_ref(outcome.case)}

    return _run(work, 201)


@bp.post("/aftersales/<case_id>/refunds/<refund_id>/<any(succeed, fail):action>")
@api.scope("aftersales")
@api.roles(*AGENTS)
def settle(case_id: str, refund_id: str, action: str):
    """Confirm a pending refund's payout (succeed) or record that it failed (fail, with a reason)."""
    reason = validation.text(_body(), "reason", max_len=500, required=action == "fail")
    owner = db.session.scalar(db.select(AftersaleCase.case_id).join(Refund, Refund.case_pk == AftersaleCase.id)
                              .where(Refund.refund_id == refund_id))
    if owner != case_id:
        raise ApiError(404, "unknown_refund", f"case {case_id!r} has no refund {refund_id!r}", "refund_id")

    def work(s, actor, now, pol):
        if action == "succeed":
            outcome = refunds.succeed_refund(s, refund_id, actor, now, pol)
        else:
            outcome = refunds.fail_refund(s, refund_id, actor, now, pol, reason)
        return refund_to_dict(outcome.refund, case_id, outcome.order.order_id) | {"case": case_ref(outcome.case)}

    return _run(work)
