"""Actions on console users: creating, role, password, disabling; each change ends the user's sessions and sockets.

The CLI (app/auth/cli.py), the users API (app/auth/api/users.py) and the users page (app/auth/accounts.py)
call the same functions. The caller commits.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.models import ROLES, User
from app.auth.passwords import PASSWORD_PROBLEMS, hash_password, password_problem, unusable_hash, verify_password
from app.auth.sessions import end_sessions
from app.db import utcnow

# ASCII letters, digits and . _ @ -: safe in a URL path and in logs, and the same in JSON Schema (docs/api.md).
USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


class UserActionError(ValueError):
    """A user action refused for a reason the caller can show (field names what was wrong)."""

    def __init__(self, field: str, message: str, status: int = 400, code: str = "invalid_value"):
        super().__init__(message)
        self.field, self.status, self.code = field, status, code


def find_user(session: Session, username: str) -> User | None:
    """Return the user called username, or None."""
    return session.scalar(sa.select(User).where(User.username == username))


def name_in_use(session: Session, username: str) -> bool:
    """Return True when a user's name equals username but for case ("Host" would pass for "host" in a log)."""
    return session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower()).limit(1)) \
        is not None


def has_users(session: Session) -> bool:
    """Return True once any console user exists (the first-run page is closed from then on)."""
    return session.scalar(sa.select(User.id).limit(1)) is not None


def new_user_problems(session: Session, username: str, role: str, password: str | None = None) \
        -> list[UserActionError]:
    """Return every reason to refuse a new user with these values (at most one per field: username, role,
    password), in the order the API reports the first; empty when create_user would accept them."""
    problems = []
    well_formed = isinstance(username, str) and USERNAME.fullmatch(username) is not None
    if not well_formed:
        problems.append(UserActionError("username", "username must be 1 to 64 letters, digits or . _ @ -"))
    if role not in ROLES:
        problems.append(UserActionError("role", f"role must be one of {', '.join(ROLES)}"))
    if well_formed and name_in_use(session, username):
        problems.append(UserActionError("username", f"a user named {username!r} exists already (names differ by "
                                                    "more than case)", 409, "name_taken"))
    problem = password_problem(password, username if isinstance(username, str) else None) \
        if password is not None else None
    if problem:
        problems.append(UserActionError("password", PASSWORD_PROBLEMS[problem], code=problem))
    return problems


def create_user(session: Session, username: str, role: str, password: str | None = None) -> User:
    """Return a new user; without a password the account can only be entered through a set-password link.

    Raises the first of new_user_problems (the users page shows them all)."""
    problems = new_user_problems(session, username, role, password)
    if problems:
        raise problems[0]
    user = User(username=username, role=role, session_version=0,
                password_hash=hash_password(password) if password is not None else unusable_hash())
    session.add(user)
    session.flush()
    return user


def _check_password(password: str, username: str, field: str = "password") -> None:
    """Raise, naming field (the caller's name for the input), when the password policy refuses password."""
    problem = password_problem(password, username)
    if problem:
        raise UserActionError(field, PASSWORD_PROBLEMS[problem], code=problem)


def refuse_own_account(actor: User, user: User) -> None:
    """Raise when an admin would change, disable or reset their own account from the admin screens (Settings does that)."""
    if actor.id == user.id:
        raise UserActionError("username", "you cannot do this to your own account here; use Settings", 409,
                              "own_account")


def _keep_an_admin(session: Session, user: User) -> None:
    """Raise when user is the last enabled admin (taking them away would lock every admin out)."""
    if user.role != "admin" or user.disabled_at is not None:
        return
    others = session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == "admin", User.disabled_at.is_(None), User.id != user.id))
    if not others:
        raise UserActionError("username", "this is the last enabled administrator; make another one first",
                              409, "last_admin")


def change_role(session: Session, user: User, role: str) -> User:
    """Return user with the new role, every session and socket opened under the old one ended."""
    if role not in ROLES:
        raise UserActionError("role", f"role must be one of {', '.join(ROLES)}")
    if role != user.role:
        if role != "admin":
            _keep_an_admin(session, user)
        user.role = role
        end_sessions(session, user)
    return user


def set_password(session: Session, user: User, password: str, field: str = "password") -> User:
    """Return user with a new password hash, every session and socket ended (a stolen cookie dies with the old password).

    A password the policy refuses raises UserActionError naming field, the input it came from.
    """
    _check_password(password, user.username, field)
    user.password_hash = hash_password(password)
    end_sessions(session, user)
    return user


def change_own_password(session: Session, user: User, current: str, new: str) -> User:
    """Return user with a new password after checking the current one; every session ends (the caller logs in anew)."""
    if not verify_password(user.password_hash, current or ""):
        raise UserActionError("current_password", "the current password is not right", code="wrong_password")
    return set_password(session, user, new, field="new_password")


def reset_password(session: Session, user: User) -> User:
    """Return user locked out of the old password (and every session ended) until a set-password link is used."""
    user.password_hash = unusable_hash()
    end_sessions(session, user)
    return user


def disable_user(session: Session, user: User) -> User:
    """Return user disabled: refused at login, every session and socket ended."""
    _keep_an_admin(session, user)
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


def user_to_dict(user: User) -> dict:
    """Return the JSON shape of a user (never the password hash)."""
    return {
        "username": user.username,
        "role": user.role,
        "disabled": user.disabled_at is not None,
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None,
    }


def list_users(session: Session) -> list[User]:
    """Return every user, by username."""
    return list(session.scalars(sa.select(User).order_by(User.username)))
