"""Centrality: who matters in a network (degree, betweenness, PageRank, eigenvector, closeness).

Every function takes a graph first (a NetworkX graph, multi or simple, or a compact
:class:`~.projection.Projection`), treats it as a simple undirected graph unless told otherwise, and
returns ``{node: score}``. Heavy measures run on igraph for large graphs (``engine="auto"``), with the
same definition as NetworkX (see :mod:`.engines`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from ..errors import InvalidInput
from . import engines
from .projection import GraphLike, as_networkx, node_info

__all__ = [
    "MEASURES",
    "EXACT_BETWEENNESS_NODES",
    "degree",
    "betweenness",
    "pagerank",
    "eigenvector",
    "closeness",
    "compute",
    "ranked",
]

PAGERANK_ENGINES = ("numpy", "igraph")  # the first is what ``auto`` picks for large graphs
EXACT_BETWEENNESS_NODES = 5_000  # above this many nodes betweenness is sampled unless told otherwise
DEFAULT_SAMPLE = 256


def degree(G: GraphLike, engine: str = "auto") -> dict[Any, float]:
    """Degree centrality: distinct neighbours / (n - 1).

    O(n + m).

    Examples
    --------
    >>> round(degree(nx.krackhardt_kite_graph())[3], 3)
    0.667
    """
    engines.choose(G, engine)
    H = as_networkx(G)
    return nx.degree_centrality(H)  # type: ignore[no-any-return]


def betweenness(
    G: GraphLike, sample: int | None = None, seed: int = 42, normalized: bool = True, engine: str = "auto"
) -> dict[Any, float]:
    """Betweenness centrality, exact or estimated from ``sample`` source nodes drawn with ``seed``.

    The estimate is NetworkX's (``k`` sources, rescaled); both engines draw the same sources, so they
    give the same numbers. O(n m) exact, O(sample * m) sampled.

    Examples
    --------
    >>> b = betweenness(nx.krackhardt_kite_graph())
    >>> max(b, key=b.get), round(b[7], 3)
    (7, 0.389)
    """
    n = G.number_of_nodes()
    if sample is not None and sample < 1:
        raise InvalidInput(f"sample must be at least 1, got {sample}", where="sample")
    k = sample if sample is not None and sample < n else None
    if engines.choose(G, engine) == "igraph":
        return engines.betweenness_igraph(G, k=k, seed=seed, normalized=normalized)
    return nx.betweenness_centrality(  # type: ignore[no-any-return]
        as_networkx(G), k=k, seed=seed, normalized=normalized
    )


def pagerank(G: GraphLike, alpha: float = 0.85, directed: bool = False, engine: str = "auto") -> dict[Any, float]:
    """PageRank with damping ``alpha`` (unweighted; parallel claims count once).

    O(m) per iteration. Large graphs run NetworkX's iteration vectorised with NumPy (``engine="numpy"``);
    ``engine="igraph"`` solves it with PRPACK instead.

    Examples
    --------
    >>> pr = pagerank(nx.krackhardt_kite_graph(), engine="networkx")
    >>> max(pr, key=pr.get)
    3
    """
    if not 0 < alpha < 1:
        raise InvalidInput(f"alpha must be between 0 and 1, got {alpha}", where="alpha")
    used = engines.choose(G, engine, fast=PAGERANK_ENGINES)
    if used == "numpy":
        return engines.pagerank_numpy(G, alpha, directed)
    if used == "igraph":
        return engines.pagerank_igraph(G, alpha, directed)
    return engines.pagerank_networkx(as_networkx(G, directed), alpha)


def eigenvector(G: GraphLike, engine: str = "auto") -> dict[Any, float]:
    """Eigenvector centrality (unit Euclidean norm, as NetworkX).

    O(m) per power iteration.

    Examples
    --------
    >>> ev = eigenvector(nx.krackhardt_kite_graph())
    >>> max(ev, key=ev.get)
    3
    """
    if engines.choose(G, engine) == "igraph":
        return engines.eigenvector_igraph(G)
    H = as_networkx(G)
    if H.number_of_edges() == 0:
        return dict.fromkeys(H, 0.0)
    try:
        return nx.eigenvector_centrality(H, max_iter=1000, tol=1e-8)  # type: ignore[no-any-return]
    except nx.PowerIterationFailedConvergence as exc:  # pragma: no cover - pathological graphs
        raise InvalidInput("eigenvector centrality did not converge on this graph", where="measure") from exc


def closeness(G: GraphLike, engine: str = "auto") -> dict[Any, float]:
    """Closeness centrality (Wasserman-Faust scaled for disconnected graphs, as NetworkX).

    O(n m).

    Examples
    --------
    >>> c = closeness(nx.krackhardt_kite_graph())
    >>> sorted(c, key=c.get, reverse=True)[:2]
    [5, 6]
    """
    if engines.choose(G, engine) == "igraph":
        return engines.closeness_igraph(G)
    return nx.closeness_centrality(as_networkx(G))  # type: ignore[no-any-return]


MEASURES: dict[str, Callable[..., dict[Any, float]]] = {
    "degree": degree,
    "betweenness": betweenness,
    "pagerank": pagerank,
    "eigenvector": eigenvector,
    "closeness": closeness,
}


def compute(
    G: GraphLike, measure: str, *, sample: int | None = None, seed: int = 42, engine: str = "auto"
) -> tuple[dict[Any, float], dict[str, Any]]:
    """Run one measure by name; returns the scores and what was actually run (engine, sample size).

    Betweenness on more than :data:`EXACT_BETWEENNESS_NODES` nodes is sampled with
    ``DEFAULT_SAMPLE`` sources unless ``sample`` is given; the stated sample goes into the result.
    """
    if measure not in MEASURES:
        raise InvalidInput(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}", where="measure")
    used = engines.choose(G, engine, fast=PAGERANK_ENGINES if measure == "pagerank" else ("igraph",))
    info: dict[str, Any] = {"measure": measure, "engine": used}
    if measure == "betweenness":
        n = G.number_of_nodes()
        if sample is None and n > EXACT_BETWEENNESS_NODES:
            sample = DEFAULT_SAMPLE
        exact = sample is None or sample >= n
        info.update(sample=None if exact else sample, exact=exact, seed=None if exact else seed)
        return betweenness(G, sample=sample, seed=seed, engine=used), info
    return MEASURES[measure](G, engine=used), info


def ranked(G: GraphLike, scores: dict[Any, float], top: int | None = 20) -> list[dict[str, Any]]:
    """Rows ``{"rank", "id", "label", "name", "score"}``, best first; ties broken by id.

    O(n log n).
    """
    items: Iterable[tuple[Any, float]] = scores.items()
    if top is not None and len(scores) > 4 * top:
        # only scores reaching the top-th best can rank: find that one at C speed, sort only those
        floor = heapq.nlargest(top, scores.values())[-1] if top > 0 else float("inf")
        items = [kv for kv in items if kv[1] >= floor or kv[1] != kv[1]]  # NaN: sorted as before
    order = sorted(items, key=lambda kv: (-kv[1], str(kv[0])))
    if top is not None:
        order = order[:top]
    return [{"rank": i + 1, **node_info(G, n), "score": float(s)} for i, (n, s) in enumerate(order)]
