"""A fake of the TikTok Shop API (202309): Get Order Detail and Search Returns, signature checked."""
from __future__ import annotations

import copy
import json

from flask import Flask, request

from live.adapters.clients.tiktok_shop import ORDER_PATH, RETURNS_PATH, sign
from tests.support.platform_fakes import FakeServer, FakeState, fixture, json_response

PLATFORM = "tiktok_shop"


def default_state(app_key: str = "6a6b7c8d9e0f1", app_secret: str = "4eb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9"):
    """Return a state answering the fixtures' order and return."""
    state = FakeState(app_key=app_key, app_secret=app_secret)
    order = fixture(PLATFORM, "api_order_detail")
    state.answers[("order", order["data"]["orders"][0]["id"])] = order
    returns = fixture(PLATFORM, "api_search_returns")
    state.answers[("return", returns["data"]["return_orders"][0]["return_id"])] = returns
    return state


def add_order(state: FakeState, order_id: str, **changes) -> None:
    """Answer order_id with a copy of the fixture order (its fields changed by changes)."""
    answer = copy.deepcopy(fixture(PLATFORM, "api_order_detail"))
    answer["data"]["orders"][0].update(id=order_id, **changes)
    state.answers[("order", order_id)] = answer


def _signed(state: FakeState, path: str) -> bool:
    params = request.args.to_dict()
    return (params.get("app_key") == state.app_key and request.headers.get("x-tts-access-token") == state.access_token
            and params.get("sign") == sign(state.app_secret, path, params, request.get_data()))


def make_app(state: FakeState) -> Flask:
    """Return the fake's Flask app."""
    app = Flask("fake_tiktok_shop")

    @app.get(ORDER_PATH)
    def order_detail():
        """Answer Get Order Detail for the order asked (ids)."""
        failure = state.record(request.path, request.args)
        if failure is not None:
            return failure
        if not _signed(state, ORDER_PATH):
            state.bad_signatures += 1
            return json_response({"code": 106001, "message": "Invalid signature", "data": None}, 401)
        answer = state.answers.get(("order", request.args.get("ids")))
        return json_response(answer or {"code": 0, "message": "Success", "data": {"orders": []}})

    @app.post(RETURNS_PATH)
    def search_returns():
        """Answer Search Returns for the first return id asked."""
        failure = state.record(request.path, request.args)
        if failure is not None:
            return failure
        if not _signed(state, RETURNS_PATH):
            state.bad_signatures += 1
            return json_response({"code": 106001, "message": "Invalid signature", "data": None}, 401)
        wanted = (json.loads(request.get_data() or b"{}").get("return_ids") or [None])[0]
        answer = state.answers.get(("return", wanted))
        return json_response(answer or {"code": 0, "message": "Success", "data": {"return_orders": []}})

    return app


def serve(state: FakeState | None = None) -> FakeServer:
    """Start the fake on a local port and return it (stop() it when done)."""
    state = state or default_state()
    return FakeServer(make_app(state), state)
