"""Reproducibility stamps: what a result was computed on, so it can be re-run and annexed to a case file.

A stamp holds a content hash of the projected graph (every node's id and type, every claim's id, ends,
type, grade, validity and properties, in a canonical order), the parameters, the grade threshold, the
``as_of`` date, the engine and the library versions; its ``id`` hashes all of that. No clock time goes in:
the same inputs give the same stamp.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .engines import versions
from .projection import GraphLike, Projection

__all__ = ["graph_digest", "make_stamp", "canonical"]


def canonical(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces; non-JSON values as strings)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _edge_line(u: Any, v: Any, k: Any, d: dict[str, Any]) -> str:
    claim = d.get("claim")
    if claim is not None and hasattr(claim, "properties"):
        return "\t".join((
            "E", str(u), str(v), str(k), claim.type, claim.grade, claim.valid_from or "", claim.valid_to or "",
            claim.handling, canonical(claim.properties),
        ))
    rest = {a: b for a, b in d.items() if a != "claim"}
    return "\t".join(("E", str(u), str(v), str(k), canonical(rest)))


def graph_digest(G: GraphLike) -> str:
    """SHA-256 over the sorted lines describing nodes and edges; independent of insertion order.

    O((n + m) log(n + m)).

    Examples
    --------
    >>> a = nx.MultiDiGraph([("x", "y")]); b = nx.MultiDiGraph(); b.add_nodes_from(["y", "x"])
    >>> _ = b.add_edge("x", "y")
    >>> graph_digest(a) == graph_digest(b)
    True
    """
    if isinstance(G, Projection):
        lines = [f"N\t{i}\t{lab}" for i, lab in zip(G.ids, G.labels, strict=True)]
        ids = G.ids
        lines += [
            f"E\t{ids[s]}\t{ids[d]}\t{c}\t{t}\t{g}"
            for s, d, c, t, g in zip(G.src.tolist(), G.dst.tolist(), G.claim_ids, G.rel_types, G.grades, strict=True)
        ]
    else:
        lines = [f"N\t{n}\t{d.get('label', '')}" for n, d in G.nodes(data=True)]
        if G.is_multigraph():
            lines += [_edge_line(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)]
        else:
            lines += [_edge_line(u, v, "", d) for u, v, d in G.edges(data=True)]
    lines.sort()
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
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
