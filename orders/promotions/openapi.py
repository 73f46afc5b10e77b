"""OpenAPI fragment of promotions (orders/promotions/api.py): paths, schemas (one per kind) and parameters.

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document.
"""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import (
    DATETIME,
    MONEY,
    MONEY_INPUT,
    TIMESTAMP_INPUT,
    array,
    camel,
    integer,
    nullable,
    obj,
    ref,
    string,
    text,
)
from orders.promotions.manage import MAX_LISTED
from orders.promotions.models import COUPON_TYPES, KINDS, STACKING
from orders.promotions.validate import MAX_PRIORITY, MAX_SKUS


def parameters() -> dict:
    """Return the promotion code path parameter and the broadcast filter of the list."""
    return {
        "PromotionCode": parameter("code", "path", {"type": "string"}, "The promotion's code, in any case."),
        "PromotionBroadcast": parameter("broadcast_id", "query", {"type": "integer", "minimum": 1},
                                        "Only promotions applying to this broadcast (its own and global ones)."),
    }


def _promotion_fields(money: dict, amount_map: dict) -> dict[str, dict]:
    """Return each promotion kind's own fields, with money (and the member price map) as given."""
    positive = {**money, "description": "Greater than 0."}
    return {
        "flash": {"skus": array(text(64), minItems=1, maxItems=MAX_SKUS, uniqueItems=True), "price": money,
                  "remaining": integer("Units left at the flash price.", minimum=0),
                  "per_buyer": nullable(integer("Units one buyer may get.", minimum=1))},
        "coupon": {"coupon_type": string(enum=list(COUPON_TYPES)),
                   "value": {**money, "description": "Amount off, or percent off (at most 100)."},
                   "max_discount": nullable(positive), "min_spend": money,
                   "uses_left": nullable(integer("Uses left; null for unlimited.", minimum=0)),
                   "per_buyer": nullable(integer("Uses one buyer may make.", minimum=1))},
        "threshold": {"every": positive, "off": {**money, "description": "Off per `every` spent; less than it."},
                      "cap": nullable(positive)},
        "member": {"tier": text(32), "prices": amount_map},
    }


def schemas() -> dict:
    """Return promotions (one schema per kind, discriminated on `kind`) and their request bodies."""
    common = {"id": integer(), "code": string(), "kind": string(enum=list(KINDS)),
              "broadcast_id": nullable(integer("Null: the promotion applies in every broadcast.")),
              "stacking": string(enum=list(STACKING)), "priority": integer(), "starts_at": nullable(DATETIME),
              "ends_at": nullable(DATETIME), "active": {"type": "boolean"}, "created_at": DATETIME,
              "updated_at": DATETIME}
    common_input = {
        "code": text(32, "Letters, digits, - and _; stored upper-case, matched ignoring case.", examples=["SPRING10"]),
        "broadcast_id": nullable(integer("Absent or null: every broadcast. Required for flash.", minimum=1)),
        "stacking": string(enum=list(STACKING), default="stackable"),
        "priority": integer(minimum=0, maximum=MAX_PRIORITY, default=100),
        "starts_at": nullable(TIMESTAMP_INPUT), "ends_at": nullable(TIMESTAMP_INPUT),
        "active": {"type": "boolean", "default": True},
    }
    shown = _promotion_fields(MONEY, obj({}, additionalProperties=MONEY, description="Price per SKU."))
    taken = _promotion_fields(MONEY_INPUT, obj({}, additionalProperties=MONEY_INPUT, minProperties=1,
                                               maxProperties=MAX_SKUS, description="Price per SKU."))
    required = {"flash": ("skus", "price", "remaining", "starts_at", "ends_at", "broadcast_id"),
                "coupon": ("coupon_type", "value"), "threshold": ("every", "off"), "member": ("tier", "prices")}
    schemas = {}
    for kind in KINDS:
        name = camel(kind) + "Promotion"
        schemas[name] = obj({**common, "kind": string(const=kind), **shown[kind]},
                            required=tuple(common) + tuple(shown[kind]))
        schemas[name + "Input"] = obj({**common_input, "kind": string(const=kind), **taken[kind]},
                                      required=("code", "kind", *required[kind]), additionalProperties=False)

    def one_of(suffix: str) -> dict:
        names = {kind: camel(kind) + "Promotion" + suffix for kind in KINDS}
        return {"oneOf": [ref(n) for n in names.values()], "discriminator": {
            "propertyName": "kind", "mapping": {k: f"#/components/schemas/{n}" for k, n in names.items()}}}

    every_field = {k: v for kind in KINDS for k, v in taken[kind].items()}
    return schemas | {
        "Promotion": one_of(""),
        "PromotionInput": one_of("Input"),
        "PromotionUpdate": obj(common_input | every_field, description=(
            "Only the fields sent change (null clears an optional one); the whole promotion is checked again. "
            "`code` and `kind` cannot change (400 immutable_field); `id`, `created_at`, `updated_at` are ignored.")),
        "PromotionList": obj({"promotions": array(ref("Promotion"), f"Newest first, at most {MAX_LISTED}.")},
                             required=("promotions",)),
    }


