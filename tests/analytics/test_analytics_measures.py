"""Analytics on small well-known graphs with known answers (Krackhardt kite, Zachary's karate club).

The kite's nodes 0-9 are Andre, Beverly, Carol, Diane, Ed, Fernando, Garth, Heather, Ike, Jane.
"""

from __future__ import annotations

import doctest
import importlib
from typing import Any

import networkx as nx
import numpy as np
import pytest

from compoundgraph.analytics import brokers, centrality, communities, disruption, paths
from compoundgraph.analytics.projection import Projection, fp_order, take_rows
from compoundgraph.errors import InvalidInput, NotFound

KITE = nx.krackhardt_kite_graph()
KARATE = nx.karate_club_graph()
ENGINES = ["networkx", "igraph"]


@pytest.mark.parametrize("engine", ENGINES)
def test_kite_centralities_known_answers(engine: str) -> None:
    deg = centrality.degree(KITE, engine=engine)
    assert deg[3] == pytest.approx(6 / 9)  # Diane has the most ties
    btw = centrality.betweenness(KITE, engine=engine)
    assert max(btw, key=btw.get) == 7  # Heather brokers between the clique and Ike-Jane
    assert btw[7] == pytest.approx(14 / 36)
    assert btw[9] == 0.0
    clo = centrality.closeness(KITE, engine=engine)
    assert clo[5] == pytest.approx(9 / 14) and clo[6] == pytest.approx(9 / 14)  # Fernando, Garth closest
    assert max(clo.values()) == pytest.approx(9 / 14)
    ev = centrality.eigenvector(KITE, engine=engine)
    assert max(ev, key=ev.get) == 3
    assert ev[3] == pytest.approx(0.4810, abs=1e-4)
    pr = centrality.pagerank(KITE, engine=engine)
    assert max(pr, key=pr.get) == 3
    assert sum(pr.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_karate_centralities_known_answers(engine: str) -> None:
    deg = centrality.degree(KARATE, engine=engine)
    assert sorted(deg, key=deg.get, reverse=True)[:2] == [33, 0]  # the instructor and the administrator
    btw = centrality.betweenness(KARATE, engine=engine)
    assert btw[0] == pytest.approx(0.43763, abs=1e-5)
    assert btw[33] == pytest.approx(0.30407, abs=1e-5)


def test_ranked_rows_carry_name_and_type() -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", label="Person", name="Alice")
    G.add_node("b", label="Organization", name="Bee Co")
    G.add_node("c", label="Person", name="Carl")
    G.add_edge("a", "b", key="c1")
    G.add_edge("c", "b", key="c2")
    scores, info = centrality.compute(G, "degree")
    rows = centrality.ranked(G, scores, top=2)
    assert rows[0] == {"rank": 1, "id": "b", "label": "Organization", "name": "Bee Co", "score": 1.0}
    assert [r["id"] for r in rows] == ["b", "a"]  # tie between a and c broken by id
    assert info == {"measure": "degree", "engine": "networkx"}


def test_betweenness_sampling_is_stated_and_seeded() -> None:
    G = nx.gnm_random_graph(60, 200, seed=1)
    scores, info = centrality.compute(G, "betweenness", sample=10, seed=5)
    assert info["sample"] == 10 and info["exact"] is False and info["seed"] == 5
    again, _ = centrality.compute(G, "betweenness", sample=10, seed=5)
    other, _ = centrality.compute(G, "betweenness", sample=10, seed=6)
    assert scores == again and scores != other
    exact, info = centrality.compute(G, "betweenness")
    assert info["exact"] is True and info["sample"] is None
    assert exact == pytest.approx(nx.betweenness_centrality(G))


def test_unknown_measure_and_engine_are_refused() -> None:
    with pytest.raises(InvalidInput, match="measure"):
        centrality.compute(KITE, "influence")
    with pytest.raises(InvalidInput, match="engine"):
        centrality.pagerank(KITE, engine="gpu")


@pytest.mark.parametrize("engine", ENGINES)
def test_karate_louvain_is_seeded_and_good(engine: str) -> None:
    parts = communities.louvain(KARATE, seed=7, engine=engine)
    assert parts == communities.louvain(KARATE, seed=7, engine=engine)
    assert sum(len(p) for p in parts) == 34 and set().union(*parts) == set(KARATE)
    assert 3 <= len(parts) <= 5
    assert communities.modularity(KARATE, parts) > 0.38  # best known partition: 0.4198
    # the two leaders of the historical split never share a community
    assert not any({0, 33} <= p for p in parts)
    rows = communities.describe(KARATE, parts)
    assert [r["size"] for r in rows] == sorted((len(p) for p in parts), reverse=True)
    assert {rows[i]["central"]["id"] for i in range(len(rows))} & {0, 33}
    # the compact projection's (vectorised) inner degrees are NetworkX's
    assert communities.describe(Projection.from_networkx(KARATE), parts) == rows


def test_kite_brokers_known_answers() -> None:
    assert brokers.articulation_points(KITE) == [7, 8]
    assert brokers.bridges(KITE) == [(7, 8), (8, 9)]
    sh = brokers.structural_holes(KITE)
    assert sh[9]["constraint"] == pytest.approx(1.0)  # Jane's one contact: fully constrained
    assert sh[7]["effective_size"] == pytest.approx(7 / 3)
    # Heather: contacts Fernando, Garth (tied to each other, 5 ties each) and Ike, each p = 1/3:
    # (1/3 + 1/3 * 1/5)^2 * 2 + (1/3)^2
    assert sh[7]["constraint"] == pytest.approx(2 * 0.4**2 + 1 / 9)
    found = brokers.brokers(KITE, top=3)
    assert [r["node"] for r in found["structural_holes"]] == [7, 5, 6]  # least constrained first
    assert found["articulation_points"] == [7, 8]


def test_kite_key_players() -> None:
    steps = disruption.key_players(KITE, k=2)
    assert [s["node"] for s in steps] == [7, 0]
    first = steps[0]
    # removing Heather leaves the clique (7) and Ike-Jane (2): 1 - (7*6 + 2*1) / (9*8)
    assert first["fragmentation_before"] == 0.0
    assert first["fragmentation_after"] == pytest.approx(1 - 44 / 72)
    assert (first["components"], first["largest_component"]) == (2, 7)
    assert steps[1]["fragmentation_before"] == pytest.approx(first["fragmentation_after"])
    assert disruption.fragmentation(nx.empty_graph(4)) == 1.0
    with pytest.raises(InvalidInput):
        disruption.key_players(KITE, k=0)


def test_key_players_with_candidates_on_larger_graph() -> None:
    G = nx.barbell_graph(200, 1)  # two cliques joined through one node
    steps = disruption.key_players(G, k=1, candidates=5)
    assert steps[0]["node"] == 200 and steps[0]["components"] == 2


def test_paths_with_weakest_link_grades() -> None:
    G = nx.MultiDiGraph()
    G.add_edge("recruiter", "compound", key="c1", grade="B2")
    G.add_edge("recruiter", "compound", key="c1b", grade="A1")  # a better claim for the same link
    G.add_edge("armed", "compound", key="c2", grade="C3")
    G.add_edge("recruiter", "town", key="c3", grade="A1")
    G.add_edge("armed", "town", key="c4", grade="B1")
    G.add_edge("town", "elsewhere", key="c5", grade="A1")
    found = paths.k_shortest_paths(G, "recruiter", "armed", k=3)
    assert [(p["nodes"], p["grade"], p["claims"]) for p in found] == [
        (["recruiter", "compound", "armed"], "C3", ["c1b", "c2"]),
        (["recruiter", "town", "armed"], "B1", ["c3", "c4"]),
    ]
    assert paths.k_shortest_paths(G, "recruiter", "armed", k=3, max_hops=1) == []
    with pytest.raises(NotFound):
        paths.k_shortest_paths(G, "recruiter", "nobody")


def test_projection_from_records_matches_networkx() -> None:
    records = [
        {"record": "entity", "id": "a", "label": "Person", "name": "A"},
        {"record": "claim", "id": "c1", "type": "ALLIED_WITH", "subject": "a", "object": "b", "grade": "B2"},
        {"record": "entity", "id": "b", "label": "ArmedGroup", "name": "B"},
        {"record": "claim", "id": "c2", "type": "ALLIED_WITH", "subject": "b", "object": "a", "grade": "E5"},
        {"record": "claim", "id": "c3", "type": "ALLIED_WITH", "subject": "a", "object": "ghost", "grade": "A1"},
        {"record": "entity", "id": "c", "label": "Person", "name": "C"},
    ]
    p = Projection.from_records(records)
    assert p.ids == ["a", "b", "c"] and p.number_of_edges() == 2  # the claim to a missing entity is dropped
    assert p.simple_edges().tolist() == [[0, 1]]
    assert Projection.from_records(records, min_grade="B2").claim_ids == ["c1"]
    assert Projection.from_records(records, entity_types=["Person"]).number_of_edges() == 0
    G = p.to_networkx()
    assert G["a"]["b"]["weight"] == 2 and G.nodes["b"]["name"] == "B"
    assert centrality.pagerank(p) == pytest.approx(centrality.pagerank(G, engine="networkx"), abs=1e-5)


def _columns(p: Projection) -> tuple[object, ...]:
    return (p.ids, p.labels, p.names, p.src.tolist(), p.dst.tolist(), p.claim_ids, p.rel_types, p.grades)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"min_grade": "B2"},
        {"entity_types": ["Person", "Wallet"]},
        {"rel_types": ["HOLDS"]},
        {"min_grade": "C3", "rel_types": ["TRANSFERRED"]},
    ],
)
def test_projection_fast_path_matches_the_general_loop(options: dict[str, Any]) -> None:
    """A list of dicts takes the column-wise path; any other iterable the per-record loop: same projection."""
    from compoundgraph.synth import iter_records

    records = list(iter_records(3, 600, 2_000))
    records.insert(5, dict(records[0]))  # a repeated entity: the first one counts
    records.append(
        {
            "record": "claim",
            "id": "dangling",
            "type": "TRANSFERRED",
            "subject": records[0]["id"],
            "object": "nowhere",
            "grade": "A1",
        }
    )
    fast = Projection.from_records(records, **options)
    slow = Projection.from_records(iter(records), **options)
    assert fast._claim_recs is not None and slow._claim_recs is None  # each took the path meant for it
    assert _columns(fast) == _columns(slow)
    assert fast.number_of_edges() > 0 and "dangling" not in fast.claim_ids


