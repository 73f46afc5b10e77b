"""POST /api/v1/tracking/<provider>: tracking providers push checkpoints here (kuaidi100, kdniao, generic).

No token and no login: each push is authenticated by its provider's signature under a secret from the settings
(TRACKING_KUAIDI100_SALT, TRACKING_KDNIAO_APP_KEY, TRACKING_WEBHOOK_SECRET). A missing or bad signature, or a
provider with no secret set, answers 401 and writes nothing. A parcel LiveDesk does not know is acknowledged and
logged, so the provider does not retry it forever. Each answer is shaped as the provider expects.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import csrf, db
from app.http import validation
from orders.fulfilment import actions
from orders.fulfilment.carriers import carrier_by_provider_code, find_carrier, normalise_tracking_no
from orders.fulfilment.deadline import setting
from orders.fulfilment.neutral import read_checkpoints
from orders.fulfilment.providers import PROVIDERS, ParcelUpdate, PayloadError, generic, kdniao, kuaidi100

bp = Blueprint("tracking_callbacks", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
SECRETS = {"kuaidi100": "TRACKING_KUAIDI100_SALT", "kdniao": "TRACKING_KDNIAO_APP_KEY",
           "generic": "TRACKING_WEBHOOK_SECRET"}


@dataclass
class Applied:
    """What a push did: checkpoints stored and parcels LiveDesk does not know (acknowledged, logged)."""

    stored: int = 0
    unknown: int = 0


def _unsigned(provider: str) -> ApiError:
    return ApiError(401, "bad_signature", f"the {provider} signature is missing or does not match", "sign")


def _secret(provider: str) -> str:
    secret = setting(SECRETS[provider])
    if not secret:
        raise ApiError(401, "not_configured", f"{provider} callbacks are off: set {SECRETS[provider]}", "sign")
    return secret


def apply_updates(provider: str, updates: list[ParcelUpdate]) -> Applied:
    """Return what storing the parcel updates did; runs in one transaction, committed with its pushes."""
    applied, now = Applied(), utcnow()
    for update in updates:
        carrier = (find_carrier(db.session, update.provider_carrier.upper()) if provider == "generic"
                   else carrier_by_provider_code(db.session, provider, update.provider_carrier))
        parcel = actions.parcel_shipments(db.session, carrier.code, normalise_tracking_no(update.tracking_no)) \
            if carrier else []
        if not parcel:
            applied.unknown += 1
            current_app.logger.info("tracking %s: no shipment %s %s; acknowledged", provider,
                                    update.provider_carrier, update.tracking_no)
            continue
        outcome = actions.record_checkpoints(db.session, parcel, list(update.checkpoints), provider, provider, now)
        applied.stored += outcome.stored
    realtime.commit(db.session)
    return applied


def _kuaidi100():
    param, sign = request.form.get("param", ""), request.form.get("sign")
    if not kuaidi100.verify(param, sign, _secret("kuaidi100")):
        raise _unsigned("kuaidi100")
    try:
        updates = kuaidi100.parse(param)
    except PayloadError as error:
        raise ApiError(400, "invalid_payload", str(error), "param") from None
    run_with_retry(lambda: apply_updates("kuaidi100", updates))
    return jsonify(kuaidi100.ACKNOWLEDGED)


def _kdniao():
    data, sign = request.form.get("RequestData", ""), request.form.get("DataSign")
    if not kdniao.verify(data, sign, _secret("kdniao")):
        raise _unsigned("kdniao")
    try:
        business_id, updates = kdniao.parse(data)
    except PayloadError as error:
        raise ApiError(400, "invalid_payload", str(error), "RequestData") from None
    run_with_retry(lambda: apply_updates("kdniao", updates))
    return jsonify(kdniao.acknowledgement(business_id or setting("TRACKING_KDNIAO_EBUSINESS_ID") or "", utcnow()))


def _generic():
    body = request.get_data(cache=True)
    if not generic.verify(body, request.headers.get(generic.HEADER), _secret("generic")):
        raise ApiError(401, "bad_signature", f"{generic.HEADER} is missing or does not match", generic.HEADER)
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object", "body")
    carrier = validation.text(data, "carrier", max_len=16)
    number = validation.text(data, "tracking_no", max_len=64)
    update = ParcelUpdate(carrier, number, tuple(read_checkpoints(data, utcnow())))
    applied = run_with_retry(lambda: apply_updates("generic", [update]))
    return jsonify({"stored": applied.stored, "unknown": applied.unknown})


HANDLERS = {"kuaidi100": _kuaidi100, "kdniao": _kdniao, "generic": _generic}


@bp.post("/tracking/<provider>")
def tracking_callback(provider: str):
    """Take a tracking provider's push: check its signature, store its checkpoints once, answer as it expects."""
    if provider not in PROVIDERS:
        raise ApiError(404, "not_found", f"no tracking provider {provider!r}; known: {', '.join(PROVIDERS)}",
                       "provider")
    validation.check_json_depth(request)
    return HANDLERS[provider]()
