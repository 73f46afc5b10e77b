"""Taking in new orders from the events API a batch at a time: store, audit, reserve, answer, in few statements.

Per batch: one INSERT stores the orders as received; its ON CONFLICT DO NOTHING finds the order ids that exist
already, also when a concurrent request is inserting them (PostgreSQL waits for it), before any stock moves.
The audit inputs are read once (orders/intake/context.py), with the SKUs whose line holds orders already: an
order asking for one of them queues behind those orders (strict FIFO, orders/waitlist.py). Per order remains
only what must be per order: the conditional stock UPDATE and, when its pricing uses promotions,
promotions.consume(). Lines, history, findings, notices and the orders' reviewed state are then written with
one statement each.

The decision is orders.review.verdict's and the stored values are orders.review.values', as for the review of a
stored order, so a batch stores exactly what reviewing its orders one by one would.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import quantize_money
from app.db.bulk import execute_rows, insert_ignoring, insert_rows
from orders import history, inventory
from orders.audit import Address, BuyerDraft, LineDraft, OrderDraft
from orders.claims.completion import complete_draft, link_claims, match_draft, open_drafts
from orders.intake.context import BatchContext
from orders.lookup.phone import phone_digits, phone_last4
from orders.models import Order, OrderFinding, OrderHistory, OrderLine
from orders.notices.service import PendingNotice, queue_notices
from orders.push import PushedOrder, order_payload
from orders.review import values
from orders.review.verdict import Verdict, audit_and_reserve
from orders.serialize import order_to_dict

_O = Order.__table__
# The reviewed state of an order, set by primary key (executemany): b_id is the key, the rest are columns.
_REVIEWED = sa.update(_O).where(_O.c.id == sa.bindparam("b_id"))


@dataclass(frozen=True)
class NewOrder:
    """An order event to take in: the event's id, its parsed order data and when the order was placed."""

    event_id: str
    data: dict
    placed_at: datetime


@dataclass(frozen=True)
class Intake:
    """A new order as stored and reviewed: what to push (payload included) and the SKUs whose stock moved."""

    order: PushedOrder
    stock_skus: list[str]
    created: bool = True  # False: the order completed a chat claim's draft, which was pushed when it was made
    also_changed: list[Order] = field(default_factory=list)  # orders in line that took units a draft gave up


@dataclass
class _Rows:
    """The rows a batch writes after its orders were decided, one statement per table."""

    reviewed: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    notices: list[PendingNotice] = field(default_factory=list)

    def write(self, session: Session, now: datetime) -> None:
        """Write every collected row."""
        if self.reviewed:
            session.execute(_REVIEWED, self.reviewed)
        insert_rows(session, OrderLine.__table__, self.lines)
        insert_rows(session, OrderHistory.__table__, self.history)
        insert_rows(session, OrderFinding.__table__, self.findings)
        queue_notices(session, self.notices, now)


def receive_orders(session: Session, broadcast_id: int, orders: list[NewOrder], now: datetime) -> list[Intake | None]:
    """Return per order how it was stored and reviewed, or None when its order_id exists already (nothing written).

    Orders are reviewed in list order, each seeing the ones before it (stock, buyer history, counters). An order that
    completes a chat claim's draft (orders/claims/completion.py) becomes that draft; the others are stored as new
    and linked to the claim of the comment they name.
    """
    # The batch reads and writes with Core statements, which do not autoflush: changes that earlier events of
    # the request made through the ORM (a cancelled order's status, say) must be in the database first.
    session.flush()
    # Every stock row the batch may reserve is locked first, in SKU order (PostgreSQL): no deadlock between batches.
    inventory.lock_levels(session, (item["sku"] for new in orders for item in new.data["items"]))
    taken: dict[int, Intake | None] = _complete_drafts(session, broadcast_id, orders, now)
    rest = [index for index in range(len(orders)) if index not in taken]
    for index, intake in zip(rest, _receive_new(session, broadcast_id, [orders[i] for i in rest], now)):
        taken[index] = intake
    link_claims(session, broadcast_id, [(orders[index].data["comment_id"], intake.order.id, orders[index].placed_at)
                                        for index, intake in taken.items()
                                        if intake is not None and intake.created and orders[index].data["comment_id"]])
    return [taken[index] for index in range(len(orders))]


