"""Promotions: stored definitions, atomic counters, the management API and page."""
