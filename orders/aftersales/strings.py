"""Words of the after-sales pages (queue, case page, the order page's section) and the texts their scripts show,
in the viewer's language. The analytics pages name case reasons with the same words (REASON_LABELS).

Scripts fill ``{name}`` slots with static/common/dom.js ``LiveDesk.format``; the values stay text.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from orders.aftersales.models import REASON_LABELS  # noqa: F401  kept beside the reasons: analytics reads them too

TYPE_LABELS = {"refund_only": _l("Refund only"), "return_refund": _l("Return and refund"),
               "exchange": _l("Exchange"), "reship": _l("Reship"), "repair": _l("Repair")}
STATUS_LABELS = {"requested": _l("requested"), "approved": _l("approved"), "rejected": _l("rejected"),
                 "awaiting_return": _l("awaiting return"), "return_shipped": _l("return shipped"),
                 "received": _l("return received"), "inspected": _l("inspected"), "refunded": _l("refunded"),
                 "replacement_shipped": _l("replacement shipped"), "completed": _l("completed"),
                 "cancelled": _l("cancelled"), "closed": _l("closed")}
# The badge colour of each status (static/common/design.css): green done well, amber waiting on us, red ended badly.
STATUS_TONES = {"requested": "attention", "approved": "info", "rejected": "rejected", "awaiting_return": "pending",
                "return_shipped": "info", "received": "attention", "inspected": "attention", "refunded": "good",
                "replacement_shipped": "info", "completed": "good", "cancelled": "neutral", "closed": "neutral"}
RESPONSIBILITY_LABELS = {"seller": _l("Seller"), "carrier": _l("Carrier"), "buyer": _l("Buyer")}
# What each step of the timeline did (CaseEvent.action).
STEP_LABELS = {"open": _l("opened"), "approve": _l("approved"), "reject": _l("rejected"), "appeal": _l("appealed"),
               "cancel": _l("cancelled"), "ship_return": _l("return shipped"), "receive": _l("return received"),
               "inspect": _l("inspected"), "refund": _l("refunded"),
               "refund_requested": _l("refund made, payout pending"), "refund_failed": _l("refund failed"),
               "refund_succeeded": _l("refund paid out (the case had moved on)"),
               "timer_failed": _l("timer could not act"), "ship_replacement": _l("replacement shipped"),
               "complete": _l("completed"), "close": _l("closed"), "appeal_expired": _l("appeal window passed"),
               "mirror": _l("platform update")}
# The case page's buttons, each opening its confirm dialog, and their colours (design.css: approve green,
# danger red, primary blue for the next step forward, neutral for the rest).
ACTION_BUTTONS = {"approve": _l("Approve…"), "reject": _l("Reject…"), "appeal": _l("Record the buyer's appeal…"),
                  "cancel": _l("Cancel the case…"), "ship_return": _l("Return parcel…"),
                  "receive": _l("Mark received…"), "inspect": _l("Inspect…"), "refund": _l("Refund…"),
                  "ship_replacement": _l("Replacement shipped…"), "complete": _l("Complete…")}
ACTION_TONES = {"approve": "approve", "reject": "danger", "receive": "primary",
                "refund": "primary", "ship_replacement": "primary", "complete": "primary"}
DEADLINE_LABELS = {"respond": _l("Answer the buyer"), "return_ship": _l("Buyer ships the return"),
                   "confirm_receipt": _l("Confirm the return arrived"), "refund": _l("Refund the buyer"),
                   "appeal": _l("Buyer may appeal")}
REFUND_STATUS_LABELS = {"pending": _l("payout pending"), "succeeded": _l("succeeded"), "failed": _l("failed")}
REFUND_TONES = {"pending": "pending", "succeeded": "good", "failed": "danger"}
# "due soon": the deadline passes within this many hours.
DUE_SOON_HOURS = 24


def label(labels: dict, key: str | None) -> str:
    """Return the words for key in labels, the key itself when it has none, a dash for None."""
    if key is None:
        return "—"
    return str(labels.get(key, key))


def duration_text(seconds: float) -> str:
    """Return a duration as a person reads it: "2 d 3 h", "3 h 12 min", "12 min" (as static/aftersales/countdown.js)."""
    minutes = int(abs(seconds) // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{_('%(n)s d', n=days)} {_('%(n)s h', n=hours)}"
    if hours:
        return f"{_('%(n)s h', n=hours)} {_('%(n)s min', n=mins)}"
    return _("%(n)s min", n=mins)


def countdown_text(deadline_iso: str | None, now: datetime) -> str:
    """Return the time left to a deadline ("3 h 12 min left"), or how long it is overdue ("overdue by 12 min")."""
    if not deadline_iso:
        return _("no deadline")
    left = (datetime.fromisoformat(deadline_iso) - now).total_seconds()
    if left <= 0:
        return _("overdue by %(time)s", time=duration_text(left))
    return _("%(time)s left", time=duration_text(left))


def action_errors() -> dict[str, str]:
    """Return, per API error code of a case action, what to tell the agent (the API's words are English)."""
    return {
        "claimed": _("Another agent is working on this case."),
        "illegal_transition": _("Not possible for this case in its current status; reload the page to see it as it "
                                "is now."),
        "stale_version": _("Someone changed this case first; reload the page to see it as it is now."),
        "unknown_case": _("This case no longer exists."),
        "amount_exceeds_refundable": _("More than was paid and not yet refunded."),
        "amount_exceeds_lines": _("More than the lines refunded are worth."),
        "freight_not_ours": _("The buyer pays the return freight of this case."),
        "out_of_stock": _("The replacement units are not in stock."),
        "refund_pending": _("A refund of this case is waiting for its payout: record Payout done or Payout failed "
                            "first."),
        "refund_settled": _("This refund was settled already; reload the page to see it as it is now."),
        "unknown_refund": _("This refund no longer exists; reload the page."),
        # Opening a case and shipping a replacement: the API's sentences name its own codes (return_refund, packing).
        "not_shipped": _("This type needs a shipped order. For an order not shipped yet, choose Refund only."),
        "not_paid": _("Only a paid order can have an after-sales case."),
        "nothing_left": _("Every unit of this order is in a case already."),
        "unknown_line": _("The order has no line of this SKU."),
        "too_many_units": _("More units than this line allows."),
        "not_a_variant_of_returned": _("Choose a size or colour of the product the buyer sent back."),
        "no_reason_window_passed": _("The 7-day no-reason window has passed."),
        "no_reason_excluded": _("This product is sold without 7-day no-reason returns."),
        "nothing_to_refund": _("Nothing is left to refund."),
    }


def js_strings() -> dict:
    """Return the texts static/aftersales/*.js show."""
    return {
        "failed": _("Could not save. Try again."), "offline": _("The server could not be reached. Try again."),
        "reasonRequired": _("A reason is required."), "overdue": _("overdue by %(time)s", time="{time}"),
        "dueIn": _("%(time)s left", time="{time}"), "days": _("%(n)s d", n="{n}"), "hours": _("%(n)s h", n="{n}"),
        "minutes": _("%(n)s min", n="{n}"), "noDeadline": _("no deadline"), "claim": _("Claim"),
        "release": _("Release"), "claimedByYou": _("claimed by you"),
        "claimedBy": _("claimed by %(name)s", name="{name}"), "saved": _("Saved."),
        "amountRequired": _("Enter an amount of at least 0.01."),
        "unitsRequired": _("Enter at least one unit."),
        "parcelRequired": _("Enter the carrier and the tracking number."),
        "claimCase": _("Claim case %(id)s", id="{id}"), "releaseCase": _("Release case %(id)s", id="{id}"),
        "connected": _("Live"), "connecting": _("Connecting…"), "disconnected": _("Disconnected, reconnecting…"),
        "refused": _("Not allowed: log in again"), "dueSoonHours": DUE_SOON_HOURS,
        "errors": action_errors(),
    }
