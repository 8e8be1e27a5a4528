"""Server-side layouts for link charts: *organic* (force-directed), *hierarchical*, *circular by type* and
*by community*.

vis-network's in-browser physics needs many seconds to settle a few thousand nodes; the UI asks the server
for positions instead and draws them with physics off. igraph's Fruchterman-Reingold (grid variant for large
graphs) is compiled C and lays out 2,000 nodes in well under a second. Every layout is deterministic (seeded)
and keeps pinned nodes exactly where they are (``fixed``).
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterable, Mapping, Sequence

import igraph as ig
import networkx as nx

from ..analytics.communities import louvain
from ..errors import InvalidInput

__all__ = ["SERVER_LAYOUT_THRESHOLD", "MAX_LAYOUT_NODES", "MODES", "positions", "arrange"]

MODES = ("organic", "hierarchical", "circular", "community")

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
        (min(index[a], index[b]), max(index[a], index[b])) for a, b in edges if a in index and b in index and a != b
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
    return [
        [math.sqrt(i + 0.5) * math.cos(i * golden + seed), math.sqrt(i + 0.5) * math.sin(i * golden + seed)]
        for i in range(n)
    ]


Pos = dict[str, tuple[float, float]]


def arrange(
    mode: str,
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    groups: Mapping[str, str] | None = None,
    fixed: Mapping[str, tuple[float, float]] | None = None,
    seed: int = 7,
) -> Pos:
    """Positions for ``nodes`` in one of :data:`MODES`; pinned nodes (``fixed``) keep their positions.

    - ``organic``: force-directed (:func:`positions`).
    - ``hierarchical``: layers top-down along the edges' direction (boss → companies → compounds), Sugiyama's
      method (cycles broken by igraph).
    - ``circular``: one circle, nodes grouped by ``groups`` (their type) then by id.
    - ``community``: Louvain communities (the analytics' :func:`~compoundgraph.analytics.communities.louvain`),
      each laid out on its own and packed in rows, largest first.

    The picture is centred where the pinned nodes are, or at the origin; pinned nodes are then put back
    exactly. Complexity: as the underlying layout, O(n + m) to O(n² ) for Sugiyama's crossing reduction.

    Examples
    --------
    >>> pos = arrange("circular", ["a", "b", "c"], [], groups={"a": "X", "b": "Y", "c": "X"})
    >>> [round(pos[n][1]) for n in "ab"] != [0, 0]
    True
    """
    if mode not in MODES:
        raise InvalidInput(f"layout must be one of {', '.join(MODES)}, got {mode[:40]!r}", where="mode")
    ids = list(dict.fromkeys(nodes))
    if len(ids) > MAX_LAYOUT_NODES:
        raise InvalidInput(f"layout is limited to {MAX_LAYOUT_NODES} nodes, got {len(ids)}", where="layout")
    if not ids:
        return {}
    index = {n: i for i, n in enumerate(ids)}
    pairs = [(a, b) for a, b in edges if a in index and b in index and a != b]
    fixed = {n: p for n, p in (fixed or {}).items() if n in index}
    if mode == "organic":
        out = dict(positions(ids, pairs, None, seed))
    elif mode == "hierarchical":
        out = _hierarchical(ids, index, pairs)
    elif mode == "circular":
        out = _circular(ids, groups or {})
    else:
        out = _communities(ids, pairs, seed)
    return _keep_pinned(out, fixed)


def _keep_pinned(out: Pos, fixed: Mapping[str, tuple[float, float]]) -> Pos:
    """Shift the picture so the pinned nodes' centre stays put, then put each pinned node back exactly."""
    if fixed:
        n = len(fixed)
        dx = sum(fixed[k][0] - out[k][0] for k in fixed) / n
        dy = sum(fixed[k][1] - out[k][1] for k in fixed) / n
        out = {k: (x + dx, y + dy) for k, (x, y) in out.items()}
    rounded = {k: (round(x, 1), round(y, 1)) for k, (x, y) in out.items()}
    rounded.update({k: (float(x), float(y)) for k, (x, y) in fixed.items()})  # exactly where they were
    return rounded


def _hierarchical(ids: list[str], index: dict[str, int], pairs: list[tuple[str, str]]) -> Pos:
    g = ig.Graph(n=len(ids), edges=sorted({(index[a], index[b]) for a, b in pairs}), directed=True)
    lay = g.layout_sugiyama(maxiter=40)
    coords = lay.coords[: len(ids)]
    out = {n: (coords[i][0] * _SPACING * 1.4, coords[i][1] * _SPACING * 2.2) for n, i in index.items()}
    return _centred(out)


def _circular(ids: list[str], groups: Mapping[str, str]) -> Pos:
    order = sorted(ids, key=lambda n: (groups.get(n, ""), n))
    # a gap of two slots between types, so each type reads as its own arc
    slots: list[str | None] = []
    last: str | None = None
    for n in order:
        g = groups.get(n, "")
        if last is not None and g != last:
            slots.extend([None, None])
        slots.append(n)
        last = g
    count = len(slots)
    r = max(_SPACING * 2, count * _SPACING * 0.8 / (2 * math.pi))
    out: Pos = {}
    for i, slot in enumerate(slots):
        if slot is not None:
            a = 2 * math.pi * i / count - math.pi / 2
            out[slot] = (r * math.cos(a), r * math.sin(a))
    return out


def _communities(ids: list[str], pairs: list[tuple[str, str]], seed: int) -> Pos:
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from(pairs)
    with _LOCK:  # igraph's random generator is process-wide
        parts = louvain(g, seed=seed, engine="igraph")
    out: Pos = {}
    row_x, row_y, row_h = 0.0, 0.0, 0.0
    width = _SPACING * 4 * math.sqrt(len(ids))  # rows about as wide as the whole picture is tall
    for part in parts:
        members = sorted(part, key=str)
        inner = [(a, b) for a, b in pairs if a in part and b in part]
        local = positions(members, inner, None, seed) if len(members) > 1 else {members[0]: (0.0, 0.0)}
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        w, h = max(xs) - min(xs) + _SPACING * 2, max(ys) - min(ys) + _SPACING * 2
        if row_x > 0 and row_x + w > width:
            row_x, row_y, row_h = 0.0, row_y + row_h, 0.0
        for n, (x, y) in local.items():
            out[n] = (row_x + x - min(xs) + _SPACING, row_y + y - min(ys) + _SPACING)
        row_x += w
        row_h = max(row_h, h)
    return _centred(out)


def _centred(out: Pos) -> Pos:
    xs = [p[0] for p in out.values()]
    ys = [p[1] for p in out.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {k: (x - cx, y - cy) for k, (x, y) in out.items()}
