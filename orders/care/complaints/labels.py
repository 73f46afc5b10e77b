"""What people read for the complaint codes (statuses, channels, categories, …), translated (flask_babel)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from orders.care.order_history import LABELS as CARE_STEP_LABELS

STATUS_LABELS = {"new": _l("new"), "acknowledged": _l("acknowledged"), "investigating": _l("investigating"),
                 "resolved": _l("resolved"), "closed": _l("closed")}
CHANNEL_LABELS = {"back_office": _l("Registered by staff"), "platform": _l("Platform"), "chat": _l("Live chat"),
                  "survey": _l("Survey")}
CATEGORY_LABELS = {"product_quality": _l("Product quality"), "logistics": _l("Logistics"),
                   "service_attitude": _l("Service attitude"), "price_dispute": _l("Promotion or price dispute"),
                   "aftersales_delay": _l("After-sales delay"), "misleading_description": _l("Misleading description"),
                   "other": _l("Other")}
SEVERITY_LABELS = {"urgent": _l("Urgent"), "high": _l("High"), "normal": _l("Normal"), "low": _l("Low")}
ROOT_CAUSE_LABELS = {"supplier_defect": _l("Supplier defect"), "quality_control": _l("Quality control missed it"),
                     "warehouse_error": _l("Warehouse error"), "carrier": _l("Carrier"),
                     "staff_conduct": _l("Staff conduct"), "host_statement": _l("What the host said"),
                     "listing_error": _l("Listing error"), "pricing_error": _l("Pricing or promotion error"),
                     "policy_gap": _l("Gap in a policy"), "process_delay": _l("Process too slow"),
                     "buyer_misunderstanding": _l("Buyer misunderstanding"), "other": _l("Other")}
ACTION_LABELS = {"refund_via_aftersales": _l("Refund via after-sales"), "reship": _l("Reship"),
                 "apology_coupon": _l("Apology coupon"), "process_change": _l("Process change")}
WEEKDAY_LABELS = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
                  "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday")}
TARGET_LABELS = {"first_response": _l("First response"), "resolution": _l("Resolution")}
EVENT_LABELS = {"registered": _l("registered"), "acknowledged": _l("acknowledged"),
                "investigating": _l("investigating"),
                "analysis": _l("cause analysis saved"), "triaged": _l("triaged"), "assigned": _l("assigned"),
                "resolved": _l("resolved"), "closed": _l("closed"), "reopened": _l("reopened"),
                "breached": _l("SLA target missed"), "escalated": _l("escalated to admins"),
                "aftersales_case": _l("after-sales case opened"), "feedback_sent": _l("feedback sent to the buyer")}
# Who did something, when it was no person: the platform (its events) or the system (the SLA sweeper).
ACTOR_LABELS = {"platform": _l("Platform"), "system": _l("system")}
MOVE_LABELS = {"acknowledge": _l("Acknowledge"), "investigate": _l("Start investigating"), "resolve": _l("Resolve"),
               "close": _l("Close"), "reopen": _l("Reopen…")}
# For the order page (orders/backoffice/pages.py HISTORY_ACTIONS and NOTICE_KINDS): the customer care steps on an
# order's history (the complaints', then the surveys' and follow-ups' of orders/care/order_history.py, which reach
# the page through this map) and the buyer notice kind of complaints.
ORDER_HISTORY_LABELS = {"complaint_opened": _l("complaint registered"),
                        "complaint_acknowledged": _l("complaint acknowledged"),
                        "complaint_investigating": _l("complaint investigated"),
                        "complaint_resolved": _l("complaint resolved"), "complaint_closed": _l("complaint closed"),
                        "complaint_reopened": _l("complaint reopened"), "complaint_breached": _l("complaint SLA missed"),
                        **CARE_STEP_LABELS}
NOTICE_KIND_LABELS = {"complaint_feedback": _l("Complaint feedback")}
# The queue's countdown and live notices (static/complaints/queue.js fills {time}).
QUEUE_STRINGS = {"dueIn": _l("due in {time}"), "overdue": _l("{time} overdue"), "days": _l("{n} d"),
                 "hours": _l("{n} h"), "minutes": _l("{n} min"), "changed": _l("The queue has changed."),
                 "escalated": _l("Complaint {id} missed its target and was escalated."), "refresh": _l("Refresh")}
# The complaint page's forms (static/complaints/complaint.js).
PAGE_STRINGS = {"failed": _l("The action failed."), "saved": _l("Saved.")}


def texts(labels: dict) -> dict[str, str]:
    """Return lazily translated labels as plain strings in the current language (for a page's JSON)."""
    return {key: str(label) for key, label in labels.items()}
