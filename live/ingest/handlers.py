"""The ingestion's handler of each event type other than order and chat (live.ingest._apply runs them one by one,
each in its own savepoint), and the claims a run of moderated chat messages may make.

A handler takes (session, broadcast, event, now) and returns None, a dict merged into the event's result, or an
OrderOutcome; chat_claims gives (fields, outcome) per message of a chat run (its claim and the draft order it made,
orders/claims).
"""
from __future__ import annotations

from app import realtime
from live import broadcasts as lineup
from live.moderation.rules.claims import claim_terms
from live.viewers import touch_viewer
from orders import actions as orders
from orders.aftersales.mirror import mirror_event as mirror_aftersale
from orders.care.complaints.events import complaint_event
from orders.claims.drafts import Comment, claim_result
from orders.claims.lineup import forget_lineup
from orders.claims.resolve import ClaimRequest
from orders.claims.run import ClaimInput, take_claims


def _on_payment(session, broadcast, event, now):
    return orders.record_payment(session, broadcast.id, event.data, event.id, event.ts, now)


def _on_cancel(session, broadcast, event, now):
    return orders.cancel_order(session, broadcast.id, event.data["order_id"], event.data["reason"], now)


def _on_viewer(session, broadcast, event, now):
    touch_viewer(session, broadcast.platform, event.data["viewer_id"], event.data.get("nickname"), event.ts)


def chat_claims(session, broadcast, events, decided, now):
    """Return one (result fields, outcome or None) per moderated chat message of a run, in order, after taking the
    run's claims at once (orders/claims/run.py): a message that claims nothing keeps its fields."""
    taken: list[int] = []
    claims: list[ClaimInput] = []
    for position, (event, fields) in enumerate(zip(events, decided)):
        terms = claim_terms(event.data["text"])
        if terms is not None:
            taken.append(position)
            comment = Comment(broadcast.id, event.id, event.data["viewer_id"], event.data.get("nickname"),
                              event.data["text"].replace("\x00", "\ufffd"), event.ts)
            claims.append(ClaimInput(comment, ClaimRequest(terms.link, terms.words, terms.qty, terms.numbers, terms.qty_from_number), fields["action"]))
    results: list[tuple[dict, object]] = [(fields, None) for fields in decided]
    for position, outcome in zip(taken, take_claims(session, broadcast.id, claims, now)):
        if outcome is not None:
            results[position] = (decided[position] | {"claim": claim_result(outcome)}, outcome)
    return results


def _on_pin(session, broadcast, event, now):
    # The event is already logged: the pinned product is recomputed from all pins, one product at a time.
    forget_lineup(session, broadcast.id)  # "+1" claims are for the pinned product
    if lineup.sync_pinned(session, broadcast.id):
        # The push carries the resulting state, so the last one of a batch is right on its own.
        realtime.queue(session, broadcast.id, "product.pinned", {"pinned_sku": lineup.pinned_sku(session, broadcast.id)},
                       replace_key="pin")


def _on_click(session, broadcast, event, now):
    return None


HANDLERS = {
    "payment": _on_payment,
    "order_cancel": _on_cancel,
    "viewer_join": _on_viewer,
    "viewer_leave": _on_viewer,
    "product_pin": _on_pin,
    "product_unpin": _on_pin,
    "product_click": _on_click,
    # handlers: after-sales
    "aftersale": mirror_aftersale,  # the platform's after-sales record, mirrored into a case
    # handlers: complaints
    "complaint": lambda session, broadcast, event, now: complaint_event(session, broadcast.id, event.data, event.ts,
                                                                        now),
    # handlers: live-room interactions
    "gift": _on_viewer,  # the giver is seen; the gift itself is the logged event (analytics reads it)
    "like": lambda session, broadcast, event, now: (
        _on_viewer(session, broadcast, event, now) if event.data.get("viewer_id") else None),
    "viewer_count": lambda session, broadcast, event, now: None,  # the platform's count, kept in the log only
}
