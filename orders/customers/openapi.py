"""OpenAPI fragment of customer records (orders/customers/api.py, rules_api.py): the list, one record, tags,
export, erasure, recalculation, member tier rules and offers."""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, MONEY, array, integer, nullable, obj, ref, string

from orders.customers.rfm import SEGMENTS

TAG = "orders"
READERS = "service (display or aftersales scope), auditor, host, aftersales"
SEGMENT = string("RFM segment.", enum=list(SEGMENTS))
OBJECT = {"type": "object"}
NO_CONTROL = "^[^\\u0000-\\u001f]*$"  # ids and filters with control characters are refused (400)


def parameters() -> dict:
    """Return the buyer id path parameter and the list filters."""
    def text(max_len: int) -> dict:
        return {"type": "string", "maxLength": max_len, "pattern": NO_CONTROL}

    return {
        "BuyerId": parameter("buyer_id", "path", text(64), "The platform's buyer id."),
        "CustomerPlatform": parameter("platform", "query", text(32),
                                      "The platform of the buyer id; default: the platform of their newest order "
                                      "(without an order: of their customer row or newest complaint)."),
        "CustomerSegment": parameter("segment", "query", {"type": "string", "enum": list(SEGMENTS)},
                                     "Only customers of this RFM segment."),
        "CustomerTier": parameter("tier", "query", text(32),
                                  "Only customers of this tier code; `none` for customers without a tier."),
        "CustomerQuery": parameter("q", "query", text(64), "The start of a buyer id or of a buyer name."),
        "CustomerSort": parameter("sort", "query", {"type": "string", "enum": ["recent", "spend", "orders"]},
                                  "Latest order first (default), highest paid GMV or most orders first."),
    }


def _customer_paths() -> dict:
    """Return the operations on customers."""
    one = ("BuyerId", "CustomerPlatform")
    return {
        "/api/v1/customers": {"get": operation(
            "listCustomers", "List customers by segment, tier and a search", TAG,
            ("200", "One page of customers.", ref("CustomerPage")), errors="400 401 403", roles=READERS,
            params=("CustomerSegment", "CustomerTier", "CustomerPlatform", "CustomerQuery", "CustomerSort", "Page",
                    "PerPage"),
            description="The stored snapshot of each customer, as of `recalculated_at` (the periodic "
                        "recalculation, every 10 minutes, or POST /api/v1/customers/recalculate).")},
        "/api/v1/customers/{buyer_id}": {"get": operation(
            "getCustomer", "Show a buyer: totals, RFM, tier, tags, offers, orders, notices and care records", TAG,
            ("200", "The customer record.", ref("Customer")), errors="400 401 403 404", roles=READERS,
            params=(*one, "Page", "PerPage"),
            description="Totals and RFM values are read live from the orders; `tier` is the stored tier (it changes "
                        "at a recalculation, recorded in `tier_history`), `tier_due` what the rules give now. "
                        "Contacts are masked for every role; `POST /api/v1/orders/{order_id}/contact` shows one in "
                        "full (logged). A buyer known without an order (a complaint, a survey, a follow-up or a "
                        "customer row) has an empty `orders`, zero totals and their care records; `platform` is "
                        "null when nothing of theirs names one. 404 for a buyer id LiveDesk knows nothing about "
                        "(on the platform named).")},
        "/api/v1/customers/{buyer_id}/tags": {"post": operation(
            "setCustomerTags", "Replace a customer's tags", TAG, ("200", "The tags now.", ref("CustomerTags")),
            errors="400 401 403 404 409", roles="aftersales (token scope aftersales)", params=one,
            body=request("CustomerTagsInput", {"tags": ["VIP", "批发"]}),
            description="409 `no_platform` for a buyer known on no platform (tags are kept per platform).")},
        "/api/v1/customers/{buyer_id}/export": {"get": operation(
            "exportCustomer", "Download everything kept about a buyer (contact in full)", TAG,
            ("200", "The export document (an attachment).", ref("CustomerExport")), errors="400 401 403 404 409",
            roles="auditor, aftersales (console users only)", params=one,
            description="PIPL art. 45: the buyer's orders with history, notices, tier history, offers and care "
                        "records. The PII access log records it (channel `export`).")},
        "/api/v1/customers/{buyer_id}/erase": {"post": operation(
            "eraseCustomer", "Erase a buyer's contact data, keep their totals (PIPL art. 47)", TAG,
            ("200", "What was erased.", ref("CustomerErasure")), errors="400 401 403 404 409",
            roles="admin only (console users)", params=one,
            body=request("CustomerEraseInput", {"confirm": "B-7", "reason": "buyer asked by phone on 2026-05-01"}),
            description="Name, phone and street address become `[removed]` in every order of the buyer on the "
                        "platform, their edit history, notices and logged events; amounts, statuses, items, buyer "
                        "id and province/city/district stay. `confirm` must repeat the buyer id.")},
        "/api/v1/customers/recalculate": {"post": operation(
            "recalculateCustomers", "Recalculate totals, RFM and tiers now", TAG,
            ("200", "What the run changed.", ref("CustomerRecalculation")), errors="400 401 403 404 409",
            roles="aftersales (token scope aftersales)",
            body=request("CustomerRecalculateInput", {"buyer_id": "B-7"}, required=False),
            description="Every customer (the RFM quintiles are taken again), or one buyer. A tier change writes "
                        "one `tier_history` entry; an unchanged tier writes none.")},
    }


