"""What the live console's refusals say (probe 1, F6 and F11): a pin on a broadcast that is not live, a link number
already used, a planned start out of its window; each a whole sentence in the reader's language, and the window's
bounds readable (whole seconds). Codes and fields, the contract, do not change."""
from __future__ import annotations

import re

from app.auth.models import User
from app.extensions import db
from tests.support.auth import csrf_token, login


def _chinese(app, username: str) -> None:
    """Give username the 简体中文 setting."""
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username=username)).locale = "zh_CN"
        db.session.commit()


def _session(app):
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"}


def _broadcast_with_tea(client, headers) -> int:
    client.post("/api/v1/products", json={"sku": "TEA", "name": "Tea", "price": "88.00", "stock": 5}, headers=headers)
    client.post("/api/v1/products", json={"sku": "HONEY", "name": "Honey", "price": "58.00", "stock": 5}, headers=headers)
    broadcast_id = client.post("/api/v1/broadcasts", json={"title": "B", "platform": "douyin"}, headers=headers).get_json()["id"]
    for sku, link in (("TEA", 1), ("HONEY", 2)):
        added = client.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": sku, "link_no": link}, headers=headers)
        assert added.status_code == 201, added.get_json()
    return broadcast_id


def test_a_pin_on_a_broadcast_that_is_not_live_says_why_in_a_sentence_in_both_languages(app, users):
    client, headers = _session(app)
    broadcast_id = _broadcast_with_tea(client, headers)
    early = client.post(f"/api/v1/broadcasts/{broadcast_id}/pin", json={"sku": "TEA"}, headers=headers)
    assert early.status_code == 409
    assert early.get_json()["error"] == {
        "code": "invalid_state", "field": "status",
        "message": "a scheduled broadcast has not started: products can be pinned once it is live"}
    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={}, headers=headers).status_code == 200
    late = client.post(f"/api/v1/broadcasts/{broadcast_id}/unpin", json={"sku": "TEA"}, headers=headers)
    assert late.get_json()["error"]["message"] == \
        "an ended broadcast is over: its products can no longer be pinned or unpinned"

    _chinese(app, "admin")
    chinese = client.post(f"/api/v1/broadcasts/{broadcast_id}/pin", json={"sku": "TEA"}, headers=headers)
    assert chinese.get_json()["error"] == {"code": "invalid_state", "field": "status",
                                           "message": "直播已结束，不能再置顶或取消置顶商品"}


def test_a_link_number_already_used_is_refused_in_the_readers_language(app, users):
    client, headers = _session(app)
    broadcast_id = _broadcast_with_tea(client, headers)
    taken = client.patch(f"/api/v1/broadcasts/{broadcast_id}/products/HONEY", json={"link_no": 1}, headers=headers)
    assert taken.status_code == 409
    assert taken.get_json()["error"] == {"code": "link_taken", "field": "link_no",
                                         "message": "link 1 is already used in this broadcast"}
    _chinese(app, "admin")
    again = client.patch(f"/api/v1/broadcasts/{broadcast_id}/products/HONEY", json={"link_no": 1}, headers=headers)
    assert again.get_json()["error"] == {"code": "link_taken", "field": "link_no",
                                         "message": "1 号链接已被本场直播的其他商品使用"}
    cleared = client.patch(f"/api/v1/broadcasts/{broadcast_id}/products/HONEY", json={"link_no": None}, headers=headers)
    assert cleared.get_json()["error"]["message"] == "link_no 必须是从 1 开始的整数，或留空"


def test_the_planned_start_window_is_given_in_whole_seconds(app, users):
    client, headers = _session(app)
    broadcast_id = client.post("/api/v1/broadcasts", json={"title": "B", "platform": "douyin"}, headers=headers).get_json()["id"]
    answer = client.patch(f"/api/v1/broadcasts/{broadcast_id}", json={"planned_start_at": "2020-01-01T02:00:00Z"},
                          headers=headers)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert (error["code"], error["field"]) == ("out_of_range", "planned_start_at")
    bound = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    assert re.fullmatch(rf"planned_start_at must be between {bound} and {bound}", error["message"]), error["message"]
