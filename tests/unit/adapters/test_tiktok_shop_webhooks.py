"""TikTok Shop webhooks: the Authorization check (against the documented example), split, ack, and mapping."""
import hashlib
import hmac
import logging
from datetime import datetime, timezone

import pytest

from live.adapters import tiktok_shop
from live.adapters.base import AdapterError, InboundMessage
from live.events import EventError, parse_event, recorded_window
from tests.support.platform_fakes.stubs import TikTokDetails, body, connection

APP_KEY = "6a6b7c8d9e0f1"
SECRET = "4eb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9"
ORDER = "576486316948490001"


def signed(raw: bytes, secret: str = SECRET, app_key: str = APP_KEY) -> dict:
    """Return the Authorization header TikTok Shop sends with raw."""
    return {"Authorization": hmac.new(secret.encode(), app_key.encode() + raw, hashlib.sha256).hexdigest()}


def events_of(name: str, details=None, **connection_args) -> list[dict]:
    """Return the events of a fixture webhook."""
    conn = connection("tiktok_shop", **connection_args)
    details = TikTokDetails() if details is None else details
    return [event for message in tiktok_shop.split({}, body("tiktok_shop", name))
            for event in tiktok_shop.to_events(message, conn, details)]


def test_the_documented_signature_example_verifies():
    """Webhooks Overview: app key abcdef, app secret 123, this payload → 5dec0f11…ac05."""
    raw = body("tiktok_shop", "docs_signature_example")
    conn = connection("tiktok_shop", app_key="abcdef", secrets=("123",))
    header = {"Authorization": "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"}
    assert tiktok_shop.verify(header, raw, conn)


def test_a_tampered_body_a_wrong_secret_and_a_missing_header_are_refused():
    raw = body("tiktok_shop", "order_unpaid")
    conn = connection("tiktok_shop")
    assert tiktok_shop.verify(signed(raw), raw, conn)
    assert not tiktok_shop.verify(signed(raw), raw.replace(b"UNPAID", b"CANCEL"), conn)
    assert not tiktok_shop.verify(signed(raw, secret="not-the-secret-0000"), raw, conn)
    assert not tiktok_shop.verify({}, raw, conn)


def test_the_previous_secret_works_during_a_rotation():
    raw = body("tiktok_shop", "order_unpaid")
    assert tiktok_shop.verify(signed(raw), raw, connection("tiktok_shop", secrets=("fresh-secret-0123456", SECRET)))


def test_split_keeps_the_notification_id_for_dedupe():
    [message] = tiktok_shop.split({}, body("tiktok_shop", "order_unpaid"))
    assert (message.message_id, message.kind) == ("7327112393057371910", "1")
    assert message.payload["data"]["order_status"] == "UNPAID"


def test_a_notification_without_an_id_gets_a_stable_one_from_its_content():
    raw = b'{"type":1,"shop_id":"1","timestamp":1644412885,"data":{"order_id":"1","order_status":"UNPAID"}}'
    first, second = tiktok_shop.split({}, raw)[0], tiktok_shop.split({}, raw)[0]
    assert first.message_id == second.message_id and first.message_id.startswith("c:")


@pytest.mark.parametrize("raw, field", [(b"[]", "body"), (b"{", "body"), (b'{"type": 1, "data": "x"}', "data"),
                                        (b'{"type": {}, "data": {}}', "type")])
def test_a_malformed_webhook_is_refused(raw, field):
    with pytest.raises(AdapterError) as refused:
        tiktok_shop.split({}, raw)
    assert refused.value.field == field


def test_ack_is_http_200_once_stored():
    assert tiktok_shop.ack(True)[1] == 200
    assert tiktok_shop.ack(False)[1] >= 500  # TikTok retries anything but 200


def test_every_event_passes_the_envelope_check():
    window = recorded_window(datetime.now(timezone.utc))
    for name in ("order_unpaid", "order_awaiting_shipment", "order_cancel", "cancellation_success", "return_complete"):
        for event in events_of(name):
            assert not isinstance(parse_event(event, window), EventError), event


