"""Texts the back-office pages' scripts show (static/orders/queue*.js, order.js), in the viewer's language.

Scripts fill the ``{name}`` slots with static/common/dom.js ``LiveDesk.format``; the values stay text.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _


def action_errors() -> dict[str, str]:
    """Return, per API error code of an order action, what to tell the auditor (the API's words are English)."""
    return {
        "needs_fix": _("Fix the items first (SKU, variant or quantity): Edit or fix (e)."),
        "claimed": _("Another auditor is working on this order."),
        "invalid_state": _("Not possible for this order in its current status; the list shows it as it is now."),
        "not_found": _("This order no longer exists."),
        "unknown_finding": _("That finding is no longer active."),
    }


def queue_strings(statuses: Mapping) -> dict:
    """Return the texts static/orders/queue*.js shows; statuses: the labels of order statuses."""
    return {key: str(label) for key, label in statuses.items()} | {
        "connected": _("Live"), "connecting": _("Connecting…"), "disconnected": _("Disconnected, reconnecting…"),
        "refused": _("Not allowed: log in again"), "empty": _("No held orders. Well done."),
        "loadFailed": _("Could not load the queue. Retrying…"), "failed": _("Could not save. Try again."),
        "offline": _("The server could not be reached. Try again."), "claimedByYou": _("claimed by you"),
        "claimedBy": _("claimed by %(name)s", name="{name}"), "claim": _("Claim"), "release": _("Release"),
        "approve": _("Approve"), "rejectMenu": _("Reject…"), "editMenu": _("Edit or fix…"),
        "extendMenu": _("Extend hold…"), "overrideMenu": _("Override: %(finding)s…", finding="{finding}"),
        "openOrder": _("Open the order page"), "moreActions": _("More actions for order %(id)s", id="{id}"),
        "selectOrder": _("Select order %(id)s", id="{id}"), "selectAll": _("Select all"),
        "overriddenBy": _("overridden by %(name)s", name="{name}"), "late": _("Late"),
        "noPhone": _("no phone"), "lineN": _("Line %(n)s", n="{n}"),
        "lineField": _("Line %(n)s: %(field)s", n="{n}", field="{field}"),
        "variantStock": _("%(name)s · %(n)s in stock", name="{name}", n="{n}"),
        "editTitle": _("Edit or fix order %(id)s", id="{id}"),
        "approveTitle": _("Approve order %(id)s", id="{id}"), "rejectTitle": _("Reject order %(id)s", id="{id}"),
        "extendTitle": _("Extend the hold of order %(id)s", id="{id}"),
        "overrideTitle": _("Override %(code)s on order %(id)s", code="{code}", id="{id}"),
        "bulkTitle": _("Approve %(n)s selected orders", n="{n}"),
        "bulkRejectTitle": _("Reject %(n)s selected orders", n="{n}"),
        "bulkExtendTitle": _("Extend the hold of %(n)s selected orders", n="{n}"),
        "reasonRequired": _("A reason is required."),
        "nothingSelected": _("Select orders with their checkbox (x) first."),
        "nothingChanged": _("Nothing was changed."),
        "nothingToExtend": _("Nothing to extend: this held order has no time limit (it is paid, or waits in line "
                             "for stock)."),
        "paidAmount": _("Paid ¥%(amount)s", amount="{amount}"),
        "paidHint": _("The buyer has paid: approving completes the sale, rejecting opens a refund."),
        "heldCount": _("%(n)s held", n="{n}"), "checkedCount": _("%(n)s selected", n="{n}"),
        "minutes": _("%(n)s min", n="{n}"), "seconds": _("%(n)s s", n="{n}"),
        "slaIs": _("past the SLA of %(sla)s", sla="{sla}"), "slaPerBroadcast": _("past each broadcast's SLA"),
        "listSeparator": _(", "),
        "pageInfo": _("Page %(page)s of %(pages)s · orders %(first)s–%(last)s of %(total)s", page="{page}",
                      pages="{pages}", first="{first}", last="{last}", total="{total}"),
        "bulk_approved": _("%(n)s approved", n="{n}"), "bulk_waitlisted": _("%(n)s waitlisted", n="{n}"),
        "bulk_rejected": _("%(n)s rejected", n="{n}"), "bulk_extended": _("%(n)s extended", n="{n}"),
        "bulk_held": _("%(n)s still held", n="{n}"), "bulk_failed": _("%(n)s failed", n="{n}"),
        "outcomeApproved": _("approved, now %(status)s", status="{status}"),
        "outcomeWaitlisted": _("approved, but waitlisted: no stock left for it yet"),
        "outcomeRejected": _("rejected"), "outcomeExtended": _("hold extended"),
        "outcomeHeld": _("still held: %(codes)s", codes="{codes}"),
        "outcomeFailed": _("not done: %(message)s", message="{message}"),
        "errors": action_errors(),
    }


def queue_columns() -> dict[str, str]:
    """Return the column names a queue row's cells carry as data-label (shown on cards below 600 px)."""
    return {"order": _("Order"), "buyer": _("Buyer"), "items": _("Items"), "why": _("Why held"),
            "waiting": _("Time waiting")}


def order_strings() -> dict:
    """Return the texts static/orders/order.js shows."""
    return {"failed": _("Could not save. Try again."), "offline": _("The server could not be reached. Try again."),
            "reasonRequired": _("A reason is required."),
            "approve": _("Approve order"), "reject": _("Reject order"), "hold": _("Hold order"),
            "extend": _("Extend reservation"), "errors": action_errors()}