def test_projection_fast_path_falls_back_for_records_without_kind() -> None:
    records = [
        {"id": "a", "label": "Person", "name": "A"},
        {"id": "b", "label": "Person", "name": "B"},
        {"id": "c1", "type": "ALLIED_WITH", "subject": "a", "object": "b", "grade": "B2"},
    ]
    p = Projection.from_records(records)
    assert p.ids == ["a", "b"] and p.claim_ids == ["c1"] and p.src.tolist() == [0]


def test_simple_edges_are_distinct_sorted_pairs() -> None:
    p = Projection(["a", "b", "c"], ["P"] * 3, ["A", "B", "C"], np.array([1, 0, 2, 1, 2]), np.array([0, 1, 1, 1, 0]))
    assert p.simple_edges().tolist() == [[0, 1], [0, 2], [1, 2]]
    assert p.simple_edges(directed=True).tolist() == [[0, 1], [1, 0], [2, 0], [2, 1]]


@pytest.mark.parametrize(
    "module", ["brokers", "centrality", "communities", "disruption", "flows", "paths", "projection", "stamp"]
)
def test_docstring_examples_run(module: str) -> None:
    mod = importlib.import_module(f"compoundgraph.analytics.{module}")
    result = doctest.testmod(mod, extraglobs={"nx": nx})
    assert result.attempted > 0 and result.failed == 0


