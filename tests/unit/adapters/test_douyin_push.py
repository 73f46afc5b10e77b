"""抖店 message push: the event-sign check, splitting a push into messages, and the acknowledgement."""
import hashlib

import pytest

from live.adapters import douyin
from live.adapters.base import AdapterError
from tests.support.platform_fakes.stubs import body, connection

APP_KEY = "7123456789012345678"
SECRET = "2ad2355c-01d0-11f8-91dc-05a8cd1054b1"


def signed(raw: bytes, secret: str = SECRET, app_key: str = APP_KEY) -> dict:
    """Return the headers 抖店 sends with raw: app-id and event-sign = md5(app_key + body + secret)."""
    return {"app-id": app_key, "event-sign": hashlib.md5(app_key.encode() + raw + secret.encode()).hexdigest()}


def test_a_push_signed_with_the_app_secret_is_accepted():
    raw = body("douyin", "trade_created")
    assert douyin.verify(signed(raw), raw, connection("douyin"))


def test_the_signature_header_name_and_hex_case_do_not_matter():
    raw = body("douyin", "trade_created")
    headers = {key.upper(): value.upper() for key, value in signed(raw).items()}
    assert douyin.verify(headers, raw, connection("douyin"))


def test_a_tampered_body_is_refused():
    raw = body("douyin", "trade_paid")
    headers = signed(raw)
    assert not douyin.verify(headers, raw.replace(b"15800", b"1"), connection("douyin"))


def test_a_signature_made_with_another_secret_is_refused():
    raw = body("douyin", "trade_created")
    assert not douyin.verify(signed(raw, secret="someone-elses-secret-123"), raw, connection("douyin"))


def test_a_push_without_event_sign_is_refused():
    raw = body("douyin", "trade_created")
    assert not douyin.verify({"app-id": APP_KEY}, raw, connection("douyin"))
    assert not douyin.verify({}, raw, connection("douyin"))


def test_a_push_for_another_app_is_refused_even_if_signed():
    raw = body("douyin", "trade_created")
    assert not douyin.verify(signed(raw, app_key="7000000000000000000"), raw, connection("douyin"))


def test_the_previous_secret_still_works_during_a_rotation():
    raw = body("douyin", "trade_created")
    rotating = connection("douyin", secrets=("new-secret-0123456789", SECRET))
    assert douyin.verify(signed(raw), raw, rotating)
    assert douyin.verify(signed(raw, secret="new-secret-0123456789"), raw, rotating)


def test_split_decodes_each_message_data_string():
    messages = douyin.split({}, body("douyin", "batch"))
    assert [(m.kind, m.message_id) for m in messages] == [
        ("100", "7358930184512345001"), ("101", "7358930184512345002"), ("999", "7358930184512349999")]
    assert messages[1].payload["pay_amount"] == 15800
    assert messages[0].payload["p_id"] == 4951234567890123456  # a 19-digit id stays exact


def test_the_verification_push_splits_into_tag_zero():
    [message] = douyin.split({}, body("douyin", "push_verify"))
    assert (message.kind, message.payload) == ("0", {})


@pytest.mark.parametrize("raw, field", [
    (b"not json", "body"),
    (b'{"tag": "100"}', "body"),
    (b'["not an object"]', "body[0]"),
    (b'[{"tag": "100", "data": "{}"}]', "body[0].msg_id"),
    (b'[{"msg_id": "1", "data": "{}"}]', "body[0].tag"),
    (b'[{"tag": "100", "msg_id": "1", "data": "{not json"}]', "body[0].data"),
    (b'[{"tag": "100", "msg_id": "1", "data": "[1, 2]"}]', "body[0].data"),
    (b'[{"tag": "100", "msg_id": "' + b"9" * 200 + b'", "data": "{}"}]', "body[0].msg_id"),
])
def test_a_malformed_push_is_refused_naming_the_field(raw, field):
    with pytest.raises(AdapterError) as refused:
        douyin.split({}, raw)
    assert refused.value.field == field


def test_acknowledgement_is_what_douyin_expects():
    assert douyin.ack(True) == ({"code": 0, "msg": "success"}, 200)
    body_, status = douyin.ack(False)
    assert body_["code"] != 0 and status == 200


def test_data_nested_too_deep_is_refused_not_crashed():
    deep = "[" * 50 + "]" * 50
    raw = ('[{"tag": "100", "msg_id": "1", "data": "{\\"a\\": ' + deep + '}"}]').encode()
    with pytest.raises(AdapterError) as refused:
        douyin.split({}, raw)
    assert refused.value.code == "too_deep"
    very_deep = ('[{"tag": "100", "msg_id": "1", "data": "' + "[" * 100_000 + '"}]').encode()
    with pytest.raises(AdapterError):
        douyin.split({}, very_deep)
