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

The file is written element by element (``xmlstream``): a first pass learns the attribute declarations
and the time format, a second writes nodes and edges, as networkx's GEXF writer laid out the whole graph.
Each edge's number among its parallel claims comes from the spool (a window over the claims of one type
between two nodes), so no claim is held to number it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from typing import Any

from .. import __version__
from .common import edge_attrs, node_attrs, source_attrs
from .sink import Sink
from .spool import SpooledView
from .xmlstream import slot, write_document

__all__ = ["write", "FILENAME"]

FILENAME = "graph.gexf"
_ROOT = {
    "xmlns": "http://gexf.net/1.3",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsi:schemaLocation": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
    "version": "1.3",
}
_XML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string", list: "string", dict: "string"}
_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


def _node(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in attrs.items() if k not in ("label", "name")}
    out["entity_type"] = attrs["label"]
    return out


def _nodes(view: SpooledView) -> Iterator[tuple[dict[str, str], dict[str, Any]]]:
    for e in view.iter_entities():
        yield {"id": e.id, "label": e.name}, _node(node_attrs(e))
    for s in view.mentioned_sources():
        yield {"id": s.id, "label": s.title}, _node(source_attrs(s))


def _edges(view: SpooledView) -> Iterator[tuple[dict[str, str], dict[str, Any]]]:
    for x in view.iter_edges(numbered=True, order="adjacency"):
        c = x.claim
        data = edge_attrs(c, x.contested, x.corroborated)
        data.pop("id")
        data["rel_type"] = data.pop("type")
        data["networkx_key"] = c.id  # the column networkx's writer gave every edge: kept for old readers
        kw = {"source": c.subject, "target": c.object, "id": c.id, "label": c.type}
        start, end = c.valid_from, c.valid_to
        ts = c.properties.get("timestamp")
        if isinstance(ts, str) and not start:
            start = end = ts[:10]
        if start:
            kw["start"] = start
        if end:
            kw["end"] = end
        kw["kind"] = c.type if x.number == 1 else f"{c.type} #{x.number}"
        yield kw, data


class _Attributes:
    """Attribute declarations per class: ids numbered in order of first use, typed by their first value."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
        self.count = 0

    def see(self, cls: str, data: dict[str, Any]) -> None:
        for title, value in data.items():
            if title not in self.ids[cls]:
                self.ids[cls][title] = (str(self.count), _XML_TYPES[type(value)])
                self.count += 1

    def element(self, cls: str) -> ET.Element:
        out = ET.Element("attributes", {"mode": "static", "class": cls})
        for title, (attr_id, kind) in self.ids[cls].items():
            ET.SubElement(out, "attribute", id=attr_id, title=title, type=kind)
        return out

    def values(self, parent: ET.Element, cls: str, data: dict[str, Any]) -> ET.Element:
        if data:
            values = ET.SubElement(parent, "attvalues")
            for title, value in data.items():
                text = str(value).lower() if isinstance(value, bool) else str(value)
                if isinstance(value, float):
                    text = _FLOATS.get(text, text)
                ET.SubElement(values, "attvalue", {"for": self.ids[cls][title][0], "value": text})
        return parent


def write(view: SpooledView, sink: Sink) -> None:
    attrs = _Attributes()
    n_nodes = n_edges = 0
    timed = False
    for _, data in _nodes(view):
        attrs.see("node", data)
        n_nodes += 1
    for kw, data in _edges(view):
        attrs.see("edge", data)
        timed = timed or "start" in kw or "end" in kw
        n_edges += 1
    root = ET.Element("gexf", _ROOT)
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = f"compoundgraph {__version__}"
    meta.set("lastmodifieddate", view.exported_at[:10])
    graph = ET.SubElement(root, "graph", defaultedgetype="directed", mode="dynamic", name="")
    if timed:
        graph.set("timeformat", "date")
    for cls in ("edge", "node"):  # networkx puts each new declaration block first
        if attrs.ids[cls]:
            graph.append(attrs.element(cls))
    slots: list[tuple[int, Iterable[ET.Element]]] = []
    nodes = ET.SubElement(graph, "nodes")
    if n_nodes:
        slot(nodes, len(slots))
        slots.append((3, (attrs.values(ET.Element("node", kw), "node", d) for kw, d in _nodes(view))))
    edges = ET.SubElement(graph, "edges")
    if n_edges:
        slot(edges, len(slots))
        slots.append((3, (attrs.values(ET.Element("edge", kw), "edge", d) for kw, d in _edges(view))))
    with sink.open(FILENAME) as fh:
        write_document(fh, root, slots)
