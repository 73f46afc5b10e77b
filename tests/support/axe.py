"""Accessibility checks in browser tests: axe-core (bundled by axe-playwright-python, no download) run on a page."""
from __future__ import annotations

BLOCKING_IMPACTS = ("serious", "critical")


def blocking_violations(page) -> list[str]:
    """Return one line per serious or critical axe-core violation on the page as it is drawn now (empty: clean)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = [", ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])[:5]]
        problems.append(f"{violation['impact']} {violation['id']}: {violation['help']} at {targets}")
    return problems