def paths() -> dict:
    """Return the customer, tier rule and offer operations."""
    return _customer_paths() | {
        "/api/v1/customer-tiers": {
            "get": operation("getCustomerTiers", "Show the member tier rules", TAG,
                             ("200", "The rules.", ref("TierPolicy")), errors="401 403", roles=READERS),
            "put": operation("putCustomerTiers", "Replace the member tier rules", TAG,
                             ("200", "The rules stored.", ref("TierPolicy")), errors="400 401 403",
                             roles="admin only (console users)",
                             body=request("TierPolicy", {"window_days": 365, "tiers": [
                                 {"code": "silver", "name": "银卡", "min_spend": "500.00", "min_orders": 3},
                                 {"code": "gold", "name": "金卡", "min_spend": "2000.00"}]}),
                             description="Tiers lowest first; a tier is reached by spend (paid minus refunded) or "
                                         "paid orders over the window. Applies from the next recalculation."),
        },
        "/api/v1/offers": {
            "get": operation("listOffers", "List the offers issued", TAG,
                             ("200", "The newest offers.", ref("OfferList")), errors="401 403", roles=READERS),
            "post": operation("issueOffer", "Issue a coupon to a segment or tier", TAG,
                              ("201", "The offer, with how many customers got it.", ref("Offer")),
                              errors="400 401 403 409", roles="aftersales (token scope aftersales)",
                              body=request("OfferInput", {"title": "回购礼", "code": "BACK10", "segment": "at_risk",
                                                          "coupon_type": "fixed", "value": "10.00",
                                                          "ends_at": "2026-07-01T00:00:00+08:00"}),
                              description="A new code creates a coupon promotion (one use per buyer); an existing "
                                          "coupon's code issues it as it is. One grant per customer of the segment "
                                          "and/or tier whose contact was not erased."),
        },
    }


def _record_schemas() -> dict:
    """Return the record, its totals and its RFM."""
    totals = obj({
        "orders": integer("Orders of the buyer on the platform, every broadcast."), "broadcasts": integer(),
        "paid_orders": integer("Orders a payment was received for."), "paid_gmv": MONEY, "refunded": MONEY,
        "units": integer(), "refund_due_orders": integer("Orders with a refund due."),
        "first_order_at": nullable(DATETIME), "last_order_at": nullable(DATETIME), "last_paid_at": nullable(DATETIME),
        "window_orders": integer("Paid orders placed in the tier window."),
        "window_spend": {**MONEY, "description": "Their paid amount minus refunds."},
    }, required=("orders", "paid_orders", "paid_gmv", "refund_due_orders"))
    rfm = obj({"recency_days": nullable(integer("Days since the last paid order.")),
               "frequency": integer("Paid orders in the window."), "monetary": MONEY,
               "r": integer(minimum=1, maximum=5), "f": integer(minimum=1, maximum=5),
               "m": integer(minimum=1, maximum=5),
               "score": string("R, F and M as one code, e.g. 545."), "segment": SEGMENT},
              required=("recency_days", "frequency", "monetary", "r", "f", "m", "score", "segment"))
    contact = obj({"phone": nullable(string("Masked: 138****5678.")), "address": nullable(ref("Address")),
                   "order_id": nullable(string("The order the contact is taken from (the newest; null: no order)."))},
                  required=("phone", "address", "order_id"))
    notice = obj({"id": integer(), "order_id": string(), "kind": string(), "status": string(),
                  "channel": nullable(string()), "message": OBJECT, "created_at": DATETIME,
                  "sent_at": nullable(DATETIME)}, required=("order_id", "kind", "status", "created_at"))
    change = obj({"from": nullable(string()), "to": nullable(string()), "spend": MONEY, "orders": integer(),
                  "actor": string(), "at": DATETIME})
    customer = obj({
        "buyer_id": string(), "platform": nullable(string("Null: a buyer without an order known on no platform.")),
        "platforms": array(string(), "Platforms with this buyer id."),
        "name": nullable(string()), "member_tier": nullable(string("The platform's tier, from the newest order.")),
        "contact": contact, "blocklisted": {"type": "boolean"},
        "blocklist": array(string(enum=["buyer_id", "phone", "address"]), "Which identities are blocklisted."),
        "totals": ref("CustomerTotals"), "order_count": integer(), "paid_gmv": MONEY,
        "refunded": {**MONEY, "description": "Sum of the succeeded refunds of the buyer's orders."},
        "orders": array(ref("Order"), "One page, newest first, contact masked."),
        "page": integer(minimum=1), "per_page": integer(minimum=1, maximum=200),
        "notices": array(notice, "The newest 100 notices to the buyer."), "notices_total": integer(),
        "complaints": array(OBJECT, "The buyer's newest complaints (the complaints API's shape)."),
        "complaint_count": integer(), "surveys": array(OBJECT, "The buyer's survey answers."),
        "followups": array(OBJECT, "The buyer's follow-up tasks (回访)."),
        "tier": nullable(string("LiveDesk's member tier code.")), "tier_name": nullable(string()),
        "tier_since": nullable(DATETIME),
        "tier_due": nullable(string("The tier the rules give now (null: none); until the next recalculation it "
                                    "may differ from `tier`.")),
        "tier_history": array(change, "Newest first."), "rfm": ref("Rfm"), "tags": array(string()),
        "offers": array(OBJECT, "Offers granted, newest first."), "events": array(OBJECT, "Changes by people."),
        "erased_at": nullable(DATETIME), "recalculated_at": nullable(DATETIME),
    }, required=("buyer_id", "name", "member_tier", "blocklisted", "totals", "orders", "notices", "paid_gmv",
                 "refunded", "complaints", "surveys", "tier", "rfm"))
    return {"CustomerTotals": totals, "Rfm": rfm, "Customer": customer}


