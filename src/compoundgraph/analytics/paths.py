"""Paths: shortest and k shortest simple paths between two entities, each with its weakest-link grade.

Links are taken undirected ("how is this recruiter connected to that armed group"); when several claims
join two entities the best-graded one carries the hop, so a path's grade is the best the evidence allows.
"""

from __future__ import annotations

from itertools import islice, pairwise
from typing import Any

import networkx as nx

from ..errors import InvalidInput, NotFound
from ..grades import weakest
from .projection import simple

__all__ = ["k_shortest_paths"]


def k_shortest_paths(G: nx.Graph, source: Any, target: Any, k: int = 3, max_hops: int = 4) -> list[dict[str, Any]]:
    """The ``k`` shortest simple paths of at most ``max_hops`` hops, shortest first.

    ``G`` is a store projection (multi or simple); each result is ``{"nodes", "claims", "grade", "hops"}``
    where ``claims`` are the claim ids (or the claims themselves, as the projection holds them) of the
    best-graded claim on each hop. Paths of equal length come in NetworkX's order, which is fixed for a
    given graph. O(k n (n + m)) worst case (Yen's algorithm), far less when paths are short.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", grade="B2"); G.add_edge("b", "c", grade="C3"); G.add_edge("a", "c", grade="A1")
    >>> [(p["nodes"], p["grade"]) for p in k_shortest_paths(G, "a", "c", k=2)]
    [(['a', 'c'], 'A1'), (['a', 'b', 'c'], 'C3')]
    """
    if not 1 <= k <= 50:
        raise InvalidInput(f"k must be between 1 and 50, got {k}", where="k")
    if not 1 <= max_hops <= 8:
        raise InvalidInput(f"max_hops must be between 1 and 8, got {max_hops}", where="max_hops")
    for end in (source, target):
        if end not in G:
            raise NotFound(f"no entity with id {str(end)[:80]!r} in the projected graph", where="paths")
    if source == target:
        raise InvalidInput("a path needs two different entities", where="paths")
    S = simple(G)
    if not nx.has_path(S, source, target):
        return []
    out = []
    for p in islice(nx.shortest_simple_paths(S, source, target), k):
        if len(p) - 1 > max_hops:
            break
        hops = [S[a][b] for a, b in pairwise(p)]
        grades = [h["grade"] for h in hops if h.get("grade")]
        out.append(
            {
                "nodes": p,
                "claims": [h.get("claim") for h in hops],
                "grade": str(weakest(grades)) if len(grades) == len(hops) else None,
                "hops": len(p) - 1,
            }
        )
    return out