# Rules that relate fields to each other or to stored rows, which JSON Schema cannot state; a client reads them here.
_CROSS_FIELD = ("Refused (400) though the schema allows it: `ends_at` not after `starts_at` (invalid_window); "
                "a `broadcast_id` naming no broadcast (unknown_broadcast); a flash sale whose `starts_at`, `ends_at` or "
                "`broadcast_id` is null (missing_field); a percent coupon over 100 (out_of_range); "
                "a threshold whose `off` is not less than `every` (out_of_range); a time with no UTC form, "
                "e.g. year 1 with a positive offset (invalid_ts). Refused (404 unknown_sku) though the schema "
                "allows it: a SKU in `skus` or a key of `prices` that no product or variant has (field `skus[i]` or "
                "`prices.<SKU>`). The answer's status is that of `error`, the first problem. A PUT checks the whole "
                "promotion as it would be after the change; it looks SKUs up when it sends `skus` or `prices`.")


def paths() -> dict:
    """Return the promotion operations."""
    managers = "service, auditor, host"
    example = {"code": "SPRING10", "kind": "coupon", "coupon_type": "percent", "value": "10", "max_discount": "30",
               "min_spend": "99.00", "uses_left": 500}
    return {
        "/api/v1/promotions": {
            "get": operation("listPromotions", "List promotions, newest first", "promotions",
                             ("200", f"At most {MAX_LISTED} promotions.", ref("PromotionList")), errors="400 401",
                             params=("PromotionBroadcast",)),
            "post": operation("createPromotion", "Create a flash sale, coupon, threshold (满减) or member price",
                              "promotions", ("201", "The promotion.", ref("Promotion")), errors="400 401 403 404 409",
                              roles=managers, body=request("PromotionInput", example),
                              description="Every field is checked: the first problem is `error`, all of them are "
                                          "`errors`. A taken code answers 409 code_exists. " + _CROSS_FIELD),
        },
        "/api/v1/promotions/{code}": {
            "get": operation("getPromotion", "Show a promotion", "promotions",
                             ("200", "The promotion.", ref("Promotion")), errors="401 404",
                             params=("PromotionCode",)),
            "put": operation("updatePromotion", "Change some fields of a promotion (counters included)",
                             "promotions", ("200", "The promotion after the change.", ref("Promotion")),
                             errors="400 401 403 404", roles=managers, params=("PromotionCode",),
                             body=request("PromotionUpdate", {"uses_left": 200, "priority": 50}),
                             description=_CROSS_FIELD),
            "delete": operation("deactivatePromotion", "Deactivate a promotion (it stays listed)", "promotions",
                                ("200", "The promotion, now inactive.", ref("Promotion")), errors="401 403 404",
                                roles=managers, params=("PromotionCode",)),
        },
        "/api/v1/promotions/{code}/start": {
            "post": operation("startPromotion", "Start a flash sale now", "promotions",
                              ("200", "The flash sale, running from now.", ref("Promotion")),
                              errors="401 403 404 409", roles=managers, params=("PromotionCode",),
                              description="Its window moves to begin now and keeps its planned length; it becomes "
                                          "active. Only a flash sale with units left that has not ended and is not "
                                          "running, of a live broadcast, can start (409 invalid_state, ended, "
                                          "running, sold_out otherwise). Pushes `totals.changed` with the "
                                          "broadcast's running flash sales."),
        },
    }
