"""The store contract: one typed interface, two implementations (Neo4j and embedded).

Traversals (ego networks, paths) and search ranking are written once, here, on top of a few primitive
queries each store implements; so both stores give the same answers by construction, and the contract
test suite checks that they do.
"""

from __future__ import annotations

import abc
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import networkx as nx
import numpy as np
from normality import ascii_text
from rapidfuzz import fuzz

from ..errors import InvalidInput, NotFound
from ..grades import Grade, weakest
from ..ids import normalize
from ..models import Claim, Entity, Source, claim_fingerprint, iso_date
from ..ontology import ontology
from . import expansion

__all__ = [
    "GraphStore",
    "Writer",
    "ClaimFilter",
    "EgoNetwork",
    "Path",
    "EntityDetail",
    "SearchHit",
    "WriteSummary",
    "Node",
    "GraphColumns",
]

MAX_HOPS = 3
DEFAULT_SUPERNODE = 100


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims a query may use: by relationship type, neighbour type, grade, date, handling code and
    the sources the caller may not see (a claim resting on one of ``hidden_sources``, or pointing at one
    with ``MENTIONED_IN``, does not pass)."""

    rel_types: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    min_grade: Grade | None = None
    as_of: str | None = None
    max_handling: str | None = None  # highest handling code the caller may see
    hidden_sources: tuple[str, ...] = ()

    @classmethod
    def make(
        cls,
        rel_types: Iterable[str] | None = None,
        entity_types: Iterable[str] | None = None,
        min_grade: str | Grade | None = None,
        as_of: str | None = None,
        max_handling: str | None = None,
        hidden_sources: Iterable[str] = (),
    ) -> ClaimFilter:
        """Validate every part against the ontology (the only path by which types reach a query)."""
        ont = ontology()
        if max_handling is not None:
            ont.handling_rank(max_handling)  # refuses an unknown code
        return cls(
            rel_types=tuple(sorted({ont.rel(t) for t in rel_types or ()})),
            entity_types=tuple(sorted({ont.node_label(t) for t in entity_types or ()})),
            min_grade=Grade.parse(min_grade) if min_grade else None,
            as_of=iso_date(as_of, "as_of"),
            max_handling=max_handling,
            hidden_sources=tuple(sorted(set(hidden_sources))),
        )

    def params(self) -> dict[str, Any]:
        """Cypher / SQL parameters: empty lists mean "any"."""
        ont = ontology()
        return {
            "rel_types": list(self.rel_types),
            "entity_types": list(self.entity_types),
            "min_r": self.min_grade.r if self.min_grade else 6,
            "min_c": self.min_grade.c if self.min_grade else 6,
            "as_of": self.as_of,
            "max_handling": ont.handling_rank(self.max_handling) if self.max_handling else 99,
            "hidden_sources": list(self.hidden_sources),
        }

    def passes(self, claim: Claim, other_label: str | None = None) -> bool:
        """The same test in Python (used for checks and by the embedded store)."""
        if self.rel_types and claim.type not in self.rel_types:
            return False
        if self.entity_types and other_label is not None and other_label not in self.entity_types:
            return False
        if self.min_grade and not claim.grade_obj.at_least(self.min_grade):
            return False
        if self.max_handling and ontology().handling_rank(claim.handling) > ontology().handling_rank(
            self.max_handling
        ):
            return False
        if self.hidden_sources and not self.hidden_sources_pass(claim):
            return False
        return claim.in_force(self.as_of)

    def hidden_sources_pass(self, claim: Claim) -> bool:
        hidden = self.hidden_sources
        return claim.source not in hidden and claim.subject not in hidden and claim.object not in hidden


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
    def from_keys(cls, keys: np.ndarray, ids: list[str], labels: list[str], names: list[str],
                  src_keys: np.ndarray, dst_keys: np.ndarray, fps_hex: str) -> GraphColumns:
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


class Writer(abc.ABC):
    """Collects records and flushes them in batches; leaving the block flushes (or discards on error)."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self._sources: list[Source] = []
        self._entities: list[Entity] = []
        self._claims: list[Claim] = []
        self.summary = WriteSummary()

    def add(self, record: Source | Entity | Claim) -> None:
        if isinstance(record, Claim):  # claims first: most of any large load
            self._claims.append(record)
        elif isinstance(record, Entity):
            self._entities.append(record)
        elif isinstance(record, Source):
            self._sources.append(record)
        else:  # pragma: no cover - typed callers
            raise InvalidInput(f"cannot write a {type(record).__name__}")
        if len(self._sources) + len(self._entities) + len(self._claims) >= self.batch_size:
            self._flush_full()

    def _flush_full(self) -> None:
        """A batch is full. A writer that can write in the background overrides this; :meth:`flush`
        itself returns only when what it flushed is written."""
        self.flush()

    def add_all(self, records: Iterable[Source | Entity | Claim]) -> None:
        for record in records:
            self.add(record)

    def flush(self) -> None:
        """Write what is pending: sources, then entities, then claims (claims need their endpoints)."""
        if not (self._sources or self._entities or self._claims):
            return
        sources, entities, claims = self._sources, self._entities, self._claims
        self._sources, self._entities, self._claims = [], [], []
        self._write(_dedupe(sources), _merge_entities(entities), _dedupe(claims))
        self.summary += WriteSummary(len(sources), len(entities), len(claims))

    def count(self, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        self.summary.created += created
        self.summary.updated += updated
        self.summary.unchanged += unchanged

    @abc.abstractmethod
    def _write(self, sources: list[Source], entities: list[Entity], claims: list[Claim]) -> None: ...

    def close(self) -> None:  # noqa: B027 - a hook, empty by default
        """Called on leaving the block without error, after the last flush."""

    def discard(self) -> None:
        self._sources, self._entities, self._claims = [], [], []

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.flush()
            self.close()
        else:
            self.discard()


def _dedupe(records: list[Any]) -> list[Any]:
    return list({r.id: r for r in records}.values())


def _merge_entities(entities: list[Entity]) -> list[Entity]:
    """Two records for one id within a batch merge as they would across batches."""
    out: dict[str, Entity] = {}
    for e in entities:
        out[e.id] = merge_entity(out[e.id], e) if e.id in out else e
    return list(out.values())


def merge_entity(old: Entity, new: Entity) -> Entity:
    """Upsert rule shared by both stores: lists unite, new properties win, dates widen."""
    if old.label != new.label:
        raise InvalidInput(f"entity {new.id} is a {old.label}; a record says {new.label}")
    return Entity(
        id=old.id,
        label=old.label,
        name=new.name,
        aliases=sorted({*old.aliases, *new.aliases, old.name} - {new.name}),
        identifiers=sorted({*old.identifiers, *new.identifiers}),
        properties={**old.properties, **new.properties},
        sources=sorted({*old.sources, *new.sources}),
        first_seen=_min(old.first_seen, new.first_seen),
        last_seen=_max(old.last_seen, new.last_seen),
        referents=sorted({*old.referents, *new.referents}),
    )


def search_text(e: Entity) -> str:
    """What the full-text indexes hold: names, aliases and identifiers normalised, and the ASCII
    transliteration of names in other scripts (so "Chen Wei Ming" finds 陈伟明)."""
    forms = [normalize(x) for x in [e.name, *e.aliases, *e.identifiers]]
    forms += [t for x in [e.name, *e.aliases] if not x.isascii() and (t := normalize(ascii_text(x) or ""))]
    return "\n".join(forms)


def _min(a: str | None, b: str | None) -> str | None:
    return min(x for x in (a, b) if x) if (a or b) else None


def _max(a: str | None, b: str | None) -> str | None:
    return max(x for x in (a, b) if x) if (a or b) else None


_F = TypeVar("_F", bound=Callable[..., Any])


def _grouped(fn: _F) -> _F:
    """Run a composite read inside :meth:`GraphStore.reading`."""

    @functools.wraps(fn)
    def wrapper(self: GraphStore, *args: Any, **kwargs: Any) -> Any:
        with self.reading():
            return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class GraphStore(abc.ABC):
    """What every store offers. Only implementations of this class talk to a database."""

    kind: str = "abstract"

    def __init__(self, batch_size: int = 5_000, supernode_threshold: int = DEFAULT_SUPERNODE) -> None:
        self.batch_size = batch_size
        self.supernode_threshold = supernode_threshold

    # -- lifecycle -----------------------------------------------------------------------------
    @abc.abstractmethod
    def init_schema(self) -> None:
        """Create constraints and indexes (idempotent)."""

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    def info(self) -> dict[str, Any]:
        """What the store is and whether it answers (kind, location, server version)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ------------------------------------------------------------------------------------
    @abc.abstractmethod
    def writer(self, batch_size: int | None = None) -> Writer:
        """A batching writer; ``with store.writer() as w: w.add(record)``."""

    def upsert(self, records: Iterable[Source | Entity | Claim]) -> WriteSummary:
        with self.writer() as w:
            w.add_all(records)
        return w.summary

    def set_properties(self, updates: dict[str, dict[str, Any]]) -> WriteSummary:
        """Merge properties into existing entities (analytics write-back); unknown ids are refused."""
        found = self.get_entities(sorted(updates))
        missing = sorted(set(updates) - set(found))
        if missing:
            raise NotFound(f"no entity with id {missing[0][:80]!r}")
        return self.upsert(
            Entity.model_validate({**e.model_dump(), "properties": {**e.properties, **updates[e.id]}})
            for e in found.values()
        )

    @abc.abstractmethod
    def retract_source(self, source_id: str) -> dict[str, int]:
        """Remove a source, its claims, and entities left with no claims and no other source."""

    @abc.abstractmethod
    def delete_all(self, confirm: bool = False) -> None:
        """Empty the store (tests, ``init --reset``)."""

    # -- primitive reads (implemented per store) ----------------------------------------------------
    @abc.abstractmethod
    def get_entities(self, ids: Sequence[str]) -> dict[str, Entity]: ...

    @abc.abstractmethod
    def get_sources(self, ids: Sequence[str]) -> dict[str, Source]: ...

    @abc.abstractmethod
    def node_labels(self, ids: Sequence[str]) -> dict[str, Node]:
        """Id, label and name for entities and sources (cheap; for traversal results)."""

    @abc.abstractmethod
    def claims_of(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        """Claims touching any of ``ids`` (either direction) that pass ``flt``; the neighbour's type is
        checked against ``flt.entity_types``, the end in ``ids`` is not."""

    def neighbours(self, ids: Sequence[str], flt: ClaimFilter) -> set[str]:
        """Ids of the other ends of ``claims_of(ids, flt)`` (stores answer this without building claims)."""
        return {e for c in self.claims_of(ids, flt) for e in (c.subject, c.object)} - set(ids)

    @abc.abstractmethod
    def degrees(self, ids: Sequence[str], flt: ClaimFilter, above: int = 0) -> dict[str, int]:
        """Number of distinct neighbours of each id through claims passing ``flt``.

        Only ids with more than ``above`` neighbours need be answered (a store may skip the others
        cheaply: a node with few relationships in all cannot be a supernode)."""

    @abc.abstractmethod
    def claims_between(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        """Claims passing ``flt`` whose two ends are both in ``ids``."""

    @abc.abstractmethod
    def search_candidates(self, query: str, limit: int) -> list[tuple[str, str, str, list[str], list[str]]]:
        """(id, label, name, aliases, identifiers) of entities that may match ``query``; a superset."""

    @abc.abstractmethod
    def match_candidates(self, queries: Sequence[str], limit: int, names: bool = True) -> list[list[str]]:
        """Screening's blocking step: for each query, the ids of at most ``limit`` entities whose names,
        aliases or identifiers share its words (``names``: any order, forgiving a typo), or - for identifiers,
        ``names=False`` - hold it as a phrase; best first; a superset the caller scores. Answered for a whole
        batch at once (one round trip on a server)."""

    @abc.abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """``{"labels": {...}, "relationships": {...}, "sources": {"Source": n}}``."""

    @abc.abstractmethod
    def iter_sources(self) -> Iterator[Source]: ...

    @abc.abstractmethod
    def iter_entities(self) -> Iterator[Entity]: ...

    @abc.abstractmethod
    def iter_claims(self, flt: ClaimFilter | None = None) -> Iterator[Claim]: ...

    def graph_columns(self, flt: ClaimFilter | None = None) -> GraphColumns:
        """The entities (of ``flt.entity_types`` when given) and the claims passing ``flt`` as columns: what
        :meth:`to_networkx` projects, without rebuilding a record per claim. Stores override this with one
        narrow query; this reference version iterates the records. O(n + m).
        """
        types = set(flt.entity_types) if flt and flt.entity_types else None
        ents = [e for e in self.iter_entities() if types is None or e.label in types]
        claims = list(self.iter_claims(flt))
        index = {e.id: i for i, e in enumerate(ents)}
        return GraphColumns.from_keys(
            np.arange(len(ents)), [e.id for e in ents], [e.label for e in ents], [e.name for e in ents],
            np.array([index.get(c.subject, -1) for c in claims], dtype=np.int64),
            np.array([index.get(c.object, -1) for c in claims], dtype=np.int64),
            "".join(claim_fingerprint(c) for c in claims),
        )

    # -- composite reads, shared ------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[None]:
        """Group the reads of one traversal (Neo4j runs them in one read transaction: one snapshot, and
        one round trip per query rather than a session each)."""
        yield

    @_grouped
    def entity(self, entity_id: str, flt: ClaimFilter | None = None) -> EntityDetail:
        """An entity with its claims (both directions) and their sources."""
        found = self.get_entities([entity_id])
        if entity_id not in found:
            raise NotFound(f"no entity with id {entity_id[:80]!r}")
        claims = sorted(self.claims_of([entity_id], flt or ClaimFilter()), key=_claim_order)
        src_ids = {c.source for c in claims} | set(found[entity_id].sources)
        others = {c.object if c.subject == entity_id else c.subject for c in claims}
        return EntityDetail(
            entity=found[entity_id],
            claims=claims,
            sources=self.get_sources(sorted(src_ids)),
            neighbours=self.node_labels(sorted(others)),
        )

    @_grouped
    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Ranked matches over names, aliases and identifiers (the same ranking on every store)."""
        q = normalize(query)
        if not q:
            raise InvalidInput("search query is empty after normalisation")
        if len(query) > 500:
            raise InvalidInput("search query is longer than 500 characters")
        hits = []
        for eid, label, name, aliases, identifiers in self.search_candidates(query, max(limit * 20, 200)):
            best = rank_match(q, query, eid, name, aliases, identifiers)
            if best:
                hits.append(SearchHit(eid, label, name, best[0], best[1]))
        hits.sort(key=lambda h: (-h.score, normalize(h.name), h.id))
        return hits[:limit]

    @_grouped
    def ego(
        self,
        center: str,
        hops: int = 1,
        flt: ClaimFilter | None = None,
        limit: int = 500,
        exclude: Iterable[str] = (),
        avoid: Iterable[str] = (),
        order: str | None = None,
        new_types: Iterable[str] = (),
        new_rel_types: Iterable[str] = (),
    ) -> EgoNetwork:
        """Breadth-first neighbourhood of ``center`` up to ``hops`` (1-3), at most ``limit`` nodes.

        Neighbours are taken hop by hop in id order, so the answer is deterministic. A node with more
        neighbours than the supernode threshold is included but not expanded, and reported. Ids in
        ``exclude`` (already on the caller's chart) are not returned and not counted as new, but the walk
        passes through them, so ``exclude=<the 1-hop ids>`` at 2 hops gives the 2-hop ring, and a caller
        pages through a supernode by passing what it has. Claims joining a new node to an excluded one are
        returned (their excluded ends are in ``context``). Ids in ``avoid`` are not entered at all.

        A selective expansion names an ``order`` (``degree``: most connected, ``grade``: best graded,
        ``recent``: most recent claim, ``id``) and optionally the ``new_types`` / ``new_rel_types`` it wants:
        it keeps the best new nodes first, each with the new nodes that join it to what the caller has.
        """
        if not 1 <= hops <= MAX_HOPS:
            raise InvalidInput(f"hops must be between 1 and {MAX_HOPS}, got {hops}")
        if not 1 <= limit <= 10_000:
            raise InvalidInput(f"limit must be between 1 and 10000, got {limit}")
        flt = flt or ClaimFilter()
        start = self.node_labels([center])
        if center not in start:
            raise NotFound(f"no entity with id {center[:80]!r}")
        skip = set(exclude) - {center}
        selective = order is not None or bool(new_types) or bool(new_rel_types)
        if selective:
            w = expansion.walk(self, center, hops, flt, skip, avoid, with_claims=True)
            chosen, left_out = expansion.pick(self, w, flt, skip, limit, order or "id", new_types, new_rel_types)
            keep = {center, *chosen}
            truncated = left_out or w.truncated
        else:
            w = expansion.walk(self, center, hops, flt, skip, avoid, limit=limit)
            keep = {n for n in w.depth if n not in skip}
            truncated = w.truncated
        supernodes = {n: d for n, d in w.supernodes.items() if n in keep or n in skip}
        if hops == 1 or truncated:
            # the centre may itself be a supernode: say how many neighbours it has
            center_degree = self.degrees([center], flt).get(center, 0)
            if center_degree > len(keep) - 1 and (center_degree > self.supernode_threshold or truncated):
                supernodes[center] = center_degree
        ids = sorted(keep)
        near = sorted(n for n in w.depth if n in skip)
        claims = sorted(
            (c for c in self.claims_between(ids + near, flt) if c.subject in keep or c.object in keep),
            key=_claim_order,
        )
        ends = {e for c in claims for e in (c.subject, c.object)}
        return EgoNetwork(
            center=center,
            nodes=self.node_labels(ids),
            claims=claims,
            hops={n: w.depth[n] for n in ids},
            supernodes=supernodes,
            truncated=truncated,
            context=self.node_labels(sorted(ends - keep)),
        )

    @_grouped
    def ego_counts(
        self,
        center: str,
        hops: int = 1,
        flt: ClaimFilter | None = None,
        exclude: Iterable[str] = (),
        avoid: Iterable[str] = (),
    ) -> expansion.EgoCounts:
        """How many new nodes ``ego(center, hops, flt, exclude=exclude)`` would add without a limit, per
        entity type, relationship type and hop, without building them (the selective-expand guard)."""
        if not 1 <= hops <= MAX_HOPS:
            raise InvalidInput(f"hops must be between 1 and {MAX_HOPS}, got {hops}")
        flt = flt or ClaimFilter()
        if center not in self.node_labels([center]):
            raise NotFound(f"no entity with id {center[:80]!r}")
        return expansion.counts(self, center, hops, flt, exclude, avoid)

    @_grouped
    def paths(
        self,
        source: str,
        target: str,
        max_hops: int = 4,
        k: int = 1,
        flt: ClaimFilter | None = None,
        max_nodes: int = 50_000,
    ) -> list[Path]:
        """Shortest and k shortest simple paths (undirected) up to ``max_hops``, best grade per hop.

        Both ends are expanded half-way (a path of length L has every edge within ceil(L/2) hops of one
        end), so the search touches two small balls rather than everything within L of one end.
        """
        if not 1 <= max_hops <= 8:
            raise InvalidInput(f"max_hops must be between 1 and 8, got {max_hops}")
        if not 1 <= k <= 50:
            raise InvalidInput(f"k must be between 1 and 50, got {k}")
        flt = flt or ClaimFilter()
        ends = self.node_labels([source, target])
        for end in (source, target):
            if end not in ends:
                raise NotFound(f"no entity with id {end[:80]!r}")
        if source == target:
            raise InvalidInput("a path needs two different entities")
        claims = self.claims_between_ends(source, target, max_hops, flt, max_nodes)
        g = nx.Graph()
        g.add_nodes_from(sorted({source, target, *(e for c in claims.values() for e in (c.subject, c.object))}))
        for c in sorted(claims.values(), key=_claim_order):
            u, v = sorted((c.subject, c.object))
            if u == v:
                continue
            best = g.edges[u, v]["claim"] if g.has_edge(u, v) else None
            if best is None or _better(c, best):
                g.add_edge(u, v, claim=c)
        if source not in g or target not in g or not nx.has_path(g, source, target):
            return []
        out: list[list[str]] = []
        for p in nx.shortest_simple_paths(g, source, target):
            if len(p) - 1 > max_hops:
                break
            out.append(p)
            if len(out) >= k:
                break
        labels = self.node_labels(sorted({n for p in out for n in p}))
        return [
            Path(
                nodes=[labels[n] for n in p],
                claims=[g.edges[a, b]["claim"] for a, b in itertools.pairwise(p)],
            )
            for p in out
        ]

    @_grouped
    def claims_between_ends(
        self, source: str, target: str, max_hops: int, flt: ClaimFilter, max_nodes: int = 50_000
    ) -> dict[str, Claim]:
        """Every claim a path of at most ``max_hops`` between ``source`` and ``target`` can use (passing
        ``flt``), by id: the claims within ceil(max_hops / 2) hops of the source and max_hops // 2 of the
        target (a path of length L <= max_hops has each of its links within one of the two). Each side stops
        growing once it has seen ``max_nodes`` entities.
        """
        claims: dict[str, Claim] = {}
        for start, radius in ((source, (max_hops + 1) // 2), (target, max_hops // 2)):
            seen = {start}
            frontier = [start]
            for _ in range(radius):
                if not frontier or len(seen) > max_nodes:
                    break
                nxt: set[str] = set()
                for c in self.claims_of(frontier, flt):
                    claims[c.id] = c
                    for end in (c.subject, c.object):
                        if end not in seen:
                            nxt.add(end)
                seen |= nxt
                frontier = sorted(nxt)
        return claims

    def to_networkx(self, flt: ClaimFilter | None = None) -> nx.MultiDiGraph:
        """Project the store to a MultiDiGraph: nodes carry label and name, edges carry the claim."""
        g = nx.MultiDiGraph()
        for e in self.iter_entities():
            if flt and flt.entity_types and e.label not in flt.entity_types:
                continue
            g.add_node(e.id, label=e.label, name=e.name, properties=e.properties)
        for c in self.iter_claims(flt):
            if c.subject in g and c.object in g:
                g.add_edge(c.subject, c.object, key=c.id, type=c.type, grade=c.grade, claim=c)
        return g


def _claim_order(c: Claim) -> tuple[str, str, str, str, str]:
    return (c.type, c.subject, c.object, c.source, c.id)


def _better(a: Claim, b: Claim) -> bool:
    return (a.grade_obj.sort_key(), a.id) < (b.grade_obj.sort_key(), b.id)


def rank_match(
    q: str, raw: str, eid: str, name: str, aliases: Sequence[str], identifiers: Sequence[str]
) -> tuple[float, str] | None:
    """Score one entity against a normalised query; ``None`` when it does not match.

    Exact identifier 100, exact name 95, exact alias 90, a key starting with the query 80, every query
    word starting a word of the key 70, the query inside a key 60 (each +2 on the name, +1 on an
    identifier), else fuzzy similarity >= 85 scaled to at most 50.
    """
    if raw.strip() == eid:
        return (100.0, eid)
    # (normalised key, original, score if equal, bonus on the partial rules: a match on the name ranks
    # above the same kind of match on an alias)
    keys: list[tuple[str, str, float, float]] = [(normalize(i), i, 100.0, 1.0) for i in identifiers]
    keys.append((normalize(name), name, 95.0, 2.0))
    keys += [(normalize(a), a, 90.0, 0.0) for a in aliases]
    q_words = q.split()
    best: tuple[float, str] | None = None
    for norm, original, exact, bonus in keys:
        if not norm:
            continue
        if norm == q:
            score = exact
        elif norm.startswith(q):
            score = 80.0 + bonus
        elif all(any(w.startswith(qw) for w in norm.split()) for qw in q_words):
            score = 70.0 + bonus
        elif q in norm:
            score = 60.0 + bonus
        else:
            ratio = fuzz.ratio(q, norm)
            score = round(ratio / 2, 2) if ratio >= 85 else 0.0
        if score and (best is None or score > best[0]):
            best = (score, original)
    return best
