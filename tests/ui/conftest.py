"""Fixtures of the browser tests (the helpers are in tests/support/ui.py).

- ``browser`` (module): Debian's Chromium, headless, launched by Playwright; closed after the module.
- ``server`` (function): the real app over the ``world`` store, served live on a free loopback port (demo mode).
- ``ui`` (function): a page on ``server`` in a fresh browser context; every request not to the app is aborted
  and recorded; after the test a screenshot is kept, and the test fails if the page threw or reached out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compoundgraph.store import GraphStore
from tests.support.ui import CHROMIUM, CHROMIUM_ARGS, UI, LiveServer, demo_app, offline_page


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def server(world: GraphStore, tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(demo_app(world, tmp_path)) as live:
        yield live


@pytest.fixture
def ui(browser: Any, server: LiveServer, request: pytest.FixtureRequest) -> Iterator[UI]:
    context, u = offline_page(browser, server.url)
    yield u
    u.shot(re.sub(r"[^\w.-]+", "_", request.node.name))
    context.close()
    assert not u.errors, f"script errors on the page: {u.errors}"
    assert not u.blocked, f"the page tried to reach beyond the app: {u.blocked}"
