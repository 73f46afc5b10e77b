"""OpenAPI fragment of accounts and access (app/auth/api/users.py, tokens.py, me.py; docs/accounts.md).

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document. The /me
operations come last: logging out everywhere ends the caller's own session.
"""
from __future__ import annotations

from app.auth.models import ROLES, TOKEN_SCOPES
from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, array, nullable, obj, ref, string

USERNAME = r"^[A-Za-z0-9._@-]{1,64}$"
TOKEN_NAME = r"^[A-Za-z0-9._:@-]{1,64}$"
BOOLEAN = {"type": "boolean"}
ADMINS = "admin"
POLICY = (f"Passwords: at least {MIN_PASSWORD_LENGTH} characters, not on the bundled list of common passwords, not "
          "containing the username. Refused with 400 (code `password_too_short`, `password_common`, "
          "`password_has_username`) though the schema allows it.")
PASSWORD = string(f"At least {MIN_PASSWORD_LENGTH} characters (see the description).", maxLength=MAX_PASSWORD_LENGTH)


def parameters() -> dict:
    """Return the path parameters of the accounts operations."""
    return {
        "Username": parameter("username", "path", string(pattern=USERNAME), "The user's name."),
        "TokenName": parameter("name", "path", string(maxLength=64), "The token's name."),
        "SecretId": parameter("secret_id", "path", string(maxLength=64), "A signing secret's id (`signing_secrets`)."),
    }


def schemas() -> dict:
    """Return the user, token and body schemas."""
    user = obj({
        "username": string(), "role": string(enum=list(ROLES)), "disabled": BOOLEAN,
        "created_at": nullable(DATETIME), "disabled_at": nullable(DATETIME),
        "set_password_url": string("A one-time link for the user to choose a password (create without a password, "
                                   "reset-password); give it to them privately.", format="uri"),
        "set_password_expires_at": DATETIME,
    }, required=("username", "role", "disabled"))
    token = obj({
        "name": string(), "scopes": array(string(enum=list(TOKEN_SCOPES))),
        "created_at": nullable(DATETIME), "last_used_at": nullable(DATETIME), "revoked_at": nullable(DATETIME),
        "signing_secrets": array(string(), "Ids of the signing secrets (never the secrets)."),
        "token": string("The bearer value: in the answer to the creation only."),
        "signing_secret": string("The signing secret, when one was asked for: in the answer to the creation only."),
    }, required=("name", "scopes", "signing_secrets"))
    return {
        "User": user,
        "UserList": obj({"users": array(ref("User"))}, required=("users",)),
        "UserInput": obj({"username": string(pattern=USERNAME), "role": string(enum=list(ROLES)),
                          "password": PASSWORD}, required=("username", "role")),
        "UserUpdate": obj({"role": string(enum=list(ROLES)), "disabled": BOOLEAN}, minProperties=1,
                          additionalProperties=False),
        "PasswordChange": obj({"current_password": string(minLength=1, maxLength=MAX_PASSWORD_LENGTH),
                               "new_password": PASSWORD}, required=("current_password", "new_password")),
        "Token": token,
        "TokenList": obj({"tokens": array(ref("Token"))}, required=("tokens",)),
        "TokenInput": obj({"name": string(pattern=TOKEN_NAME),
                           "scopes": array(string(enum=list(TOKEN_SCOPES)), "Left out: ingest and display (the rights of "
                                            "tokens made before scopes).", minItems=1, maxItems=len(TOKEN_SCOPES)),
                           "signing_secret": BOOLEAN}, required=("name",)),
        "SigningSecret": obj({"id": string(), "secret": string("Shown once."),
                              "signing_secret": string("The same secret, under the name token creation uses."),
                              "token": ref("Token")}, required=("id", "secret", "signing_secret", "token")),
    }


def paths() -> dict:
    """Return the users, tokens and own-account operations."""
    return {**_users(), **_tokens(), **_me()}


