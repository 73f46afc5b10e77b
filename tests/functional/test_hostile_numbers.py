"""Hostile numbers and ids found by an attacker's probe: each is a 4xx naming the field (or a row error), never a 500."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from live.adapters.mapping import AdapterError, count, platform_time
from tests.support.api import ApiClient, order_event
from tests.support.auth import csrf_token, login
from tests.support.databases import create_token


def test_a_signature_with_a_timestamp_of_hundreds_of_digits_is_refused_as_a_bad_signature(app, api):
    broadcast_id = api.live_broadcast()
    signed = ApiClient(app.test_client(), create_token(app, "signed", ["s3cret-s3cret-s3cret"]))
    for digits in (20, 309, 5000):
        answer = signed.post(f"/api/v1/broadcasts/{broadcast_id}/events", {"events": []},
                             headers={"X-LiveDesk-Signature": f"t={'9' * digits},v1=00"})
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "bad_signature", digits


def test_a_public_endpoint_answers_json_nested_a_thousand_deep_with_too_deep(client):
    for body in ("[" * 1000 + "]" * 1000, '{"token": ' + '{"a": ' * 2000 + "1" + "}" * 2000 + ', "score": 5}'):
        answer = client.post("/api/v1/surveys/answers", data=body, content_type="application/json")
        assert answer.status_code == 400
        assert answer.get_json()["error"]["code"] == "too_deep" and answer.get_json()["error"]["field"] == "body"


@pytest.mark.parametrize("cell", ["²", "١", "9" * 4301])
def test_a_terms_csv_with_a_broadcast_id_that_is_not_plain_digits_names_its_cell(app, users, cell):
    client = login(app, "moderator")
    answer = client.post("/api/v1/moderation/terms/import", content_type="text/csv",
                         data=f"term,category,action,broadcast_id\r\nbar1,diversion,hide,\r\nbar2,diversion,hide,{cell}\r\n".encode(),
                         headers={"X-CSRFToken": csrf_token(client, "/")})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "csv.row[3].broadcast_id"


def _import(api, body: str):
    return api.post("/api/v1/products/import?dry_run=1", data=body.encode(), headers={"Content-Type": "text/csv"})


def test_a_catalogue_csv_names_a_stock_of_thousands_of_digits_and_python_spellings_of_prices(api):
    rows = _import(api, "sku,name,price,stock\r\nIMP1,n,1,%s\r\nIMP2,n,1_000,1\r\nIMP3,n,٥,1\r\n" % ("9" * 4301))
    assert rows.status_code == 200
    errors = [[e["field"] for e in row["errors"]] for row in rows.get_json()["rows"]]
    assert errors == [["stock"], ["price"], ["price"]]


@pytest.mark.parametrize("sku", ["a/b", ".", ".."])
def test_a_sku_no_url_could_name_is_refused_by_the_api_and_the_import(api, sku):
    answer = api.post("/api/v1/products", {"sku": sku, "name": "n", "price": 1, "stock": 1})
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid_character" and answer.get_json()["error"]["field"] == "sku"
    variant = api.post("/api/v1/products", {"sku": "OK", "name": "n", "price": 1,
                                            "variants": [{"sku": sku, "size": "M", "stock": 1}]})
    assert variant.status_code == 400 and variant.get_json()["error"]["field"] == "variants[0].sku"
    assert api.get("/api/v1/products").get_json()["total"] == 0
    preview = _import(api, f"sku,name,price,stock\r\n{sku},n,1,1\r\n").get_json()
    assert [e["field"] for e in preview["rows"][0]["errors"]] == ["sku"]


def test_integers_written_with_a_decimal_point_are_integers_in_events(api):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    results = api.events(broadcast_id, [order_event("A1", 2.0, order_id="F-1"),
                                        order_event("A1", 1.5, order_id="F-2"),
                                        {"id": "g-1", "type": "gift", "ts": order_event()["ts"], "viewer_id": "v1",
                                         "gift_id": "rose", "count": 3.0}]).get_json()["results"]
    assert results[0]["status"] == "accepted" and results[0]["order"]["items"][0]["qty"] == 2
    assert results[1]["status"] == "rejected" and results[1]["error"]["field"] == "items[0].qty"
    assert results[2]["status"] == "accepted", results[2]


@pytest.mark.parametrize("amount", ["1_000", "٥", " 5 ", "1e2", "NaN"])
def test_amounts_in_python_spellings_are_refused_in_bodies_and_events(api, amount):
    answer = api.post("/api/v1/products", {"sku": "P1", "name": "n", "price": amount, "stock": 1})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "price"
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    result = api.events(broadcast_id, [order_event("A1", 1, unit_price=amount)]).get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["field"] == "items[0].unit_price"


@pytest.mark.parametrize("value", ["9" * 400, "9" * 5000, float("inf"), float("nan")])
def test_adapter_numbers_out_of_any_range_are_a_malformed_field_not_a_crash(value):
    with pytest.raises(AdapterError) as count_error:
        count(value, "likeCount")
    assert count_error.value.field == "likeCount"
    with pytest.raises(AdapterError) as time_error:
        platform_time(value, "createTime", ZoneInfo("Asia/Shanghai"))
    assert time_error.value.field == "createTime"


def test_the_bearer_scheme_is_read_in_any_case_and_a_405_names_the_allowed_methods(app, api, token):
    broadcast_id = api.live_broadcast()
    client = app.test_client()
    assert client.get(f"/api/v1/broadcasts/{broadcast_id}", headers={"Authorization": f"bearer {token}"}).status_code == 200
    refused = client.delete(f"/api/v1/broadcasts/{broadcast_id}", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 405 and refused.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in refused.headers["Allow"] and refused.mimetype == "application/json"
