"""The words of the customer pages: segment names and hints, event kinds, sort orders, and the scripts' strings."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

SEGMENT_LABELS = {
    "champions": _l("Champions"), "loyal": _l("Loyal"), "new": _l("New"), "promising": _l("Promising"),
    "needs_attention": _l("Needs attention"), "at_risk": _l("At risk"), "hibernating": _l("Hibernating"),
    "prospect": _l("Not paid yet"),
}
SEGMENT_HINTS = {
    "champions": _l("Bought recently, often and for a lot."),
    "loyal": _l("Buys often, not long ago."),
    "new": _l("A first order, recently."),
    "promising": _l("Bought recently, not often yet."),
    "needs_attention": _l("Neither recent nor long gone."),
    "at_risk": _l("Used to buy often, not lately."),
    "hibernating": _l("Has not bought for a long time."),
    "prospect": _l("Ordered but never paid."),
}
EVENT_LABELS = {"tags_changed": _l("Tags changed"), "contact_erased": _l("Contact data erased"),
                "exported": _l("Data exported")}
SORT_LABELS = {"recent": _l("Latest order"), "spend": _l("Paid GMV"), "orders": _l("Orders")}
# The default tier names (orders/customers/tiers.py DEFAULT_POLICY), translated when shown; names an admin sets
# are shown as they are.
DEFAULT_TIER_NAMES = (_l("Silver"), _l("Gold"), _l("Diamond"))


def page_strings() -> dict[str, str]:
    """Return the strings the customer pages' scripts show (a JSON block on the page)."""
    return {
        "failed": gettext("Could not save. Try again."),
        "offline": gettext("No connection. Try again."),
        "saved": gettext("Saved"),
        "recalculating": gettext("Recalculating…"),
        "recalculated": gettext("Recalculated: %(customers)s customers, %(changes)s tier changes",
                                customers="{customers}", changes="{changes}"),
        "erased": gettext("Contact data erased from %(orders)s orders.", orders="{orders}"),
        "mismatch": gettext("Type the buyer id exactly to confirm."),
        "issued": gettext("Offer issued to %(granted)s customers.", granted="{granted}"),
    }
