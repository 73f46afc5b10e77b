"""Signals one domain sends and another listens to, so that the sender needs no import of the listener.

The factory (app.create_app, the composition root) connects the listeners; blinker keys a receiver by its
identity, so connecting the same function again for every app created keeps it connected once.

- ``events_accepted``: sent by live.ingest.ingest_events inside the ingestion transaction, after the batch's
  orders and pushes are queued, as ``send(session, broadcast=..., events=[ParsedEvent, ...])`` with the
  accepted events in request order (possibly none). analytics.rollups.record.record_events listens: it updates
  the rollups in a savepoint of that same transaction (marking them stale rather than failing the batch).

After-sale signals, each sent by the one action that makes the change, inside its transaction (listeners write
in that same transaction and must not commit; surveys and follow-up tasks of orders/care listen):

- ``order_delivered``: orders.fulfilment, when the last shipment of an order is delivered, as
  ``send(session, order=Order, at=datetime)``.
- ``order_delivery_withdrawn``: orders.fulfilment, when a delivered order stops being delivered (its parcel went
  back to the sender after the delivery scan), as ``send(session, order=Order, at=datetime)``: what its delivery
  started and the buyer has not answered (the delivery survey, the delivery call-back) is withdrawn.
- ``aftersale_closed``: orders.aftersales, when a case ends (completed, refunded, rejected for good,
  cancelled or closed by a timer), as ``send(session, case=AftersaleCase, order=Order, at=datetime)``.
- ``payment_refund_due``: orders.actions.record_payment, when a payment must go back (a duplicate payment, or
  one on a closed order), as ``send(session, order=Order, payment_id=str, amount=Decimal, closed_order=bool,
  now=datetime)``; orders.aftersales opens a refund case for it.
- ``complaint_resolved``: orders.care, when a complaint becomes resolved, as
  ``send(session, complaint=Complaint, at=datetime, refund_pending=bool)``; refund_pending while the refund case
  its resolution opened still runs, in which case it is sent again (refund_pending=False) when that case ends.

Privacy:

- ``customer_erased``: orders.customers.erasure, when a buyer's contact data is erased on request (PIPL art. 47),
  inside its transaction, as ``send(session, platform=str, buyer_id=str, orders=[(pk, order_id, broadcast_id)],
  secrets=frozenset[str] (the erased names, phones and street addresses), at=datetime)``. Every domain that keeps
  its own copy of the buyer's contact (the event log: live.privacy; what the buyer wrote: orders.care and
  orders.aftersales) listens and tombstones it in that same transaction; listeners must not commit.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

events_accepted = _signals.signal("events-accepted", doc="A batch of ingested events was accepted (not yet committed).")
order_delivered = _signals.signal("order-delivered", doc="Every shipment of an order was delivered (not yet committed).")
order_delivery_withdrawn = _signals.signal("order-delivery-withdrawn",
                                          doc="A delivered order went back to its sender (not yet committed).")
aftersale_closed = _signals.signal("aftersale-closed", doc="An after-sales case ended (not yet committed).")
payment_refund_due = _signals.signal("payment-refund-due", doc="A payment must be refunded (not yet committed).")
complaint_resolved = _signals.signal("complaint-resolved", doc="A complaint was resolved (not yet committed).")
customer_erased = _signals.signal("customer-erased", doc="A buyer's contact data was erased (not yet committed).")
