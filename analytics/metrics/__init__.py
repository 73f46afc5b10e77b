"""Metric definitions (pure): raw counts in, JSON-ready numbers out; online intervals and edges."""
