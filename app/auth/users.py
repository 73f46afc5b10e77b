"""Actions on console users: role, password, disabling; each one ends the user's sessions and sockets.

The CLI calls them today (app/auth/cli.py); admin screens will call the same functions. The caller commits.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth.models import ROLES, User
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from app.auth.sessions import end_sessions
from app.db import utcnow


class UserActionError(ValueError):
    """A user action refused for a reason the caller can show (field names what was wrong)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def change_role(session: Session, user: User, role: str) -> User:
    """Return user with the new role, every session and socket opened under the old one ended."""
    if role not in ROLES:
        raise UserActionError("role", f"role must be one of {', '.join(ROLES)}")
    if role != user.role:
        user.role = role
        end_sessions(session, user)
    return user


def set_password(session: Session, user: User, password: str) -> User:
    """Return user with a new password hash, every session and socket ended (a stolen cookie dies with the old password)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserActionError("password", f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    end_sessions(session, user)
    return user


def disable_user(session: Session, user: User) -> User:
    """Return user disabled: refused at login, every session and socket ended."""
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    end_sessions(session, user)
    return user


def enable_user(session: Session, user: User) -> User:
    """Return user allowed to log in again (no session comes back to life: each needs a new login)."""
    user.disabled_at = None
    return user


def log_out_everywhere(session: Session, user: User) -> User:
    """Return user with every session and socket ended (what logging out does, on every device)."""
    end_sessions(session, user)
    return user
