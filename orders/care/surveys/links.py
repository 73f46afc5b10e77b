"""Signed survey links /s/<token>: the token carries the invitation id, signed with the app's SECRET_KEY.

The signature only proves the link was made here; whether it may still be answered (not expired, not answered
yet) is read from the invitation row. The link is absolute when SURVEY_BASE_URL is set (what buyers' messages
need: invitations are often made by background jobs with no request), else it uses the current request's host,
else it is a path.
"""
from __future__ import annotations

import os

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "livedesk.survey-link"
MAX_TOKEN = 200


def _serializer() -> URLSafeSerializer:
    """Return the signer of survey links, keyed by the app's SECRET_KEY and salted for this use only."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def token_for(invitation_id: int) -> str:
    """Return the signed token of an invitation."""
    return _serializer().dumps({"i": invitation_id})


def invitation_id_of(token: str) -> int | None:
    """Return the invitation id a token was signed for, or None for a token that is forged, cut or too long."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    value = data.get("i") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def base_url() -> str:
    """Return the scheme and host links start with ("" when neither configured nor in a request)."""
    configured = current_app.config.get("SURVEY_BASE_URL") or os.environ.get("SURVEY_BASE_URL")
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else ""


def survey_url(invitation_id: int) -> str:
    """Return the link a buyer opens to answer the invitation."""
    return f"{base_url()}/s/{token_for(invitation_id)}"
