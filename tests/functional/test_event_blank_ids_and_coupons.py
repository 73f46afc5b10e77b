"""Blank ids are missing (docs/api.md: missing_field is "absent, null or blank"), and coupon codes are checked one
by one, naming coupon_codes[i], in a list of at most 20: each refusal rejects its event and writes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.events.commerce import MAX_COUPONS
from live.models import EventLog
from orders.models import Order
from tests.support.api import now_iso, order_event


@pytest.fixture
def live(api) -> int:
    """Return a live broadcast selling A1."""
    api.product("A1", stock=50)
    return api.live_broadcast(skus=("A1",))


def rejected(api, broadcast_id: int, event: dict) -> dict:
    """Post one event; assert it was rejected and return its error."""
    response = api.events(broadcast_id, [event])
    assert response.status_code == 200, response.get_json()
    [result] = response.get_json()["results"]
    assert result["status"] == "rejected", result
    return result["error"]


def nothing_written(app) -> bool:
    """Return True when no order and no event were stored."""
    with app.app_context():
        return not db.session.scalar(sa.select(sa.func.count()).select_from(Order)) and \
            not db.session.scalar(sa.select(sa.func.count()).select_from(EventLog))


@pytest.mark.parametrize("blank", ["   ", "\t\n", "\u3000", "\u00a0"], ids=["spaces", "tab", "ideographic", "nbsp"])
@pytest.mark.parametrize("where, field", [("order_id", "order_id"), ("id", "id"), ("sku", "items[0].sku")])
def test_a_blank_id_is_a_missing_field_naming_it_and_no_order_is_made(app, api, live, blank, where, field):
    event = order_event("A1", 1, order_id="BLANK-1")
    if where == "sku":
        event["items"][0]["sku"] = blank
    else:
        event[where] = blank
    error = rejected(api, live, event)
    assert (error["code"], error["field"]) == ("missing_field", field)
    assert nothing_written(app)
    assert api.get("/api/v1/orders/%20%20%20").status_code == 404


def test_blank_ids_of_other_events_are_missing_too(app, api, live):
    for event, field in (({"type": "viewer_join", "viewer_id": "  "}, "viewer_id"),
                         ({"type": "payment", "order_id": " ", "status": "paid", "amount": "1.00"}, "order_id"),
                         ({"type": "order_cancel", "order_id": "\t"}, "order_id")):
        error = rejected(api, live, {"id": "e-" + field + event["type"], "ts": now_iso(), **event})
        assert (error["code"], error["field"]) == ("missing_field", field)
    assert nothing_written(app)


def test_blank_optional_text_counts_as_left_out_and_the_audit_asks_for_it(api, live):
    event = order_event("A1", 1, order_id="BLANK-OPT", comment_id="  ")
    event["buyer"]["name"] = " "
    event["buyer"]["address"]["detail"] = "\u3000"
    result = api.events(live, [event]).get_json()["results"][0]
    assert result["status"] == "accepted", result  # the event is kept; the order waits for the details
    order = api.get("/api/v1/orders/BLANK-OPT").get_json()
    assert (order["status"], order["comment_id"], order["buyer"]["name"], order["buyer"]["address"]["detail"]) == (
        "held", None, None, None)
    assert {f["code"] for f in order["findings"]} == {"buyer_name_missing", "address_missing"}


def test_an_id_with_text_keeps_its_spaces_as_sent(api, live):
    result = api.events(live, [order_event("A1", 1, order_id=" SP-1")]).get_json()["results"][0]
    assert result["status"] == "accepted" and result["order"]["order_id"] == " SP-1"


@pytest.mark.parametrize("codes, code, field", [
    (["OK", "C" * 65], "too_long", "coupon_codes[1]"),
    (["A\u0000B"], "invalid_character", "coupon_codes[0]"),
    (["OK", "half\ud800"], "invalid_character", "coupon_codes[1]"),
    (["OK", 5], "invalid_type", "coupon_codes[1]"),
    ([""], "missing_field", "coupon_codes[0]"),
    (["  "], "missing_field", "coupon_codes[0]"),
    ("SAVE20", "invalid_type", "coupon_codes"),
    ([f"C{n}" for n in range(MAX_COUPONS + 1)], "too_many_coupons", "coupon_codes"),
    ([f"C{n}" for n in range(10_000)], "too_many_coupons", "coupon_codes"),
], ids=["too long", "NUL", "surrogate", "not a string", "empty", "blank", "not a list", "21 codes", "10000 codes"])
def test_a_bad_coupon_code_rejects_the_order_naming_the_code(app, api, live, codes, code, field):
    error = rejected(api, live, order_event("A1", 1, order_id="CPN-1", coupon_codes=codes))
    assert (error["code"], error["field"]) == (code, field)
    assert nothing_written(app)


@pytest.mark.parametrize("codes", [None, [], ["C" * 64], [f"C{n}" for n in range(MAX_COUPONS)]],
                         ids=["null", "none", "64 characters", "20 codes"])
def test_coupon_codes_within_the_limits_are_kept(api, live, codes):
    result = api.events(live, [order_event("A1", 1, order_id="CPN-OK", coupon_codes=codes)]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    assert api.get("/api/v1/orders/CPN-OK").get_json()["coupon_codes"] == (codes or [])
