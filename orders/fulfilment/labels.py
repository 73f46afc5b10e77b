"""Words people read for fulfilment codes: order and shipment statuses, checkpoint statuses, history steps."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ORDER_STATUS_LABELS = {
    "paid": _l("paid"), "packing": _l("packed"), "partially_shipped": _l("partly shipped"), "shipped": _l("shipped"),
    "delivered": _l("delivered"), "delivery_failed": _l("delivery failed"),
    "returned_to_sender": _l("returned to sender"), "lost": _l("lost in transit"),
}
SHIPMENT_STATUS_LABELS = {
    "shipped": _l("handed to carrier"), "in_transit": _l("in transit"), "out_for_delivery": _l("out for delivery"),
    "delivered": _l("delivered"), "delivery_failed": _l("delivery failed"),
    "returned_to_sender": _l("returned to sender"), "lost": _l("lost in transit"),
}
CHECKPOINT_LABELS = {
    "info_received": _l("label created"), "picked_up": _l("picked up"), "in_transit": _l("in transit"),
    "out_for_delivery": _l("out for delivery"), "delivered": _l("delivered"), "exception": _l("problem"),
    "delivery_failed": _l("delivery failed"), "returned": _l("returned"), "lost": _l("lost"),
}
HISTORY_LABELS = {
    "packed": _l("packed"), "shipment_created": _l("shipped a parcel"), "tracking_updated": _l("tracking updated"),
    "logistics_exception": _l("logistics problem"), "logistics_resolved": _l("logistics problem cleared"),
    "tracking_stale": _l("tracking went quiet"),
    "refunded_unshipped": _l("refunded before shipping"),
}
NOTICE_LABELS = {"shipped": _l("Shipped"), "delivery_exception": _l("Delivery problem"), "delivered": _l("Delivered")}
# Badge colour classes of the design system (docs/design.md) by status: good, attention, danger, info.
BADGES = {"paid": "paid", "packing": "info", "partially_shipped": "attention", "shipped": "info",
          "in_transit": "info", "out_for_delivery": "info", "delivered": "good", "delivery_failed": "danger",
          "returned_to_sender": "danger", "lost": "danger"}


def label_strings() -> dict[str, dict[str, str]]:
    """Return the labels as plain strings for a page's JavaScript."""
    return {"orderStatus": {k: str(v) for k, v in ORDER_STATUS_LABELS.items()},
            "shipmentStatus": {k: str(v) for k, v in SHIPMENT_STATUS_LABELS.items()},
            "checkpoint": {k: str(v) for k, v in CHECKPOINT_LABELS.items()}}


def page_strings() -> dict:
    """Return the labels and messages the fulfilment scripts show (translated for the request's language)."""
    return label_strings() | {"messages": {
        "packed": _("Marked %(n)s order(s) packed.", n="{n}"), "refused": _("%(n)s order(s) could not be packed.", n="{n}"),
        "shipped": _("Shipped %(order)s with %(carrier)s %(number)s.", order="{order}", carrier="{carrier}",
                     number="{number}"),
        "selected": _("%(n)s selected", n="{n}"), "failed": _("Could not save. Try again."),
        "offline": _("The server could not be reached. Try again."), "nothing": _("Choose at least one unit to ship."),
        "pattern": _("This does not look like a tracking number of the chosen carrier."),
        "allShipped": _("All shipped"),
    }}
