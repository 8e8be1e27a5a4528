"""The Cytoscape JSON export loaded by Cytoscape.js itself (``tools/cytoscape-check``, run with Node).

``scripts/test`` installs the pinned Cytoscape.js from ``tools/cytoscape-check/package-lock.json``
(``npm ci``); the check loads the file with ``cy.json()`` as a page embedding Cytoscape.js would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from compoundgraph.exports import build_view, render
from compoundgraph.loader import load_jsonl
from compoundgraph.ontology import ontology
from compoundgraph.store import EmbeddedStore, GraphStore
from tests.support.world import ROOT

CHECK = ROOT / "tools" / "cytoscape-check"


def cytoscape_js(path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "Node.js is needed to run Cytoscape.js"
    assert (CHECK / "node_modules" / "cytoscape").is_dir(), (
        "Cytoscape.js is not installed: run `npm ci --prefix tools/cytoscape-check` (scripts/test does)"
    )
    proc = subprocess.run([node, str(CHECK / "check.mjs"), str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.fixture
def world_embedded(tmp_path: Path) -> GraphStore:
    store = EmbeddedStore(tmp_path / "world.sqlite")
    load_jsonl(store, [ROOT / "tests" / "fixtures" / "world.jsonl"])
    return store


@pytest.mark.parametrize("profile", ["internal", "partner"])
def test_cytoscape_js_loads_every_node_and_claim(world_embedded: GraphStore, tmp_path: Path, profile: str) -> None:
    view = build_view(world_embedded, profile)
    path = tmp_path / "graph.cyjs"
    path.write_bytes(render(view, "cytoscape")["graph.cyjs"])
    cy = cytoscape_js(path)
    assert cy["warnings"] == []
    assert cy["data"]["profile"] == profile
    expected_nodes = set(view.entities) | {s.id for s in view.mentioned_sources()}
    assert set(cy["nodes"]) == expected_nodes
    assert set(cy["edges"]) == {c.id for c in view.claims}  # parallel claims stay separate edges
    for c in view.claims:
        edge = cy["edges"][c.id]
        assert (edge["source"], edge["target"], edge["type"], edge["grade"]) == (c.subject, c.object, c.type, c.grade)
    lotus = cy["nodes"]["compound-golden-lotus"]
    assert lotus["name"] == "Golden Lotus Park" and lotus["label"] == "Compound"
    colour = ontology().display("Compound").colour.lstrip("#")
    rgb = tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))
    assert lotus["colour"] == "rgb({},{},{})".format(*rgb)  # the stylesheet's data(colour) works
    assert sum(cy["degree"].values()) == 2 * len(view.claims)
