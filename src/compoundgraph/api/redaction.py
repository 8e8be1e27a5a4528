"""What a partner key may read: the one place the partner rule is enforced for every API read.

The rule (the partner export profile's, :mod:`compoundgraph.exports.redaction`):

- a partner sees a **claim** only if the claim's handling code and its source's are both at most H1, it does
  not point at a source above H1 (``MENTIONED_IN``), and neither end is a victim case;
- a partner sees a **source** only if its handling code is at most H1;
- a partner sees an **entity** only if it is not a victim case and at least one source or claim a partner
  sees attests it (an entity known only from an H2 tip-line report does not exist for partners: 404, not an
  empty shell with its name).

How: :func:`claim_filter` gives partners a filter with ``max_handling="H1"``, the ids of every source
above H1 (``hidden_sources``: the stores drop claims resting on or pointing at them inside the traversal
itself), and a neighbour-type list without ``Case`` (traversals never step onto a case); the ``redact_*``
functions then check the entities a route returns (:func:`attested`) and sweep once more (defence in
depth). Partner ``/stats`` are counted from the partner export view itself. Every partner route goes
through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import Forbidden, NotFound
from ..models import Entity
from ..ontology import ontology
from ..store import ClaimFilter, GraphStore
from ..store.base import EgoNetwork, EntityDetail, Path, SearchHit
from .security import Principal

__all__ = [
    "PARTNER_HANDLING",
    "HIDDEN_LABELS",
    "claim_filter",
    "hidden_sources",
    "attested",
    "redact_detail",
    "redact_ego",
    "redact_paths",
    "redact_hits",
    "partner_counts",
    "check_visible",
]

PARTNER_HANDLING = "H1"
HIDDEN_LABELS = frozenset({"Case"})


def _visible_types() -> list[str]:
    return [t for t in ontology().labels if t not in HIDDEN_LABELS]


def hidden_sources(store: GraphStore) -> list[str]:
    """Ids of the sources a partner may not see (handling above H1)."""
    limit = ontology().handling_rank(PARTNER_HANDLING)
    return [s.id for s in store.iter_sources() if ontology().handling_rank(s.handling) > limit]


def claim_filter(
    principal: Principal,
    store: GraphStore,
    rel_types: Iterable[str] | None = None,
    entity_types: Iterable[str] | None = None,
    min_grade: str | None = None,
    as_of: str | None = None,
    hidden: Iterable[str] | None = None,
    stances: Iterable[str] | None = None,
    link: str | None = None,
) -> ClaimFilter:
    """The caller's filter, narrowed for partners (``hidden``: the restricted sources, when the caller has
    already read them for this request). Proposals awaiting review never pass it, whoever calls: they are
    read through the review routes only."""
    if not principal.is_partner:
        return ClaimFilter.make(rel_types, entity_types, min_grade, as_of, stances=stances, link=link)
    types = list(entity_types or [])
    if types:
        wanted = {ontology().label(t) for t in types}  # validate first: unknown types are 422, not 403
        allowed = [t for t in wanted if t not in HIDDEN_LABELS]
        if not allowed:
            raise Forbidden("partner keys may not read victim cases", where="types")
    else:  # every type but cases; MENTIONED_IN claims end on a source node, kept when partners may see it
        allowed = [*_visible_types(), "Source"]
    return ClaimFilter.make(
        rel_types,
        allowed,
        min_grade,
        as_of,
        max_handling=PARTNER_HANDLING,
        hidden_sources=hidden_sources(store) if hidden is None else hidden,
        stances=stances,
        link=link,
    )


def _source_ok(handling: str) -> bool:
    return ontology().handling_rank(handling) <= ontology().handling_rank(PARTNER_HANDLING)


def _not_found(entity_id: str) -> NotFound:
    return NotFound(f"no entity with id {entity_id[:80]!r}")


def attested(store: GraphStore, flt: ClaimFilter, entities: dict[str, Entity]) -> set[str]:
    """The ids among ``entities`` a partner may see: not a victim case, and named by a source a partner
    sees or on at least one claim that passes the partner filter ``flt``."""
    candidates = {k: e for k, e in entities.items() if e.label not in HIDDEN_LABELS}
    named = {s for e in candidates.values() for s in e.sources} - set(flt.hidden_sources)
    seen = {k for k, s in store.get_sources(sorted(named)).items() if _source_ok(s.handling)}
    out = {k for k, e in candidates.items() if seen.intersection(e.sources)}
    rest = sorted(set(candidates) - out)
    if rest:
        out |= set(store.degrees(rest, flt))  # those with a neighbour through a claim partners see
    return out


def check_visible(principal: Principal, store: GraphStore, flt: ClaimFilter, ids: Iterable[str]) -> None:
    """404, as for an id that does not exist, when a partner asks for an entity or source they may not see."""
    if not principal.is_partner:
        return
    ids = sorted(set(ids))
    sources = store.get_sources(ids)
    for k in ids:
        if k in sources:
            if not _source_ok(sources[k].handling):
                raise _not_found(k)
            continue
        entities = store.get_entities([k])
        if k in entities and k not in attested(store, flt, entities):
            raise _not_found(k)


def redact_detail(principal: Principal, store: GraphStore, flt: ClaimFilter, d: EntityDetail) -> EntityDetail:
    if not principal.is_partner:
        return d
    if d.entity.label in HIDDEN_LABELS:
        raise _not_found(d.entity.id)
    hidden = {n for n, node in d.neighbours.items() if node.label in HIDDEN_LABELS}
    claims = [
        c
        for c in d.claims
        if c.subject not in hidden and c.object not in hidden and flt.hidden_sources_pass(c) and _source_ok(c.handling)
    ]
    sources = {k: s for k, s in d.sources.items() if _source_ok(s.handling)}
    claims = [c for c in claims if c.source in sources]
    own = [s for s in d.entity.sources if s in sources]
    if not own and not claims:
        raise _not_found(d.entity.id)
    used = set(own) | {c.source for c in claims} | {c.object for c in claims if c.object in sources}
    others = {c.object if c.subject == d.entity.id else c.subject for c in claims}
    return EntityDetail(
        entity=d.entity.model_copy(update={"sources": own}),
        claims=claims,
        sources={k: s for k, s in sources.items() if k in used},
        neighbours={k: v for k, v in d.neighbours.items() if k in others},
    )


def redact_ego(principal: Principal, store: GraphStore, flt: ClaimFilter, net: EgoNetwork) -> EgoNetwork:
    if not principal.is_partner:
        return net
    check_visible(principal, store, flt, [net.center])
    hidden = {n for n, node in net.nodes.items() if node.label in HIDDEN_LABELS}
    hidden |= set(flt.hidden_sources)
    claims = [
        c
        for c in net.claims
        if c.subject not in hidden and c.object not in hidden and flt.hidden_sources_pass(c) and _source_ok(c.handling)
    ]
    # every node but the centre was reached through a claim partners see; keep those still on one
    linked = {net.center} | {e for c in claims for e in (c.subject, c.object)}
    keep = {k for k in net.nodes if k not in hidden and k in linked}
    return EgoNetwork(
        center=net.center,
        nodes={k: v for k, v in net.nodes.items() if k in keep},
        claims=claims,
        hops={k: v for k, v in net.hops.items() if k in keep},
        supernodes={k: v for k, v in net.supernodes.items() if k in keep},
        truncated=net.truncated,
    )


def redact_paths(
    principal: Principal, store: GraphStore, flt: ClaimFilter, ends: Iterable[str], paths: list[Path]
) -> list[Path]:
    if not principal.is_partner:
        return paths
    check_visible(principal, store, flt, ends)
    return [
        p
        for p in paths
        if not any(n.label in HIDDEN_LABELS or n.id in flt.hidden_sources for n in p.nodes)
        and all(flt.hidden_sources_pass(c) and _source_ok(c.handling) for c in p.claims)
    ]


def redact_hits(principal: Principal, store: GraphStore, hits: list[SearchHit]) -> list[SearchHit]:
    if not principal.is_partner:
        return hits
    flt = claim_filter(principal, store)
    entities = store.get_entities([h.id for h in hits])
    visible = attested(store, flt, entities)
    return [h for h in hits if h.id in visible]


def partner_counts(store: GraphStore) -> dict[str, Any]:
    """What ``/stats`` shows a partner: the counts of the partner export of the whole graph (no victim-case
    relationships, no restricted sources, no entity partners cannot see)."""
    from ..exports.service import open_view

    with open_view(store, "partner") as view:
        counts = view.counts()
    return {
        "labels": counts["labels"],
        "relationships": counts["relationships"],
        "sources": {"Source": counts["sources"]},
    }
