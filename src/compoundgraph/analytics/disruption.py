"""Key-player disruption: which k entities, removed, fragment the network most ("whom first").

Fragmentation (Borgatti 2006) is the share of node pairs that can no longer reach each other:
``F = 1 - sum_c s_c (s_c - 1) / (n (n - 1))`` over components of sizes ``s_c``, ``n`` the nodes left.
The search is greedy: at each step remove the candidate that raises F most.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from ..errors import InvalidInput
from .projection import GraphLike, as_networkx

__all__ = ["fragmentation", "key_players", "removal_pieces"]

ALL_CANDIDATES_UP_TO = 300  # graphs up to this size try every node at every step


def fragmentation(G: nx.Graph) -> float:
    """Share of ordered pairs that are disconnected; 0 for a connected graph. O(n + m).

    Examples
    --------
    >>> fragmentation(nx.path_graph(3)), round(fragmentation(nx.empty_graph(3)), 3)
    (0.0, 1.0)
    """
    return _fragmentation(sum(len(c) * (len(c) - 1) for c in nx.connected_components(G)), G.number_of_nodes())


def _fragmentation(reach: int, n: int) -> float:
    """F of ``n`` nodes of which ``reach`` ordered pairs are connected."""
    return 0.0 if n < 2 else 1.0 - reach / (n * (n - 1))


def removal_pieces(G: nx.Graph) -> dict[Any, tuple[int, list[int]]]:
    """For every node: the size of its component, and the sizes of the pieces that component falls into
    when the node is removed (one piece unless it is an articulation point; none if it was alone).

    One iterative depth-first search (Hopcroft-Tarjan low points): a child subtree whose low point does not
    reach above the node is cut off by its removal. O(n + m) for all nodes at once, where removing each
    node in turn and counting components would be O(n (n + m)).

    Examples
    --------
    >>> removal_pieces(nx.path_graph(3))[1]
    (3, [1, 1])
    """
    disc: dict[Any, int] = {}
    low: dict[Any, int] = {}
    size: dict[Any, int] = {}
    cut: dict[Any, list[int]] = {}
    out: dict[Any, tuple[int, list[int]]] = {}
    adj = G.adj
    clock = 0
    for root in G:
        if root in disc:
            continue
        members = [root]
        disc[root] = low[root] = clock
        clock += 1
        size[root], cut[root] = 1, []
        stack: list[tuple[Any, Any, Iterator[Any]]] = [(root, None, iter(adj[root]))]
        while stack:
            v, parent, it = stack[-1]
            for w in it:
                if w == v:
                    continue
                if w not in disc:
                    disc[w] = low[w] = clock
                    clock += 1
                    size[w], cut[w] = 1, []
                    members.append(w)
                    stack.append((w, v, iter(adj[w])))
                    break
                if w != parent and disc[w] < low[v]:
                    low[v] = disc[w]
            else:
                stack.pop()
                if parent is not None:
                    if low[v] < low[parent]:
                        low[parent] = low[v]
                    size[parent] += size[v]
                    if low[v] >= disc[parent]:
                        cut[parent].append(size[v])
        total = size[root]
        for v in members:
            rest = total - 1 - sum(cut[v])
            out[v] = (total, [*cut[v], rest] if rest > 0 else cut[v])
    return out


def key_players(G: GraphLike, k: int = 5, candidates: int | None = None) -> list[dict[str, Any]]:
    """Greedily remove ``k`` nodes, each time the one whose removal fragments the network most.

    Each step reports the node, F before and after, and the number and largest size of components after.
    Candidates are every node for small graphs, else the ``candidates`` (default 50) nodes of highest
    degree plus every articulation point. Each step scores all candidates from one :func:`removal_pieces`
    pass: O(k (n + m)). Ties go to the smaller id, so the answer is deterministic.

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
        pieces = removal_pieces(H)
        if H.number_of_nodes() <= ALL_CANDIDATES_UP_TO and candidates is None:
            pool = list(H.nodes)
        else:
            c = candidates or 50
            pool = sorted(H.nodes, key=lambda v: (-H.degree(v), str(v)))[:c]
            pool = sorted({*pool, *(v for v, (_, p) in pieces.items() if len(p) >= 2)}, key=str)
        # F after removing v, from the component sizes alone: v's component is replaced by its pieces
        n = H.number_of_nodes()
        reach = sum(total - 1 for total, _ in pieces.values())  # each node counts the others it reaches
        before = _fragmentation(reach, n)
        best: tuple[float, str, Any] | None = None
        for v in sorted(pool, key=str):
            total, parts = pieces[v]
            after = reach - total * (total - 1) + sum(p * (p - 1) for p in parts)
            f = _fragmentation(after, n - 1)
            if best is None or (-f, str(v)) < (-best[0], best[1]):
                best = (f, str(v), v)
        assert best is not None
        H.remove_node(best[2])
        comps = [len(c) for c in nx.connected_components(H)]
        steps.append(
            {
                "node": best[2],
                "fragmentation_before": before,
                "fragmentation_after": best[0],
                "components": len(comps),
                "largest_component": max(comps, default=0),
            }
        )
    return steps
