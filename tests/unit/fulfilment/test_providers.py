"""Tracking providers: signatures as kuaidi100 and kdniao compute them, and their payloads as checkpoints."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from orders.fulfilment.providers import PayloadError, kdniao, kuaidi100

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "tracking"


def test_kuaidi100_signs_upper_case_md5_of_param_and_salt():
    expected = hashlib.md5(b'{"a":1}salt').hexdigest().upper()
    assert kuaidi100.signature('{"a":1}', "salt") == expected
    assert kuaidi100.verify('{"a":1}', expected.lower(), "salt")
    assert not kuaidi100.verify('{"a":2}', expected, "salt") and not kuaidi100.verify('{"a":1}', None, "salt")
    assert not kuaidi100.verify('{"a":1}', hashlib.md5(b'{"a":1}').hexdigest().upper(), "")


def test_kdniao_signs_base64_of_the_md5_hex_and_accepts_it_url_encoded():
    sign = base64.b64encode(hashlib.md5(b"{}key").hexdigest().encode()).decode()
    assert kdniao.signature("{}", "key") == sign
    assert kdniao.verify("{}", sign, "key") and kdniao.verify("{}", sign.replace("=", "%3D"), "key")
    assert not kdniao.verify("{}", sign, "other")


def test_a_kuaidi100_push_becomes_checkpoints_in_beijing_time():
    [update] = kuaidi100.parse((FIXTURES / "kuaidi100_param.json").read_text())
    assert (update.provider_carrier, update.tracking_no) == ("shunfeng", "SF1234567890123")
    newest = update.checkpoints[0]
    assert newest.at == datetime(2026, 12, 7, 0, 40, 12, tzinfo=timezone.utc) and newest.status == "out_for_delivery"
    assert [c.status for c in update.checkpoints] == ["out_for_delivery", "in_transit", "in_transit", "picked_up"]
    assert newest.location == "浙江,杭州市,西湖区"


def test_without_per_scan_states_only_the_newest_scan_takes_the_parcels_state():
    body = {"status": "shutdown", "lastResult": {"state": "3", "com": "yuantong", "nu": "YT1234567890123", "data": [
        {"context": "已签收", "ftime": "2026-12-05 10:00:00"}, {"context": "运输中", "ftime": "2026-12-04 10:00:00"},
        {"context": "bad time", "ftime": "yesterday"}]}}
    [update] = kuaidi100.parse(json.dumps(body))
    assert [c.status for c in update.checkpoints] == ["delivered", "in_transit"]


def test_a_kdniao_push_maps_actions_and_the_state_of_its_last_trace():
    business_id, [update] = kdniao.parse((FIXTURES / "kdniao_request_data.json").read_text())
    assert business_id == "1237100" and update.tracking_no == "773012345678"
    assert [c.status for c in update.checkpoints] == ["picked_up", "in_transit", "out_for_delivery", "delivered"]
    assert kdniao.status_of("404") == "delivery_failed" and kdniao.status_of("412") == "exception"
    assert kuaidi100.status_of("14") == "delivery_failed" and kuaidi100.status_of("304") == "delivered"


@pytest.mark.parametrize("parse, payload", [
    (kuaidi100.parse, "not json"), (kuaidi100.parse, "[]"), (kuaidi100.parse, '{"lastResult": {"com": "x"}}'),
    (kdniao.parse, "{"), (kdniao.parse, '{"Data": "x"}'), (kdniao.parse, '{"Data": [{"ShipperCode": "SF"}]}'),
])
def test_payloads_that_are_not_a_providers_push_are_refused(parse, payload):
    with pytest.raises(PayloadError):
        parse(payload)


def test_hostile_text_in_a_push_is_cut_and_loses_nul_and_lone_surrogates():
    body = {"lastResult": {"state": "0", "com": "shunfeng", "nu": "SF1", "data": [
        {"context": "a\u0000b\ud800" + "x" * 900, "ftime": "2026-12-05 10:00:00"}]}}
    [update] = kuaidi100.parse(json.dumps(body))
    assert update.checkpoints[0].description.startswith("abx") and len(update.checkpoints[0].description) == 500