def _complete_drafts(session: Session, broadcast_id: int, orders: list[NewOrder], now: datetime) -> dict[int, Intake]:
    """Return {index: intake} of the orders that completed a chat claim's draft (an order id is used once)."""
    drafts = open_drafts(session, broadcast_id, [new.data for new in orders])
    if not drafts:
        return {}
    used = set(session.scalars(sa.select(_O.c.order_id).where(_O.c.order_id.in_({new.data["order_id"] for new in orders}))))
    completed: dict[int, Intake] = {}
    for index, new in enumerate(orders):
        draft = None if new.data["order_id"] in used else match_draft(drafts, new.data)
        if draft is None:
            continue
        drafts.remove(draft)
        used.add(new.data["order_id"])
        moved, promoted = complete_draft(session, draft, new.event_id, new.data, new.placed_at, now)
        payload = order_payload(session, draft)
        completed[index] = Intake(PushedOrder(draft.id, broadcast_id, draft.status,
                                              frozenset(line.sku for line in draft.lines), payload), moved,
                                  created=False, also_changed=promoted)
    session.flush()
    return completed


def _receive_new(session: Session, broadcast_id: int, orders: list[NewOrder], now: datetime) -> list[Intake | None]:
    """Return per order how it was stored as a new order and reviewed, or None when its order_id exists already."""
    received = [_received_row(broadcast_id, new, now) for new in orders]
    pks = _insert_received(session, received)
    if not pks:
        return [None] * len(orders)
    drafts = {index: draft_from(broadcast_id, orders[index]) for index in pks}
    context = BatchContext(session, broadcast_id, now, list(drafts.values()), set(pks.values()))
    rows = _Rows()
    taken: list[Intake | None] = []
    # Reservations of the batch are kept in a book and written once per SKU (orders/inventory/), when that
    # saves statements: a batch with more orders than SKUs.
    skus = {line.sku for draft in drafts.values() for line in draft.items}
    if len(drafts) > len(skus):
        inventory.open_book(session, skus)
    try:
        for index, new in enumerate(orders):
            if index not in pks:
                taken.append(None)
                continue
            taken.append(_review(session, context, rows, pks[index], new, drafts[index], received[index], now))
    except BaseException:
        inventory.close_book(session, write=False)
        raise
    inventory.close_book(session)
    rows.write(session, now)
    return taken


def draft_from(broadcast_id: int, new: NewOrder) -> OrderDraft:
    """Return the pure view of a new order for the rules (what draft_of gives once it is stored)."""
    data, buyer = new.data, new.data["buyer"]
    address = buyer["address"]
    return OrderDraft(
        order_id=data["order_id"], broadcast_id=broadcast_id, source=data["source"],
        buyer=BuyerDraft(id=buyer["id"], name=buyer["name"], phone=buyer["phone"], member_tier=buyer.get("member_tier"),
                         address=Address(address["province"], address["city"], address["district"], address["detail"]),
                         contact_masked=bool(buyer.get("contact_masked"))),
        items=[LineDraft(sku=item["sku"], qty=item["qty"], unit_price=item["unit_price"]) for item in data["items"]],
        placed_at=new.placed_at, coupon_codes=tuple(data["coupon_codes"] or ()), comment_id=data["comment_id"],
        paid_amount=None,
    )


def _insert_received(session: Session, received: list[dict]) -> dict[int, int]:
    """Return {index: order pk} of the received rows inserted; order ids that exist (or repeat) are left out."""
    first: dict[str, int] = {}
    for index, row in enumerate(received):
        first.setdefault(row["order_id"], index)
    if not first:
        return {}
    insert = insert_ignoring(session, _O, ("order_id",), returning=("id", "order_id"))
    rows = execute_rows(session, insert, [received[index] for index in first.values()])
    return {first[order_id]: pk for pk, order_id in rows}


