"""Brokers and weak points: articulation points, bridges, Burt's constraint and effective size.

A broker joins parts of a network that would otherwise fall apart (articulation point, bridge) or sits
between contacts who are not linked to each other (low constraint, high effective size).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from .projection import GraphLike, as_networkx

__all__ = ["articulation_points", "bridges", "structural_holes", "brokers"]


def articulation_points(G: GraphLike) -> list[Any]:
    """Nodes whose removal disconnects their component, sorted. O(n + m).

    Examples
    --------
    >>> articulation_points(nx.krackhardt_kite_graph())
    [7, 8]
    """
    return sorted(nx.articulation_points(as_networkx(G)), key=str)


def bridges(G: GraphLike) -> list[tuple[Any, Any]]:
    """Edges whose removal disconnects their component, each as a sorted pair. O(n + m).

    Examples
    --------
    >>> bridges(nx.krackhardt_kite_graph())
    [(7, 8), (8, 9)]
    """
    out = [tuple(sorted((u, v), key=str)) for u, v in nx.bridges(as_networkx(G))]
    return sorted(out, key=lambda e: (str(e[0]), str(e[1])))


def structural_holes(G: GraphLike, nodes: list[Any] | None = None) -> dict[Any, dict[str, float]]:
    """Burt's constraint and effective size of ``nodes`` (all by default); isolated nodes are left out.

    O(sum of the asked nodes' links times their neighbours' degrees) on simple undirected graphs (the
    projections), NetworkX's general code otherwise; pass ``nodes`` on large graphs.

    Examples
    --------
    >>> sh = structural_holes(nx.krackhardt_kite_graph(), [7])
    >>> round(sh[7]["effective_size"], 3)
    2.333
    """
    H = as_networkx(G)
    nodes = [v for v in (nodes if nodes is not None else H.nodes) if H.degree(v) > 0]
    if H.is_directed() or nx.number_of_selfloops(H):
        con = nx.constraint(H, nodes)
        eff = nx.effective_size(H, nodes)
        return {v: {"constraint": float(con[v]), "effective_size": float(eff[v])} for v in nodes}
    return _holes_undirected(H, nodes)


def _holes_undirected(H: nx.Graph, nodes: list[Any]) -> dict[Any, dict[str, float]]:
    """NetworkX's unweighted constraint and effective size on a simple undirected graph, from common
    neighbours. With ``p_uv = 1 / d_u``: constraint ``c_u = sum over v in N(u) of (1/d_u + (1/d_u) *
    sum over w in N(u) & N(v) of 1/d_w)^2``, effective size ``d_u - 2 t_u / d_u`` with ``t_u`` the links among
    u's neighbours. One set intersection per link of each node asked for, where NetworkX's general code
    re-normalises every neighbour's weights for every pair (hours for a few thousand hubs)."""
    sets: dict[Any, set[Any]] = {}

    def nbrs(v: Any) -> set[Any]:
        found = sets.get(v)
        if found is None:
            found = sets[v] = set(H.adj[v])
        return found

    out = {}
    for u in nodes:
        nu = nbrs(u)
        d = len(nu)
        c = 0.0
        ties = 0
        for v in nu:
            common = nu & nbrs(v)
            ties += len(common)
            c += (1.0 / d + sum(1.0 / len(H.adj[w]) for w in common) / d) ** 2
        out[u] = {"constraint": c, "effective_size": d - ties / d}  # ties counts each link twice
    return out


def brokers(G: GraphLike, top: int = 20, candidates: int = 2_000) -> dict[str, Any]:
    """Articulation points, bridges, and the ``top`` nodes by lowest constraint.

    Constraint is computed for the ``candidates`` highest-degree nodes only (O(c d^2)); they include every
    node that could rank among the lowest-constraint brokers in practice, since a node with few contacts
    cannot span many holes.

    Examples
    --------
    >>> found = brokers(nx.krackhardt_kite_graph(), top=1)
    >>> found["articulation_points"], found["structural_holes"][0]["node"]
    ([7, 8], 7)
    """
    H = as_networkx(G)
    by_degree = sorted(H.nodes, key=lambda v: (-H.degree(v), str(v)))[:candidates]
    sh = structural_holes(H, by_degree)
    order = sorted(sh, key=lambda v: (sh[v]["constraint"], -sh[v]["effective_size"], str(v)))[:top]
    return {
        "articulation_points": articulation_points(H),
        "bridges": bridges(H),
        "structural_holes": [{"node": v, "degree": H.degree(v), **sh[v]} for v in order],
    }
