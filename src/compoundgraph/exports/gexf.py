"""GEXF 1.2 for Gephi, with time intervals so Gephi's timeline filters claims by when they held.

An edge's interval is its claim's ``valid_from``..``valid_to`` (a transfer's is the day of its timestamp);
open ends stay open. Nodes carry no interval (an entity exists as long as a claim about it does), so the
timeline shows and hides *relationships*. GEXF reserves ``label``, ``id``, ``type``, ``start`` and
``end``: a node's GEXF label is its name and its type is the ``entity_type`` attribute; an edge's GEXF
label is its relationship type, also in ``rel_type``.
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx

from .common import edge_attrs, node_attrs, source_attrs
from .selection import ExportView

__all__ = ["render", "to_graph", "FILENAME"]

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
    return g


def render(view: ExportView) -> dict[str, bytes]:
    buf = io.BytesIO()
    nx.write_gexf(to_graph(view), buf, encoding="utf-8", prettyprint=True, version="1.2draft")
    return {FILENAME: buf.getvalue()}
