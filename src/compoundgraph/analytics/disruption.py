"""Key-player disruption: which k entities, removed, fragment the network most ("whom first").

Fragmentation (Borgatti 2006) is the share of node pairs that can no longer reach each other:
``F = 1 - sum_c s_c (s_c - 1) / (n (n - 1))`` over components of sizes ``s_c``, ``n`` the nodes left.
The search is greedy: at each step remove the candidate that raises F most.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..errors import InvalidInput
from .projection import GraphLike, as_networkx

__all__ = ["fragmentation", "key_players"]

ALL_CANDIDATES_UP_TO = 300  # graphs up to this size try every node at every step


def fragmentation(G: nx.Graph) -> float:
    """Share of ordered pairs that are disconnected; 0 for a connected graph. O(n + m).

    Examples
    --------
    >>> fragmentation(nx.path_graph(3)), round(fragmentation(nx.empty_graph(3)), 3)
    (0.0, 1.0)
    """
    n = G.number_of_nodes()
    if n < 2:
        return 0.0
    reach = sum(len(c) * (len(c) - 1) for c in nx.connected_components(G))
    return 1.0 - reach / (n * (n - 1))


def key_players(G: GraphLike, k: int = 5, candidates: int | None = None) -> list[dict[str, Any]]:
    """Greedily remove ``k`` nodes, each time the one whose removal fragments the network most.

    Each step reports the node, F before and after, and the number and largest size of components after.
    Candidates are every node for small graphs, else the ``candidates`` (default 50) nodes of highest
    degree plus all articulation points among them. O(k c (n + m)) for c candidates. Ties go to the
    smaller id, so the answer is deterministic.

    Examples
    --------
    >>> [s["node"] for s in key_players(nx.krackhardt_kite_graph(), k=2)]
    [7, 0]
    """
    if not 1 <= k <= 100:
        raise InvalidInput(f"k must be between 1 and 100, got {k}", where="k")
    H = nx.Graph(as_networkx(G))
    steps: list[dict[str, Any]] = []
    for _ in range(min(k, H.number_of_nodes())):
        before = fragmentation(H)
        if H.number_of_nodes() <= ALL_CANDIDATES_UP_TO and candidates is None:
            pool = list(H.nodes)
        else:
            c = candidates or 50
            pool = sorted(H.nodes, key=lambda v: (-H.degree(v), str(v)))[:c]
            pool = sorted({*pool, *(v for v in nx.articulation_points(H) if H.degree(v) >= 2)}, key=str)
        best: tuple[float, str, Any] | None = None
        for v in sorted(pool, key=str):
            nbrs = list(H.adj[v])
            H.remove_node(v)
            f = fragmentation(H)
            H.add_node(v)
            H.add_edges_from((v, u) for u in nbrs)
            if best is None or (-f, str(v)) < (-best[0], best[1]):
                best = (f, str(v), v)
        assert best is not None
        H.remove_node(best[2])
        comps = [len(c) for c in nx.connected_components(H)]
        steps.append({
            "node": best[2],
            "fragmentation_before": before,
            "fragmentation_after": best[0],
            "components": len(comps),
            "largest_component": max(comps, default=0),
        })
    return steps
