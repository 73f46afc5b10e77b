"""/api/v1 endpoints of accounts and access: users (admin), the caller's own account, API tokens (admin).

users.py, me.py and tokens.py add their routes to ``bp`` (blueprint.py); openapi.py documents them.
"""
from app.auth.api import me, tokens, users  # noqa: F401  importing them adds their routes
from app.auth.api.blueprint import bp

__all__ = ["bp"]