def test_fp_order_sorts_by_all_twelve_bytes_when_prefixes_repeat() -> None:
    fps = np.array(
        [[1] * 8 + [9, 0, 0, 0], [1] * 8 + [2, 0, 0, 0], [0] * 12, [1] * 7 + [0, 0, 0, 0, 0]], dtype=np.uint8
    )
    assert fp_order(fps).tolist() == [2, 3, 1, 0]
    assert fp_order(fps[[2, 3, 1, 0]]).tolist() == [0, 1, 2, 3]
    assert take_rows(fps, np.array([1, 0])).tolist() == fps[[1, 0]].tolist()


def _pieces_by_removal(G: nx.Graph, v: object) -> tuple[int, list[int]]:
    comp = nx.node_connected_component(G, v)
    H = G.subgraph(comp - {v})
    return len(comp), sorted(len(c) for c in nx.connected_components(H))


@pytest.mark.parametrize("seed", range(6))
def test_removal_pieces_match_removing_each_node(seed: int) -> None:
    """One DFS gives what removing every node in turn gives: random sparse graphs (trees, chains and
    articulation points), a self-loop, isolated nodes and several components."""
    G = nx.gnm_random_graph(60, 55 + 10 * seed, seed=seed)
    G.add_edge(3, 3)
    G.add_nodes_from([100, 101])
    G.add_edges_from([(200, 201), (201, 202)])
    found = disruption.removal_pieces(G)
    assert set(found) == set(G)
    for v in G:
        total, parts = found[v]
        assert (total, sorted(parts)) == _pieces_by_removal(G, v), v


