"""快手小店 message push: decryption as the signature check, split, ack, and the mapping of each event."""
import base64
import logging
from datetime import datetime, timezone

import pytest

from live.adapters import kuaishou
from live.adapters.base import AdapterError
from live.events import EventError, parse_event, recorded_window
from tests.support.platform_fakes.stubs import (KUAISHOU_KEY, KUAISHOU_OLD_KEY, KuaishouDetails, connection,
                                                kuaishou_body)

ORDER = "2607602240240301"


def events_of(name: str, details=None, **connection_args) -> list[dict]:
    """Return the events of a fixture message (encrypted with the test key, then split and mapped)."""
    conn = connection("kuaishou", **connection_args)
    details = KuaishouDetails() if details is None else details
    return [event for message in kuaishou.split({}, kuaishou_body(name))
            for event in kuaishou.to_events(message, conn, details)]


def test_a_body_encrypted_with_the_message_key_is_accepted():
    raw = kuaishou_body("order_add")
    assert kuaishou.verify({}, raw, connection("kuaishou"))


def test_a_body_encrypted_with_another_key_is_refused():
    wrong = base64.b64encode(bytes(32)).decode()
    assert not kuaishou.verify({}, kuaishou_body("order_add", key=wrong), connection("kuaishou"))


def test_a_tampered_body_is_refused():
    raw = bytearray(base64.b64decode(kuaishou_body("order_add")))
    raw[-20] ^= 0x55  # flips bytes of the last blocks: padding or JSON breaks
    assert not kuaishou.verify({}, base64.b64encode(bytes(raw)), connection("kuaishou"))


def test_a_missing_or_plain_body_is_refused():
    assert not kuaishou.verify({}, b"", connection("kuaishou"))
    assert not kuaishou.verify({}, b'{"appKey": "ks699183844582124027", "event": "x"}', connection("kuaishou"))


def test_a_message_for_another_app_is_refused_even_when_it_decrypts():
    raw = kuaishou_body("order_add", appKey="ks000000000000000000")
    assert not kuaishou.verify({}, raw, connection("kuaishou"))


def test_the_previous_key_works_during_a_rotation():
    raw = kuaishou_body("order_add", key=KUAISHOU_OLD_KEY)
    assert kuaishou.verify({}, raw, connection("kuaishou", secrets=(KUAISHOU_KEY, KUAISHOU_OLD_KEY)))
    assert not kuaishou.verify({}, raw, connection("kuaishou"))


def test_split_gives_one_encrypted_message_whose_id_is_stable():
    raw = kuaishou_body("order_pay_success")
    [first], [second] = kuaishou.split({}, raw), kuaishou.split({}, raw)
    assert first.kind == "encrypted" and first.message_id == second.message_id


def test_split_refuses_what_is_not_base64():
    with pytest.raises(AdapterError):
        kuaishou.split({}, b"not base64!")


def test_ack_is_result_one():
    assert kuaishou.ack(True) == ({"result": 1, "msg": "success"}, 200)


def test_every_event_passes_the_envelope_check():
    window = recorded_window(datetime.now(timezone.utc))
    for name in ("order_add", "order_pay_success", "order_fail", "refund_add", "refund_update_success"):
        for event in events_of(name):
            assert not isinstance(parse_event(event, window), EventError), event


def test_an_added_order_becomes_an_order_with_the_decrypted_buyer():
    [order] = events_of("order_add")
    assert (order["id"], order["order_id"]) == (f"kuaishou:order:{ORDER}", ORDER)
    assert order["items"] == [{"sku": "TEA-01", "qty": 2, "unit_price": "79.00"}]
    assert order["buyer"] == {"id": "f1b68e8f2a4995ed14bf572415fe3aff", "name": "张三", "phone": "13812345678",
                              "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                                          "detail": "文三路 1 号"}}
    assert order["ts"] == "2026-03-17T12:35:42.425+00:00"  # createTime in epoch milliseconds


def test_a_paid_order_gives_order_and_payment_in_yuan():
    order, payment = events_of("order_pay_success")
    assert payment == {"id": f"kuaishou:pay:{ORDER}", "type": "payment", "ts": "2026-03-17T12:36:42.000+00:00",
                       "order_id": ORDER, "status": "paid", "amount": "158.00", "method": "alipay"}


def test_a_message_of_another_seller_is_ignored_and_says_why():
    """One 快手 app's push URL gets every authorising shop's messages: userId (info.sellerId) says whose."""
    [message] = kuaishou.split({}, kuaishou_body("order_pay_success"))
    ignored = kuaishou.to_events(message, connection("kuaishou", shop_id="1111111"), KuaishouDetails())
    assert ignored == [] and ignored.reason == "message of seller 2161524184, not this connection's shop"
    assert events_of("refund_add", shop_id="1111111") == []
    assert events_of("order_pay_success", shop_id="2161524184") != []
    assert events_of("order_pay_success") != []  # a connection without a shop id takes every shop's


def test_a_failed_order_is_cancelled():
    [cancel] = events_of("order_fail")
    assert (cancel["type"], cancel["id"], cancel["order_id"]) == ("order_cancel", f"kuaishou:cancel:{ORDER}", ORDER)


def test_a_refund_request_becomes_an_aftersale_with_detail():
    [event] = events_of("refund_add")
    assert event["id"] == "kuaishou:84_2375715766430"  # from msgId: a redelivery is the same event
    assert (event["aftersale_type"], event["status"]) == ("refund_only", "requested")
    assert (event["aftersale_id"], event["order_id"], event["amount"]) == ("2607700011112222", ORDER, "79.00")
    assert (event["reason"], event["reason_text"]) == ("no_reason_7d", "七天无理由退货")
    assert event["deadline_at"] == "2026-03-22T12:36:42.000+00:00"


def test_a_refund_success_is_refunded():
    [event] = events_of("refund_update_success")
    assert event["status"] == "refunded"


@pytest.mark.parametrize("name", ["order_success", "order_delivering", "heartbeat", "unknown_event"])
def test_messages_livedesk_does_not_mirror_are_ignored_and_logged(name, caplog):
    details = KuaishouDetails()
    with caplog.at_level(logging.INFO, logger="livedesk.adapters"):
        assert events_of(name, details=details) == []
    assert "ignored" in caplog.text and details.calls == []


def test_a_redelivery_gives_the_same_events():
    assert events_of("order_pay_success") == events_of("order_pay_success")


def test_a_message_whose_key_was_dropped_fails_naming_the_body():
    [message] = kuaishou.split({}, kuaishou_body("order_add", key=KUAISHOU_OLD_KEY))
    with pytest.raises(AdapterError) as refused:
        kuaishou.to_events(message, connection("kuaishou"), KuaishouDetails())
    assert refused.value.code == "undecryptable"
