"""Projections: the graphs the analytics run on, built from a store or from plain records.

Two shapes:

- a NetworkX ``MultiDiGraph`` as :meth:`GraphStore.to_networkx` makes it (node attrs ``label``, ``name``,
  ``properties``; edge key = claim id, attrs ``type``, ``grade``, ``claim``), collapsed by :func:`simple`
  into a plain ``Graph`` / ``DiGraph`` for the structural measures;
- a :class:`Projection`: the same nodes and claims as integer arrays, built straight from records without
  NetworkX, for large graphs. The faster engines (igraph) read it without a detour through NetworkX.

Every analytic accepts either (``GraphLike``). This module imports no database code: callers hand in a
store (anything with ``to_networkx`` / ``iter_entities`` / ``iter_claims``) or an iterable of records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import networkx as nx
import numpy as np

from ..grades import Grade

if TYPE_CHECKING:
    from ..store.base import ClaimFilter, GraphColumns, GraphStore

__all__ = [
    "Projection",
    "GraphLike",
    "project",
    "project_compact",
    "transfers_from_records",
    "simple",
    "as_networkx",
    "node_info",
]


@dataclass
class Projection:
    """A compact, array-based projection: node ``i`` is ``ids[i]``; claim ``j`` joins ``src[j] -> dst[j]``.

    Parallel claims stay parallel here (one row each); :meth:`to_networkx` and the engines collapse them
    when a measure wants a simple graph.
    """

    ids: list[str]
    labels: list[str]
    names: list[str]
    src: np.ndarray
    dst: np.ndarray
    _claim_ids: list[str] | None = None
    _rel_types: list[str] | None = None
    _grades: list[str] | None = None
    _index: dict[str, int] | None = None
    _cache: dict[Any, Any] = field(default_factory=dict)
    # the claim records (dicts) the three columns above are read from on first use, when they came
    # from from_records' fast path: most measures never look at them
    _claim_recs: list[dict[str, Any]] | None = None
    # claim j's fingerprint as 12 bytes (row j), when built from a store's columns: claims are then in
    # fingerprint order, and the stamp hashes these instead of the claims
    fps: np.ndarray | None = None

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {n: i for i, n in enumerate(self.ids)}
        return self._index

    def _column(self, key: str) -> list[str]:
        recs = self._claim_recs or []
        return list(map(dict.get, recs, repeat(key, len(recs))))  # type: ignore[arg-type]

    @property
    def claim_ids(self) -> list[str]:
        """The id of claim ``j`` (``""`` when the record had none)."""
        if self._claim_ids is None:
            self._claim_ids = [c or "" for c in self._column("id")]
        return self._claim_ids

    @property
    def rel_types(self) -> list[str]:
        """The relationship type of claim ``j``."""
        if self._rel_types is None:
            self._rel_types = self._column("type")
        return self._rel_types

    @property
    def grades(self) -> list[str]:
        """The grade of claim ``j``."""
        if self._grades is None:
            self._grades = self._column("grade")
        return self._grades

    def number_of_nodes(self) -> int:
        return len(self.ids)

    def number_of_edges(self) -> int:
        return int(self.src.shape[0])

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any] | Any],
        *,
        entity_types: Iterable[str] = (),
        rel_types: Iterable[str] = (),
        min_grade: str | Grade | None = None,
    ) -> Projection:
        """Build from JSON-lines records (dicts) or ``Entity`` / ``Claim`` models, in one pass.

        Claims may come before their entities; a claim whose ends never appear as entities is dropped,
        as ``to_networkx`` drops it. O(n + m).

        Examples
        --------
        >>> p = Projection.from_records([
        ...     {"record": "entity", "id": "a", "label": "Person", "name": "A"},
        ...     {"record": "entity", "id": "b", "label": "Person", "name": "B"},
        ...     {"record": "claim", "id": "c1", "type": "ALLIED_WITH", "subject": "a", "object": "b",
        ...      "grade": "B2"}])
        >>> p.number_of_nodes(), p.number_of_edges()
        (2, 1)
        """
        types = set(entity_types)
        rels = set(rel_types)
        floor = Grade.parse(min_grade) if min_grade else None
        if type(records) is list and records and set(map(type, records)) == {dict}:
            fast = cls._from_dicts(records, types, rels, floor)
            if fast is not None:
                return fast
        ids: list[str] = []
        labels: list[str] = []
        names: list[str] = []
        index: dict[str, int] = {}
        subj: list[str] = []
        obj: list[str] = []
        cids: list[str] = []
        ctypes: list[str] = []
        grades: list[str] = []
        ok_grade: dict[str, bool] = {}
        for rec in records:
            get: Callable[[str], Any]
            if type(rec) is dict:  # the common case, without the (slow) ABC isinstance check
                get = cast(Callable[[str], Any], rec.get)
            else:
                get = cast(Callable[[str], Any], rec.get if isinstance(rec, Mapping) else rec.__dict__.get)
            kind = get("record") or ("claim" if get("subject") is not None else "entity" if get("label") else None)
            if kind == "entity":
                if types and get("label") not in types:
                    continue
                eid = get("id")
                if eid in index:
                    continue
                index[eid] = len(ids)
                ids.append(eid)
                labels.append(get("label"))
                names.append(get("name"))
            elif kind == "claim":
                ctype = get("type")
                if rels and ctype not in rels:
                    continue
                grade = get("grade")
                if floor is not None:
                    passed = ok_grade.get(grade)
                    if passed is None:
                        passed = ok_grade[grade] = Grade.parse(grade).at_least(floor)
                    if not passed:
                        continue
                subj.append(get("subject"))
                obj.append(get("object"))
                cids.append(get("id") or "")
                ctypes.append(ctype)
                grades.append(grade)
        # map() with dict.get runs the lookups at C speed; -1 marks an end that is not a projected entity
        src = np.fromiter(map(index.get, subj, repeat(-1)), dtype=np.int64, count=len(subj))
        dst = np.fromiter(map(index.get, obj, repeat(-1)), dtype=np.int64, count=len(obj))
        ok = (src >= 0) & (dst >= 0)
        if not ok.all():
            keep = np.flatnonzero(ok).tolist()
            src, dst = src[ok], dst[ok]
            cids = [cids[j] for j in keep]
            ctypes = [ctypes[j] for j in keep]
            grades = [grades[j] for j in keep]
        return cls(ids, labels, names, src, dst, cids, ctypes, grades, _index=index)

    @classmethod
    def _from_dicts(
        cls, recs: list[dict[str, Any]], types: set[str], rels: set[str], floor: Grade | None
    ) -> Projection | None:
        """:meth:`from_records` for a list of JSON-lines dicts, column by column.

        Every step is a ``map`` / ``compress`` over the whole list, so the per-record work runs in C instead
        of the interpreter loop (about three times faster on a million records). ``None`` when a record
        lacks its ``record`` kind: the general loop infers it.
        """
        get = dict.get
        n = len(recs)
        kinds = list(map(get, recs, repeat("record", n)))
        if None in kinds:
            return None
        ents = list(compress(recs, map("entity".__eq__, kinds)))
        claims = list(compress(recs, map("claim".__eq__, kinds)))
        del kinds
        labels: list[str] = list(map(get, ents, repeat("label")))  # type: ignore[arg-type]
        if types:
            keep = list(map(types.__contains__, labels))
            ents, labels = list(compress(ents, keep)), list(compress(labels, keep))
        ids: list[str] = list(map(get, ents, repeat("id")))  # type: ignore[arg-type]
        index = dict(zip(ids, range(len(ids)), strict=True))
        if len(index) != len(ids):  # a repeated entity: the first one counts, as in the general loop
            first = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
            keep = [first[e] == i for i, e in enumerate(ids)]
            ents, labels, ids = list(compress(ents, keep)), list(compress(labels, keep)), list(compress(ids, keep))
            index = dict(zip(ids, range(len(ids)), strict=True))
        names: list[str] = list(map(get, ents, repeat("name")))  # type: ignore[arg-type]
        if rels or floor is not None:
            ctypes = map(get, claims, repeat("type"))
            grades: list[str] = list(map(get, claims, repeat("grade")))  # type: ignore[arg-type]
            ok = {g: floor is None or Grade.parse(g).at_least(floor) for g in set(grades)}
            keep = [(not rels or t in rels) and ok[g] for t, g in zip(ctypes, grades, strict=True)]
            claims = list(compress(claims, keep))
        m = len(claims)
        # both ends of a claim in one visit to its dict, then index.get of each: -1 marks an end that is not
        # projected. Memory-bound: one pass over the claims instead of two saves about a third.
        try:
            ends = np.fromiter(
                map(index.get, chain.from_iterable(map(itemgetter("subject", "object"), claims)), repeat(-1, 2 * m)),
                dtype=np.int64,
                count=2 * m,
            ).reshape(m, 2)
        except KeyError:  # a claim without an end: the general loop says which
            return None
        src, dst = ends[:, 0].copy(), ends[:, 1].copy()
        ok_ends = (src >= 0) & (dst >= 0)
        if not ok_ends.all():
            claims = list(compress(claims, ok_ends.tolist()))
            src, dst = src[ok_ends], dst[ok_ends]
        return cls(ids, labels, names, src, dst, _index=index, _claim_recs=claims)

    @classmethod
    def from_columns(cls, cols: GraphColumns) -> Projection:
        """Build from a store's :class:`~compoundgraph.store.base.GraphColumns` (or any object with its six
        fields). Nodes are put in id order and claims in fingerprint order, so the projection (and every
        result on it) does not depend on the order the store returned its rows in; claims with an end
        that is not a projected entity are left out. O(n log n + m log m), the claims' sort in NumPy.

        Examples
        --------
        >>> from types import SimpleNamespace as C
        >>> p = Projection.from_columns(C(ids=["b", "a"], labels=["Person"] * 2, names=["B", "A"],
        ...     src=np.array([1, 0, 1]), dst=np.array([0, 1, -1]),
        ...     fps=np.array([[0] * 12, [255] * 12, [1] * 12], dtype=np.uint8)))
        >>> p.ids, p.src.tolist(), p.dst.tolist(), p.number_of_edges()
        (['a', 'b'], [0, 1], [1, 0], 2)
        """
        n = len(cols.ids)
        ids, labels, names = cols.ids, cols.labels, cols.names
        in_order = all(map(str.__lt__, ids, ids[1:]))  # what the stores return; strictly: no id repeats
        order = range(n) if in_order else sorted(range(n), key=ids.__getitem__)
        if not in_order:
            ids, labels, names = [ids[i] for i in order], [labels[i] for i in order], [names[i] for i in order]
        index = dict(zip(ids, range(n), strict=True))
        if len(index) != n:
            raise ValueError("GraphColumns.ids repeats an entity")
        fps = np.asarray(cols.fps, dtype=np.uint8)
        m = fps.shape[0]
        if fps.shape != (m, 12) or len(cols.src) != m or len(cols.dst) != m:
            raise ValueError("GraphColumns: src, dst and fps (m x 12 bytes) differ in length")
        # new position of each old one, and -1 kept as -1 (the extra last slot)
        moved = np.empty(n + 1, dtype=np.int64)
        moved[np.fromiter(order, dtype=np.int64, count=n)] = np.arange(n, dtype=np.int64)
        moved[n] = -1
        by_fp = fp_order(fps) if m else np.zeros(0, dtype=np.int64)
        src = moved[np.asarray(cols.src, dtype=np.int64)[by_fp]]
        dst = moved[np.asarray(cols.dst, dtype=np.int64)[by_fp]]
        fps = take_rows(fps, by_fp)
        ok = (src >= 0) & (dst >= 0)
        if not ok.all():
            src, dst, fps = src[ok], dst[ok], fps[ok]
        return cls(ids, labels, names, src, dst, _index=index, fps=fps)

    @classmethod
    def from_networkx(cls, G: nx.Graph) -> Projection:
        """The compact form of a NetworkX graph (multi or simple, directed or not)."""
        ids = list(G.nodes)
        index = {n: i for i, n in enumerate(ids)}
        labels = [G.nodes[n].get("label", "") for n in ids]
        names = [G.nodes[n].get("name", str(n)) for n in ids]
        if G.is_multigraph():
            edges = list(G.edges(keys=True, data=True))
            cids = [str(k) for _, _, k, _ in edges]
            data = [d for _, _, _, d in edges]
        else:
            edges2 = list(G.edges(data=True))
            cids = [f"{u}->{v}" for u, v, _ in edges2]
            edges = [(u, v, None, d) for u, v, d in edges2]
            data = [d for _, _, d in edges2]
        src = np.fromiter((index[e[0]] for e in edges), dtype=np.int64, count=len(edges))
        dst = np.fromiter((index[e[1]] for e in edges), dtype=np.int64, count=len(edges))
        return cls(
            ids,
            labels,
            names,
            src,
            dst,
            cids,
            [d.get("type", "") for d in data],
            [d.get("grade", "") for d in data],
            _index=index,
        )

    def to_networkx(self, directed: bool = False) -> nx.Graph:
        """A simple NetworkX graph (parallel claims collapsed, ``weight`` = number of claims)."""
        key = ("nx", directed)
        if key not in self._cache:
            G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
            G.add_nodes_from(
                (n, {"label": lab, "name": name})
                for n, lab, name in zip(self.ids, self.labels, self.names, strict=True)
            )
            ids = self.ids
            for s, d in zip(self.src.tolist(), self.dst.tolist(), strict=True):
                if s == d:
                    continue
                u, v = ids[s], ids[d]
                if G.has_edge(u, v):
                    G[u][v]["weight"] += 1
                else:
                    G.add_edge(u, v, weight=1)
            self._cache[key] = G
        return self._cache[key]

    def simple_edges(self, directed: bool = False) -> np.ndarray:
        """Distinct ``(u, v)`` index pairs without self-loops (``u < v`` when undirected), sorted."""
        key = ("edges", directed)
        if key not in self._cache:
            s, d = self.src, self.dst
            if not directed:
                s, d = np.minimum(s, d), np.maximum(s, d)
            mask = s != d
            n = max(self.number_of_nodes(), 1)
            # one int64 per pair makes the de-duplication a flat sort (unique on rows is far slower)
            # np.sort and a neighbour comparison, not np.unique: numpy 2.4's unique hashes and is ~100x slower here
            code = np.sort(s[mask] * n + d[mask])
            if code.size:
                code = code[np.concatenate(([True], code[1:] != code[:-1]))]
            pairs = np.stack([code // n, code % n], axis=1)
            self._cache[key] = pairs
        return self._cache[key]  # type: ignore[no-any-return]


def take_rows(rows: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``rows[order]`` for an (m, w) uint8 array, gathered as one w-byte item per row (~3x faster)."""
    w = rows.shape[1]
    gathered: np.ndarray = np.ascontiguousarray(rows).view(f"V{w}").ravel()[order]
    return gathered.view(np.uint8).reshape(-1, w)


