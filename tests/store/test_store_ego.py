"""A store's own ego network equals the shared walk's answer (``GraphStore.ego``, written once on the
primitive reads), for every kind of request: hops 1-3, node caps that cut a ring, supernodes met beyond the
centre and as the centre, charted ids (``exclude``), ids not to enter (``avoid``) and claim filters (types,
grade, date, handling, hidden sources). Neo4j answers the plain walk with one query (``read/ego_walk``); the
embedded store runs the shared walk, so there the test holds the walk to itself and to its own primitives.
"""

from __future__ import annotations

import random

import pytest

from compoundgraph.store import ClaimFilter, GraphStore
from compoundgraph.store.base import EgoNetwork
from tests.support.world import random_world


def answer(net: EgoNetwork) -> tuple[object, ...]:
    return (
        net.center,
        sorted((k, n.label, n.name) for k, n in net.nodes.items()),
        [c.model_dump() for c in net.claims],
        net.hops,
        net.supernodes,
        net.truncated,
        sorted((k, n.label, n.name) for k, n in net.context.items()),
    )


def requests(ids: list[str], sources: list[str], rng: random.Random) -> list[dict[str, object]]:
    flts = [
        ClaimFilter(),
        ClaimFilter.make(entity_types=["Person", "Organization", "Compound", "Account", "Platform"]),
        ClaimFilter.make(rel_types=["OPERATES", "PROTECTS", "USES", "ON_PLATFORM", "TRANSFERRED", "HOLDS"]),
        ClaimFilter.make(min_grade="B3"),
        ClaimFilter.make(as_of="2023-01-01"),
        ClaimFilter.make(max_handling="H1", hidden_sources=sources[:2]),
    ]
    out: list[dict[str, object]] = []
    for center in ids:
        for hops in (1, 2, 3):
            out.append({"center": center, "hops": hops, "flt": rng.choice(flts), "limit": rng.choice([3, 8, 500])})
    for _ in range(60):
        center = rng.choice(ids)
        out.append(
            {
                "center": center,
                "hops": rng.randint(1, 3),
                "flt": rng.choice(flts),
                "limit": rng.choice([2, 5, 12, 40]),
                "exclude": rng.sample(ids, rng.randint(1, 12)),
                "avoid": rng.sample(ids, rng.randint(0, 3)),
            }
        )
    return out


@pytest.mark.parametrize("threshold", [3, 10])
def test_store_ego_is_the_shared_walk(store: GraphStore, threshold: int) -> None:
    store.upsert(random_world(5, 0.3))
    store.supernode_threshold = threshold
    ids = sorted(e.id for e in store.iter_entities())
    sources = sorted(s.id for s in store.iter_sources())
    rng = random.Random(threshold)
    cut = supers = charted = 0
    for q in requests(ids, sources, rng):
        kw = {k: v for k, v in q.items() if k != "center"}
        mine = store.ego(q["center"], **kw)  # type: ignore[arg-type]
        shared = GraphStore.ego(store, q["center"], **kw)  # type: ignore[arg-type]
        assert answer(mine) == answer(shared), q
        cut += mine.truncated
        supers += bool(set(mine.supernodes) - {mine.center})
        charted += bool(mine.context)
    # the requests reached every case the walk has: a cut ring, a supernode beyond the centre, charted ends
    assert cut and supers and charted


def test_store_ego_centre_as_supernode_and_paging(store: GraphStore) -> None:
    """A centre with more neighbours than the threshold is expanded, cut at the limit and says its degree;
    the next page (``exclude`` = what the chart has) continues in id order without repeating a node."""
    store.upsert(random_world(6, 0.0))
    store.supernode_threshold = 3
    center = max((e.id for e in store.iter_entities()), key=lambda i: (len(store.neighbours([i], ClaimFilter())), i))
    degree = len(store.neighbours([center], ClaimFilter()))
    assert degree > 6
    first = store.ego(center, hops=1, limit=4)
    assert first.truncated and first.supernodes[center] == degree and len(first.nodes) == 4
    second = store.ego(center, hops=1, limit=4, exclude=list(first.nodes))
    assert not (set(second.nodes) - {center}) & set(first.nodes)
    assert sorted(set(second.nodes) - {center}) > sorted(set(first.nodes) - {center})
    for net, shared in (
        (first, GraphStore.ego(store, center, hops=1, limit=4)),
        (second, GraphStore.ego(store, center, hops=1, limit=4, exclude=list(first.nodes))),
    ):
        assert answer(net) == answer(shared)
