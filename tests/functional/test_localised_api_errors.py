"""An API error's message is in the reader's language; its code and field, the contract, never change."""
from __future__ import annotations

from app.auth.models import User
from app.extensions import db
from app.http.messages import SHAPES, _pattern, localise
from tests.support.auth import csrf_token, login


def _chinese(app, username: str) -> None:
    """Give username the 简体中文 setting."""
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username=username)).locale = "zh_CN"
        db.session.commit()


def test_a_chinese_readers_api_errors_keep_code_and_field_and_translate_the_message(app, users):
    _chinese(app, "admin")
    client = login(app, "admin")
    headers = {"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"}

    missing = client.post("/api/v1/broadcasts", json={"title": "", "platform": "douyin"}, headers=headers)
    assert missing.status_code == 400
    assert missing.get_json() == {"error": {"code": "missing_field", "field": "title", "message": "必须填写 title"}}

    broadcast_id = client.post("/api/v1/broadcasts", json={"title": "B", "platform": "douyin"}, headers=headers).get_json()["id"]
    slow = client.put(f"/api/v1/broadcasts/{broadcast_id}/moderation-policy",
                      json={"chat_mode": {"slow_seconds": 99999}}, headers=headers)
    assert slow.status_code == 400
    assert slow.get_json()["error"] == {"code": "out_of_range", "field": "chat_mode.slow_seconds",
                                        "message": "chat_mode.slow_seconds 必须是 0 到 3600 之间的整数"}


def test_english_readers_and_api_clients_get_the_message_unchanged(app, users, api):
    client = login(app, "admin")
    headers = {"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"}
    answer = client.post("/api/v1/broadcasts", json={"title": "", "platform": "douyin"}, headers=headers)
    assert answer.get_json()["error"]["message"] == "title is required"
    assert api.post("/api/v1/broadcasts", {"title": "", "platform": "douyin"}).get_json()["error"] == {
        "code": "missing_field", "field": "title", "message": "title is required"}


def test_a_message_of_no_known_shape_is_left_as_it_is(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert localise("title is required") == "必须填写 title"
        assert localise("the moon is not a broadcast") == "the moon is not a broadcast"


def test_every_shape_matches_its_own_english_wording():
    for shape in SHAPES:
        example = shape % {"field": "policy.timeout_s", "max": "200", "low": "0", "high": "3600", "choices": "a, b",
                           "count": "50", "id": "7", "sku": "'TEE'", "scopes": "ingest",
                           "number": "ABC123", "carrier": "SF Express", "amount": "5.00", "left": "3.00",
                           "buyer": "'B-1'", "example": "Asia/Shanghai", "line": "2", "name": "'x'",
                           "columns": "sku, name", "other": "starts_at", "code": "P1", "product": "TEE"} if "%(" in shape else shape
        assert _pattern(shape).fullmatch(example), shape


def test_a_broadcast_state_error_reads_as_a_sentence_in_both_languages(app, users):
    client = login(app, "admin")
    headers = {"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"}
    broadcast_id = client.post("/api/v1/broadcasts", json={"title": "B", "platform": "douyin"}, headers=headers).get_json()["id"]
    early = client.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={}, headers=headers)
    assert early.status_code == 409
    assert early.get_json()["error"] == {"code": "invalid_state", "field": "status",
                                         "message": "a scheduled broadcast cannot be ended"}
    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={}, headers=headers).status_code == 200
    again = client.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={}, headers=headers)
    assert again.get_json()["error"]["message"] == "an ended broadcast cannot be started"

    _chinese(app, "admin")
    chinese = client.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={}, headers=headers)
    assert chinese.get_json()["error"] == {"code": "invalid_state", "field": "status",
                                           "message": "直播已结束，不能再次结束"}


def test_fulfilment_and_aftersales_refusals_translate_and_never_show_a_pattern(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert localise("ABCDEFG is not a SF Express tracking number: check it on the waybill") == \
            "ABCDEFG 不是 SF Express 的运单号，请对照面单核实"
        assert localise("2 unit(s) of SCARF-01-CML are left to ship") == "SCARF-01-CML 还剩 2 件待发货"


def test_a_follow_up_for_an_unknown_buyer_or_order_is_refused_in_the_readers_language(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert localise("no order, complaint or survey of buyer 'ghost'") == "买家 'ghost' 没有任何订单、投诉或调查记录"
        assert localise("no follow-up 12") == "没有回访任务 12"
        assert localise("no order DY-404") == "没有订单 DY-404"
        assert localise("no order 'DY-405' has been received") == "尚未收到订单 'DY-405'"


def test_every_listed_problem_of_a_promotion_is_in_the_readers_language(app, users):
    _chinese(app, "admin")
    client = login(app, "admin")
    headers = {"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"}
    answer = client.post("/api/v1/promotions", json={"code": "MEMBER-ZH", "kind": "member", "tier": "gold",
                                                     "prices": {"NOPE": "1.00", "GONE": "2.00"}}, headers=headers)
    assert answer.status_code == 404
    body = answer.get_json()
    assert body["error"] == {"code": "unknown_sku", "field": "prices.NOPE", "message": "没有 SKU 为 'NOPE' 的商品"}
    assert [(e["field"], e["message"]) for e in body["errors"]] == [
        ("prices.NOPE", "没有 SKU 为 'NOPE' 的商品"), ("prices.GONE", "没有 SKU 为 'GONE' 的商品")]


def test_a_refused_promotion_reads_as_whole_chinese_sentences(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert localise("ends_at must be after starts_at") == "ends_at 必须晚于 starts_at"
        assert localise("code may hold only letters, digits, '-' and '_'") == "code 只能包含字母、数字、- 和 _"
        assert localise("skus lists a SKU twice") == "skus 中有 SKU 重复出现"
        assert localise("a percent coupon takes at most 100 percent off") == "折扣券最多减免 100%"
        assert localise("off must be less than every") == "off 必须小于 every"
        assert localise("promotion code 'P3FLASH1' exists already") == "优惠代码 'P3FLASH1' 已存在"