def _received_row(broadcast_id: int, new: NewOrder, now: datetime) -> dict:
    """Return the orders row of a new order before its review (the review sets status, amounts and timers)."""
    data, buyer = new.data, new.data["buyer"]
    address = buyer["address"]
    digits = phone_digits(buyer["phone"])  # what the columns' defaults would compute: given, the rows bind in one step
    return {
        "order_id": data["order_id"], "broadcast_id": broadcast_id, "source": data["source"], "status": "received",
        "buyer_id": buyer["id"], "buyer_name": buyer["name"], "buyer_phone": buyer["phone"],
        "buyer_phone_normalized": digits, "buyer_phone_last4": phone_last4(digits),
        "member_tier": buyer.get("member_tier"), "contact_masked": bool(buyer.get("contact_masked")),
        "address_province": address["province"],
        "address_city": address["city"], "address_district": address["district"], "address_detail": address["detail"],
        "comment_id": data["comment_id"], "coupon_codes": data["coupon_codes"],
        "units": sum(item["qty"] for item in data["items"]), "subtotal": Decimal("0"), "discount": Decimal("0"),
        "total": Decimal("0"), "paid_amount": None, "pricing": None, "refund_due": False, "stock_reserved": False,
        "placed_at": new.placed_at, "received_at": now, "updated_at": now, "reserved_until": None,
        "waitlisted_at": None, "held_at": None, "claimed_by": None, "claimed_at": None,
    }


def _review(session: Session, context: BatchContext, rows: _Rows, pk: int, new: NewOrder, draft: OrderDraft,
            received: dict, now: datetime) -> Intake:
    """Return the intake of one new order after deciding it and collecting its rows."""
    verdict = audit_and_reserve(session, context.inputs(draft), draft, pk, False, (), now, queued=context.in_line())
    status, result = verdict.status, verdict.result
    context.record(draft, status, result.pricing.consumes if verdict.reserved_now else (), verdict.line_skus)
    lines = _lines(context, new.data["items"], verdict)
    amounts = values.order_amounts((line["list_price"], line["unit_price"], line["qty"], line["line_total"])
                                   for line in lines)
    pricing = values.pricing_record(result.pricing)
    timers = values.status_timers(status, now, context.policy.reservation_minutes, None, None,
                                  reserved=verdict.reserved_now, in_line=verdict.in_line)
    rows.reviewed.append({"b_id": pk, "status": status, **amounts, "pricing": pricing,
                          "stock_reserved": verdict.reserved_now, **timers, "updated_at": now})
    rows.lines.extend({"order_pk": pk, **line} for line in lines)
    codes = [f.code for f in result.findings]
    rows.history += [history.received_row(pk, new.event_id, now),
                     history.status_changed_row(pk, "received", status, values.status_reason(result.findings),
                                                {"findings": codes} if codes else None, now)]
    findings = [values.finding_values(f) for f in result.findings]
    rows.findings.extend({"order_pk": pk, **columns, "active": True, "created_at": now, "overridden_by": None,
                          "override_reason": None, "overridden_at": None} for columns in findings)
    rows.notices.extend(PendingNotice(pk, draft.order_id, draft.buyer.id, notice.kind, notice.context, notice.dedupe)
                        for notice in values.review_notices(status, amounts["total"], pricing, result.findings))
    moved = sorted(result.requested) if verdict.reserved_now else []
    order = SimpleNamespace(**(received | amounts | timers | {
        "status": status, "pricing": pricing, "lines": [SimpleNamespace(**line) for line in lines]}))
    # order_to_dict reads attributes only: the values just collected serve as the order and its findings.
    payload = order_to_dict(order, findings=[SimpleNamespace(**columns, overridden_at=None) for columns in findings])
    return Intake(PushedOrder(pk, draft.broadcast_id, status, frozenset(line["sku"] for line in lines), payload), moved)


def _lines(context: BatchContext, items: list[dict], verdict: Verdict) -> list[dict]:
    """Return the order_lines columns of an order: the platform's or the catalogue's price, then the audit's."""
    lines = []
    for item in items:
        known = context.item(item["sku"])
        catalogue = Decimal("0") if known is None else (known.live_price if known.live_price is not None
                                                         else known.list_price)
        unit_price = item["unit_price"] if item["unit_price"] is not None else catalogue
        lines.append({"sku": item["sku"], "qty": item["qty"], "platform_unit_price": item["unit_price"],
                      "list_price": None, "unit_price": quantize_money(unit_price), "promotion": None,
                      "order_discount": Decimal("0"), "line_total": quantize_money(unit_price * item["qty"])})
    for priced in verdict.result.pricing.lines:
        lines[priced.index].update(values.priced_line_values(priced))
    return lines