def fp_order(fps: np.ndarray) -> np.ndarray:
    """The permutation putting 12-byte fingerprint rows in lexicographic order.

    Sorts by the first 8 bytes (as a big-endian integer), which are distinct but for a 1-in-2^64 chance;
    when two are equal, by all 12. O(m log m), O(m) when already sorted.
    """
    hi = fps[:, :8].copy().view(">u8").ravel().astype(np.uint64)
    if bool((hi[1:] > hi[:-1]).all()):
        return np.arange(hi.size)
    order = np.argsort(hi)  # unstable, but only used when the keys are distinct
    ranked = hi[order]
    if ranked.size > 1 and bool((ranked[1:] == ranked[:-1]).any()):
        lo = fps[:, 8:].copy().view(">u4").ravel()
        return np.lexsort((lo, hi))
    return order


GraphLike: TypeAlias = nx.Graph | Projection


def project(store: GraphStore, flt: ClaimFilter | None = None) -> nx.MultiDiGraph:
    """The store's claims passing ``flt`` as a MultiDiGraph (see :meth:`GraphStore.to_networkx`)."""
    return store.to_networkx(flt)


def project_compact(store: GraphStore, flt: ClaimFilter | None = None) -> Projection:
    """The store's claims passing ``flt`` as a :class:`Projection` (from :meth:`GraphStore.graph_columns`:
    no record and no NetworkX object per claim)."""
    return Projection.from_columns(store.graph_columns(flt))


