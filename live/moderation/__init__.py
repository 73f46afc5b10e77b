"""Chat moderation: the pure rules (rules/), stored messages and terms, moderator actions, pushes, API and console page."""
