"""The web UI under its Content-Security-Policy, in Chromium: no violation while it is used.

The app sends ``script-src 'self'`` (no inline script, no eval): any inline handler, ``eval`` or remote load
the UI still needed would show up here as a ``securitypolicyviolation`` event or a console error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compoundgraph.store import GraphStore
from tests.support.ui import CHROMIUM, CHROMIUM_ARGS, LiveServer, demo_app

playwright_api = pytest.importorskip("playwright.sync_api")

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


def _until(page: Any, js: str, timeout_s: float = 30.0) -> None:
    """Poll with ``page.evaluate`` (DevTools, not subject to the page's CSP; ``wait_for_function`` evals)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(js):
        assert time.monotonic() < deadline, f"timed out waiting for {js}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_the_ui_runs_under_its_csp(browser: Any, world: GraphStore, tmp_path: Path) -> None:
    with LiveServer(demo_app(world, tmp_path)) as live:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page = context.new_page()
        page.add_init_script(WATCH)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = page.goto(live.url + "/?open=org-lotus-holdings&hops=2")
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
        _until(page, "() => !!(window.cg && window.cg.ready === true)")
        page.wait_for_selector("#chart:not([data-state=busy])", state="attached")
        # use it: hover and click a node (tooltip, panel), the map and timeline tabs, a search, an export
        pos = page.evaluate("""() => { const p = cg.network.getPositions(['org-lotus-holdings'])['org-lotus-holdings'];
                                       return cg.network.canvasToDOM(p); }""")
        box = page.locator("#chart canvas").first.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        page.wait_for_timeout(600)
        page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
        page.wait_for_selector("#panel h1 >> text=Lotus Holdings Ltd")
        page.click("#tabs button[data-tab=timeline]")
        page.fill("#search", "Jade")
        page.locator("#results li").first.wait_for()
        with page.expect_download():
            page.click("#export-html")
        page.wait_for_timeout(300)
        violations = page.evaluate("window.__csp")
        context.close()
    assert violations == [], violations
    assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], console
    assert not errors, errors