def transfers_from_records(records: Iterable[Mapping[str, Any]]) -> nx.MultiDiGraph:
    """The tracer's graph straight from JSON-lines records: wallets and their holders, TRANSFERRED and
    HOLDS edges carrying ``amount`` / ``asset`` / ``timestamp`` as attributes (no ``Claim`` objects).

    O(n + m). Use it for chain exports and synthetic worlds too large to hold as models.
    """
    G = nx.MultiDiGraph()
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for r in records:
        kind = r.get("record")
        if kind == "entity":
            nodes[r["id"]] = {"label": r.get("label"), "name": r.get("name"), "properties": r.get("properties") or {}}
        elif kind == "claim" and r.get("type") in ("TRANSFERRED", "HOLDS"):
            props = r.get("properties") or {}
            attrs = {"type": r["type"], "grade": r.get("grade")}
            if r["type"] == "TRANSFERRED":
                attrs.update(amount=props.get("amount"), asset=props.get("asset"), timestamp=props.get("timestamp"))
            edges.append((r["subject"], r["object"], r.get("id"), attrs))
    used = {e[0] for e in edges} | {e[1] for e in edges}
    G.add_nodes_from((n, nodes[n]) for n in used if n in nodes)
    G.add_edges_from(e for e in edges if e[0] in nodes and e[1] in nodes)
    return G


