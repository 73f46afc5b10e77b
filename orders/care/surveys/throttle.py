"""Rate limits of the public survey page and answer API: requests per client address in a sliding window.

Counted in this process's memory like the login throttle (app/auth/throttle.py, whose window it reuses): each
server counts the requests that reach it. Opening a page and answering cost separate budgets, so reading the
page a few times never uses up the answers. SURVEY_VIEWS_PER_ADDRESS and SURVEY_ANSWERS_PER_ADDRESS per
SURVEY_THROTTLE_WINDOW_SECONDS (defaults 120 and 20 per 600 s) tune it; many buyers behind one carrier NAT
share an address, so the limits are generous.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, request

from app.auth.throttle import SlidingWindow

_EXTENSION = "livedesk_survey_throttle"
DEFAULTS = {"SURVEY_VIEWS_PER_ADDRESS": 120, "SURVEY_ANSWERS_PER_ADDRESS": 20, "SURVEY_THROTTLE_WINDOW_SECONDS": 600}


def _windows(app: Flask) -> dict[str, SlidingWindow]:
    """Return the app's view and answer windows, made on first use from its settings."""
    found = app.extensions.get(_EXTENSION)
    if found is None:
        setting = {key: int(app.config.get(key) or default) for key, default in DEFAULTS.items()}
        window = setting["SURVEY_THROTTLE_WINDOW_SECONDS"]
        found = app.extensions[_EXTENSION] = {
            "view": SlidingWindow(setting["SURVEY_VIEWS_PER_ADDRESS"], window),
            "answer": SlidingWindow(setting["SURVEY_ANSWERS_PER_ADDRESS"], window)}
    return found


def spend(kind: str) -> int:
    """Count one request of kind (view or answer) from the client's address; return the seconds it must wait
    first (0: go ahead; a refused request is not counted)."""
    window = _windows(current_app._get_current_object())[kind]
    address, now = request.remote_addr or "", time.monotonic()
    wait = window.retry_after(address, now)
    if not wait:
        window.failed(address, now)
    return wait
