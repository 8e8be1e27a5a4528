"""Standalone charts opened in a real browser: names from reports are shown as text, never run as HTML.

pyvis swaps in a tooltip of its own that sets a node's title as HTML once any title contains ``href``;
an entity named like markup must still show as text when a reader hovers it, in a file made by
``POST /ui/standalone`` (the web UI's HTML export) and by ``compoundgraph chart``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from compoundgraph.cli.main import app as cli
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store import GraphStore
from compoundgraph.views import ego_json
from tests.support.ui import CHROMIUM, CHROMIUM_ARGS, demo_app

playwright_api = pytest.importorskip("playwright.sync_api")

HOSTILE = '<a href=x>Lotus</a><img src=y onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>'


def add_hostile(store: GraphStore) -> str:
    src = Source(id="src-hostile", title="Hostile test source", kind="report", reliability="C")
    person = Entity(id="person-hostile", label="Person", name=HOSTILE, sources=[src.id])
    claim = Claim(type="EMPLOYED_BY", subject=person.id, object="org-lotus-holdings", source=src.id, grade="C3")
    store.upsert([src, person, claim])
    return person.id


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def hover_every_node(browser: Any, path: Path) -> dict[str, Any]:
    """Open ``path``, hover each node in turn; what ran and what the tooltip showed."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function("typeof network !== 'undefined' && Object.keys(network.getPositions()).length > 0")
    # spread the nodes in a column so each can be hovered alone (the link tooltip opens to a node's right)
    page.evaluate("""() => { network.setOptions({physics: false});
        nodes.update(nodes.getIds().map((id, i) => ({id: id, x: 0, y: i * 120})));
        network.fit({animation: false}); }""")
    shown: list[str] = []
    for node_id in page.evaluate("nodes.getIds()"):
        x, y = page.evaluate(
            """id => { const d = network.canvasToDOM(network.getPositions([id])[id]);
                       const r = document.getElementById('mynetwork').getBoundingClientRect();
                       return [r.left + d.x, r.top + d.y]; }""",
            node_id,
        )
        page.mouse.move(5, 5)  # off every node first, so the previous tooltip goes (it hides after 500 ms)
        page.wait_for_timeout(800)
        page.mouse.move(x, y, steps=8)
        page.wait_for_timeout(900)
        shown.append(
            page.evaluate(
                "[...document.querySelectorAll('.popup, .vis-tooltip')].map(e => e.style.display === 'none' ? '' "
                ": e.textContent).join(' ')"
            )
        )
    result = {
        "xss": page.evaluate("window.__xss"),
        "dialogs": dialogs,
        "shown": " ".join(shown),
        "imgs": page.evaluate("document.querySelectorAll('#mynetwork img, .popup img').length"),
    }
    page.close()
    return result


def test_standalone_export_shows_markup_names_as_text(world: GraphStore, browser: Any, tmp_path: Path) -> None:
    add_hostile(world)
    client = TestClient(demo_app(world, tmp_path), client=("127.0.0.1", 50000))  # a loopback demo user
    body = ego_json(world.ego("org-lotus-holdings", 1))
    r = client.post("/ui/standalone", json={"nodes": body["nodes"], "edges": body["edges"], "title": HOSTILE})
    assert r.status_code == 200
    out = tmp_path / "chart.html"
    out.write_text(r.text, encoding="utf-8")
    seen = hover_every_node(browser, out)
    assert seen["xss"] is None and not seen["dialogs"] and seen["imgs"] == 0
    assert HOSTILE in seen["shown"]  # the reader sees the name, as text


def test_cli_chart_shows_markup_names_as_text(
    world: GraphStore, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    import compoundgraph.store as store_mod

    hostile = add_hostile(world)

    @contextmanager
    def opened(*_a: object, **_k: object):  # type: ignore[no-untyped-def]
        yield world

    monkeypatch.setattr(store_mod, "open_store", opened)
    out = tmp_path / "chart.html"
    r = CliRunner().invoke(cli, ["chart", hostile, "--hops", "1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    seen = hover_every_node(browser, out)
    assert seen["xss"] is None and not seen["dialogs"] and seen["imgs"] == 0
    assert HOSTILE in seen["shown"]
