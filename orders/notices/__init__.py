"""Buyer notices: an outbox of templated bilingual messages, delivered through a pluggable channel."""
