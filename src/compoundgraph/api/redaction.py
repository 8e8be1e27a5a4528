"""What a partner key may read: no victim cases, no claims above the partner handling code.

Partner reads run with ``max_handling="H1"`` and a neighbour-type filter that leaves out ``Case``, so a
traversal never steps onto a case; results are then swept once more (defence in depth) so no ``Case`` node,
no claim touching one, and no source above H1 leaves the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import Forbidden, NotFound
from ..ontology import ontology
from ..store import ClaimFilter
from ..store.base import EgoNetwork, EntityDetail, Path, SearchHit
from .security import Principal

__all__ = ["PARTNER_HANDLING", "HIDDEN_LABELS", "claim_filter", "redact_detail", "redact_ego", "redact_paths",
           "redact_hits", "redact_counts"]

PARTNER_HANDLING = "H1"
HIDDEN_LABELS = frozenset({"Case"})


def _visible_types() -> list[str]:
    return [t for t in ontology().labels if t not in HIDDEN_LABELS]


def claim_filter(
    principal: Principal,
    rel_types: Iterable[str] | None = None,
    entity_types: Iterable[str] | None = None,
    min_grade: str | None = None,
    as_of: str | None = None,
) -> ClaimFilter:
    """The caller's filter, narrowed for partners."""
    if not principal.is_partner:
        return ClaimFilter.make(rel_types, entity_types, min_grade, as_of)
    types = list(entity_types or [])
    if types:
        wanted = {ontology().label(t) for t in types}  # validate first: unknown types are 422, not 403
        allowed = [t for t in wanted if t not in HIDDEN_LABELS]
        if not allowed:
            raise Forbidden("partner keys may not read victim cases", where="types")
    else:
        allowed = _visible_types()
    return ClaimFilter.make(rel_types, allowed, min_grade, as_of, max_handling=PARTNER_HANDLING)


def _source_ok(handling: str) -> bool:
    return ontology().handling_rank(handling) <= ontology().handling_rank(PARTNER_HANDLING)


def redact_detail(principal: Principal, d: EntityDetail) -> EntityDetail:
    if not principal.is_partner:
        return d
    if d.entity.label in HIDDEN_LABELS:
        raise NotFound(f"no entity with id {d.entity.id[:80]!r}")
    hidden = {n for n, node in d.neighbours.items() if node.label in HIDDEN_LABELS}
    claims = [c for c in d.claims if c.subject not in hidden and c.object not in hidden
              and _source_ok(c.handling)]
    sources = {k: s for k, s in d.sources.items() if _source_ok(s.handling)}
    entity = d.entity.model_copy(update={"sources": [s for s in d.entity.sources if s in sources]})
    return EntityDetail(entity=entity, claims=claims, sources=sources,
                        neighbours={k: v for k, v in d.neighbours.items() if k not in hidden})


def redact_ego(principal: Principal, net: EgoNetwork) -> EgoNetwork:
    if not principal.is_partner:
        return net
    if net.nodes.get(net.center) and net.nodes[net.center].label in HIDDEN_LABELS:
        raise NotFound(f"no entity with id {net.center[:80]!r}")
    hidden = {n for n, node in net.nodes.items() if node.label in HIDDEN_LABELS}
    return EgoNetwork(
        center=net.center,
        nodes={k: v for k, v in net.nodes.items() if k not in hidden},
        claims=[c for c in net.claims if c.subject not in hidden and c.object not in hidden],
        hops={k: v for k, v in net.hops.items() if k not in hidden},
        supernodes={k: v for k, v in net.supernodes.items() if k not in hidden},
        truncated=net.truncated,
    )


def redact_paths(principal: Principal, paths: list[Path]) -> list[Path]:
    if not principal.is_partner:
        return paths
    return [p for p in paths if not any(n.label in HIDDEN_LABELS for n in p.nodes)]


def redact_hits(principal: Principal, hits: list[SearchHit]) -> list[SearchHit]:
    if not principal.is_partner:
        return hits
    return [h for h in hits if h.label not in HIDDEN_LABELS]


def redact_counts(principal: Principal, counts: dict[str, Any]) -> dict[str, Any]:
    if not principal.is_partner:
        return counts
    return {**counts, "labels": {k: v for k, v in counts.get("labels", {}).items() if k not in HIDDEN_LABELS}}
