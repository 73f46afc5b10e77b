"""Token scopes: what an API token may call, decided per endpoint, and the principal a token acts as.

Each /api/v1 endpoint states the scopes that open it to tokens, next to its route, with
``app.http.api.scope(...)``. An endpoint that states none gets the default of the days before scopes, so a
token with the legacy scopes (ingest, display) keeps exactly what every token could do then: an endpoint
whose roles include ``service`` (or that names no roles) needs ``display`` to read and ``ingest`` to write;
an endpoint whose roles leave ``service`` out is closed to every token. Console users are unaffected: their
role decides, as before.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.auth.models import ApiToken

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SCOPES_ATTRIBUTE = "token_scopes"  # set on a view by app.http.api.scope
ROLES_ATTRIBUTE = "api_roles"  # set on a view by app.http.api.roles


def required_scopes(view, method: str) -> frozenset[str]:
    """Return the scopes of which a token needs one to call view with method (empty: no token may)."""
    declared = getattr(view, SCOPES_ATTRIBUTE, None)
    if declared is not None:
        return declared
    roles = getattr(view, ROLES_ATTRIBUTE, None)
    if roles is not None and "service" not in roles:
        return frozenset()
    return frozenset({"display"}) if method in READ_METHODS else frozenset({"ingest"})


@dataclass(frozen=True)
class TokenPrincipal:
    """Who a request authenticated by an API token acts as (g.principal): the token's name, scopes and limits.

    ``id`` is None: a token is no console user, so a back-office claim it takes names no user and an auditor's
    fresh claim still stops it. ``username`` ("token:<name>") is what history and moderation logs record as
    the actor. ``role`` is "service", or "moderator" for a token with the moderation scope, so the checks
    inside moderation views (held messages are for moderators) let it do what its scope allows.
    """

    token: ApiToken
    name: str
    scopes: frozenset[str]
    signing_secrets: tuple[str, ...] = field(default=())
    id: None = None
    sees_pii: bool = False

    @classmethod
    def of(cls, token: ApiToken) -> TokenPrincipal:
        """Return the principal a request authenticated by token acts as."""
        return cls(token=token, name=token.name, scopes=frozenset(token.scopes or ()),
                   signing_secrets=tuple(token.signing_secrets or ()))

    @property
    def username(self) -> str:
        """Return the actor name recorded in history and logs (at most 64 characters, like a username)."""
        return f"token:{self.name}"[:64]

    @property
    def role(self) -> str:
        """Return the console role whose in-view checks this token passes (see the class docstring)."""
        return "moderator" if "moderation" in self.scopes else "service"

    def may(self, needed: frozenset[str]) -> bool:
        """Return True when the token holds one of the needed scopes."""
        return bool(self.scopes & needed)
