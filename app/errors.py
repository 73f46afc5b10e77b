"""API errors as JSON `{"error": {"code", "field", "message"}}` and HTML error pages."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from app.http.messages import localise, localise_error_body


class ApiError(Exception):
    """An error answered to an API client with a status, a stable code and the field at fault."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        """Return the JSON body of this error; `field` is null when no one field is at fault."""
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


def _wants_json() -> bool:
    """Return True for API paths and clients that asked for JSON."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_errorhandlers(app: Flask) -> None:
    """Install handlers that turn ApiError and HTTP errors into JSON for the API, its message in the reader's language."""

    @app.after_request
    def localise_error_message(response):
        """Give a JSON error's message in the reader's language (a console page shows it); code and field stay."""
        if response.status_code < 400 or response.direct_passthrough or not response.is_json:
            return response
        locale = get_locale()
        if locale is None or locale.language == "en":
            return response
        body = response.get_json(silent=True)
        if localise_error_body(body):
            response.set_data(app.json.dumps(body))
        return response

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        """Answer an ApiError with its JSON body."""
        return jsonify(error.to_dict()), error.status

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        """Answer HTTP errors as JSON on the API and as a page elsewhere."""
        # The exception's own headers go along (405's Allow, 401's WWW-Authenticate), not its HTML content type.
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        if _wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            return jsonify({"error": {"code": code, "message": error.description, "field": None}}), error.code, headers
        # A page that aborts with its own reason ("this broadcast has not started yet") shows it instead of the
        # status's generic hint; werkzeug's stock descriptions are not for people.
        reason = localise(error.description) if error.description != type(error).description else None
        return render_template("errors/error.html", error=error, reason=reason), error.code, headers

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        """Log an unexpected error and answer 500 without leaking internals."""
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json():
            return jsonify({"error": {"code": "internal_error", "message": "internal error", "field": None}}), 500
        return render_template("errors/error.html", error=None), 500
