"""kdniao (快递鸟) track push (RequestType 101): a form POST of ``RequestData`` (JSON), ``DataSign`` and
``RequestType``; DataSign = base64(md5_hex(RequestData + AppKey)), URL-encoded on the wire.

``RequestData`` is ``{"EBusinessID", "PushTime", "Count", "Data": [{"ShipperCode", "LogisticCode", "State",
"StateEx"?, "Traces": [{"AcceptTime", "AcceptStation", "Location"?, "Action"?}]}]}`` with traces oldest first.
State: 0 no trace, 1 揽收, 2 在途, 3 签收, 4 问题件; StateEx/Action refine it (202 派件中, 301 正常签收, 404 拒收,
406 退货签收 …). The answer it expects is ``{"EBusinessID", "UpdateTime", "Success": true, "Reason": ""}``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import unquote

from orders.fulfilment.providers import CHINA, MAX_PARCELS, MAX_TRACES, ParcelUpdate, PayloadError, bounded_text, \
    china_time
from orders.fulfilment.rules import Checkpoint

CODE_STATUS = {
    "0": "info_received", "10": "info_received", "1": "picked_up", "2": "in_transit", "201": "in_transit",
    "204": "in_transit", "205": "in_transit", "206": "in_transit", "202": "out_for_delivery",
    "211": "out_for_delivery", "3": "delivered", "4": "exception", "404": "delivery_failed",
    "405": "delivery_failed", "406": "returned", "407": "returned", "5": "in_transit", "6": "in_transit",
    "604": "exception",
}


def signature(request_data: str, app_key: str) -> str:
    """Return the DataSign of request_data: base64 of the lower-case hex MD5 of RequestData followed by the AppKey."""
    digest = hashlib.md5((request_data + app_key).encode("utf-8")).hexdigest()
    return base64.b64encode(digest.encode("ascii")).decode("ascii")


def verify(request_data: str, data_sign: str | None, app_key: str) -> bool:
    """Return True when data_sign (form-decoded, or still URL-encoded) signs request_data under app_key."""
    if not data_sign or not app_key:
        return False
    expected = signature(request_data, app_key)
    return any(hmac.compare_digest(expected, candidate) for candidate in {data_sign.strip(), unquote(data_sign.strip())})


def status_of(code: object) -> str | None:
    """Return the neutral status of a kdniao State/StateEx/Action code, or None when unknown."""
    text = str(code).strip() if code is not None else ""
    if text in CODE_STATUS:
        return CODE_STATUS[text]
    if len(text) == 3 and text[0] in CODE_STATUS:  # 301..311 signed, 401..423 problems, 601..603 customs
        return CODE_STATUS[text[0]]
    return None


def parse(request_data: str) -> tuple[str, list[ParcelUpdate]]:
    """Return (EBusinessID, parcel updates) of a push, or raise PayloadError when it is not a kdniao push."""
    try:
        body = json.loads(request_data)
    except ValueError:
        raise PayloadError("RequestData is not JSON") from None
    parcels = body.get("Data") if isinstance(body, dict) else None
    if not isinstance(parcels, list) or len(parcels) > MAX_PARCELS:
        raise PayloadError("RequestData needs Data, a list of at most %d parcels" % MAX_PARCELS)
    updates = []
    for parcel in parcels:
        if not isinstance(parcel, dict):
            raise PayloadError("each Data item is an object")
        shipper, number = bounded_text(parcel.get("ShipperCode"), 16), bounded_text(parcel.get("LogisticCode"), 64)
        traces = parcel.get("Traces") or []
        if not shipper or not number or not isinstance(traces, list) or len(traces) > MAX_TRACES:
            raise PayloadError("each Data item needs ShipperCode, LogisticCode and at most %d Traces" % MAX_TRACES)
        newest = status_of(parcel.get("StateEx")) or status_of(parcel.get("State"))
        checkpoints = []
        for index, trace in enumerate(traces):
            at = china_time(trace.get("AcceptTime")) if isinstance(trace, dict) else None
            if at is None:
                continue
            last = index == len(traces) - 1  # traces are oldest first: the parcel's state is the last one's
            status = status_of(trace.get("Action")) or (newest if last else None) or "in_transit"
            raw = trace.get("Action") or ((parcel.get("StateEx") or parcel.get("State")) if last else None)
            checkpoints.append(Checkpoint(at, status, bounded_text(trace.get("AcceptStation"), 500),
                                          bounded_text(trace.get("Location"), 200), bounded_text(raw, 16)))
        updates.append(ParcelUpdate(shipper, number, tuple(checkpoints)))
    return str(bounded_text(body.get("EBusinessID"), 64) or ""), updates


def acknowledgement(ebusiness_id: str, now: datetime) -> dict:
    """Return the answer kdniao expects once a push is taken (its UpdateTime in Beijing time)."""
    return {"EBusinessID": ebusiness_id, "UpdateTime": now.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "Success": True, "Reason": ""}
