"""Page roles: the one decorator that lets only logged-in users of some roles reach an HTML page."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def page_roles(*allowed: str):
    """Return a decorator that lets only logged-in users with one of the allowed roles reach the page (others get 403)."""
    allowed_roles = frozenset(allowed)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed_roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
