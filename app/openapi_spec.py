"""The OpenAPI 3.1 description of /api/v1 (kept next to the code it describes)."""


def build_spec() -> dict:
    """Return the OpenAPI document as a dict."""
    return {"openapi": "3.1.0", "info": {"title": "LiveDesk API", "version": "1"}, "paths": {}}