def _users() -> dict:
    """Return the user operations (admins)."""
    return {
        "/api/v1/users": {
            "get": operation("listUsers", "List console users", "accounts", ("200", "Every user.", ref("UserList")),
                             errors="401 403", roles=ADMINS),
            "post": operation("createUser", "Create a console user", "accounts", ("201", "The user.", ref("User")),
                              errors="400 401 403 409", roles=ADMINS,
                              body=request("UserInput", {"username": "li.na", "role": "auditor"}),
                              description="Without `password` the answer carries a one-time `set_password_url`. "
                                          "A taken username answers 409. " + POLICY),
        },
        "/api/v1/users/{username}": {
            "patch": operation("updateUser", "Change a user's role, disable or enable them", "accounts",
                               ("200", "The user.", ref("User")), errors="400 401 403 404 409", roles=ADMINS,
                               params=("Username",), body=request("UserUpdate", {"disabled": True}),
                               description="A role change or disabling ends the user's sessions and sockets at "
                                           "once. The last enabled admin cannot be demoted or disabled (409), "
                                           "nor can admins change or disable themselves (409)."),
        },
        "/api/v1/users/{username}/reset-password": {
            "post": operation("resetPassword", "Reset a user's password", "accounts",
                              ("200", "The user with a one-time `set_password_url`.", ref("User")),
                              errors="401 403 404 409", roles=ADMINS, params=("Username",),
                              description="The old password stops working and every session ends; the link "
                                          "lets the user choose a new one. Your own: use PUT /api/v1/me/password."),
        },
    }


def _tokens() -> dict:
    """Return the token operations (admins)."""
    return {
        "/api/v1/tokens": {
            "get": operation("listTokens", "List API tokens", "accounts", ("200", "Every token.", ref("TokenList")),
                             errors="401 403", roles=ADMINS),
            "post": operation("createToken", "Create an API token with scopes", "accounts",
                              ("201", "The token with its value (shown once).", ref("Token")),
                              errors="400 401 403 409", roles=ADMINS,
                              body=request("TokenInput", {"name": "wall-display", "scopes": ["display"]}),
                              description="Scopes: ingest (send events, create products and broadcasts), display "
                                          "(read), moderation, backoffice, analytics, aftersales; without scopes, ingest and "
                                          "display. An empty list answers 400, a taken name 409."),
        },
        "/api/v1/tokens/{name}": {
            "delete": operation("revokeToken", "Revoke an API token", "accounts", ("200", "The token.", ref("Token")),
                                errors="401 403 404", roles=ADMINS, params=("TokenName",)),
        },
        "/api/v1/tokens/{name}/signing-secrets": {
            "post": operation("addSigningSecret", "Add a signing secret (rotation)", "accounts",
                              ("201", "The secret (shown once) and the token.", ref("SigningSecret")),
                              errors="401 403 404 409", roles=ADMINS, params=("TokenName",),
                              description="Old secrets stay valid until removed: add, switch the sender, remove. "
                                          "At most 5 (409)."),
        },
        "/api/v1/tokens/{name}/signing-secrets/{secret_id}": {
            "delete": operation("removeSigningSecret", "Remove a signing secret", "accounts",
                                ("200", "The token.", ref("Token")), errors="401 403 404", roles=ADMINS,
                                params=("TokenName", "SecretId")),
        },
    }


def _me() -> dict:
    """Return the caller's own account operations (console users of any role; not tokens)."""
    everyone = ", ".join(r for r in ROLES if r != "admin")
    return {
        "/api/v1/me": {
            "get": operation("getMe", "Who is logged in", "accounts", ("200", "The user.", ref("User")),
                             errors="401 403", roles=everyone),
        },
        "/api/v1/me/password": {
            "put": operation("changeOwnPassword", "Change your own password", "accounts",
                             ("200", "The user; every session ended, this one too.", ref("User")),
                             errors="400 401 403", roles=everyone,
                             body=request("PasswordChange", {"current_password": "…", "new_password": "…"}),
                             description="A wrong `current_password` answers 400 (code `wrong_password`) "
                                         "though the schema allows it. " + POLICY),
        },
        "/api/v1/me/log-out-everywhere": {
            "post": operation("logOutEverywhere", "End every session of your account", "accounts",
                              ("200", "The user.", ref("User")), errors="401 403", roles=everyone,
                              description="Every session and socket of the account ends, on every device, this one "
                                          "too."),
        },
    }
