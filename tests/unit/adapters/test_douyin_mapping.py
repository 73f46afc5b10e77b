"""抖店 messages → v1 events, tag by tag, from the fixtures (details from the fixture detail answers)."""
import json
import logging
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from live.adapters import douyin
from live.adapters.base import AdapterError, InboundMessage
from live.adapters.clients import douyin as api
from live.adapters.clients.values import fen_to_yuan
from live.events import EventError, parse_event, recorded_window
from tests.support.platform_fakes import fixture
from tests.support.platform_fakes.stubs import DouyinDetails, body, connection

ORDER = "4951234567890123456"


def events_of(name: str, details=None, **connection_args) -> list[dict]:
    """Return the events of every message of a fixture push."""
    conn = connection("douyin", **connection_args)
    details = DouyinDetails() if details is None else details
    return [event for message in douyin.split({}, body("douyin", name))
            for event in douyin.to_events(message, conn, details)]


def refund_data(name: str, **changes) -> dict:
    """Return the decoded data of a one-message refund fixture, changed by changes."""
    return {**json.loads(fixture("douyin", name)[0]["data"]), **changes}


ALL_PUSHES = ["trade_created", "trade_paid", "trade_pending", "trade_cancelled", "refund_created", "refund_agreed",
              "refund_return_agreed", "refund_buyer_returned", "refund_refused", "refund_success", "refund_closed",
              "refund_modified"]


def test_every_event_passes_the_envelope_check():
    window = recorded_window(datetime.now(timezone.utc))
    for name in ALL_PUSHES:
        for event in events_of(name):
            assert not isinstance(parse_event(event, window), EventError), event


