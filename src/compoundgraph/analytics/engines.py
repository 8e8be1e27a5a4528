"""Faster engines behind the same functions: igraph (C) for the heavy measures on large graphs, and a
vectorised NumPy PageRank (NetworkX's own power iteration, without building any graph object).

Each analytic takes ``engine="auto" | "networkx" | "igraph"`` (PageRank also ``"numpy"``). ``auto`` picks
NetworkX for small graphs (so results on case-sized graphs come from the reference implementation) and the
fast engine above :data:`AUTO_EDGES` edges or for a compact :class:`~.projection.Projection`. Every fast
path here is checked against NetworkX on small and random graphs in ``tests/analytics/test_analytics_engines.py``;
where two libraries define a measure differently (normalisation), the conversion is done here so callers
see NetworkX's definition.
"""

from __future__ import annotations

import random
import warnings
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

from ..errors import InvalidInput
from .projection import GraphLike, Projection

__all__ = [
    "AUTO_EDGES",
    "ENGINES",
    "choose",
    "to_igraph",
    "pagerank_networkx",
    "pagerank_numpy",
    "pagerank_igraph",
    "betweenness_igraph",
    "louvain_igraph",
    "eigenvector_igraph",
    "closeness_igraph",
    "versions",
]

AUTO_EDGES = 50_000  # above this many edges ``auto`` runs on igraph
ENGINES = ("auto", "networkx", "igraph", "numpy")


def choose(G: GraphLike, engine: str, fast: tuple[str, ...] = ("igraph",)) -> str:
    """Resolve ``auto`` to a concrete engine (``fast[0]`` for large graphs); refuse engines the measure lacks."""
    allowed = ("auto", "networkx", *fast)
    if engine not in allowed:
        raise InvalidInput(f"engine must be one of {', '.join(allowed)}, got {engine!r}", where="engine")
    if engine != "auto":
        return engine
    if isinstance(G, Projection):
        return fast[0]
    return fast[0] if G.number_of_edges() > AUTO_EDGES else "networkx"


def to_igraph(G: GraphLike, directed: bool = False) -> tuple[ig.Graph, list[str]]:
    """A simple igraph graph (parallel edges and self-loops dropped) and the node id of each vertex.

    O(n + m); a :class:`Projection` converts with NumPy, without per-edge Python work, and is cached.
    """
    if isinstance(G, Projection):
        key = ("igraph", directed)
        if key not in G._cache:
            g = ig.Graph(n=G.number_of_nodes(), edges=G.simple_edges(directed), directed=directed)
            G._cache[key] = (g, G.ids)
        return G._cache[key]  # type: ignore[no-any-return]
    ids = list(G.nodes)
    index = {n: i for i, n in enumerate(ids)}
    pairs: set[tuple[int, int]] = set()
    for u, v in G.edges():
        a, b = index[u], index[v]
        if a == b:
            continue
        if not directed and a > b:
            a, b = b, a
        pairs.add((a, b))
    if directed and not G.is_directed():
        pairs |= {(b, a) for a, b in pairs}
    return ig.Graph(n=len(ids), edges=sorted(pairs), directed=directed), ids


def pagerank_networkx(G: nx.Graph, alpha: float = 0.85, tol: float = 1.0e-6) -> dict[Any, float]:
    """NetworkX's PageRank; its pure-Python power iteration when SciPy is not installed."""
    try:
        import scipy  # noqa: F401
    except ImportError:
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        return _pagerank_python(G, alpha=alpha, tol=tol, weight=None)  # type: ignore[no-any-return]
    return nx.pagerank(G, alpha=alpha, tol=tol, weight=None)  # type: ignore[no-any-return]


def _arcs(G: GraphLike, directed: bool) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Source and target index arrays of the simple graph's arcs (both ways when undirected)."""
    if isinstance(G, Projection):
        pairs = G.simple_edges(directed)
        ids: list[Any] = G.ids
        src, dst = pairs[:, 0], pairs[:, 1]
    else:
        ids = list(G.nodes)
        index = {v: i for i, v in enumerate(ids)}
        arcs = {(index[u], index[v]) for u, v in G.edges() if u != v}
        if not directed:
            arcs = {(min(a, b), max(a, b)) for a, b in arcs}
        elif not G.is_directed():
            arcs |= {(b, a) for a, b in arcs}
        arr = np.array(sorted(arcs), dtype=np.int64).reshape(-1, 2)
        src, dst = arr[:, 0], arr[:, 1]
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
    return src, dst, ids


def pagerank_numpy(
    G: GraphLike, alpha: float = 0.85, directed: bool = False, tol: float = 1.0e-6, max_iter: int = 100
) -> dict[Any, float]:
    """NetworkX's PageRank iteration (uniform teleport, dangling mass spread uniformly, stop when the L1
    change is below ``n * tol``), vectorised: one ``bincount`` per iteration. O(m) per iteration."""
    src, dst, ids = _arcs(G, directed)
    n = len(ids)
    if n == 0:
        return {}
    out = np.bincount(src, minlength=n).astype(np.float64)
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * np.bincount(dst, weights=(last * inv)[src], minlength=n)
        x += (alpha * last[dangling].sum() + 1.0 - alpha) / n
        if np.abs(x - last).sum() < n * tol:
            return dict(zip(ids, x.tolist(), strict=True))
    raise InvalidInput(f"PageRank did not converge in {max_iter} iterations", where="pagerank")


