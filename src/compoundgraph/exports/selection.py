"""What an export holds: the whole graph, an ego network or paths query's subgraph, or a list of ids.

A selection is sources, entities and claims (each claim's ends are in it, or the claim is a
``MENTIONED_IN`` pointing at a source in it), plus the victim-case aggregates a redaction profile may have
made, and a record of how it was selected. Selection goes through the store contract only.

Exports are written from a :class:`~.spool.SpooledView` (the selection on disk): :func:`open_selection`
streams the whole graph from the store's paged iterators into one, and spools the bounded selections (an
ego network under its node limit, the k shortest paths, listed ids). :class:`ExportView` is the same
selection in memory, for tests and small callers: :func:`spool_view` and :func:`materialize` turn one into
the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidInput, NotFound
from ..models import Claim, Entity, Source
from ..store.base import ClaimFilter, GraphStore
from ..views import contested_ids, corroborated_ids
from .spool import Spool, SpooledView

__all__ = [
    "ExportView",
    "CaseAggregate",
    "select_all",
    "select_ids",
    "select_ego",
    "select_paths",
    "select",
    "open_selection",
    "spool_view",
    "materialize",
    "now_stamp",
]


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class CaseAggregate:
    """Victim cases counted per compound, nationality and period (what ``partner`` exports instead)."""

    compound_id: str
    compound_name: str
    nationality: str
    period: str
    cases: int | str  # a count, or "<N" for suppressed cells whose total is still under the threshold


@dataclass
class ExportView:
    sources: dict[str, Source]
    entities: dict[str, Entity]
    claims: list[Claim]
    query: dict[str, Any]
    profile: str = "unredacted"
    aggregates: list[CaseAggregate] = field(default_factory=list)
    dropped: dict[str, int | str] = field(default_factory=dict)  # "<N" where a count would reveal few cases
    exported_at: str = field(default_factory=now_stamp)

    def label_of(self, node_id: str) -> str:
        """Entity label, or ``Source`` for a source id (``MENTIONED_IN`` targets)."""
        if node_id in self.entities:
            return self.entities[node_id].label
        if node_id in self.sources:
            return "Source"
        raise NotFound(f"{node_id[:80]!r} is not in this export")

    def name_of(self, node_id: str) -> str:
        if node_id in self.entities:
            return self.entities[node_id].name
        return self.sources[node_id].title

    def mentioned_sources(self) -> list[Source]:
        """Sources that are claim endpoints (graph formats draw them as nodes)."""
        ids = sorted({c.object for c in self.claims if c.object in self.sources and c.object not in self.entities})
        return [self.sources[i] for i in ids]

    def contested(self) -> set[str]:
        return contested_ids(self.claims)

    def corroborated(self) -> set[str]:
        return corroborated_ids(self.claims)

    def counts(self) -> dict[str, Any]:
        labels: dict[str, int] = {}
        for e in self.entities.values():
            labels[e.label] = labels.get(e.label, 0) + 1
        rels: dict[str, int] = {}
        for c in self.claims:
            rels[c.type] = rels.get(c.type, 0) + 1
        return {
            "sources": len(self.sources),
            "entities": len(self.entities),
            "claims": len(self.claims),
            "labels": dict(sorted(labels.items())),
            "relationships": dict(sorted(rels.items())),
            "victim_case_aggregates": len(self.aggregates),
        }


def _filter_json(flt: ClaimFilter | None) -> dict[str, Any]:
    if flt is None:
        return {}
    return {
        "rel_types": list(flt.rel_types),
        "entity_types": list(flt.entity_types),
        "min_grade": str(flt.min_grade) if flt.min_grade else None,
        "as_of": flt.as_of,
    }


def _finish(
    store: GraphStore,
    entities: dict[str, Entity],
    claims: Iterable[Claim],
    query: dict[str, Any],
    extra_sources: Iterable[Source] = (),
) -> ExportView:
    """Keep claims whose ends are in the view (or a mentioned source) and fetch every source referenced."""
    claims = list(claims)
    wanted = {s for e in entities.values() for s in e.sources} | {c.source for c in claims}
    wanted |= {c.object for c in claims if c.type == "MENTIONED_IN"}
    sources = {s.id: s for s in extra_sources}
    sources.update(store.get_sources(sorted(wanted - set(sources))))
    kept = [
        c
        for c in claims
        if c.subject in entities
        and (c.object in entities or (c.type == "MENTIONED_IN" and c.object in sources))
        and c.source in sources
    ]
    unique = {c.id: c for c in kept}
    return ExportView(
        sources=dict(sorted(sources.items())),
        entities=dict(sorted(entities.items())),
        claims=sorted(unique.values(), key=lambda c: c.id),
        query=query,
    )


def select_all(store: GraphStore, flt: ClaimFilter | None = None) -> ExportView:
    """The whole store (every source too, so an internal export round-trips losslessly)."""
    entities = {e.id: e for e in store.iter_entities()}
    if flt and flt.entity_types:
        entities = {k: e for k, e in entities.items() if e.label in flt.entity_types}
    return _finish(
        store,
        entities,
        store.iter_claims(flt),
        {"kind": "all", "filter": _filter_json(flt)},
        extra_sources=store.iter_sources(),
    )


def _claims_touching(store: GraphStore, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
    inside = set(ids)
    return [
        c
        for c in store.claims_of(list(ids), flt)
        if c.subject in inside and (c.object in inside or c.type == "MENTIONED_IN")
    ]


def select_ids(store: GraphStore, ids: Sequence[str], flt: ClaimFilter | None = None) -> ExportView:
    """The listed entities and the claims among them (plus their ``MENTIONED_IN`` claims)."""
    ids = sorted({i.strip() for i in ids if i.strip()})
    if not ids:
        raise InvalidInput("an id selection needs at least one id")
    flt = flt or ClaimFilter()
    entities = store.get_entities(ids)
    missing = [i for i in ids if i not in entities]
    if missing:
        raise NotFound(f"no entity with id {missing[0][:80]!r}", where="export --ids")
    return _finish(
        store, entities, _claims_touching(store, ids, flt), {"kind": "ids", "ids": ids, "filter": _filter_json(flt)}
    )


def select_ego(
    store: GraphStore, center: str, hops: int = 1, flt: ClaimFilter | None = None, limit: int = 500
) -> ExportView:
    """The ego network of ``center`` (the store's own traversal, supernode guard included)."""
    flt = flt or ClaimFilter()
    net = store.ego(center, hops, flt, limit)
    entities = store.get_entities(sorted(net.nodes))
    claims = [*net.claims, *(c for c in _claims_touching(store, sorted(entities), flt) if c.type == "MENTIONED_IN")]
    return _finish(
        store,
        entities,
        claims,
        {
            "kind": "ego",
            "center": center,
            "hops": hops,
            "limit": limit,
            "filter": _filter_json(flt),
            "supernodes": net.supernodes,
            "truncated": net.truncated,
        },
    )


def select_paths(
    store: GraphStore, source: str, target: str, max_hops: int = 4, k: int = 1, flt: ClaimFilter | None = None
) -> ExportView:
    """The nodes and claims of the k shortest paths between two entities."""
    flt = flt or ClaimFilter()
    found = store.paths(source, target, max_hops, k, flt)
    ids = sorted({n.id for p in found for n in p.nodes} | {source, target})
    entities = store.get_entities(ids)
    claims = [c for p in found for c in p.claims]
    return _finish(
        store,
        entities,
        claims,
        {
            "kind": "paths",
            "source": source,
            "target": target,
            "max_hops": max_hops,
            "k": k,
            "filter": _filter_json(flt),
            "paths": len(found),
        },
    )


def _spool_all(store: GraphStore, flt: ClaimFilter | None) -> SpooledView:
    """The whole store, streamed into a spool: the rule of :func:`select_all` and ``_finish``, in SQL."""
    spool = Spool()
    try:
        types = set(flt.entity_types) if flt and flt.entity_types else None
        sources = {s.id: s for s in store.iter_sources()}
        spool.add_entities(e for e in store.iter_entities() if types is None or e.label in types)
        spool.add_claims(store.iter_claims(flt))
        spool.index()
        db = spool.db
        wanted = {
            r[0]
            for r in db.execute(
                "SELECT source FROM entity_sources UNION SELECT source FROM claims "
                "UNION SELECT object FROM claims WHERE type = 'MENTIONED_IN'"
            )
        }
        sources.update(store.get_sources(sorted(wanted - set(sources))))
        view = SpooledView(spool, sources, {"kind": "all", "filter": _filter_json(flt)}, now_stamp())
        with db:
            db.execute(
                """DELETE FROM claims WHERE subject NOT IN (SELECT id FROM entities)
                     OR source NOT IN (SELECT id FROM srcs)
                     OR (object NOT IN (SELECT id FROM entities)
                         AND NOT (type = 'MENTIONED_IN' AND object IN (SELECT id FROM srcs)))"""
            )
        spool.mark_contested()
        return view
    except BaseException:
        spool.close()
        raise


def spool_view(view: ExportView) -> SpooledView:
    """An in-memory view on disk (what the format writers read)."""
    spool = Spool()
    try:
        spool.add_entities(view.entities.values())
        spool.add_claims(view.claims)
        spool.index()
        out = SpooledView(spool, view.sources, view.query, view.exported_at, view.profile)
        out.aggregates = list(view.aggregates)
        out.dropped = dict(view.dropped)
        spool.mark_contested()
        return out
    except BaseException:
        spool.close()
        raise


def materialize(view: SpooledView) -> ExportView:
    """A spooled view in memory (for tests and small selections: it holds every record)."""
    return ExportView(
        sources=dict(view.sources),
        entities={e.id: e for e in view.iter_entities()},
        claims=list(view.iter_claims()),
        query=view.query,
        profile=view.profile,
        aggregates=list(view.aggregates),
        dropped=dict(view.dropped),
        exported_at=view.exported_at,
    )


def open_selection(
    store: GraphStore,
    *,
    ids: Sequence[str] | None = None,
    ego: str | None = None,
    hops: int = 1,
    path: tuple[str, str] | None = None,
    flt: ClaimFilter | None = None,
) -> SpooledView:
    """:func:`select`, spooled: the whole graph streams from the store page by page; an ego network, a
    paths query or a list of ids (bounded by their query) is selected as before, then spooled. Close it."""
    if ids or ego or path:
        return spool_view(select(store, ids=ids, ego=ego, hops=hops, path=path, flt=flt))
    return _spool_all(store, flt)


def select(
    store: GraphStore,
    *,
    ids: Sequence[str] | None = None,
    ego: str | None = None,
    hops: int = 1,
    path: tuple[str, str] | None = None,
    flt: ClaimFilter | None = None,
) -> ExportView:
    """One entry point for the CLI and the API: ids, an ego centre, a path pair, or everything."""
    chosen = sum(x is not None and x != [] for x in (ids or None, ego, path))
    if chosen > 1:
        raise InvalidInput("choose one of --ids, --ego or --path, not several")
    if ids:
        return select_ids(store, ids, flt)
    if ego:
        return select_ego(store, ego, hops, flt)
    if path:
        return select_paths(store, path[0], path[1], flt=flt)
    return select_all(store, flt)
