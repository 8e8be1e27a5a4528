"""One claim filter, three languages: ``ClaimFilter.passes`` (Python), the embedded store's SQL and the
Cypher fragment ``cypher/fragments/claim_filter.cypher`` must keep exactly the same claims, on both stores,
for every kind of filter (type, grade, date, handling code, hidden sources, and all at once)."""

from __future__ import annotations

import pytest

from compoundgraph.models import claim_fingerprint
from compoundgraph.store import ClaimFilter, GraphStore
from tests.support.world import random_world

FILTERS = [
    {},
    {"rel_types": ["TRANSFERRED", "HOLDS", "MENTIONED_IN"]},
    {"min_grade": "B3"},
    {"as_of": "2022-06-01"},
    {"max_handling": "H1"},
    {"max_handling": "H0"},
    {"hidden": 1},
    {"hidden": 3, "max_handling": "H1", "min_grade": "C4"},
    {"hidden": 2, "as_of": "2024-01-01", "rel_types": ["OPERATES", "PROTECTS", "TRANSFERRED", "HELD_AT"]},
]


@pytest.mark.parametrize("spec", FILTERS, ids=[",".join(f) or "none" for f in FILTERS])
def test_python_sql_and_cypher_filters_agree(store: GraphStore, spec: dict[str, object]) -> None:
    store.upsert(random_world(11, 0.5))
    sources = sorted(s.id for s in store.iter_sources())
    hidden = sources[: int(spec.get("hidden", 0))]  # type: ignore[call-overload]
    flt = ClaimFilter.make(
        spec.get("rel_types"),
        None,
        spec.get("min_grade"),
        spec.get("as_of"),  # type: ignore[arg-type]
        spec.get("max_handling"),
        hidden_sources=hidden,
    )  # type: ignore[arg-type]
    everything = list(store.iter_claims())
    expected = sorted(c.id for c in everything if flt.passes(c))
    assert 0 < len(expected) < len(everything) or not spec
    assert sorted(c.id for c in store.iter_claims(flt)) == expected  # the store's page query
    entity_ids = sorted(e.id for e in store.iter_entities())
    assert sorted({c.id for c in store.claims_of(entity_ids, flt)}) == expected  # the traversal query
    assert sorted({c.id for c in store.claims_between([*entity_ids, *sources], flt)}) == expected
    columns = store.graph_columns(flt)  # the projection query
    both_ends = (columns.src >= 0) & (columns.dst >= 0)
    projected = sorted(bytes(fp).hex() for fp in columns.fps[both_ends])
    entities = set(entity_ids)
    assert projected == sorted(
        claim_fingerprint(c) for c in everything if flt.passes(c) and c.subject in entities and c.object in entities
    )
