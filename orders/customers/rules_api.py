"""/api/v1 member tier rules (GET|PUT /customer-tiers) and offers for regular buyers (GET|POST /offers)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import api
from app.http.api import install_api, roles
from orders.customers.api import CUSTOMER_ROLES, EDIT_ROLES, READ_SCOPES
from orders.customers.offers import issue_offer, list_offers, offer_to_dict
from orders.customers.policy import load_policy, save_policy
from orders.customers.tiers import PolicyInvalid, policy_from_dict

bp = install_api(Blueprint("customer_rules_api", __name__, url_prefix="/api/v1"))


class TierPolicyInvalid(ApiError):
    """Every problem of a tier policy body; answered as the first one, with all of them under `errors`."""

    def __init__(self, invalid: PolicyInvalid):
        first = invalid.errors[0]
        super().__init__(400, first.code, first.message, first.field)
        self.errors = [ApiError(400, error.code, error.message, error.field) for error in invalid.errors]

    def to_dict(self) -> dict:
        """Return the JSON body: the first error, and the list of all of them."""
        return super().to_dict() | {"errors": [error.to_dict()["error"] for error in self.errors]}


@bp.get("/customer-tiers")
@api.scope(*READ_SCOPES)
@roles(*CUSTOMER_ROLES)
def get_tiers():
    """Show the member tier rules: the window in days and the tiers, lowest first."""
    return jsonify(load_policy(db.session).as_dict())


@bp.put("/customer-tiers")
@api.scope()
@roles("admin")
def put_tiers():
    """Replace the tier rules (admins); they apply from the next recalculation. 400 names the first bad field."""
    try:
        policy = policy_from_dict(api.json_body())
    except PolicyInvalid as invalid:
        raise TierPolicyInvalid(invalid) from None
    save_policy(db.session, policy, g.principal.username)
    db.session.commit()
    return jsonify(policy.as_dict())


@bp.get("/offers")
@api.scope(*READ_SCOPES)
@roles(*CUSTOMER_ROLES)
def get_offers():
    """List the offers issued, newest first (at most 200)."""
    return jsonify({"offers": [offer_to_dict(offer) for offer in list_offers(db.session)]})


@bp.post("/offers")
@api.scope("aftersales")
@roles(*EDIT_ROLES)
def post_offer():
    """Issue a coupon to a segment and/or tier: creates the coupon (or reuses its code) and one grant per customer."""
    offer = issue_offer(db.session, api.json_body(), g.principal.username, utcnow())
    db.session.commit()
    return jsonify(offer_to_dict(offer)), 201