def _greedy_by_removal(G: nx.Graph, k: int, candidates: int) -> list[object]:
    """The key-player search by brute force: remove each candidate, count components."""
    H = nx.Graph(G)
    H.remove_edges_from(nx.selfloop_edges(H))
    chosen = []
    for _ in range(k):
        pool = sorted(H.nodes, key=lambda v: (-H.degree(v), str(v)))[:candidates]
        pool = sorted({*pool, *nx.articulation_points(H)}, key=str)
        scores = []
        for v in pool:
            R = H.copy()
            R.remove_node(v)
            scores.append((-disruption.fragmentation(R), str(v), v))
        best = min(scores)[2]
        chosen.append(best)
        H.remove_node(best)
    return chosen


@pytest.mark.parametrize("seed", range(4))
def test_key_players_match_brute_force(seed: int) -> None:
    G = nx.powerlaw_cluster_graph(400, 1, 0.1, seed=seed)  # tree-like: many articulation points
    G.add_edges_from(nx.gnm_random_graph(400, 60, seed=seed + 10).edges)
    steps = disruption.key_players(G, k=4, candidates=10)
    assert [s["node"] for s in steps] == _greedy_by_removal(G, 4, 10)
    R = G.copy()
    for s in steps:
        before = disruption.fragmentation(R)
        R.remove_node(s["node"])
        assert s["fragmentation_before"] == before and s["fragmentation_after"] == disruption.fragmentation(R)


@pytest.mark.parametrize("seed", range(4))
def test_structural_holes_match_networkx(seed: int) -> None:
    """The common-neighbour form on simple undirected graphs gives NetworkX's constraint and effective size."""
    G = nx.powerlaw_cluster_graph(120, 3, 0.4, seed=seed)
    G.add_edges_from([(500, 501)])  # a pair on its own
    got = brokers.structural_holes(G)
    con, eff = nx.constraint(G), nx.effective_size(G)
    assert set(got) == set(G)
    for v in G:
        assert got[v]["constraint"] == pytest.approx(con[v], rel=1e-12)
        assert got[v]["effective_size"] == pytest.approx(eff[v], rel=1e-12)
