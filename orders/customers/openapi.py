"""OpenAPI fragment of the customer record (orders/customers/api.py): GET /api/v1/customers/{buyer_id}."""
from __future__ import annotations

from app.openapi.operations import operation, parameter
from app.openapi.schemas import DATETIME, MONEY, array, integer, nullable, obj, ref, string


def parameters() -> dict:
    """Return the buyer id path parameter."""
    return {"BuyerId": parameter("buyer_id", "path", {"type": "string", "maxLength": 64}, "The platform's buyer id.")}


def paths() -> dict:
    """Return the customer read operation."""
    return {
        "/api/v1/customers/{buyer_id}": {
            "get": operation(
                "getCustomer", "Show a buyer's orders across broadcasts, totals, tier, flags and notices", "orders",
                ("200", "The customer record.", ref("Customer")), errors="400 401 403 404",
                roles="service, auditor, host", params=("BuyerId", "Page", "PerPage"),
                description="Contacts are masked for every role; `POST /api/v1/orders/{order_id}/contact` shows "
                            "one in full (logged). 404 when the buyer has no order."),
        },
    }


def schemas() -> dict:
    """Return the customer record and its totals."""
    totals = obj({
        "orders": integer("Orders of the buyer, every broadcast."), "broadcasts": integer(),
        "paid_orders": integer(), "paid_gmv": {**MONEY, "description": "Paid amounts of paid orders."},
        "units": integer(), "refund_due_orders": integer("Orders with a refund due."),
        "first_order_at": nullable(DATETIME), "last_order_at": nullable(DATETIME),
    }, required=("orders", "paid_orders", "paid_gmv", "refund_due_orders"))
    contact = obj({"phone": nullable(string("Masked: 138****5678.")), "address": nullable(ref("Address")),
                   "order_id": string("The order the contact is taken from (the newest).")},
                  required=("phone", "address", "order_id"))
    notice = obj({"id": integer(), "order_id": string(), "kind": string(), "status": string(),
                  "channel": nullable(string()), "message": {"type": "object"}, "created_at": DATETIME,
                  "sent_at": nullable(DATETIME)}, required=("order_id", "kind", "status", "created_at"))
    customer = obj({
        "buyer_id": string(), "name": nullable(string()), "member_tier": nullable(string("From the newest order.")),
        "contact": contact, "blocklisted": {"type": "boolean"},
        "blocklist": array(string(enum=["buyer_id", "phone", "address"]), "Which identities are blocklisted."),
        "totals": ref("CustomerTotals"), "orders": array(ref("Order"), "One page, newest first, contact masked."),
        "page": integer(minimum=1), "per_page": integer(minimum=1, maximum=200),
        "notices": array(notice, "The newest 100 notices to the buyer."), "notices_total": integer(),
    }, required=("buyer_id", "name", "member_tier", "blocklisted", "totals", "orders", "notices"))
    return {"CustomerTotals": totals, "Customer": customer}
