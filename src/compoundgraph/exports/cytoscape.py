"""Cytoscape.js JSON (``elements`` with ``nodes`` and ``edges``), also opened by Cytoscape desktop (.cyjs).

Each element's ``data`` holds the same flat attributes as the other graph formats; ``colour`` comes from
the ontology so a stylesheet can use ``background-color: data(colour)``.

The file is one JSON document (what cytoscape.js's ``elements`` and Cytoscape desktop read), written
element by element: the same bytes ``json.dumps(document, indent=1)`` gives, without holding the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .common import edge_attrs, node_attrs, source_attrs
from .sink import Sink
from .spool import SpooledView

__all__ = ["write", "FILENAME", "json_array"]

FILENAME = "graph.cyjs"
_MARK = "\x00elements\x00"


def _nodes(view: SpooledView) -> Iterator[dict[str, Any]]:
    # ``value`` (= id), ``directed`` and ``multigraph`` let networkx's cytoscape_graph() read the file too
    for e in view.iter_entities():
        yield {"data": {"id": e.id, "value": e.id, **node_attrs(e)}}
    for s in view.mentioned_sources():
        yield {"data": {"id": s.id, "value": s.id, **source_attrs(s)}}


def _edges(view: SpooledView) -> Iterator[dict[str, Any]]:
    for x in view.iter_edges():
        c = x.claim
        yield {
            "data": {
                **edge_attrs(c, x.contested, x.corroborated),
                "key": c.id,
                "source": c.subject,
                "target": c.object,
                "claim_source": c.source,
            }
        }


def json_array(fh: IO[bytes], items: Iterable[Any], depth: int, indent: int = 1) -> None:
    """Write a JSON array element by element, exactly as ``json.dumps(..., indent=indent)`` would write it
    at nesting ``depth`` (the array itself starting where the cursor is)."""
    inner = "\n" + " " * (indent * (depth + 1))
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=indent).replace("\n", inner)
        fh.write((("[" if first else ",") + inner + text).encode("utf-8"))
        first = False
    fh.write(b"[]" if first else ("\n" + " " * (indent * depth) + "]").encode("utf-8"))


def write(view: SpooledView, sink: Sink) -> None:
    skeleton = {
        "format_version": "1.0",
        "generated_by": "compoundgraph",
        "target_cytoscapejs_version": "~3",
        "directed": True,
        "multigraph": True,
        "data": {"name": "compoundgraph export", "profile": view.profile, "exported_at": view.exported_at},
        "elements": {"nodes": _MARK, "edges": _MARK},
    }
    text = json.dumps(skeleton, ensure_ascii=False, indent=1)
    head, middle, tail = text.split(json.dumps(_MARK))
    with sink.open(FILENAME) as fh:
        fh.write(head.encode("utf-8"))
        json_array(fh, _nodes(view), depth=2)
        fh.write(middle.encode("utf-8"))
        json_array(fh, _edges(view), depth=2)
        fh.write(tail.encode("utf-8"))
