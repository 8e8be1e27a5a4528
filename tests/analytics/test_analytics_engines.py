"""The faster engines give NetworkX's answers: random graphs, checked against NetworkX and rustworkx."""

from __future__ import annotations

import networkx as nx
import pytest
import rustworkx as rx

from compoundgraph.analytics import centrality, communities, engines
from compoundgraph.analytics.projection import Projection

SEEDS = [1, 2, 3]


def random_graph(seed: int, n: int = 150, m: int = 450) -> nx.Graph:
    G = nx.gnm_random_graph(n, m, seed=seed)
    G.add_nodes_from(range(n, n + 3))  # a few isolated nodes: dangling and unreachable cases
    return nx.relabel_nodes(G, {i: f"e{i:04d}" for i in G})


def to_rustworkx(G: nx.Graph) -> tuple[rx.PyGraph, list[str]]:
    ids = list(G)
    index = {v: i for i, v in enumerate(ids)}
    g = rx.PyGraph()
    g.add_nodes_from(ids)
    g.add_edges_from_no_data([(index[u], index[v]) for u, v in G.edges()])
    return g, ids


@pytest.mark.parametrize("seed", SEEDS)
def test_betweenness_exact_matches_networkx_and_rustworkx(seed: int) -> None:
    G = random_graph(seed)
    ref = nx.betweenness_centrality(G)
    fast = centrality.betweenness(G, engine="igraph")
    g, ids = to_rustworkx(G)
    rust = dict(zip(ids, rx.betweenness_centrality(g, normalized=True).values(), strict=True))
    assert fast == pytest.approx(ref, abs=1e-12)
    assert rust == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("normalized", [True, False])
def test_sampled_betweenness_matches_networkx_exactly(seed: int, normalized: bool) -> None:
    G = random_graph(seed)
    ref = nx.betweenness_centrality(G, k=25, seed=seed, normalized=normalized)
    fast = centrality.betweenness(G, sample=25, seed=seed, normalized=normalized, engine="igraph")
    assert fast == pytest.approx(ref, rel=1e-9, abs=1e-12)
    D = nx.gnm_random_graph(100, 400, seed=seed, directed=True)
    assert engines.betweenness_igraph(D, k=20, seed=seed, directed=True) == pytest.approx(
        nx.betweenness_centrality(D, k=20, seed=seed), abs=1e-12
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_pagerank_eigenvector_closeness_match(seed: int) -> None:
    G = random_graph(seed)
    assert centrality.pagerank(G, engine="igraph") == pytest.approx(engines.pagerank_networkx(G), abs=2e-5)
    # the same iteration as NetworkX, so far closer than PRPACK's direct solve
    assert centrality.pagerank(G, engine="numpy") == pytest.approx(engines.pagerank_networkx(G), abs=1e-9)
    ev_ref = nx.eigenvector_centrality(G, max_iter=1000, tol=1e-10)
    assert centrality.eigenvector(G, engine="igraph") == pytest.approx(ev_ref, abs=1e-5)
    clo = nx.closeness_centrality(G)
    assert centrality.closeness(G, engine="igraph") == pytest.approx(clo, abs=1e-12)
    g, ids = to_rustworkx(G)
    rust_clo = dict(zip(ids, rx.closeness_centrality(g, wf_improved=True).values(), strict=True))
    assert rust_clo == pytest.approx(clo, abs=1e-12)
    D = nx.gnm_random_graph(100, 400, seed=seed, directed=True)
    assert centrality.pagerank(D, directed=True, engine="igraph") == pytest.approx(
        centrality.pagerank(D, directed=True, engine="networkx"), abs=2e-5
    )
    assert centrality.pagerank(D, directed=True, engine="numpy") == pytest.approx(
        centrality.pagerank(D, directed=True, engine="networkx"), abs=1e-9
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_louvain_engines_reach_the_same_quality(seed: int) -> None:
    G = nx.planted_partition_graph(6, 30, 0.4, 0.01, seed=seed)
    ref = communities.louvain(G, seed=seed, engine="networkx")
    fast = communities.louvain(G, seed=seed, engine="igraph")
    assert fast == communities.louvain(G, seed=seed, engine="igraph")  # seeded: reproducible
    q_ref, q_fast = communities.modularity(G, ref), communities.modularity(G, fast)
    assert q_fast == pytest.approx(q_ref, abs=0.02)
    assert len(fast) == len(ref) == 6  # the planted communities are found by both


def test_projection_runs_on_igraph_without_networkx() -> None:
    G = random_graph(4)
    records = [{"record": "entity", "id": v, "label": "Person", "name": v} for v in G]
    records += [
        {"record": "claim", "id": f"c{i}", "type": "ALLIED_WITH", "subject": u, "object": v, "grade": "B2"}
        for i, (u, v) in enumerate(G.edges())
    ]
    p = Projection.from_records(records)
    assert engines.choose(p, "auto") == "igraph"
    assert engines.choose(p, "auto", fast=centrality.PAGERANK_ENGINES) == "numpy"
    assert "nx" not in {k[0] for k in p._cache}
    assert centrality.pagerank(p) == pytest.approx(engines.pagerank_networkx(G), abs=1e-9)
    assert centrality.pagerank(p, engine="igraph") == pytest.approx(engines.pagerank_networkx(G), abs=2e-5)
    assert centrality.betweenness(p, sample=30, seed=9) == pytest.approx(
        nx.betweenness_centrality(G, k=30, seed=9), abs=1e-12
    )
    parts = communities.louvain(p, seed=1)
    assert communities.modularity(p, parts) == pytest.approx(communities.modularity(G, parts), abs=1e-9)


def test_numpy_engine_is_pagerank_only() -> None:
    from compoundgraph.errors import InvalidInput

    with pytest.raises(InvalidInput, match="engine"):
        centrality.betweenness(nx.path_graph(4), engine="numpy")
    assert centrality.pagerank(nx.path_graph(4), engine="numpy") == pytest.approx(
        engines.pagerank_networkx(nx.path_graph(4)), abs=1e-12
    )


def test_auto_picks_networkx_for_small_graphs() -> None:
    assert engines.choose(nx.path_graph(4), "auto") == "networkx"
    big = nx.gnm_random_graph(2_000, engines.AUTO_EDGES + 1, seed=1)
    assert engines.choose(big, "auto") == "igraph"
