"""/api/v1 line-up endpoints: list, add, change (live price, link number, place on the rail) and remove products.

Every change pushes lineup.changed (the whole line-up, in rail order) to the broadcast's rooms after commit.
"""
from __future__ import annotations

from flask import jsonify

from app import realtime
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from live import broadcasts as lineup
from live.api.blueprint import as_api_error, bp, find_broadcast
from live.broadcasts.lineup import MAX_LINEUP, MAX_LINK_NO
from live.events import MAX_REF
from live.models import Broadcast


def _lineup_body(broadcast: Broadcast) -> dict:
    """Return the broadcast's line-up as the list endpoints answer it."""
    return {"broadcast_id": broadcast.id,
            "products": [lineup.entry_to_dict(entry, product) for entry, product in lineup.lineup_skus(db.session,
                                                                                                      broadcast.id)]}


def _push_lineup(broadcast: Broadcast) -> dict:
    """Queue lineup.changed with the line-up as it is now and return that line-up."""
    body = _lineup_body(broadcast)
    realtime.queue(db.session, broadcast.id, "lineup.changed", {"products": body["products"]}, replace_key="lineup")
    return body


def _path_sku(sku: str) -> str:
    """Return a SKU from the path, or raise 404 when it is longer than any SKU can be."""
    if len(sku) > MAX_REF:
        raise ApiError(404, "not_in_lineup", f"no SKU is longer than {MAX_REF} characters", "sku")
    return sku


def _link_no(data: dict) -> int | None:
    """Return the body's link_no (1 to MAX_LINK_NO); null is refused when sent, since every entry has one."""
    if "link_no" in data and data["link_no"] is None:
        raise ApiError(400, "invalid_type", "link_no must be a whole number from 1, or be left out", "link_no")
    return validation.whole_number(data, "link_no", minimum=1, maximum=MAX_LINK_NO, required=False)


@bp.get("/broadcasts/<int:broadcast_id>/products")
def list_lineup(broadcast_id: int):
    """List the broadcast's line-up in rail order, with link numbers, live prices and the pinned product."""
    return jsonify(_lineup_body(find_broadcast(broadcast_id)))


@bp.post("/broadcasts/<int:broadcast_id>/products")
@api.roles("service", "host")
def add_product(broadcast_id: int):
    """Put a catalogue product last on the rail, with an optional live price and link number; answers 201.

    A product already in the line-up keeps its place and gets the live price (and link number, when given), as
    this call always did: scripts that re-run a set-up keep working.
    """
    data = api.json_body()
    sku = validation.text(data, "sku", max_len=MAX_REF)
    live_price = validation.money(data, "live_price", required=False)
    link_no = _link_no(data)
    broadcast = find_broadcast(broadcast_id)
    try:
        entry = lineup.add_to_lineup(db.session, broadcast, sku, live_price, link_no)
        if link_no is not None and entry.link_no != link_no:
            entry = lineup.update_entry(db.session, broadcast, sku, {"link_no": link_no})
    except lineup.BroadcastError as error:
        raise as_api_error(error) from None
    _entry, product = lineup.find_entry(db.session, broadcast.id, sku)
    _push_lineup(broadcast)
    realtime.commit(db.session)
    return jsonify(lineup.entry_to_dict(entry, product)), 201


@bp.patch("/broadcasts/<int:broadcast_id>/products/<sku>")
@api.roles("service", "host")
def update_product(broadcast_id: int, sku: str):
    """Change a line-up product's live price (null clears it), link number and/or place on the rail (1 = first)."""
    sku = _path_sku(sku)
    data = api.json_body()
    validation.refuse_unknown_fields(data, ("live_price", "link_no", "position"))
    changes = {}
    if "live_price" in data:
        changes["live_price"] = validation.money(data, "live_price", required=False)
    if "link_no" in data:
        changes["link_no"] = _link_no(data)
    if "position" in data:
        changes["position"] = validation.whole_number(data, "position", minimum=1, maximum=MAX_LINEUP)
    if not changes:
        raise ApiError(400, "missing_field", "send live_price, link_no and/or position", "body")
    broadcast = find_broadcast(broadcast_id)
    try:
        entry = lineup.update_entry(db.session, broadcast, sku, changes)
    except lineup.BroadcastError as error:
        raise as_api_error(error) from None
    _entry, product = lineup.find_entry(db.session, broadcast.id, sku)
    _push_lineup(broadcast)
    realtime.commit(db.session)
    return jsonify(lineup.entry_to_dict(entry, product))


@bp.delete("/broadcasts/<int:broadcast_id>/products/<sku>")
@api.roles("service", "host")
def remove_product(broadcast_id: int, sku: str):
    """Take a product off the rail (orders already placed keep it); answers the line-up that is left."""
    sku = _path_sku(sku)
    broadcast = find_broadcast(broadcast_id)
    try:
        lineup.remove_entry(db.session, broadcast, sku)
    except lineup.BroadcastError as error:
        raise as_api_error(error) from None
    body = _push_lineup(broadcast)
    realtime.commit(db.session)
    return jsonify(body)
