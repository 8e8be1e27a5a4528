"""GEXF 1.3 for Gephi, with time intervals so Gephi's timeline filters claims by when they held.

An edge's interval is its claim's ``valid_from``..``valid_to`` (a transfer's is the day of its timestamp);
open ends stay open. Nodes carry no interval (an entity exists as long as a claim about it does), so the
timeline shows and hides *relationships*. GEXF reserves ``label``, ``id``, ``type``, ``start`` and
``end``: a node's GEXF label is its name and its type is the ``entity_type`` attribute; an edge's GEXF
label is its relationship type, also in ``rel_type``.

Every claim stays its own edge in Gephi. Gephi merges edges that join the same two nodes with the same
edge *kind* (its "edge type") under its default merge strategy, which would fold repeated transfers
between two wallets into one edge and drop their dates. So an edge's GEXF ``kind`` is its relationship
type, and the 2nd, 3rd, ... claim of one type between the same two nodes (in order of date, then id) gets
``TYPE #2``, ``TYPE #3``, ...: no two edges share ends and kind, whatever merge strategy is chosen.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from .common import edge_attrs, node_attrs, source_attrs
from .selection import ExportView

__all__ = ["render", "to_graph", "edge_kinds", "FILENAME"]

FILENAME = "graph.gexf"


def _node(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in attrs.items() if k not in ("label", "name")}
    out["entity_type"] = attrs["label"]
    out["label"] = attrs["name"]
    return out


def to_graph(view: ExportView) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(mode="dynamic")
    for e in view.entities.values():
        g.add_node(e.id, **_node(node_attrs(e)))
    for s in view.mentioned_sources():
        g.add_node(s.id, **_node(source_attrs(s)))
    contested, corroborated = view.contested(), view.corroborated()
    for c in view.claims:
        attrs = edge_attrs(c, c.id in contested, c.id in corroborated)
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
    return g


def edge_kinds(view: ExportView) -> dict[str, str]:
    """Claim id -> GEXF edge kind: the type, numbered from the second claim of a type between two nodes."""

    def when(c: Any) -> str:
        return str(c.valid_from or c.properties.get("timestamp") or "")

    seen: Counter[tuple[str, str, str]] = Counter()
    kinds = {}
    for c in sorted(view.claims, key=lambda c: (when(c), c.id)):
        seen[(c.subject, c.object, c.type)] += 1
        n = seen[(c.subject, c.object, c.type)]
        kinds[c.id] = c.type if n == 1 else f"{c.type} #{n}"
    return kinds


def render(view: ExportView) -> dict[str, bytes]:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
    writer.add_graph(to_graph(view))
    kinds = edge_kinds(view)
    for edge in writer.xml.iter("edge"):
        edge.set("kind", kinds[edge.get("id", "")])
    buf = io.BytesIO()
    writer.write(buf)
    # networkx names the XML Schema instance namespace without its "www."
    data = buf.getvalue().replace(
        b'"http://w3.org/2001/XMLSchema-instance"', b'"http://www.w3.org/2001/XMLSchema-instance"', 1
    )
    return {FILENAME: data}