def schemas() -> dict:
    """Return the customer, tier rule and offer schemas."""
    row = obj({"buyer_id": string(), "platform": string(), "name": nullable(string()), "tier": nullable(string()),
               "segment": SEGMENT, "r": integer(), "f": integer(), "m": integer(), "score": string(),
               "order_count": integer(), "paid_orders": integer(), "paid_gmv": MONEY, "refunded": MONEY,
               "last_order_at": nullable(DATETIME), "tags": array(string()), "erased": {"type": "boolean"}})
    rule = obj({"code": string(pattern="^[a-z0-9][a-z0-9_-]{0,31}$"), "name": string(maxLength=40),
                "min_spend": nullable(MONEY), "min_orders": nullable(integer(minimum=1))}, required=("code",))
    offer = obj({"id": integer(), "code": string(), "title": string(), "segment": nullable(SEGMENT),
                 "tier": nullable(string()), "starts_at": nullable(DATETIME), "ends_at": nullable(DATETIME),
                 "granted": integer("Customers given the offer."), "created_by": string(), "created_at": DATETIME})
    money_in = {"type": ["string", "number"]}
    return _record_schemas() | {
        "CustomerPage": obj({"customers": array(row), "total": integer(), "page": integer(minimum=1),
                             "per_page": integer(), "recalculated_at": nullable(DATETIME)}),
        "CustomerTagsInput": obj({"tags": array(string(maxLength=24), maxItems=20)}, required=("tags",)),
        "CustomerTags": obj({"buyer_id": string(), "platform": string(), "tags": array(string())}),
        "CustomerExport": obj({"format": string(), "exported_at": DATETIME, "platform": string(), "buyer_id": string(),
                               "orders": array(OBJECT, "Every order in full, with history.")}),
        "CustomerEraseInput": obj({"confirm": string("The buyer id again."), "reason": string(maxLength=500)},
                                  required=("confirm",)),
        "CustomerErasure": obj({"buyer_id": string(), "platform": string(),
                                "erased": obj({"orders": integer(), "history": integer(), "notices": integer()})}),
        "CustomerRecalculateInput": obj({"buyer_id": string(maxLength=64), "platform": string(maxLength=32)}),
        "CustomerRecalculation": obj({"customers": integer(), "created": integer(), "updated": integer(),
                                      "tier_changes": integer()}),
        "TierPolicy": obj({"window_days": integer(minimum=1, maximum=3650), "tiers": array(rule, maxItems=10)},
                          required=("tiers",)),
        "Offer": offer, "OfferList": obj({"offers": array(ref("Offer"))}),
        "OfferInput": obj({"title": string(maxLength=100), "code": string(maxLength=32), "segment": SEGMENT,
                           "tier": string(), "coupon_type": string(enum=["fixed", "percent"]), "value": money_in,
                           "min_spend": money_in, "max_discount": money_in, "starts_at": string(), "ends_at": string()},
                          required=("title", "code")),
    }
