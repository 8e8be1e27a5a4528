"""GraphML for Gephi, Cytoscape desktop and yEd: one node per entity, one edge per claim.

Node keys: ``label`` (the name, which Gephi and yEd show), ``name``, ``entity_type``, ``colour``,
``aliases``, ``sources``, ``first_seen``, ``last_seen``, ``p_<property>``. Edge ids are claim ids. Edge
keys: ``label`` and ``type`` (the relationship type), ``claim_id``, ``grade``, ``reliability``,
``credibility``, ``source``, ``valid_from``, ``valid_to``, ``handling``, ``contested``, ``quote``,
``p_<property>`` (transfers: amount, asset, tx_hash, timestamp). Sources that are ``MENTIONED_IN`` targets
are nodes with ``entity_type`` ``Source``.

Key ids are unique in the file, as GraphML requires: ``n_<name>`` for node keys, ``e_<name>`` for edge
keys, ``g_<name>`` for the graph's (a node and an edge attribute may share a name). Gephi matches its
reserved attributes (``label``) by the key's ``attr.name`` too, so labels still land where they belong.
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from .common import edge_attrs, node_attrs, source_attrs
from .selection import ExportView

__all__ = ["render", "to_graph", "FILENAME"]

FILENAME = "graph.graphml"


class _ScopedKeyWriter(GraphMLWriter):  # type: ignore[misc]  # networkx ships no type hints: its classes are Any
    """networkx's writer, with key ids made from scope and name so no two keys share an id."""

    def get_key(self, name: str, attr_type: str, scope: str, default: Any) -> str:
        keys_key = (name, attr_type, scope)
        if keys_key not in self.keys:
            taken = set(self.keys.values())
            new_id = f"{scope[0]}_{name}"
            if new_id in taken:  # the same name with a second value type
                new_id = f"{new_id}_{attr_type}"
            key = self.myElement("key", **{"id": new_id, "for": scope, "attr.name": name, "attr.type": attr_type})
            if default is not None:
                element = self.myElement("default")
                element.text = str(default)
                key.append(element)
            self.xml.insert(0, key)
            self.keys[keys_key] = new_id
        return str(self.keys[keys_key])


def _node(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in attrs.items() if k != "label"}
    out["entity_type"] = attrs["label"]
    out["label"] = attrs["name"]
    return out


def to_graph(view: ExportView) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="compoundgraph export", profile=view.profile, exported_at=view.exported_at)
    for e in view.entities.values():
        g.add_node(e.id, **_node(node_attrs(e)))
    for s in view.mentioned_sources():
        g.add_node(s.id, **_node(source_attrs(s)))
    contested, corroborated = view.contested(), view.corroborated()
    for c in view.claims:
        attrs = edge_attrs(c, c.id in contested, c.id in corroborated)
        # the claim id is the GraphML edge id (igraph reads it as ``id``); ``claim_id`` keeps it as a column
        attrs["claim_id"] = attrs.pop("id")
        attrs["label"] = c.type
        g.add_edge(c.subject, c.object, key=c.id, **attrs)
    return g


def render(view: ExportView) -> dict[str, bytes]:
    buf = io.BytesIO()
    writer = _ScopedKeyWriter(encoding="utf-8", prettyprint=True, edge_id_from_attribute=None)
    writer.add_graph_element(to_graph(view))
    writer.dump(buf)
    return {FILENAME: buf.getvalue()}