def simple(G: nx.Graph, directed: bool = False) -> nx.Graph:
    """Collapse a (multi)graph to a simple ``Graph`` (or ``DiGraph``): one edge per linked pair.

    ``weight`` counts the claims joining the pair, ``grade`` is the best of their grades and ``claim``
    the claim carrying it (for path grades). Self-loops are dropped. O(n + m).

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("a", "b", key="c1", grade="C3"); M.add_edge("b", "a", key="c2", grade="B2")
    'c1'
    'c2'
    >>> S = simple(M)
    >>> S["a"]["b"]["weight"], S["a"]["b"]["grade"]
    (2, 'B2')
    """
    if not G.is_multigraph() and G.is_directed() == directed:
        return G
    S: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    S.add_nodes_from(G.nodes(data=True))
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, k, d in edges:
        if u == v:
            continue
        grade = d.get("grade")
        if S.has_edge(u, v):
            e = S[u][v]
            e["weight"] += 1
            if grade and (not e.get("grade") or Grade.parse(grade).sort_key() < Grade.parse(e["grade"]).sort_key()):
                e["grade"], e["claim"] = grade, d.get("claim", k)
        else:
            S.add_edge(u, v, weight=1, grade=grade, claim=d.get("claim", k))
    return S


def as_networkx(G: GraphLike, directed: bool = False) -> nx.Graph:
    """A simple NetworkX graph for any ``GraphLike`` (the NetworkX engine's input)."""
    if isinstance(G, Projection):
        return G.to_networkx(directed)
    return simple(G, directed)


def node_info(G: GraphLike, node: str) -> dict[str, str]:
    """``{"id", "label", "name"}`` of a node, for result tables."""
    if isinstance(G, Projection):
        i = G.index[node]
        return {"id": node, "label": G.labels[i], "name": G.names[i]}
    attrs = G.nodes[node]
    return {"id": node, "label": attrs.get("label", ""), "name": attrs.get("name", str(node))}
