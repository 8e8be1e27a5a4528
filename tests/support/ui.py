"""The web UI under test in a browser: the app served live on a loopback port, Debian's Chromium, and a page
object for the chart canvas. The fixtures that use these (``browser``, ``server``, ``ui``) are in
tests/ui/conftest.py; screenshots go to ``test-artifacts/ui/``.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from compoundgraph.api.app import create_app
from compoundgraph.api.config import ApiSettings
from compoundgraph.settings import Settings
from compoundgraph.store import GraphStore

from .world import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "ui"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn in a background thread, serving ``app`` on a free loopback port."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def demo_app(store: GraphStore, tmp: Path, role: str = "analyst") -> Any:
    """The real app over ``store``, key-less for loopback clients (demo mode, acting as ``role``), keys and audit
    in ``tmp``."""
    return create_app(
        Settings.model_validate({"embedded_path": tmp / "unused.sqlite"}),
        store=store,
        api=ApiSettings(demo=True, demo_role=role, keys_path=tmp / "keys.json", audit_path=tmp / "audit.jsonl"),
    )


def offline_page(browser: Any, base: str, size: tuple[int, int] = (1400, 900)) -> tuple[Any, UI]:
    """A new browser context and page on the app at ``base`` that loads nothing from anywhere else but
    ``data:`` and ``blob:`` URLs (each refused address lands in ``UI.blocked``); the page's uncaught errors go
    to ``UI.errors`` and every request to ``UI.requests``. Downloads are accepted."""
    # bypass_csp: Playwright evaluates wait_for_function predicates with eval, which the app's CSP forbids;
    # tests/ui/test_ui_csp.py drives the page with the CSP in force
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, accept_downloads=True, bypass_csp=True
    )
    page = context.new_page()
    u = UI(page, base)

    def route(r: Any) -> None:
        if r.request.url.startswith(base + "/") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            u.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: u.errors.append(str(e)))
    page.on("request", lambda r: u.requests.append(r.url))
    return context, u


class UI:
    """A page on the app with helpers for the chart canvas."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []

    def open(self, query: str = "") -> None:
        self.page.goto(self.base + "/" + query)
        self.page.wait_for_function("window.cg && window.cg.ready === true")
        self.settled()

    def settled(self) -> None:
        self.page.wait_for_selector("#chart:not([data-state=busy])", state="attached")

    def wait_settles(self, before: int) -> None:
        self.page.wait_for_function(f"window.cg.settles > {before}")
        self.settled()

    def settles(self) -> int:
        return int(self.page.evaluate("window.cg.settles"))

    def node_ids(self) -> set[str]:
        return set(self.page.evaluate("cg.nodes.getIds()"))

    def visible_edges(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("cg.edges.get().filter(e => !e.hidden)"))

    def xy(self, node_id: str) -> tuple[float, float]:
        x, y = self.page.evaluate(
            """id => { const p = cg.network.getPositions([id])[id]; const d = cg.network.canvasToDOM(p);
                       const r = document.querySelector('#chart canvas').getBoundingClientRect();
                       return [r.left + d.x, r.top + d.y]; }""",
            node_id,
        )
        return float(x), float(y)

    def click_node(self, node_id: str, ctrl: bool = False) -> None:
        if ctrl:
            self.page.keyboard.down("Control")
        self.page.mouse.click(*self.xy(node_id))
        if ctrl:
            self.page.keyboard.up("Control")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
