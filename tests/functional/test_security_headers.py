"""Security headers on every answer: a CSP with no inline script, no framing, no sniffing, a referrer policy,
HSTS behind HTTPS, and nothing that may hold buyer data kept in a cache (issue 10, item 20)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.auth import login

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/no-such-page"])
def test_every_answer_forbids_framing_sniffing_and_inline_scripts(client, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["script-src"] == "script-src 'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_https_deployments_get_hsts(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/login").headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_api_answers_and_csv_files_with_buyer_data_are_never_cached(app, api, users):
    auditor = login(app, "auditor")
    for path in ("/", "/audit", "/audit/queue.csv", "/api/v1/broadcasts"):
        response = auditor.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    static = auditor.get("/static/css/livedesk.css")
    static.close()
    assert "no-store" not in (static.headers.get("Cache-Control") or "")


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.name == "standalone.html":  # the offline report download: one self-contained file by design
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\s(src=|type=\"application/json\"))[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=",
                        r"javascript:"):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []
