"""Cytoscape.js JSON (``elements`` with ``nodes`` and ``edges``), also opened by Cytoscape desktop (.cyjs).

Each element's ``data`` holds the same flat attributes as the other graph formats; ``colour`` comes from
the ontology so a stylesheet can use ``background-color: data(colour)``.
"""

from __future__ import annotations

import json
from typing import Any

from .common import edge_attrs, node_attrs, source_attrs
from .selection import ExportView

__all__ = ["render", "FILENAME", "to_dict"]

FILENAME = "graph.cyjs"


def to_dict(view: ExportView) -> dict[str, Any]:
    contested, corroborated = view.contested(), view.corroborated()
    # ``value`` (= id), ``directed`` and ``multigraph`` let networkx's cytoscape_graph() read the file too
    nodes = [{"data": {"id": e.id, "value": e.id, **node_attrs(e)}} for e in view.entities.values()]
    nodes += [{"data": {"id": s.id, "value": s.id, **source_attrs(s)}} for s in view.mentioned_sources()]
    edges = [
        {
            "data": {
                **edge_attrs(c, c.id in contested, c.id in corroborated),
                "key": c.id,
                "source": c.subject,
                "target": c.object,
                "claim_source": c.source,
            }
        }
        for c in view.claims
    ]
    return {
        "format_version": "1.0",
        "generated_by": "compoundgraph",
        "target_cytoscapejs_version": "~3",
        "directed": True,
        "multigraph": True,
        "data": {"name": "compoundgraph export", "profile": view.profile, "exported_at": view.exported_at},
        "elements": {"nodes": nodes, "edges": edges},
    }


def render(view: ExportView) -> dict[str, bytes]:
    return {FILENAME: json.dumps(to_dict(view), ensure_ascii=False, indent=1).encode("utf-8")}