def test_an_order_created_becomes_an_order_with_items_and_decrypted_buyer():
    [order] = events_of("trade_created")
    assert order["type"] == "order" and order["order_id"] == ORDER
    assert order["id"] == f"douyin:order:{ORDER}"
    assert order["items"] == [{"sku": "TEA-01", "qty": 2, "unit_price": "79.00"}]
    assert order["buyer"] == {"id": "1@#Xk3mVn8QpL2dRt6Ws9Yb0A==", "name": "张三", "phone": "13812345678",
                              "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                                          "detail": "文三路 1 号"}}
    assert order["source"] == "in_stream"  # the sku order names a live room
    assert order["ts"] == "2024-05-01T10:55:00.000+00:00"  # create_time 1714560900, epoch seconds


def test_an_order_outside_a_live_room_is_a_product_link_order():
    detail = fixture("douyin", "api_order_detail")["data"]
    detail["shop_order_detail"]["sku_order_list"][0]["room_id"] = 0

    class NoRoom(DouyinDetails):
        """The fixture order with no live room."""

        def order(self, order_id):
            """Return the order without contacts."""
            return api.parse_order_detail(detail, {})

    [order] = events_of("trade_created", details=NoRoom())
    assert order["source"] == "product_link"


def test_a_paid_order_gives_the_order_and_its_payment_in_yuan():
    order, payment = events_of("trade_paid")
    assert order["id"] == f"douyin:order:{ORDER}"
    assert payment == {"id": f"douyin:pay:{ORDER}", "type": "payment", "ts": "2024-05-01T10:56:00.000+00:00",
                       "order_id": ORDER, "status": "paid", "amount": "158.00", "method": "wechat"}


def test_paid_and_paid_pending_of_one_order_share_one_payment_id():
    """101 and 110 both say "paid": the second is a duplicate in the event log, never a second payment."""
    paid = [e for e in events_of("trade_paid") if e["type"] == "payment"]
    pending = [e for e in events_of("trade_pending") if e["type"] == "payment"]
    assert paid[0]["id"] == pending[0]["id"]
    assert pending[0]["amount"] == "158.00"  # 110 has no amount: the detail API's pay_amount


def test_a_message_of_another_shop_is_ignored_and_says_why():
    """One 抖店 app's push URL gets every authorising shop's messages: data.shop_id says whose."""
    [message] = douyin.split({}, body("douyin", "trade_paid"))
    ignored = douyin.to_events(message, connection("douyin", shop_id="1111111"), DouyinDetails())
    assert ignored == [] and ignored.reason == "message of shop 4463798, not this connection's"
    assert events_of("trade_paid", shop_id="4463798") != []
    assert events_of("trade_paid") != []  # a connection without a shop id takes every shop's


def test_a_redelivered_message_gives_the_same_events():
    assert events_of("trade_paid") == events_of("trade_paid")
    assert events_of("refund_created") == events_of("refund_created")


def test_a_cancelled_order_keeps_the_platform_reason():
    [cancel] = events_of("trade_cancelled")
    assert cancel == {"id": f"douyin:cancel:{ORDER}", "type": "order_cancel", "ts": "2024-05-01T11:00:00.000+00:00",
                      "order_id": ORDER, "reason": "买家不想要了"}


@pytest.mark.parametrize("name", ["push_verify", "trade_shipped", "trade_success", "trade_address_changed",
                                  "trade_address_change_applied", "unknown_tag"])
def test_messages_livedesk_does_not_mirror_are_ignored_and_logged(name, caplog):
    details = DouyinDetails()
    with caplog.at_level(logging.INFO, logger="livedesk.adapters"):
        assert events_of(name, details=details) == []
    assert "ignored" in caplog.text
    assert details.calls == []  # no detail call for a message that maps to nothing


def test_an_unknown_tag_is_logged_with_its_tag(caplog):
    with caplog.at_level(logging.INFO, logger="livedesk.adapters"):
        events_of("unknown_tag")
    assert "unknown tag 999" in caplog.text


@pytest.mark.parametrize("name, status, case_type", [
    ("refund_created", "requested", "refund_only"),
    ("refund_agreed", "approved", "refund_only"),
    ("refund_return_agreed", "awaiting_return", "return_refund"),
    ("refund_buyer_returned", "return_shipped", "return_refund"),
    ("refund_refused", "rejected", "refund_only"),
    ("refund_success", "refunded", "refund_only"),
    ("refund_closed", "closed", "refund_only"),
    ("refund_modified", "requested", "refund_only"),
    ("refund_deadline_changed", "awaiting_return", "return_refund"),
])
def test_refund_tags_become_aftersale_events(name, status, case_type):
    [event] = events_of(name)
    assert event["type"] == "aftersale"
    assert (event["status"], event["aftersale_type"]) == (status, case_type)
    assert (event["aftersale_id"], event["order_id"]) == ("7123456789012345678", ORDER)


def test_a_new_refund_request_carries_reason_amount_and_deadline():
    [event] = events_of("refund_created")
    assert (event["reason"], event["reason_text"]) == ("no_reason_7d", "七天无理由退货")  # from afterSale.Detail
    assert event["amount"] == "79.00"  # refund_amount 7900 fen
    assert event["deadline_at"] == "2024-05-05T11:00:00.000+00:00"
    assert event["ts"] == "2024-05-02T11:00:00.000+00:00"  # apply_time


def test_the_deadline_change_carries_the_new_deadline():
    [event] = events_of("refund_deadline_changed")
    assert event["deadline_at"] == "2024-05-09T11:00:00.000+00:00"  # status_deadline 1715252400


def test_a_deadline_change_arriving_now_passes_the_envelope_check():
    """209 carries no time: its ts is when LiveDesk maps it, and the new deadline must lie near that."""
    tomorrow = int(datetime.now(timezone.utc).timestamp()) + 86400
    message = InboundMessage("m-9", "209", refund_data("refund_deadline_changed", status_deadline=tomorrow))
    [event] = douyin.to_events(message, connection("douyin"), DouyinDetails())
    assert not isinstance(parse_event(event, recorded_window(datetime.now(timezone.utc))), EventError)


def test_a_modified_request_carries_the_new_amount():
    [event] = events_of("refund_modified")
    assert event["amount"] == "69.00"


def test_wall_times_are_read_in_beijing_time_and_stored_in_utc():
    message = InboundMessage("m-1", "201", refund_data("refund_agreed", agree_time=None))
    [event] = douyin.to_events(message, connection("douyin"), DouyinDetails())
    assert event["ts"] == "2024-05-02T12:00:00.000+00:00"  # "2024-05-02 20:00:00" in Asia/Shanghai


def test_the_connection_zone_setting_changes_how_wall_times_are_read():
    message = InboundMessage("m-1", "201", refund_data("refund_agreed", agree_time=None))
    [event] = douyin.to_events(message, connection("douyin", settings={"zone": "UTC"}), DouyinDetails())
    assert event["ts"] == "2024-05-02T20:00:00.000+00:00"


@pytest.mark.parametrize("fen, yuan", [(1, "0.01"), (10, "0.10"), (15800, "158.00"), (999999999, "9999999.99"),
                                       ("15800", "158.00"), (0, "0.00")])
def test_fen_become_exact_yuan(fen, yuan):
    assert fen_to_yuan(fen) == Decimal(yuan)
    assert str(fen_to_yuan(fen)) == yuan


def test_a_message_with_a_broken_order_id_fails_naming_the_field():
    with pytest.raises(AdapterError) as refused:
        douyin.to_events(InboundMessage("m-2", "106", {"p_id": "a/b", "cancel_time": 1714561200}),
                         connection("douyin"), DouyinDetails())
    assert refused.value.field == "data.p_id"


def test_paid_without_a_detail_api_still_records_the_payment():
    [message] = douyin.split({}, body("douyin", "trade_paid"))
    events = douyin.to_events(message, connection("douyin"), None)
    assert [e["type"] for e in events] == ["payment"]


def test_a_refund_message_of_a_type_livedesk_does_not_know_is_ignored():
    message = InboundMessage("m-3", "200", refund_data("refund_created", aftersale_type=42))
    assert douyin.to_events(message, connection("douyin"), DouyinDetails()) == []


def test_amounts_that_are_not_whole_fen_are_refused():
    with pytest.raises(AdapterError):
        fen_to_yuan(1.5)
    with pytest.raises(AdapterError):
        fen_to_yuan(-1)


def test_an_arbitration_request_becomes_a_complaint_of_the_orders_buyer():
    [complaint] = events_of("refund_arbitration_applied")
    assert complaint["type"] == "complaint" and complaint["id"] == "douyin:7358930184512346012"
    assert (complaint["complaint_id"], complaint["order_id"]) == ("douyin-arbitration-7371234567890001", ORDER)
    assert complaint["buyer_id"] == "1@#Xk3mVn8QpL2dRt6Ws9Yb0A=="  # from the detail API
    assert "7123456789012345678" in complaint["text"]
    assert not isinstance(parse_event(complaint, recorded_window(datetime.now(timezone.utc))), EventError)


def test_an_arbitration_without_a_detail_api_is_ignored():
    [message] = douyin.split({}, body("douyin", "refund_arbitration_applied"))
    assert douyin.to_events(message, connection("douyin"), None) == []


@pytest.mark.parametrize("tag", ["213", "214", "215", "216", "217", "218", "224", "225"])
def test_other_after_sales_tags_are_ignored(tag):
    message = InboundMessage("m-4", tag, refund_data("refund_created"))
    assert douyin.to_events(message, connection("douyin"), DouyinDetails()) == []