def pagerank_igraph(G: GraphLike, alpha: float = 0.85, directed: bool = False) -> dict[str, float]:
    """PageRank by PRPACK; dangling nodes spread uniformly, as in NetworkX."""
    g, ids = to_igraph(G, directed)
    if not directed:
        # PRPACK is several times faster on directed graphs; a walk on the mutual digraph is the same walk
        g = g.as_directed(mode="mutual")
    return dict(zip(ids, g.pagerank(directed=True, damping=alpha, implementation="prpack"), strict=True))


def betweenness_igraph(
    G: GraphLike, k: int | None = None, seed: int = 42, normalized: bool = True, directed: bool = False
) -> dict[str, float]:
    """Betweenness from all sources, or from ``k`` sources sampled exactly as NetworkX samples them.

    NetworkX draws ``random.Random(seed).sample(list(G), k)``; the same draw is made here, igraph counts
    shortest paths from those sources only, and the sums are rescaled by NetworkX's (3.5+) rule, which
    treats sampled sources apart from the other nodes. O(k m) for k sources, in C.
    """
    g, ids = to_igraph(G, directed)
    n = len(ids)
    if k is None or k >= n:
        # igraph halves undirected counts (with or without sources); NetworkX's raw sums count ordered pairs
        raw = [b * (1.0 if directed else 2.0) for b in g.betweenness(directed=directed)]
        sampled: set[int] = set()
        k_src = n - 1
    else:
        # random.sample picks positions from the population's length only: same draw as NetworkX's
        picks = random.Random(seed).sample(range(n), k)
        raw = [b * (1.0 if directed else 2.0) for b in g.betweenness(directed=directed, sources=picks)]
        sampled = set(picks)
        k_src = k
    big_n = n - 1  # pairs (s, t) with t != v: endpoints are not counted
    if big_n < 2:
        return dict.fromkeys(ids, 0.0)
    corr = 1 if directed else 2
    if not sampled:
        s_src = s_non = 1 / (k_src * (big_n - 1)) if normalized else big_n / (k_src * corr)
    elif normalized:
        s_src = 1 / ((k_src - 1) * (big_n - 1)) if k_src > 1 else float("nan")
        s_non = 1 / (k_src * (big_n - 1))
    else:
        s_src = big_n / ((k_src - 1) * corr) if k_src > 1 else float("nan")
        s_non = big_n / (k_src * corr)
    return {v: b * (s_src if i in sampled else s_non) for i, (v, b) in enumerate(zip(ids, raw, strict=True))}


def louvain_igraph(G: GraphLike, seed: int = 42, resolution: float = 1.0) -> list[set[str]]:
    """Louvain (multilevel) communities; igraph draws from Python's ``random``, so a seed fixes them."""
    g, ids = to_igraph(G, False)
    state = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = g.community_multilevel(resolution=resolution)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(state)
    return [{ids[i] for i in part} for part in parts]


def eigenvector_igraph(G: GraphLike) -> dict[str, float]:
    """Eigenvector centrality scaled to unit Euclidean norm, as NetworkX scales it."""
    g, ids = to_igraph(G, False)
    with warnings.catch_warnings():
        # igraph warns about near-zero scores on disconnected graphs; NetworkX returns them silently too
        warnings.simplefilter("ignore", RuntimeWarning)
        vals = g.eigenvector_centrality(scale=True)
    norm = sum(v * v for v in vals) ** 0.5 or 1.0
    return {v: x / norm for v, x in zip(ids, vals, strict=True)}


def closeness_igraph(G: GraphLike) -> dict[str, float]:
    """Closeness with NetworkX's Wasserman-Faust correction for disconnected graphs (undirected)."""
    g, ids = to_igraph(G, False)
    n = len(ids)
    vals = g.closeness(normalized=True)
    sizes = {}
    for comp in g.connected_components():
        for i in comp:
            sizes[i] = len(comp)
    out = {}
    for i, v in enumerate(ids):
        r = sizes[i]
        c = vals[i]
        out[v] = 0.0 if (c != c or r <= 1 or n <= 1) else c * (r - 1) / (n - 1)  # c != c: NaN
    return out


def versions() -> dict[str, str]:
    """Library versions that shape a result (part of every stamp)."""
    import platform
    from importlib.metadata import version

    import numpy

    from .. import __version__

    return {
        "compoundgraph": __version__,
        "python": platform.python_version(),
        "networkx": nx.__version__,
        "igraph": ig.__version__,
        "rustworkx": version("rustworkx"),
        "numpy": numpy.__version__,
    }
