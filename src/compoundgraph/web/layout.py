"""Server-side layout for large link charts.

vis-network's in-browser physics needs many seconds to settle a few thousand nodes; above
``SERVER_LAYOUT_THRESHOLD`` nodes the UI asks the server for positions instead and draws them with physics off.
igraph's Fruchterman-Reingold (grid variant for large graphs) is compiled C and lays out 2,000 nodes in well
under a second.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterable, Mapping, Sequence

import igraph as ig

from ..errors import InvalidInput

__all__ = ["SERVER_LAYOUT_THRESHOLD", "MAX_LAYOUT_NODES", "positions"]

SERVER_LAYOUT_THRESHOLD = 1_000
MAX_LAYOUT_NODES = 20_000
# Distance between neighbours on screen, in vis-network canvas units (a node is ~25 units across).
_SPACING = 60.0
_LOCK = threading.Lock()


def positions(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    fixed: Mapping[str, tuple[float, float]] | None = None,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """Positions for ``nodes`` joined by ``edges``, scaled for vis-network.

    Parameters
    ----------
    nodes
        Node ids (duplicates are ignored).
    edges
        ``(from, to)`` pairs; pairs naming unknown nodes and self-loops are skipped.
    fixed
        Positions the investigator pinned: used as the starting point for those nodes, and the result is
        shifted so the first pinned node stays where it was.
    seed
        Seed for the random start, so the same chart gets the same picture.

    Returns
    -------
    ``{id: (x, y)}``. Complexity: O(iterations · (n + m)) with the grid approximation.

    Examples
    --------
    >>> pos = positions(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos)
    ['a', 'b', 'c']
    """
    ids = list(dict.fromkeys(nodes))
    if len(ids) > MAX_LAYOUT_NODES:
        raise InvalidInput(f"layout is limited to {MAX_LAYOUT_NODES} nodes, got {len(ids)}", where="layout")
    if not ids:
        return {}
    index = {n: i for i, n in enumerate(ids)}
    pairs = {
        (min(index[a], index[b]), max(index[a], index[b]))
        for a, b in edges
        if a in index and b in index and a != b
    }
    g = ig.Graph(n=len(ids), edges=sorted(pairs))
    rng = _seeded_start(len(ids), seed)
    fixed = fixed or {}
    scale = _SPACING * math.sqrt(len(ids))
    for n, (x, y) in fixed.items():
        if n in index:
            rng[index[n]] = [x / scale, y / scale]
    # "grid" is FR's O(n) repulsion approximation; it is what keeps 2,000 nodes fast. igraph draws from a
    # process-wide generator: give it a seeded one for this call so the same chart gets the same picture.
    with _LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            layout = g.layout_fruchterman_reingold(seed=rng, niter=300 if len(ids) < 5_000 else 150, grid="auto")
        finally:
            ig.set_random_number_generator(random)
    coords = layout.coords
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    k = scale / span * 2.0
    out = {n: ((coords[i][0] - cx) * k, (coords[i][1] - cy) * k) for n, i in index.items()}
    anchor = next((n for n in fixed if n in out), None)
    if anchor is not None:
        dx, dy = fixed[anchor][0] - out[anchor][0], fixed[anchor][1] - out[anchor][1]
        out = {n: (x + dx, y + dy) for n, (x, y) in out.items()}
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in out.items()}


def _seeded_start(n: int, seed: int) -> list[list[float]]:
    """A deterministic start on a circle-ish spiral (igraph's own random start is process-global)."""
    golden = math.pi * (3 - math.sqrt(5))
    return [[math.sqrt(i + 0.5) * math.cos(i * golden + seed), math.sqrt(i + 0.5) * math.sin(i * golden + seed)]
            for i in range(n)]
