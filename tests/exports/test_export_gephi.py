"""GraphML and GEXF exports opened by Gephi itself (the Gephi toolkit, through ``scripts/gephi-check``).

Gephi merges edges that share their two ends and their edge kind under its default merge strategy; these
tests check that every claim still arrives as its own edge, with its dates, and that nodes are labelled by
name. The runner is built with Maven from ``tools/gephi-check/pom.xml`` (``scripts/test`` builds it first).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from compoundgraph.exports import build_view, render
from compoundgraph.exports.selection import ExportView
from compoundgraph.store import EmbeddedStore, GraphStore
from tests.support.world import ROOT

pytestmark = pytest.mark.java


def gephi(path: Path, merge: str | None = None) -> dict[str, Any]:
    cmd = [str(ROOT / "scripts" / "gephi-check"), str(path), *([merge] if merge else [])]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.fixture
def world_embedded(tmp_path: Path) -> GraphStore:
    from compoundgraph.loader import load_jsonl

    store = EmbeddedStore(tmp_path / "world.sqlite")
    load_jsonl(store, [ROOT / "tests" / "fixtures" / "world.jsonl"])
    return store


def repeated_transfers(view: ExportView, extra: int = 5) -> ExportView:
    """The fixture world plus ``extra`` more transfers between the same two wallets, on one day."""
    base = next(c for c in view.claims if c.type == "TRANSFERRED")
    for i in range(extra):
        props = {**base.properties, "timestamp": f"2024-03-09T0{i}:15:3{i}Z", "log_index": 10 + i}
        view.claims.append(
            base.model_copy(update={"id": f"clm-repeat-{i}", "key": f"{base.key}-r{i}", "properties": props})
        )
    return view


def _pairs_with_parallel_claims(view: ExportView) -> int:
    seen: dict[tuple[str, str], int] = {}
    for c in view.claims:
        seen[(c.subject, c.object)] = seen.get((c.subject, c.object), 0) + 1
    return sum(1 for n in seen.values() if n > 1)


def test_gexf_keeps_every_claim_under_gephis_default_merge(world_embedded: GraphStore, tmp_path: Path) -> None:
    view = repeated_transfers(build_view(world_embedded, "internal"))
    assert _pairs_with_parallel_claims(view) >= 2  # the repeated transfers and a contested pair
    path = tmp_path / "graph.gexf"
    path.write_bytes(render(view, "gexf")["graph.gexf"])
    g = gephi(path)
    assert g["merge"] == "SUM"  # what a user who clicks OK gets
    edges = {e["id"]: e for e in g["edges"]}
    assert set(edges) == {c.id for c in view.claims}, "Gephi merged claims"
    for c in view.claims:
        e = edges[c.id]
        assert (e["source"], e["target"], e["label"]) == (c.subject, c.object, c.type)
        if c.properties.get("timestamp"):
            assert e["attrs"]["p_timestamp"] == c.properties["timestamp"]  # full time kept
        if c.valid_from or c.properties.get("timestamp"):
            assert e["attrs"].get("timeset"), f"{c.id} lost its interval"
    assert g["nodes"]["compound-golden-lotus"]["label"] == "Golden Lotus Park"
    assert len(g["nodes"]) == len(view.entities) + len(view.mentioned_sources())


def test_graphml_keeps_every_claim_with_dont_merge_and_labels_nodes_by_name(
    world_embedded: GraphStore, tmp_path: Path
) -> None:
    view = repeated_transfers(build_view(world_embedded, "partner"))
    path = tmp_path / "graph.graphml"
    path.write_bytes(render(view, "graphml")["graph.graphml"])
    g = gephi(path, "NO_MERGE")  # the import setting docs/exports.md names for GraphML
    assert not [i for i in g["issues"] if i.startswith("SEVERE")], g["issues"]
    edges = {e["id"]: e for e in g["edges"]}
    assert set(edges) == {c.id for c in view.claims}
    repeat = edges["clm-repeat-3"]
    assert repeat["label"] == "TRANSFERRED" and repeat["attrs"]["p_timestamp"] == "2024-03-09T03:15:33Z"
    for node_id, node in g["nodes"].items():
        expected = view.entities[node_id].name if node_id in view.entities else view.sources[node_id].title
        assert node["label"] == expected
        assert node["attrs"]["entity_type"] == view.label_of(node_id)
