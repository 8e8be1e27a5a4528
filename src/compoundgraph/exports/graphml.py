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

The file is written element by element (``xmlstream``): a first pass over the records learns the keys
(GraphML declares them before the graph), a second writes the nodes and edges, in the order and with
the bytes networkx's GraphML writer gave for the whole graph.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from typing import Any

from .common import edge_attrs, node_attrs, source_attrs
from .sink import Sink
from .spool import SpooledView
from .xmlstream import slot, write_document

__all__ = ["write", "FILENAME", "NS_GRAPHML"]

FILENAME = "graph.graphml"
NS_GRAPHML = "http://graphml.graphdrawing.org/xmlns"
_NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
_XML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _node(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in attrs.items() if k != "label"}
    out["entity_type"] = attrs["label"]
    out["label"] = attrs["name"]
    return out


def _graph_data(view: SpooledView) -> dict[str, Any]:
    return {"name": "compoundgraph export", "profile": view.profile, "exported_at": view.exported_at}


def _nodes(view: SpooledView) -> Iterator[tuple[str, dict[str, Any]]]:
    for e in view.iter_entities():
        yield e.id, _node(node_attrs(e))
    for s in view.mentioned_sources():
        yield s.id, _node(source_attrs(s))


def _edges(view: SpooledView) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for x in view.iter_edges(order="adjacency"):
        c = x.claim
        attrs = edge_attrs(c, x.contested, x.corroborated)
        # the claim id is the GraphML edge id (igraph reads it as ``id``); ``claim_id`` keeps it as a column
        attrs["claim_id"] = attrs.pop("id")
        attrs["label"] = c.type
        yield c.subject, c.object, c.id, attrs


class _Keys:
    """Key ids unique in the file, as GraphML requires: ``<scope initial>_<name>``, with the value type
    appended when one name comes with a second type."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, str], str] = {}

    def see(self, scope: str, data: dict[str, Any]) -> None:
        for name, value in data.items():
            key = (name, _XML_TYPES[type(value)], scope)
            if key not in self.ids:
                new_id = f"{scope[0]}_{name}"
                if new_id in self.ids.values():
                    new_id = f"{new_id}_{key[1]}"
                self.ids[key] = new_id

    def data(self, parent: ET.Element, scope: str, data: dict[str, Any]) -> ET.Element:
        for name, value in data.items():
            ET.SubElement(parent, "data", key=self.ids[(name, _XML_TYPES[type(value)], scope)]).text = str(value)
        return parent


def write(view: SpooledView, sink: Sink) -> None:
    keys = _Keys()
    keys.see("graph", _graph_data(view))
    n_nodes = n_edges = 0
    for _, data in _nodes(view):
        keys.see("node", data)
        n_nodes += 1
    for *_, data in _edges(view):
        keys.see("edge", data)
        n_edges += 1
    root = ET.Element("graphml", {"xmlns": NS_GRAPHML, "xmlns:xsi": _NS_XSI, "xsi:schemaLocation": _SCHEMA})
    for (name, xml_type, scope), key_id in reversed(keys.ids.items()):  # networkx puts each new key first
        ET.SubElement(root, "key", {"id": key_id, "for": scope, "attr.name": name, "attr.type": xml_type})
    graph = ET.SubElement(root, "graph", edgedefault="directed")
    slots: list[tuple[int, Iterable[ET.Element]]] = []
    if n_nodes or n_edges:
        slot(graph, 0)
        nodes = (keys.data(ET.Element("node", id=i), "node", d) for i, d in _nodes(view))
        edges = (keys.data(ET.Element("edge", source=a, target=b, id=k), "edge", d) for a, b, k, d in _edges(view))
        slots.append((2, _chain(nodes, edges)))
    keys.data(graph, "graph", _graph_data(view))  # networkx writes the graph's own data last
    with sink.open(FILENAME) as fh:
        write_document(fh, root, slots)


def _chain(*parts: Iterator[ET.Element]) -> Iterator[ET.Element]:
    for part in parts:
        yield from part
