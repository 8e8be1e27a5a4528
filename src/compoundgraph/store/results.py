"""What the store contract answers with: nodes, entity details, search hits, ego networks, paths, projection
columns and write summaries (plain values, no database code)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..grades import Grade, weakest
from ..models import Claim, Entity, Source

__all__ = ["Node", "GraphColumns", "WriteSummary", "EntityDetail", "SearchHit", "EgoNetwork", "Path"]


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    name: str


@dataclass
class GraphColumns:
    """The projected graph as columns, for analytics on large graphs: entity ``i`` is ``ids[i]`` (with
    ``labels[i]``, ``names[i]``); claim ``j`` joins entity ``src[j]`` to entity ``dst[j]`` (positions in
    ``ids``; -1 where an end is not a projected entity) and ``fps[j]`` is its fingerprint as 12 bytes
    (:func:`~compoundgraph.models.claim_fingerprint`, which covers its id, ends and content).

    Rows are in no particular order; the reader orders them (see ``Projection.from_columns``).
    """

    ids: list[str]
    labels: list[str]
    names: list[str]
    src: np.ndarray
    dst: np.ndarray
    fps: np.ndarray

    @classmethod
    def from_keys(
        cls,
        keys: np.ndarray,
        ids: list[str],
        labels: list[str],
        names: list[str],
        src_keys: np.ndarray,
        dst_keys: np.ndarray,
        fps_hex: str,
    ) -> GraphColumns:
        """From a store's own integer keys (SQLite rowids, Neo4j internal ids): ``keys[i]`` is entity
        ``i``'s; a claim end whose key is not among them becomes -1. Fingerprints as one hex string.
        O(n + m), in NumPy."""
        top = int(keys.max()) + 1 if keys.size else 1
        where = np.full(top + 1, -1, dtype=np.int64)  # key -> position; the last slot for any other key
        where[keys] = np.arange(keys.size)

        def positions(ends: np.ndarray) -> np.ndarray:
            return where[np.where((ends >= 0) & (ends < top), ends, top)]

        m = len(fps_hex) // 24
        fps = np.frombuffer(bytes.fromhex(fps_hex), dtype=np.uint8).reshape(m, 12)
        return cls(ids, labels, names, positions(src_keys), positions(dst_keys), fps)


@dataclass
class WriteSummary:
    """Records seen by kind, and what writing them did (sources count as created or unchanged too)."""

    sources: int = 0
    entities: int = 0
    claims: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: WriteSummary) -> WriteSummary:
        for f in ("sources", "entities", "claims", "created", "updated", "unchanged"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        return self


@dataclass
class EntityDetail:
    entity: Entity
    claims: list[Claim]
    sources: dict[str, Source]
    neighbours: dict[str, Node]


@dataclass
class SearchHit:
    id: str
    label: str
    name: str
    score: float
    matched: str  # the name, alias or identifier that matched


@dataclass
class EgoNetwork:
    """Nodes and claims around a centre. ``supernodes`` were included but not expanded."""

    center: str
    nodes: dict[str, Node]
    claims: list[Claim]
    hops: dict[str, int]
    supernodes: dict[str, int] = field(default_factory=dict)  # id -> neighbour count
    truncated: bool = False  # the node limit was reached
    # ends of the answer's claims the caller already has (``exclude``): not part of the answer's nodes
    context: dict[str, Node] = field(default_factory=dict)


@dataclass
class Path:
    nodes: list[Node]
    claims: list[Claim]

    @property
    def grade(self) -> Grade:
        return weakest(c.grade for c in self.claims)

    @property
    def hops(self) -> int:
        return len(self.claims)
