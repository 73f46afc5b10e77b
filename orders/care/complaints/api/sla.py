"""/api/v1/complaints/sla-policy: the business calendar and per-severity targets (read by all readers, changed by
admins); saved settings apply to complaints registered afterwards."""
from __future__ import annotations

from flask import jsonify

from app.errors import ApiError
from app.extensions import db
from app.http import api
from orders.care.complaints.api.blueprint import READERS, actor, bp
from orders.care.sla.policy import SlaSettings, SlaSettingsError
from orders.care.sla.store import load_sla_settings, save_sla_settings


@bp.get("/complaints/sla-policy")
@api.scope("aftersales")
@api.roles(*READERS)
def get_sla_policy():
    """The SLA settings in force: the calendar (zone, hours, holidays, make-up workdays) and the targets."""
    return jsonify(load_sla_settings(db.session).to_dict())


@bp.put("/complaints/sla-policy")
@api.scope()
@api.roles("admin")
def put_sla_policy():
    """Change the SLA settings (admins): what is sent replaces the saved parts, the rest stays."""
    data = api.json_body()
    try:
        settings = SlaSettings.from_dict(data, load_sla_settings(db.session))
    except SlaSettingsError as error:
        raise ApiError(400, "invalid_policy", error.message, error.field) from None
    save_sla_settings(db.session, settings, actor())
    db.session.commit()
    return jsonify(settings.to_dict())
