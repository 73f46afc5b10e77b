"""Security headers on every response, and trusting the forwarded headers of a configured number of proxies.

The console loads scripts and styles from its own origin only: templates carry no inline script, event
handler or style attribute (data for scripts travels in `<script type="application/json">` blocks, which a
CSP does not treat as scripts). Plotly, on the analytics pages only, adds `<style>` elements for its charts,
so there (and only there) style elements may be inline; style attributes and scripts stay strict everywhere
(tests/browser/test_security_headers_browser.py finds any violation). Pages and API answers may carry
buyer data, so nothing but static files may be stored by a browser or proxy cache.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Blueprints whose pages draw plotly charts; plotly injects <style> elements when it draws.
PLOTLY_BLUEPRINTS = frozenset({"analytics"})
PLOTLY_POLICY = CONTENT_SECURITY_POLICY + "; style-src-elem 'self' 'unsafe-inline'"
HSTS = "max-age=31536000; includeSubDomains"


def install_headers(app: Flask) -> None:
    """Add the security headers to every response of app, behind TRUSTED_PROXIES proxies when configured."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Client address and scheme as the proxies saw them: login throttling counts real clients, not nginx.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Return response with CSP, framing, sniffing, referrer, HSTS (on HTTPS deployments) and cache headers set."""
    headers = response.headers
    policy = PLOTLY_POLICY if request.blueprint in PLOTLY_BLUEPRINTS else CONTENT_SECURITY_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        # Console pages, API answers and CSV files can hold buyer names, phones and addresses.
        headers["Cache-Control"] = "no-store"
    return response
