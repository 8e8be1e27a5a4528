"""Reproducibility stamps: what a result was computed on, so it can be re-run and annexed to a case file.

A stamp holds a content hash of the projected graph, the parameters, the grade threshold, the ``as_of``
date, the engine and the library versions; its ``id`` hashes all of that. No clock time goes in: the same
inputs give the same stamp.

The graph hash covers every node's id and type and every claim in full: a claim counts by its
fingerprint (:func:`~compoundgraph.models.claim_fingerprint`, 96 bits over its id, ends, type, grade,
validity, handling, source and properties), which both stores keep beside each claim, so a million-claim
projection is hashed without reading a million claims back. An edge that carries no claim (a graph built
by hand) counts by a fingerprint of its ends, key and attributes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from ..models import claim_fingerprint, fingerprint
from .engines import versions
from .projection import GraphLike, Projection, fp_order, take_rows

__all__ = ["graph_digest", "make_stamp", "canonical"]


def canonical(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces; non-JSON values as strings)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _fp(line: str) -> bytes:
    return bytes.fromhex(fingerprint(line.encode("utf-8")))


def _edge_fp(u: Any, v: Any, k: Any, d: dict[str, Any]) -> bytes:
    claim = d.get("claim")
    if claim is not None and hasattr(claim, "properties"):
        return bytes.fromhex(claim_fingerprint(claim))
    rest = {a: b for a, b in d.items() if a != "claim"}
    return _fp("\t".join(("E", str(u), str(v), str(k), canonical(rest))))


def _sorted_rows(fps: np.ndarray) -> np.ndarray:
    """12-byte rows in lexicographic order."""
    return fps if fps.shape[0] < 2 else take_rows(fps, fp_order(fps))


def graph_digest(G: GraphLike) -> str:
    """SHA-256 over the sorted node lines, then the sorted claim fingerprints; independent of insertion
    order and of the store the graph came from.

    O((n + m) log(n + m)); for a projection built from a store's columns the fingerprints are read, not
    computed.

    Examples
    --------
    >>> a = nx.MultiDiGraph([("x", "y")]); b = nx.MultiDiGraph(); b.add_nodes_from(["y", "x"])
    >>> _ = b.add_edge("x", "y")
    >>> graph_digest(a) == graph_digest(b)
    True
    """
    if isinstance(G, Projection):
        nodes = [f"N\t{i}\t{lab}" for i, lab in zip(G.ids, G.labels, strict=True)]
        if G.fps is not None:
            fps = G.fps
        else:
            ids = G.ids
            fps = np.frombuffer(
                b"".join(
                    _fp(f"E\t{ids[s]}\t{ids[d]}\t{c}\t{t}\t{g}")
                    for s, d, c, t, g in zip(
                        G.src.tolist(), G.dst.tolist(), G.claim_ids, G.rel_types, G.grades, strict=True
                    )
                ),
                dtype=np.uint8,
            ).reshape(-1, 12)
    else:
        nodes = [f"N\t{n}\t{d.get('label', '')}" for n, d in G.nodes(data=True)]
        if G.is_multigraph():
            parts = [_edge_fp(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)]
        else:
            parts = [_edge_fp(u, v, "", d) for u, v, d in G.edges(data=True)]
        fps = np.frombuffer(b"".join(parts), dtype=np.uint8).reshape(-1, 12)
    nodes.sort()
    h = hashlib.sha256()
    for line in nodes:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    h.update(b"claims\n")
    h.update(_sorted_rows(fps).tobytes())
    return h.hexdigest()


def make_stamp(
    G: GraphLike,
    analysis: str,
    parameters: dict[str, Any],
    *,
    min_grade: str | None = None,
    as_of: str | None = None,
    engine: str | None = None,
    digest: str | None = None,
) -> dict[str, Any]:
    """The stamp of one run; ``digest`` may be passed when the graph was already hashed.

    Examples
    --------
    >>> G = nx.karate_club_graph()
    >>> s1 = make_stamp(G, "centrality", {"measure": "pagerank"})
    >>> s2 = make_stamp(nx.Graph(G), "centrality", {"measure": "pagerank"})
    >>> s1["id"] == s2["id"], len(s1["id"])
    (True, 64)
    """
    body = {
        "analysis": analysis,
        "graph": {
            "sha256": digest or graph_digest(G),
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
        },
        "parameters": parameters,
        "min_grade": str(min_grade) if min_grade else None,
        "as_of": as_of,
        "engine": engine,
        "versions": versions(),
    }
    return {"id": hashlib.sha256(canonical(body).encode("utf-8")).hexdigest(), **body}