def test_an_unpaid_order_becomes_an_order_with_grouped_units():
    [order] = events_of("order_unpaid")
    assert (order["id"], order["order_id"], order["source"]) == (f"tiktok_shop:order:{ORDER}", ORDER, "in_stream")
    assert order["items"] == [{"sku": "TEA-01", "qty": 2, "unit_price": "23.99"}]  # two unit line items
    assert order["buyer"]["id"] == "7021436810468230477"
    assert order["buyer"]["address"] == {"province": "New York", "city": "New York County", "district": "New York",
                                         "detail": "1 Main St, Apt 2"}
    assert order["ts"] == "2022-02-09T13:21:25.000+00:00"


def test_awaiting_shipment_adds_the_payment_with_the_exact_total():
    order, payment = events_of("order_awaiting_shipment")
    assert payment["id"] == f"tiktok_shop:pay:{ORDER}"
    assert (payment["amount"], payment["status"], payment["method"]) == ("52.98", "paid", "CARD")


def test_on_hold_and_awaiting_shipment_share_the_payment_id():
    assert events_of("order_on_hold")[1]["id"] == events_of("order_awaiting_shipment")[1]["id"]


def test_a_cancelled_order_and_a_successful_cancellation_give_one_cancel_id():
    [by_status] = events_of("order_cancel")
    [by_request] = events_of("cancellation_success")
    assert by_status["type"] == by_request["type"] == "order_cancel"
    assert by_status["id"] == by_request["id"] == f"tiktok_shop:cancel:{ORDER}"
    assert by_request["reason"] == "cancellation requested by buyer"


@pytest.mark.parametrize("name", ["order_in_transit", "cancellation_pending", "address_updated",
                                  "seller_deauthorized", "unknown_type"])
def test_notifications_livedesk_does_not_mirror_are_ignored_and_logged(name, caplog):
    details = TikTokDetails()
    with caplog.at_level(logging.INFO, logger="livedesk.adapters"):
        assert events_of(name, details=details) == []
    assert "ignored" in caplog.text and details.calls == []


@pytest.mark.parametrize("name, case_type, status", [
    ("return_pending", "refund_only", "requested"),
    ("return_awaiting_buyer_ship", "return_refund", "awaiting_return"),
    ("return_complete", "refund_only", "refunded"),
    ("replacement_refunded", "refund_only", "refunded"),
])
def test_return_status_changes_become_aftersale_events(name, case_type, status):
    [event] = events_of(name)
    assert (event["type"], event["aftersale_type"], event["status"]) == ("aftersale", case_type, status)
    assert (event["aftersale_id"], event["order_id"]) == ("4035318504086604200", ORDER)


def test_a_return_carries_reason_amount_and_the_sellers_deadline():
    [event] = events_of("return_pending")
    assert (event["reason"], event["reason_text"]) == ("logistics_damage", "Damaged product")
    assert event["amount"] == "23.99"
    assert event["deadline_at"] == "2022-02-12T13:33:20.000+00:00"  # seller_next_action_response deadline


def test_a_notification_of_another_shop_is_ignored():
    assert events_of("order_unpaid", shop_id="1111111111") == []
    assert events_of("order_unpaid", shop_id="7494049642642441621") != []


def test_a_redelivery_gives_the_same_events():
    assert events_of("return_pending") == events_of("return_pending")


def test_a_status_without_a_detail_api_is_ignored_not_guessed():
    [message] = tiktok_shop.split({}, body("tiktok_shop", "order_unpaid"))
    assert tiktok_shop.to_events(message, connection("tiktok_shop"), None) == []


def test_a_return_of_an_unknown_status_is_ignored():
    data = {"order_id": ORDER, "return_id": "1", "return_type": "REFUND", "return_status": "SOMETHING_NEW"}
    message = InboundMessage("n-1", "12", {"shop_id": None, "timestamp": 1644412885, "data": data})
    assert tiktok_shop.to_events(message, connection("tiktok_shop"), TikTokDetails()) == []
