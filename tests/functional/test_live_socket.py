"""The /live namespace: authentication, sequenced pushes, catch-up, buyer masking, and pushes only after commit."""
from __future__ import annotations

import sqlalchemy as sa

from app import realtime
from app.auth.models import PiiAccessLog
from app.extensions import db, socketio
from app.realtime.models import PushMessage
from live.moderation.push import queue_moderators
from tests.support import databases
from tests.support.api import order_event
from tests.support.auth import login as _login


def _socket(app, **kwargs):
    return socketio.test_client(app, namespace="/live", **kwargs)


def _received(sock, name: str) -> list[dict]:
    return [m["args"][0] for m in sock.get_received("/live") if m["name"] == name]


def test_connect_is_refused_without_a_session_or_token(app):
    assert not _socket(app).is_connected("/live")
    assert not _socket(app, auth={"token": "wrong"}).is_connected("/live")


def test_wall_display_connects_with_an_api_token(app, token):
    sock = _socket(app, auth={"token": token})
    assert sock.is_connected("/live")


def test_order_posted_to_the_api_arrives_on_the_hosts_socket_with_its_seq(app, api, users):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    host = _login(app, "host")
    sock = _socket(app, flask_test_client=host)
    ack = sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)
    assert ack["ok"] is True
    sock.get_received("/live")
    api.events(broadcast_id, [order_event("A1", 1, order_id="S-1")])
    received = sock.get_received("/live")
    names = [m["name"] for m in received]
    assert names == ["order.created", "stock.changed", "totals.changed"]
    created = received[0]["args"][0]
    assert created["order"]["order_id"] == "S-1"
    assert created["order"]["status"] == "accepted"
    seqs = [m["args"][0]["seq"] for m in received]
    assert seqs == [ack["seq"] + 1, ack["seq"] + 2, ack["seq"] + 3]


def test_reconnect_with_last_seq_gets_exactly_what_was_missed(app, api, token):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    sock = _socket(app, auth={"token": token})
    last_seq = sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["seq"]
    sock.disconnect(namespace="/live")
    api.events(broadcast_id, [order_event("A1", 1, order_id="M-1"), order_event("A1", 1, order_id="M-2")])
    again = _socket(app, auth={"token": token})
    ack = again.emit("join", {"broadcast_id": broadcast_id, "last_seq": last_seq}, namespace="/live", callback=True)
    missed = again.get_received("/live")
    assert [m["args"][0]["seq"] for m in missed] == list(range(last_seq + 1, ack["seq"] + 1))
    assert [m["args"][0]["order"]["order_id"] for m in missed if m["name"] == "order.created"] == ["M-1", "M-2"]
    assert ack["replayed"] == len(missed)


def test_too_far_behind_gets_a_resync_instead_of_a_replay(app, api, token):
    app.config["CATCHUP_LIMIT"] = 2
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [order_event("A1", 1), order_event("A1", 1)])
    sock = _socket(app, auth={"token": token})
    ack = sock.emit("join", {"broadcast_id": broadcast_id, "last_seq": 0}, namespace="/live", callback=True)
    assert ack["resync"] is True
    assert [m["name"] for m in sock.get_received("/live")] == ["resync"]


def test_a_last_seq_ahead_of_the_broadcast_gets_a_resync_not_a_caught_up_answer(app, api, token):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [order_event("A1", 1)])
    sock = _socket(app, auth={"token": token})
    seq = sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["seq"]
    sock.get_received("/live")
    # A client numbered by another server (a restored database, another broadcast) would drop every push up to it.
    ack = sock.emit("join", {"broadcast_id": broadcast_id, "last_seq": seq + 1}, namespace="/live", callback=True)
    assert ack == {"ok": True, "seq": seq, "replayed": 0, "resync": True}
    assert _pushes(sock) == [("resync", {"seq": seq})]
    caught_up = sock.emit("join", {"broadcast_id": broadcast_id, "last_seq": seq}, namespace="/live", callback=True)
    assert caught_up == {"ok": True, "seq": seq, "replayed": 0, "resync": False}
    assert _pushes(sock) == []


def test_join_with_bad_input_is_answered_with_the_field(app, token):
    sock = _socket(app, auth={"token": token})
    for payload, field in (({}, "broadcast_id"), ({"broadcast_id": "1"}, "broadcast_id"),
                           ({"broadcast_id": 1, "last_seq": -1}, "last_seq"), ({"broadcast_id": 999}, "broadcast_id")):
        ack = sock.emit("join", payload, namespace="/live", callback=True)
        assert ack["ok"] is False and ack["error"]["field"] == field


def test_hosts_get_buyer_contact_masked(app, api, users):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    sock = _socket(app, flask_test_client=_login(app, "host"))
    sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)
    api.events(broadcast_id, [order_event("A1", 1, order_id="PII-1")])
    buyer = _received(sock, "order.created")[0]["order"]["buyer"]
    assert buyer["phone"] == "138****5678"
    assert buyer["address"] == {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "****"}


def test_auditors_see_buyer_contact_in_full_and_the_view_is_logged(app, api, users):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    sock = _socket(app, flask_test_client=_login(app, "auditor"))
    sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)
    api.events(broadcast_id, [order_event("A1", 1, order_id="PII-2")])
    assert _received(sock, "order.created")[0]["order"]["buyer"]["phone"] == "13812345678"
    with app.app_context():
        channels = db.session.scalars(sa.select(PiiAccessLog.channel)).all()
    assert channels == ["socket"]


