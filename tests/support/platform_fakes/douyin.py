"""A fake of the 抖店 open API: order.orderDetail, order.batchDecrypt and afterSale.Detail, signature checked."""
from __future__ import annotations

import copy
import json

from flask import Flask, request

from live.adapters.clients.douyin import sign
from tests.support.platform_fakes import FakeServer, FakeState, fixture, json_response

PLATFORM = "douyin"


def default_state(app_key: str = "7123456789012345678", app_secret: str = "2ad2355c-01d0-11f8-91dc-05a8cd1054b1"):
    """Return a state answering the fixtures' order, its decryption and its after-sales record."""
    state = FakeState(app_key=app_key, app_secret=app_secret)
    order = fixture(PLATFORM, "api_order_detail")
    state.answers[("order.orderDetail", order["data"]["shop_order_detail"]["order_id"])] = order
    state.answers[("order.batchDecrypt", None)] = fixture(PLATFORM, "api_batch_decrypt")
    aftersale = fixture(PLATFORM, "api_aftersale_detail")
    state.answers[("afterSale.Detail", str(aftersale["data"]["process_info"]["after_sale_info"]["after_sale_id"]))] = \
        aftersale
    return state


def add_order(state: FakeState, order_id: str, **changes) -> None:
    """Answer order_id with a copy of the fixture order (fields of shop_order_detail changed by changes)."""
    answer = copy.deepcopy(fixture(PLATFORM, "api_order_detail"))
    answer["data"]["shop_order_detail"].update(order_id=order_id, **changes)
    state.answers[("order.orderDetail", order_id)] = answer


def make_app(state: FakeState) -> Flask:
    """Return the fake's Flask app."""
    app = Flask("fake_douyin")

    @app.post("/<group>/<name>")
    def call(group: str, name: str):
        """Answer one signed call (method = group.name) from the state's answers."""
        failure = state.record(request.path, request.args)
        if failure is not None:
            return failure
        method = f"{group}.{name}"
        args = request.args
        body = request.get_data(as_text=True)
        expected = sign(state.app_key, state.app_secret, method, body, args.get("timestamp", ""))
        if (args.get("app_key") != state.app_key or args.get("method") != method or args.get("v") != "2"
                or args.get("sign") != expected):
            state.bad_signatures += 1
            return json_response({"code": 40004, "msg": "签名校验失败", "sub_code": "isv.signature-invalid"})
        if args.get("access_token") != state.access_token:
            return json_response({"code": 40002, "msg": "access_token 无效", "sub_code": "isv.access-token-invalid"})
        params = json.loads(body or "{}")
        key = {"order.orderDetail": params.get("shop_order_id"), "order.batchDecrypt": None,
               "afterSale.Detail": params.get("after_sale_id")}.get(method, "?")
        answer = state.answers.get((method, key))
        if answer is None:
            return json_response({"code": 50002, "msg": "业务处理失败", "sub_code": "isv.business-failed:订单不存在"})
        return json_response(answer)

    return app


def serve(state: FakeState | None = None) -> FakeServer:
    """Start the fake on a local port and return it (stop() it when done)."""
    state = state or default_state()
    return FakeServer(make_app(state), state)
