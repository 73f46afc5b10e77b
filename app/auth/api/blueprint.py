"""The accounts API blueprint ("accounts_api", /api/v1), its authentication, and the answer to refused actions."""
from __future__ import annotations

from flask import Blueprint, jsonify

from app.auth.tokens import TokenActionError
from app.auth.users import UserActionError
from app.errors import ApiError
from app.extensions import db
from app.http.api import install_api

bp = install_api(Blueprint("accounts_api", __name__, url_prefix="/api/v1"))


@bp.errorhandler(UserActionError)
@bp.errorhandler(TokenActionError)
def refused(error: UserActionError | TokenActionError):
    """Roll back whatever the request started and answer the refusal naming its field."""
    db.session.rollback()
    return jsonify(ApiError(error.status, error.code, str(error), error.field).to_dict()), error.status
