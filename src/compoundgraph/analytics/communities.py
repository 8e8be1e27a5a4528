"""Communities: Louvain, seeded and reproducible, with each community's size and most central member."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from ..errors import InvalidInput
from . import engines
from .projection import GraphLike, Projection, as_networkx, node_info

__all__ = ["louvain", "modularity", "describe"]


def louvain(G: GraphLike, seed: int = 42, resolution: float = 1.0, engine: str = "auto") -> list[set[Any]]:
    """Louvain communities, largest first (ties by smallest member), the same for the same ``seed``.

    The two engines run the same method with different random streams, so on one graph they may settle on
    different (equally valid) partitions; both are checked for modularity against each other. O(m) per pass,
    a few passes in practice.

    Examples
    --------
    >>> parts = louvain(nx.karate_club_graph(), seed=1)
    >>> 3 <= len(parts) <= 5, sum(len(p) for p in parts)
    (True, 34)
    """
    if resolution <= 0:
        raise InvalidInput(f"resolution must be positive, got {resolution}", where="resolution")
    if engines.choose(G, engine) == "igraph":
        parts = engines.louvain_igraph(G, seed=seed, resolution=resolution)
    else:
        parts = nx.community.louvain_communities(as_networkx(G), seed=seed, resolution=resolution)
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(map(str, p))))


def modularity(G: GraphLike, parts: list[set[Any]]) -> float:
    """Newman modularity of a partition (unweighted). O(m).

    Examples
    --------
    >>> G = nx.barbell_graph(5, 0)
    >>> round(modularity(G, [set(range(5)), set(range(5, 10))]), 3)
    0.452
    """
    if isinstance(G, Projection):
        g, ids = engines.to_igraph(G)
        where = {}
        for i, p in enumerate(parts):
            for v in p:
                where[v] = i
        return float(g.modularity([where[v] for v in ids]))
    return float(nx.community.modularity(as_networkx(G), parts, weight=None))


def describe(G: GraphLike, parts: list[set[Any]], top: int | None = 20, members: int = 50) -> list[dict[str, Any]]:
    """Rows ``{"community", "size", "central", "members"}``: the member with most links inside the
    community is its most central; at most ``members`` members are listed (highest inner degree first).

    O(m).

    Examples
    --------
    >>> rows = describe(nx.star_graph(3), [{0, 1, 2, 3}])
    >>> rows[0]["size"], rows[0]["central"]["id"], rows[0]["central"]["inner_degree"]
    (4, 0, 3)
    """
    where: dict[Any, int] = {}
    for i, p in enumerate(parts):
        for v in p:
            where[v] = i
    inner: dict[Any, int] = dict.fromkeys(where, 0)
    if isinstance(G, Projection):
        # per link at NumPy speed: the community of each end, and a count per end where they agree
        comm = np.fromiter((where.get(v, -1) for v in G.ids), dtype=np.int64, count=len(G.ids))
        pairs = G.simple_edges()
        a, b = pairs[:, 0], pairs[:, 1]
        same = (comm[a] == comm[b]) & (comm[a] >= 0)
        counts = np.bincount(a[same], minlength=len(G.ids)) + np.bincount(b[same], minlength=len(G.ids))
        for i in np.flatnonzero(counts).tolist():
            inner[G.ids[i]] = int(counts[i])
    else:
        for u, v in as_networkx(G).edges():
            if where[u] == where[v]:
                inner[u] += 1
                inner[v] += 1
    rows = []
    for i, p in enumerate(parts[:top] if top is not None else parts):
        order = sorted(p, key=lambda v: (-inner[v], str(v)))
        rows.append(
            {
                "community": i,
                "size": len(p),
                "central": {**node_info(G, order[0]), "inner_degree": inner[order[0]]},
                "members": [node_info(G, v) for v in order[:members]],
            }
        )
    return rows
