"""Accessibility checks in browser tests: axe-core (bundled by axe-playwright-python, no download) run on a page."""
from __future__ import annotations

BLOCKING_IMPACTS = ("serious", "critical")
# axe-core's own run, as axe-playwright-python calls it, but only the violations come back: the passes and the
# inapplicable rules it would also send are most of a large answer and nothing here reads them.
RUN = "() => axe.run({resultTypes: ['violations']}).then((results) => results.violations)"


def blocking_violations(page) -> list[str]:
    """Return one line per serious or critical axe-core violation on the page as it is drawn now (empty: clean)."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(AXE_SCRIPT)  # once per document: a second check of the same page reuses it
    problems = []
    for violation in page.evaluate(RUN):
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = [", ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])[:5]]
        problems.append(f"{violation['impact']} {violation['id']}: {violation['help']} at {targets}")
    return problems
