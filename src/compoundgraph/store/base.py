"""The store contract: one typed interface, two implementations (Neo4j and embedded).

Traversals (ego networks, paths) and the composite reads are written once, here, on top of a few primitive
queries each store implements; so both stores give the same answers by construction, and the contract
test suite checks that they do. The contract's parts live beside it: the claim filter (``filters.py``), the
answers (``results.py``), the batching writer and upsert rule (``writer.py``) and the search ranking
(``ranking.py``); their names are importable from here too.
"""

from __future__ import annotations

import abc
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import networkx as nx
import numpy as np

from ..errors import InvalidInput, NotFound
from ..ids import normalize
from ..models import Claim, Entity, Source, claim_fingerprint
from . import expansion
from .filters import ClaimFilter, is_proposal
from .match_keys import identifier_key, name_plan
from .ranking import rank_match, search_text
from .results import EgoNetwork, EntityDetail, GraphColumns, Node, Path, SearchHit, WriteSummary
from .writer import Writer, merge_entity

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
    "merge_entity",
    "search_text",
    "rank_match",
]

MAX_HOPS = 3
DEFAULT_SUPERNODE = 100


_F = TypeVar("_F", bound=Callable[..., Any])


def _grouped(fn: _F) -> _F:
    """Run a composite read inside :meth:`GraphStore.reading`."""

    @functools.wraps(fn)
    def wrapper(self: GraphStore, *args: Any, **kwargs: Any) -> Any:
        with self.reading():
            return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def check_ego_bounds(hops: int, limit: int) -> None:
    """The bounds every store's ego network keeps: 1 to MAX_HOPS hops, 1 to 10,000 nodes."""
    if not 1 <= hops <= MAX_HOPS:
        raise InvalidInput(f"hops must be between 1 and {MAX_HOPS}, got {hops}")
    if not 1 <= limit <= 10_000:
        raise InvalidInput(f"limit must be between 1 and 10000, got {limit}")


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
    def keyed_ids(self, key_sets: Sequence[Sequence[str]], limit: int) -> list[list[str]]:
        """Screening's blocking index (:mod:`.match_keys`): for each set of keys, the ids of the first
        ``limit`` entities, in id order, holding every key of the set. The whole batch in one query."""

    def match_candidates(self, queries: Sequence[str], limit: int, names: bool = True) -> list[list[str]]:
        """Screening's blocking step, for a batch of queries at once: per query, the ids of at most ``limit``
        entities (per lookup step) that may match it - for ``names``, entities whose names or aliases share
        its words, their first or their last three letters (see :func:`.match_keys.name_plan`); with
        ``names=False``, entities holding the query as an identifier in normal form. A superset the caller
        scores; one query to the store per step, whatever the batch's size."""
        out: list[list[str]] = [[] for _ in queries]
        if not names:
            where = [(i, k) for i, q in enumerate(queries) if (k := identifier_key(q))]
            found = self.keyed_ids([[k] for _, k in where], limit) if where else []
            for (i, _), ids in zip(where, found, strict=True):
                out[i] = ids
            return out
        plans = [name_plan(q) for q in queries]
        for step in range(4):
            todo = [
                i
                for i, plan in enumerate(plans)
                if plan and plan[step] and (step == 0 or (len(out[i]) < limit if step == 1 else not out[i]))
            ]
            sets = [(i, keys) for i in todo for keys in plans[i][step]]
            if not sets:
                continue
            for (i, _), ids in zip(sets, self.keyed_ids([k for _, k in sets], limit), strict=True):
                out[i] += ids
        return [list(dict.fromkeys(ids)) for ids in out]

    @abc.abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """``{"labels": {...}, "relationships": {...}, "sources": {"Source": n}}``."""

    @abc.abstractmethod
    def iter_sources(self) -> Iterator[Source]: ...

    @abc.abstractmethod
    def iter_entities(self, proposals: bool = False) -> Iterator[Entity]:
        """Every entity in id order; proposed entities pending review or rejected only with ``proposals``."""

    @abc.abstractmethod
    def iter_claims(self, flt: ClaimFilter | None = None) -> Iterator[Claim]: ...

    def graph_columns(self, flt: ClaimFilter | None = None) -> GraphColumns:
        """The entities (of ``flt.entity_types`` when given) and the claims passing ``flt`` as columns: what
        :meth:`to_networkx` projects, without rebuilding a record per claim. Stores override this with one
        narrow query; this reference version iterates the records. O(n + m).
        """
        types = set(flt.entity_types) if flt and flt.entity_types else None
        ents = [e for e in self.iter_entities(flt.proposals if flt else False) if types is None or e.label in types]
        claims = list(self.iter_claims(flt))
        index = {e.id: i for i, e in enumerate(ents)}
        return GraphColumns.from_keys(
            np.arange(len(ents)),
            [e.id for e in ents],
            [e.label for e in ents],
            [e.name for e in ents],
            np.array([index.get(c.subject, -1) for c in claims], dtype=np.int64),
            np.array([index.get(c.object, -1) for c in claims], dtype=np.int64),
            "".join(claim_fingerprint(c) for c in claims),
        )

    # -- composite reads, shared ------------------------------------------------------------------
    @staticmethod
    def _proposed(entities: dict[str, Entity], flt: ClaimFilter) -> set[str]:
        """The ids among ``entities`` that ``flt`` does not let through as proposals awaiting review."""
        return set() if flt.proposals else {k for k, e in entities.items() if is_proposal(e.properties)}

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Group the reads of one traversal (Neo4j runs them in one read transaction: one snapshot, and
        one round trip per query rather than a session each)."""
        yield

    @_grouped
    def entity(self, entity_id: str, flt: ClaimFilter | None = None) -> EntityDetail:
        """An entity with its claims (both directions) and their sources."""
        flt = flt or ClaimFilter()
        found = self.get_entities([entity_id])
        if entity_id not in found or self._proposed(found, flt):
            raise NotFound(f"no entity with id {entity_id[:80]!r}")
        claims = sorted(self.claims_of([entity_id], flt), key=claim_order)
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
        check_ego_bounds(hops, limit)
        flt = flt or ClaimFilter()
        start = self.node_labels([center])
        if center not in start or self._proposed(self.get_entities([center]), flt):
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
            key=claim_order,
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
        if center not in self.node_labels([center]) or self._proposed(self.get_entities([center]), flt):
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
        proposed = self._proposed(self.get_entities([source, target]), flt)
        for end in (source, target):
            if end not in ends or end in proposed:
                raise NotFound(f"no entity with id {end[:80]!r}")
        if source == target:
            raise InvalidInput("a path needs two different entities")
        claims = self.claims_between_ends(source, target, max_hops, flt, max_nodes)
        g = nx.Graph()
        g.add_nodes_from(sorted({source, target, *(e for c in claims.values() for e in (c.subject, c.object))}))
        for c in sorted(claims.values(), key=claim_order):
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
        for e in self.iter_entities(flt.proposals if flt else False):
            if flt and flt.entity_types and e.label not in flt.entity_types:
                continue
            g.add_node(e.id, label=e.label, name=e.name, properties=e.properties)
        for c in self.iter_claims(flt):
            if c.subject in g and c.object in g:
                g.add_edge(c.subject, c.object, key=c.id, type=c.type, grade=c.grade, claim=c)
        return g


def claim_order(c: Claim) -> tuple[str, str, str, str, str]:
    """The order of an answer's claims (type, subject, object, source, id)."""
    return (c.type, c.subject, c.object, c.source, c.id)


def _better(a: Claim, b: Claim) -> bool:
    return (a.grade_obj.sort_key(), a.id) < (b.grade_obj.sort_key(), b.id)
