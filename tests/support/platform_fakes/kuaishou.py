"""A fake of the 快手小店 open API: order detail, batch decrypt, after-sales detail; signature checked."""
from __future__ import annotations

import copy
import json

from flask import Flask, request

from live.adapters.clients.kuaishou import sign
from tests.support.platform_fakes import FakeServer, FakeState, fixture, json_response

PLATFORM = "kuaishou"
SIGN_SECRET = "b6lXaDiYm3CRHGjj0z6KYXEt"


def default_state(app_key: str = "ks699183844582124027", app_secret: str = SIGN_SECRET):
    """Return a state answering the fixtures' order, its decryption and its refund (app_secret: the sign secret)."""
    state = FakeState(app_key=app_key, app_secret=app_secret)
    order = fixture(PLATFORM, "api_order_detail")
    state.answers[("open.order.detail", str(order["data"]["orderBaseInfo"]["oid"]))] = order
    state.answers[("open.order.decrypt.batch", None)] = fixture(PLATFORM, "api_decrypt_batch")
    refund = fixture(PLATFORM, "api_refund_detail")
    state.answers[("open.seller.order.refund.detail", str(refund["data"]["refundId"]))] = refund
    return state


def add_order(state: FakeState, order_id: str, **changes) -> None:
    """Answer order_id with a copy of the fixture order (orderBaseInfo fields changed by changes)."""
    answer = copy.deepcopy(fixture(PLATFORM, "api_order_detail"))
    answer["data"]["orderBaseInfo"].update(oid=int(order_id), **changes)
    state.answers[("open.order.detail", order_id)] = answer


def make_app(state: FakeState) -> Flask:
    """Return the fake's Flask app."""
    app = Flask("fake_kuaishou")

    @app.route("/open/<path:rest>", methods=["GET", "POST"])
    def call(rest: str):
        """Answer one signed call (method = open.<rest with dots>) from the state's answers."""
        params = request.args.to_dict() if request.method == "GET" else request.form.to_dict()
        failure = state.record(request.path, params)
        if failure is not None:
            return failure
        method = "open." + rest.replace("/", ".")
        if (params.get("appkey") != state.app_key or params.get("method") != method
                or params.get("sign") != sign(state.app_secret, {k: v for k, v in params.items() if k != "sign"})):
            state.bad_signatures += 1
            return json_response({"result": 27, "error_msg": "sign invalid"})
        if params.get("access_token") != state.access_token:
            return json_response({"result": 21, "error_msg": "token expired"})
        param = json.loads(params.get("param") or "{}")
        key = {"open.order.detail": str(param.get("oid")), "open.order.decrypt.batch": None,
               "open.seller.order.refund.detail": str(param.get("refundId"))}.get(method, "?")
        answer = state.answers.get((method, key))
        return json_response(answer or {"result": 4001, "error_msg": "订单不存在"})

    return app


def serve(state: FakeState | None = None) -> FakeServer:
    """Start the fake on a local port and return it (stop() it when done)."""
    state = state or default_state()
    return FakeServer(make_app(state), state)
