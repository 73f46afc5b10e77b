"""/api/v1 endpoints of chat moderation: one module per resource, on the two blueprints of api.blueprint.

check.py (the dry run) and terms.py (the term lists) add their routes to ``bp`` ("moderation_api");
chat.py (a broadcast's chat, viewer sanctions, the policy and the action log) to ``chat_bp``
("moderation_chat_api"). bodies.py checks request bodies; openapi.py documents it all.
"""
from live.moderation.api import chat, check, terms  # noqa: F401  importing them adds their routes
from live.moderation.api.blueprint import bp, chat_bp

__all__ = ["bp", "chat_bp"]