def test_order_api_masks_for_hosts_and_logs_full_views_for_auditors(app, api, users):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [order_event("A1", 1, order_id="PII-3")])
    assert _login(app, "host").get("/api/v1/orders/PII-3").get_json()["buyer"]["phone"] == "138****5678"
    assert api.get("/api/v1/orders/PII-3").get_json()["buyer"]["phone"] == "138****5678"
    assert _login(app, "auditor").get("/api/v1/orders/PII-3").get_json()["buyer"]["phone"] == "13812345678"
    with app.app_context():
        subjects = db.session.scalars(sa.select(PiiAccessLog.subject)).all()
    assert subjects == ["order:PII-3"]


def test_snapshot_gives_the_host_page_its_starting_state(app, api, users):
    api.product("A1", stock=10)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [order_event("A1", 2, order_id="SN-1")])
    snap = _login(app, "host").get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()
    assert snap["orders"][0]["order_id"] == "SN-1"
    assert snap["orders"][0]["buyer"]["phone"] == "138****5678"
    assert snap["totals"] == {"orders": 1, "units": 2, "gmv": "198.00", "paid_orders": 0, "paid_gmv": "0.00", "held": 0, "waitlisted": 0,
                              "paid_waiting": "0.00"}
    assert snap["stock"][0]["stock"] == 8
    assert snap["seq"] >= 3


def test_host_sees_waitlisted_units_and_the_held_count(app, api, users):
    api.product("A1", stock=1)
    broadcast_id = api.live_broadcast(skus=("A1",))
    incomplete = order_event("A1", 1)
    incomplete["buyer"]["phone"] = None
    api.events(broadcast_id, [order_event("A1", 1), order_event("A1", 2), incomplete])
    sock = _socket(app, flask_test_client=_login(app, "host"))
    sock.emit("join", {"broadcast_id": broadcast_id, "last_seq": 0}, namespace="/live", callback=True)
    stock = [m["args"][0]["stock"] for m in sock.get_received("/live") if m["name"] == "stock.changed"]
    # Units waiting in A1's line: the waitlisted order's 2 and the held one's 1 (held for its phone, in line too).
    assert stock[-1] == {"sku": "A1", "available": 0, "reserved": 1, "sold": 0, "waitlisted": 3}
    snap = _login(app, "host").get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()
    assert snap["totals"]["held"] == 1
    assert snap["stock"][0]["waitlisted"] == 3


def _joined(app, username: str, broadcast_id: int):
    sock = _socket(app, flask_test_client=_login(app, username))
    assert sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["ok"]
    sock.get_received("/live")
    return sock


def _pushes(sock) -> list[tuple[str, dict]]:
    return [(m["name"], m["args"][0]) for m in sock.get_received("/live")]


def test_pushes_wait_for_the_commit_and_a_rolled_back_savepoint_drops_only_its_own(app, api, users):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    host, moderator = _joined(app, "host", broadcast_id), _joined(app, "moderator", broadcast_id)
    with app.app_context():
        seq = realtime.current_seq(db.session, broadcast_id)
        realtime.queue(db.session, broadcast_id, "product.pinned", {"pinned_sku": None}, replace_key="pin")
        queue_moderators(db.session, broadcast_id, "moderation.changed", {"what": "kept"})
        savepoint = db.session.begin_nested()
        realtime.queue(db.session, broadcast_id, "chat.hidden", {"message_id": 1, "id": "c-1"})
        queue_moderators(db.session, broadcast_id, "moderation.changed", {"what": "dropped"})
        savepoint.rollback()
        realtime.queue(db.session, broadcast_id, "product.pinned", {"pinned_sku": "A1"}, replace_key="pin")
        assert _pushes(host) == [] and _pushes(moderator) == []
        realtime.commit(db.session)
        logged = db.session.scalars(sa.select(PushMessage.payload).where(PushMessage.broadcast_id == broadcast_id,
                                                                         PushMessage.seq > seq)).all()
    pinned = ("product.pinned", {"seq": seq + 1, "pinned_sku": "A1"})
    assert logged == [pinned[1]]
    assert _pushes(host) == [pinned]
    assert _pushes(moderator) == [("moderation.changed", {"what": "kept"}), pinned]


def test_a_rolled_back_transaction_drops_every_push_it_queued(app, api, users):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    moderator = _joined(app, "moderator", broadcast_id)
    with app.app_context():
        realtime.current_seq(db.session, broadcast_id)  # pushes belong to a transaction in progress
        realtime.queue(db.session, broadcast_id, "product.pinned", {"pinned_sku": "A1"})
        queue_moderators(db.session, broadcast_id, "moderation.changed", {"what": "terms"})
        db.session.rollback()
        assert realtime.commit(db.session) == []
    assert _pushes(moderator) == []


def test_join_with_no_data_or_huge_numbers_gets_an_error_ack_not_an_exception(any_app):
    token = databases.create_token(any_app, "wall")
    sock = socketio.test_client(any_app, namespace="/live", auth={"token": token})
    assert sock.emit("join", namespace="/live", callback=True)["error"]["field"] == "broadcast_id"
    for payload, field in (({"broadcast_id": 2**70}, "broadcast_id"), ({"broadcast_id": 2**40}, "broadcast_id"),
                           ({"broadcast_id": -(2**70)}, "broadcast_id"),
                           ({"broadcast_id": 1, "last_seq": 2**70}, "last_seq")):
        ack = sock.emit("join", payload, namespace="/live", callback=True)
        assert ack["ok"] is False and ack["error"]["field"] == field, payload
    assert sock.is_connected("/live")
