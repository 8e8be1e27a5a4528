"""One claim filter, three languages: ``ClaimFilter.passes`` / ``select`` (Python), the embedded store's SQL
and the Cypher fragments ``cypher/fragments/claim_filter.cypher`` and ``claim_stance.cypher`` must keep
exactly the same claims, on both stores, for every kind of filter (type, grade, date, handling code, hidden
sources, proposals awaiting review, stance, corroborated and contested links, and several at once)."""

from __future__ import annotations

import pytest

from compoundgraph.models import claim_fingerprint
from compoundgraph.store import ClaimFilter, GraphStore
from compoundgraph.store.filters import is_proposal
from tests.support.world import review_world

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
    {"proposals": True},
    {"proposals": True, "rel_types": ["MENTIONED_IN"], "max_handling": "H1"},
    {"stances": ["asserts"]},
    {"stances": ["denies"]},
    {"link": "contested"},
    {"link": "corroborated"},
    {"link": "contested", "stances": ["asserts"], "max_handling": "H1", "hidden": 1},
    {"link": "corroborated", "as_of": "2021-06-01", "min_grade": "C3"},
]


@pytest.mark.parametrize("spec", FILTERS, ids=[",".join(f) or "none" for f in FILTERS])
def test_python_sql_and_cypher_filters_agree(store: GraphStore, spec: dict[str, object]) -> None:
    store.upsert(review_world(11, 0.5))
    sources = sorted(s.id for s in store.iter_sources())
    hidden = sources[: int(spec.get("hidden", 0))]  # type: ignore[call-overload]
    flt = ClaimFilter.make(
        spec.get("rel_types"),  # type: ignore[arg-type]
        None,
        spec.get("min_grade"),  # type: ignore[arg-type]
        spec.get("as_of"),  # type: ignore[arg-type]
        spec.get("max_handling"),  # type: ignore[arg-type]
        hidden_sources=hidden,
        proposals=bool(spec.get("proposals")),
        stances=spec.get("stances"),  # type: ignore[arg-type]
        link=spec.get("link"),  # type: ignore[arg-type]
    )
    everything = list(store.iter_claims(ClaimFilter(proposals=True)))
    all_entities = list(store.iter_entities(proposals=True))
    proposed = {e.id for e in all_entities if is_proposal(e.properties)}
    assert len(proposed) == 2  # the pending and the rejected park
    expected = sorted(c.id for c in flt.select(everything, proposed))
    assert 0 < len(expected) < len(everything) or spec == {"proposals": True}
    assert sorted(c.id for c in store.iter_claims(flt)) == expected  # the store's page query
    entity_ids = sorted(e.id for e in all_entities)
    assert sorted({c.id for c in store.claims_of(entity_ids, flt)}) == expected  # the traversal query
    assert sorted({c.id for c in store.claims_between([*entity_ids, *sources], flt)}) == expected
    columns = store.graph_columns(flt)  # the projection query
    both_ends = (columns.src >= 0) & (columns.dst >= 0)
    projected = sorted(bytes(fp).hex() for fp in columns.fps[both_ends])
    entities = set(entity_ids) - (set() if flt.proposals else proposed)
    assert set(columns.ids) == entities
    assert projected == sorted(
        claim_fingerprint(c) for c in flt.select(everything, proposed) if c.subject in entities and c.object in entities
    )


def test_stance_filters_keep_what_they_say(store: GraphStore) -> None:
    """Each stance filter keeps something and leaves something out, and the links it keeps are what it says."""
    store.upsert(review_world(11, 0.0))
    denies = list(store.iter_claims(ClaimFilter.make(stances=["denies"])))
    assert denies and all(c.properties.get("stance") == "denies" for c in denies)
    assert not [c for c in store.iter_claims(ClaimFilter.make(stances=["asserts"])) if c in denies]
    contested = list(store.iter_claims(ClaimFilter.make(link="contested")))
    corroborated = list(store.iter_claims(ClaimFilter.make(link="corroborated")))
    assert {c.id for c in denies} <= {c.id for c in contested}
    assert corroborated and not {c.id for c in denies} & {c.id for c in corroborated}
    for c in corroborated:
        same = [d for d in store.iter_claims() if (d.subject, d.type, d.object) == (c.subject, c.type, c.object)]
        assert len({d.source for d in same}) > 1


def test_proposals_stay_out_of_default_reads(store: GraphStore) -> None:
    """Pending and rejected proposals are not entities, claims, counts or search hits until accepted."""
    store.upsert(review_world(11, 0.0))
    names = {e.name for e in store.iter_entities()}
    assert "Proposed accepted Technology Park" in names
    assert not {"Proposed pending Technology Park", "Proposed rejected Technology Park"} & names
    assert [h.name for h in store.search("Proposed pending Technology Park")] == [] or all(
        "pending" not in h.name and "rejected" not in h.name for h in store.search("Proposed Technology Park")
    )
    labels = store.counts()["labels"]
    every = list(store.iter_entities(proposals=True))
    assert labels["Compound"] == sum(1 for e in every if e.label == "Compound") - 2
    assert sum(store.counts()["relationships"].values()) == len(list(store.iter_claims()))
    assert len(list(store.iter_claims())) < len(list(store.iter_claims(ClaimFilter(proposals=True))))
