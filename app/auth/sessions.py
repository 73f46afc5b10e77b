"""Revocable console sessions: a per-user session version copied into the cookie at login and checked on every request.

Raising ``users.session_version`` ends every session of that user at once, in every browser and on every
server (they share the database), because the user loader compares the cookie's copy with the row. After the
commit, ``sessions_ended`` is sent with the user's id (``live.socket`` disconnects that user's sockets in this
process) and a ``session.ended`` push goes to the user's room ``user:<id>`` on every server through the
Socket.IO message queue, so open pages know to log in again; servers that did not end the session find out
by re-checking the version on every socket event and periodically (``live.socket``).
"""
from __future__ import annotations

from blinker import Namespace
from flask import session as cookie
from flask_login import login_user
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app import realtime
from app.auth.models import User

VERSION_KEY = "_sv"
_ENDED = "livedesk_ended_sessions"

sessions_ended = Namespace().signal(
    "sessions-ended", doc="Every session of a user was ended (committed); sent as send(None, user_id=...).")


def user_room(user_id: int) -> str:
    """Return the Socket.IO room every socket of one logged-in user joins."""
    return f"user:{user_id}"


def start_session(user: User) -> bool:
    """Return True after starting a fresh session for user (the old cookie's contents, CSRF token included, are dropped)."""
    # A new session at each login: whatever was in the cookie before (a planted CSRF token, another
    # user's data) does not carry over into the logged-in session.
    cookie.clear()
    if not login_user(user):
        return False
    cookie[VERSION_KEY] = user.session_version
    return True


def session_is_current(user: User) -> bool:
    """Return True when the cookie's session was started after the user's sessions were last ended."""
    return user.is_active and cookie.get(VERSION_KEY) == user.session_version


def end_sessions(session: Session, user: User) -> None:
    """End every session and socket of user once the current transaction commits (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1
    realtime.queue_to_room(session, user_room(user.id), "session.ended", {})
    ended = realtime.current_session(session).info.setdefault(_ENDED, [])
    ended.append(user.id)


@event.listens_for(Session, "after_commit")
def _announce_after_commit(session: Session) -> None:
    """Tell the sockets of this process that the users' sessions ended, now that it is on disk."""
    if session.in_nested_transaction():
        return
    for user_id in session.info.pop(_ENDED, []):
        sessions_ended.send(None, user_id=user_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    """Drop the announcements of a transaction that rolled back: those sessions were not ended."""
    if previous_transaction.parent is None:
        session.info.pop(_ENDED, None)
