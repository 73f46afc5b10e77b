"""kuaidi100 (快递100) subscription push: a form POST of ``param`` (JSON) and ``sign`` = upper(md5(param + salt)).

``param`` is ``{"status": "polling"|"shutdown"|"abort"|"updateall", "message", "autoCheck", "comOld", "comNew",
"lastResult": {"state", "ischeck", "com", "nu", "data": [{"context", "time", "ftime", "status"?, "statusCode"?,
"areaName"?}]}}`` with data newest first. ``state``: 0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签, 5 派件, 6 退回, 7 转投,
8 清关, 14 拒签; with ``resultv2`` each data item has its own ``status`` (words) and ``statusCode``. The answer it
expects is ``{"result": true, "returnCode": "200", "message": "成功"}`` (otherwise it pushes again later).
"""
from __future__ import annotations

import hashlib
import hmac
import json

from orders.fulfilment.providers import MAX_TRACES, ParcelUpdate, PayloadError, bounded_text, china_time
from orders.fulfilment.rules import Checkpoint

STATE_STATUS = {
    "0": "in_transit", "1": "picked_up", "2": "exception", "3": "delivered", "4": "returned", "5": "out_for_delivery",
    "6": "returned", "7": "in_transit", "8": "in_transit", "14": "delivery_failed",
    # Finer codes (statusCode): 101/102 ordered, waiting for pick-up; 203 拒收 refused; 501 put in a locker.
    "101": "info_received", "102": "info_received", "203": "delivery_failed", "501": "out_for_delivery",
}
WORD_STATUS = {"在途": "in_transit", "揽收": "picked_up", "疑难": "exception", "签收": "delivered", "退签": "returned",
               "派件": "out_for_delivery", "退回": "returned", "转投": "in_transit", "清关": "in_transit",
               "拒签": "delivery_failed"}
ACKNOWLEDGED = {"result": True, "returnCode": "200", "message": "成功"}


def signature(param: str, salt: str) -> str:
    """Return the sign kuaidi100 sends with param: upper-case hex MD5 of param followed by the salt."""
    return hashlib.md5((param + salt).encode("utf-8")).hexdigest().upper()


def verify(param: str, sign: str | None, salt: str) -> bool:
    """Return True when sign is param's signature under salt (compared in constant time)."""
    return bool(sign) and bool(salt) and hmac.compare_digest(signature(param, salt), sign.strip().upper())


def status_of(code: object) -> str | None:
    """Return the neutral status of a kuaidi100 state or statusCode ("3", "301", "1002"), or None when unknown."""
    text = str(code).strip() if code is not None else ""
    if text in STATE_STATUS:
        return STATE_STATUS[text]
    if len(text) == 3 and text[0] in STATE_STATUS:  # 301 本人签收 → 3 签收, 204 派件异常 → 2 疑难
        return STATE_STATUS[text[0]]
    if len(text) == 4 and text.startswith("100"):  # 1001..1003 到达派件城市、干线、转递
        return "in_transit"
    return None


def parse(param: str) -> list[ParcelUpdate]:
    """Return the parcel update in a push's param, or raise PayloadError when it is not a kuaidi100 push."""
    try:
        body = json.loads(param)
    except ValueError:
        raise PayloadError("param is not JSON") from None
    result = body.get("lastResult") if isinstance(body, dict) else None
    if not isinstance(result, dict):
        raise PayloadError("param has no lastResult")
    company, number = bounded_text(result.get("com"), 32), bounded_text(result.get("nu"), 64)
    items = result.get("data") or []
    if not company or not number or not isinstance(items, list) or len(items) > MAX_TRACES:
        raise PayloadError("lastResult needs com, nu and at most %d data items" % MAX_TRACES)
    newest_status = status_of(result.get("state"))
    checkpoints = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        at = china_time(item.get("ftime") or item.get("time"))
        if at is None:
            continue
        own = status_of(item.get("statusCode")) or WORD_STATUS.get(str(item.get("status") or "").strip())
        # Without resultv2 only the parcel's state is known, and it is the newest scan's (data is newest first).
        status = own or (newest_status if index == 0 else None) or "in_transit"
        raw = item.get("statusCode") or (result.get("state") if index == 0 else None)
        checkpoints.append(Checkpoint(at, status, bounded_text(item.get("context"), 500),
                                      bounded_text(item.get("areaName"), 200), bounded_text(raw, 16)))
    return [ParcelUpdate(company, number, tuple(checkpoints))]
