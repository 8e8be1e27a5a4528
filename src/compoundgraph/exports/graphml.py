"""GraphML for Gephi, Cytoscape desktop and yEd: one node per entity, one edge per claim.

Node keys: ``label`` (type), ``name``, ``colour``, ``aliases``, ``sources``, ``first_seen``,
``last_seen``, ``p_<property>``. Edge ids are claim ids. Edge keys: ``type``,
``grade``, ``reliability``, ``credibility``, ``source``, ``valid_from``, ``valid_to``, ``handling``,
``contested``, ``quote``, ``p_<property>`` (transfers: amount, asset, tx_hash, timestamp). Sources that are
``MENTIONED_IN`` targets are nodes with ``label`` ``Source``.
"""

from __future__ import annotations

import io

import networkx as nx

from .common import edge_attrs, node_attrs, source_attrs
from .selection import ExportView

__all__ = ["render", "to_graph", "FILENAME"]

FILENAME = "graph.graphml"


def to_graph(view: ExportView) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="compoundgraph export", profile=view.profile, exported_at=view.exported_at)
    for e in view.entities.values():
        g.add_node(e.id, **node_attrs(e))
    for s in view.mentioned_sources():
        g.add_node(s.id, **source_attrs(s))
    contested = view.contested()
    for c in view.claims:
        attrs = edge_attrs(c, c.id in contested)
        del attrs["id"]  # the claim id is the GraphML edge id (igraph reads it as the ``id`` attribute)
        g.add_edge(c.subject, c.object, key=c.id, **attrs)
    return g


def render(view: ExportView) -> dict[str, bytes]:
    buf = io.BytesIO()
    nx.write_graphml(to_graph(view), buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return {FILENAME: buf.getvalue()}
