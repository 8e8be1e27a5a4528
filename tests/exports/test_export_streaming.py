"""Streamed exports on both stores: the same bytes as the whole-document writers, the same selection as
the in-memory one.

The graph formats are written element by element from the spool. Their reference here is what they were
before they streamed: the whole graph built in networkx and written by networkx's own GraphML and GEXF
writers, and the whole Cytoscape document given to ``json.dumps``. The row formats (jsonl, csv, i2,
neo4j-admin, FtM) write the same rows as before from the spool; the whole-graph selection streamed from the
store is held equal here to the one selected in memory and redacted.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from networkx.readwrite.gexf import GEXFWriter
from networkx.readwrite.graphml import GraphMLWriter

from compoundgraph.exports import build_view, create_package, open_view, redact, render, select
from compoundgraph.exports.common import edge_attrs, node_attrs, source_attrs
from compoundgraph.exports.keys import generate_keypair, load_private_key
from compoundgraph.exports.selection import ExportView, materialize
from compoundgraph.store import GraphStore

PROFILES = ["internal", "partner"]


class _ScopedKeyWriter(GraphMLWriter):  # type: ignore[misc]  # networkx ships no type hints
    def get_key(self, name: str, attr_type: str, scope: str, default: Any) -> str:
        keys_key = (name, attr_type, scope)
        if keys_key not in self.keys:
            new_id = f"{scope[0]}_{name}"
            if new_id in set(self.keys.values()):
                new_id = f"{new_id}_{attr_type}"
            key = self.myElement("key", **{"id": new_id, "for": scope, "attr.name": name, "attr.type": attr_type})
            self.xml.insert(0, key)
            self.keys[keys_key] = new_id
        return str(self.keys[keys_key])


def graphml_reference(view: ExportView) -> bytes:
    def node(attrs: dict[str, Any]) -> dict[str, Any]:
        return {
            **{k: v for k, v in attrs.items() if k != "label"},
            "entity_type": attrs["label"],
            "label": attrs["name"],
        }

    g = nx.MultiDiGraph(name="compoundgraph export", profile=view.profile, exported_at=view.exported_at)
    for e in view.entities.values():
        g.add_node(e.id, **node(node_attrs(e)))
    for s in view.mentioned_sources():
        g.add_node(s.id, **node(source_attrs(s)))
    contested = view.contested()
    for c in view.claims:
        attrs = edge_attrs(c, c.id in contested)
        attrs["claim_id"] = attrs.pop("id")
        attrs["label"] = c.type
        g.add_edge(c.subject, c.object, key=c.id, **attrs)
    buf = io.BytesIO()
    writer = _ScopedKeyWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(g)
    writer.dump(buf)
    return buf.getvalue()


def gexf_reference(view: ExportView) -> bytes:
    def node(attrs: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in attrs.items() if k not in ("label", "name")}
        return {**out, "entity_type": attrs["label"], "label": attrs["name"]}

    g = nx.MultiDiGraph(mode="dynamic")
    for e in view.entities.values():
        g.add_node(e.id, **node(node_attrs(e)))
    for s in view.mentioned_sources():
        g.add_node(s.id, **node(source_attrs(s)))
    contested = view.contested()
    for c in view.claims:
        attrs = edge_attrs(c, c.id in contested)
        attrs["rel_type"] = attrs.pop("type")
        attrs["label"] = c.type
        start, end = c.valid_from, c.valid_to
        ts = c.properties.get("timestamp")
        if isinstance(ts, str) and not start:
            start = end = ts[:10]
        if start:
            attrs["start"] = start
        if end:
            attrs["end"] = end
        g.add_edge(c.subject, c.object, key=c.id, **attrs)
    seen: Counter[tuple[str, str, str]] = Counter()
    kinds = {}
    for c in sorted(view.claims, key=lambda c: (str(c.valid_from or c.properties.get("timestamp") or ""), c.id)):
        seen[(c.subject, c.object, c.type)] += 1
        n = seen[(c.subject, c.object, c.type)]
        kinds[c.id] = c.type if n == 1 else f"{c.type} #{n}"
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
    writer.add_graph(g)
    for edge in writer.xml.iter("edge"):
        edge.set("kind", kinds[edge.get("id", "")])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _normalise_gexf(data: bytes) -> bytes:
    """What differs on purpose: who wrote it and when (networkx stamps the day it ran), and the XML Schema
    instance namespace, which networkx spells without its "www."."""
    lines = data.decode("utf-8").splitlines()
    out = [
        "<creator/>" if "<creator>" in line else line.split(" lastmodifieddate=")[0] if "<meta" in line else line
        for line in lines
    ]
    return (
        "\n".join(out)
        .replace("http://w3.org/2001/XMLSchema-instance", "http://www.w3.org/2001/XMLSchema-instance")
        .encode()
    )


def cytoscape_reference(view: ExportView) -> bytes:
    contested = view.contested()
    doc = {
        "format_version": "1.0",
        "generated_by": "compoundgraph",
        "target_cytoscapejs_version": "~3",
        "directed": True,
        "multigraph": True,
        "data": {"name": "compoundgraph export", "profile": view.profile, "exported_at": view.exported_at},
        "elements": {
            "nodes": [{"data": {"id": e.id, "value": e.id, **node_attrs(e)}} for e in view.entities.values()]
            + [{"data": {"id": s.id, "value": s.id, **source_attrs(s)}} for s in view.mentioned_sources()],
            "edges": [
                {
                    "data": {
                        **edge_attrs(c, c.id in contested),
                        "key": c.id,
                        "source": c.subject,
                        "target": c.object,
                        "claim_source": c.source,
                    }
                }
                for c in view.claims
            ],
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


@pytest.mark.parametrize("profile", PROFILES)
def test_graph_documents_have_the_bytes_of_the_whole_document_writers(world: GraphStore, profile: str) -> None:
    with open_view(world, profile) as streamed:
        files = {fmt: render(streamed, fmt) for fmt in ("graphml", "gexf", "cytoscape", "stix")}
        whole = materialize(streamed)
    assert whole.claims and whole.entities
    assert files["graphml"]["graph.graphml"] == graphml_reference(whole)
    assert _normalise_gexf(files["gexf"]["graph.gexf"]) == _normalise_gexf(gexf_reference(whole))
    if profile == "internal":  # parallel claims are numbered (the partner profile keeps none of the world's)
        assert re.search(rb'kind="[A-Z_]+ #2"', files["gexf"]["graph.gexf"])
    assert files["cytoscape"]["graph.cyjs"] == cytoscape_reference(whole)
    # STIX: the streamed bundle is the document json.dumps gives for it, every claim a relationship
    text = files["stix"]["stix-bundle.json"].decode("utf-8")
    bundle = json.loads(text)
    assert json.dumps(bundle, ensure_ascii=False, indent=1) == text
    relationships = [o for o in bundle["objects"] if o["type"] == "relationship"]
    assert len(relationships) == len(whole.claims)
    reports = {o["id"]: o for o in bundle["objects"] if o["type"] == "report"}
    referenced = {r for o in reports.values() for r in o["object_refs"]}
    assert {o["id"] for o in relationships} <= referenced  # each source's report lists its claims
    assert all(o["object_refs"] == sorted(set(o["object_refs"])) for o in reports.values())


@pytest.mark.parametrize("profile", PROFILES)
def test_whole_graph_streamed_from_the_store_equals_the_selection_made_in_memory(
    world: GraphStore, profile: str
) -> None:
    with open_view(world, profile) as streamed:
        got = materialize(streamed)
    want = redact(select(world), profile)
    assert list(got.sources) == list(want.sources)
    assert got.entities == want.entities
    assert got.claims == want.claims
    assert got.aggregates == want.aggregates and got.dropped == want.dropped
    assert got.counts() == want.counts()
    if profile == "partner":
        assert got.aggregates and not any(e.label == "Case" for e in got.entities.values())
        assert all(not isinstance(a.cases, int) or a.cases >= 5 for a in got.aggregates)


def test_every_format_is_the_same_from_the_store_and_from_memory(world: GraphStore) -> None:
    formats = ["jsonl", "ftm", "i2", "csv", "neo4j-admin", "graphml", "gexf", "cytoscape"]
    with open_view(world, "partner") as streamed:
        direct = {fmt: render(streamed, fmt) for fmt in formats}
        whole = materialize(streamed)
    for fmt in formats:
        assert render(whole, fmt) == direct[fmt], fmt


@pytest.mark.parametrize("name", ["package.zip", "package"])
def test_a_package_that_fails_half_way_leaves_nothing(world: GraphStore, tmp_path: Path, name: str) -> None:
    view = build_view(world, "internal")
    # aliases holding every candidate array delimiter: the neo4j-admin writer gives up, after the lossless
    # file and the FtM file were already written into the package
    lotus = view.entities["compound-golden-lotus"]
    view.entities[lotus.id] = lotus.model_copy(update={"aliases": [*lotus.aliases, "; | ¦ § ¤"]})
    private, _ = generate_keypair(tmp_path / "keys", "agency")
    out = tmp_path / "out" / name
    with pytest.raises(ValueError, match="delimiter"):
        create_package(view, out, ["ftm", "neo4j-admin"], load_private_key(private))
    assert not out.exists()
    assert list((tmp_path / "out").iterdir()) == []
