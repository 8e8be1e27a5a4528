"""The analytics service and `compoundgraph analyze` on both stores, over the fixture world."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from compoundgraph.analytics import service
from compoundgraph.analytics.engines import pagerank_networkx
from compoundgraph.analytics.projection import project_compact, simple
from compoundgraph.analytics.stamp import graph_digest
from compoundgraph.cli import analyze as analyze_cli
from compoundgraph.cli.main import app
from compoundgraph.errors import InvalidInput, NotFound
from compoundgraph.loader import read_jsonl
from compoundgraph.models import Claim, Entity
from compoundgraph.store import ClaimFilter, GraphStore
from tests.support.world import WORLD


def test_centrality_ranks_with_names_and_stamp(world: GraphStore) -> None:
    r = service.centrality(world, measure="degree", top=3)
    top = r["results"][0]
    assert (top["id"], top["label"], top["name"]) == ("platform-telegram", "Platform", "Telegram")
    assert [row["rank"] for row in r["results"]] == [1, 2, 3]
    assert r["engine"] == "networkx" and r["graph"]["nodes"] == 36
    again = service.centrality(world, measure="degree", top=3)
    assert again["stamp"] == r["stamp"] and len(r["stamp"]["id"]) == 64
    graded = service.centrality(world, ClaimFilter.make(min_grade="B2"), measure="degree", top=3)
    assert graded["stamp"]["graph"]["sha256"] != r["stamp"]["graph"]["sha256"]
    assert graded["stamp"]["min_grade"] == "B2" and graded["stamp"]["id"] != r["stamp"]["id"]
    b = service.centrality(world, measure="betweenness", top=1, sample=5, seed=3)
    assert (b["sample"], b["exact"], b["stamp"]["parameters"]["sample"]) == (5, False, 5)
    json.dumps(r)  # JSON-ready


def test_stamp_hashes_the_same_graph_on_every_store(world: GraphStore) -> None:
    """Both stores hash to the digest of the world file itself, so a stamp does not depend on the store."""
    G = nx.MultiDiGraph()
    records = list(read_jsonl(WORLD))
    for e in records:
        if isinstance(e, Entity):
            G.add_node(e.id, label=e.label, name=e.name, properties=e.properties)
    for c in records:
        if isinstance(c, Claim) and c.subject in G and c.object in G:
            G.add_edge(c.subject, c.object, key=c.id, type=c.type, grade=c.grade, claim=c)
    assert service.centrality(world, measure="degree")["stamp"]["graph"]["sha256"] == graph_digest(G)


@pytest.mark.parametrize(
    "flt",
    [
        ClaimFilter(),
        ClaimFilter.make(min_grade="B2", as_of="2024-06-01"),
        ClaimFilter.make(entity_types=["Wallet", "Person", "Organization"]),
    ],
)
def test_compact_projection_is_the_networkx_projection(world: GraphStore, flt: ClaimFilter) -> None:
    """What centrality and communities run on (the store's columns) is the graph paths and traces run on
    (the store's records), with the same digest."""
    P = project_compact(world, flt)
    M = world.to_networkx(flt)
    assert P.ids == sorted(M.nodes) and [P.labels[P.index[n]] for n in M] == [d["label"] for _, d in M.nodes(data=True)]
    assert sorted((P.ids[s], P.ids[d]) for s, d in zip(P.src.tolist(), P.dst.tolist(), strict=True)) == sorted(
        (u, v) for u, v in M.edges()
    )
    assert graph_digest(P) == graph_digest(M)
    S = simple(M)
    H = P.to_networkx()
    assert set(H.nodes) == set(S.nodes) and {frozenset(e) for e in H.edges} == {frozenset(e) for e in S.edges}


def test_fast_engines_on_the_store_agree_with_networkx_on_its_records(world: GraphStore) -> None:
    """The service's large-graph path (the compact projection on NumPy / igraph) against plain NetworkX on
    the graph built from the store's records."""
    G = simple(world.to_networkx())
    fast = service.centrality(world, measure="pagerank", top=36, engine="numpy")
    assert fast["engine"] == "numpy" and fast["graph"] == {"nodes": 36, "edges": G.number_of_edges()}
    want = pagerank_networkx(G)  # NetworkX's own iteration (SciPy is not a dependency)
    assert {r["id"]: round(r["score"], 6) for r in fast["results"]} == {n: round(x, 6) for n, x in want.items()}
    ig = service.centrality(world, measure="betweenness", top=36, engine="igraph")
    want = nx.betweenness_centrality(G)
    assert {r["id"]: round(r["score"], 9) for r in ig["results"]} == {n: round(x, 9) for n, x in want.items()}
    assert fast["stamp"]["graph"] == service.centrality(world, measure="degree")["stamp"]["graph"]


def test_filters_reach_the_projection(world: GraphStore) -> None:
    r = service.centrality(world, ClaimFilter.make(["TRANSFERRED"], ["Wallet"]), measure="pagerank", top=50)
    assert {row["label"] for row in r["results"]} == {"Wallet"} and r["graph"] == {"nodes": 4, "edges": 3}
    early = service.centrality(world, ClaimFilter.make(as_of="2020-01-01"), measure="degree", top=50)
    late = service.centrality(world, ClaimFilter.make(as_of="2024-06-01"), measure="degree", top=50)
    # the militia protected Jade River from 2021 to 2024-03-01
    assert early["stamp"]["as_of"] == "2020-01-01" and early["graph"]["edges"] != late["graph"]["edges"]


def test_communities_brokers_disruption(world: GraphStore) -> None:
    c = service.communities(world, seed=1)
    assert sum(x["size"] for x in c["communities"]) == 36 and c["modularity"] > 0.3
    tg = next(x for x in c["communities"] if any(m["id"] == "platform-telegram" for m in x["members"]))
    assert tg["central"]["id"] == "platform-telegram"
    assert service.communities(world, seed=1)["communities"] == c["communities"]
    b = service.brokers(world, top=3)
    arts = {n["id"] for n in b["articulation_points"]}
    assert {"platform-telegram", "compound-jade-river", "wallet-tan"} <= arts
    assert any(x["from"]["id"] == "account-tg-00" and x["to"]["id"] == "platform-telegram" for x in b["bridges"])
    assert b["structural_holes"][0]["id"] == "platform-telegram"
    d = service.disruption(world, k=2)
    assert [s["id"] for s in d["steps"]] == ["platform-telegram", "compound-golden-lotus"]
    assert d["steps"][0]["fragmentation_after"] > d["steps"][0]["fragmentation_before"] == 0.0


def test_paths_agree_with_the_store(world: GraphStore) -> None:
    r = service.paths(world, "person-nok-srisuk", "armed-northern-hills", k=3)
    store_paths = world.paths("person-nok-srisuk", "armed-northern-hills", 4, 3, ClaimFilter())
    assert [p["nodes"] for p in r["paths"]] == [[n.id for n in p.nodes] for p in store_paths]
    assert [p["grade"] for p in r["paths"]] == [str(p.grade) for p in store_paths]
    assert r["paths"][0]["hops"] == 2 and "stamp" in r and {"nodes", "edges"} <= set(r)
    with pytest.raises(NotFound):
        service.paths(world, "person-nok-srisuk", "nobody")


def test_trace_world_trail_to_the_exchange(world: GraphStore) -> None:
    for method in ("haircut", "fifo"):
        r = service.trace(world, ["wallet-collect"], method=method)
        got = {e["wallet"]: (e["amount"], e["reasons"]) for e in r["endpoints"]}
        # 25000.50 leaves; Tan keeps 5000.50, Peel keeps 499.75, 19500.25 reaches the exchange
        assert got == {
            "wallet-exchange": ("19500.25", ["stop:exchange"]),
            "wallet-tan": ("5000.5", ["unspent"]),
            "wallet-peel": ("499.75", ["unspent"]),
        }
        assert r["traced"] == {"USDT": "25000.5"}
    ex = r["endpoints"][0]
    assert ex["holders"] == [{"id": "org-sunrise-exchange", "label": "Organization", "name": "Sunrise Exchange"}]
    assert [f["hop"] for f in r["flows"]] == [1, 2, 3] and r["flows"][2]["traced"] == "19500.25"
    sub = r["subgraph"]
    assert {"wallet-collect", "wallet-exchange", "org-sunrise-exchange"} <= {n["id"] for n in sub["nodes"]}
    assert sorted(e["type"] for e in sub["edges"]) == ["HOLDS", "HOLDS", "TRANSFERRED", "TRANSFERRED", "TRANSFERRED"]
    assert next(n for n in sub["nodes"] if n["id"] == "wallet-exchange")["hop"] == 3
    json.dumps(r)


def test_trace_backward_window_and_address(world: GraphStore) -> None:
    address = world.get_entities(["wallet-exchange"])["wallet-exchange"].name
    r = service.trace(world, [address], direction="backward")
    assert r["wallets"] == ["wallet-exchange"]
    assert [(e["wallet"], e["amount"], e["reasons"]) for e in r["endpoints"]] == [
        ("wallet-collect", "19500.25", ["unknown prior funds"])
    ]
    cut = service.trace(world, ["wallet-collect"], until="2024-02-02")
    assert {e["wallet"]: e["amount"] for e in cut["endpoints"]} == {"wallet-peel": "20000", "wallet-tan": "5000.5"}
    with pytest.raises(NotFound):
        service.trace(world, ["no-such-wallet"])
    with pytest.raises(InvalidInput):
        service.trace(world, ["wallet-collect"], method="lifo")


def test_write_back_stores_scores_with_stamp(world: GraphStore) -> None:
    r = service.write_back(world, measure="pagerank")
    assert r["written"] == 36
    tan = world.get_entities(["person-tan-weiming"])["person-tan-weiming"]
    assert tan.properties["pagerank"] > 0 and tan.properties["pagerank_stamp"] == r["stamp"]["id"]
    assert tan.properties["nationality"] == "CN"  # other properties kept
    c = service.write_back(world, measure="community", seed=3)
    tg = world.get_entities(["platform-telegram", "account-tg-00"])
    assert tg["platform-telegram"].properties["community"] == tg["account-tg-00"].properties["community"]
    assert tg["account-tg-00"].properties["community_stamp"] == c["stamp"]["id"]
    with pytest.raises(InvalidInput):
        service.write_back(world, measure="charisma")


@pytest.fixture
def cli(world: GraphStore, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run `compoundgraph analyze ...` against the fixture store (either kind)."""

    @contextmanager
    def fixture_store(*args: object, **kwargs: object) -> Iterator[GraphStore]:
        yield world

    monkeypatch.setattr(analyze_cli, "open_store", fixture_store)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["analyze", *args])


def test_cli_commands(cli: Any) -> None:
    r = cli("centrality", "degree", "--top", "3")
    assert r.exit_code == 0 and "Telegram" in r.output and "stamp" in r.output
    r = cli("trace", "wallet-collect", "--json")
    assert r.exit_code == 0
    assert json.loads(r.output)["endpoints"][0]["amount"] == "19500.25"
    r = cli("trace", "wallet-exchange", "--backward", "--method", "fifo")
    assert r.exit_code == 0 and "unknown prior" in r.output and "backward trace (fifo" in r.output
    for args in (
        ["communities"],
        ["brokers"],
        ["disruption", "-k", "2"],
        ["paths", "person-nok-srisuk", "armed-northern-hills"],
        ["write-back", "betweenness"],
    ):
        r = cli(*args)
        assert r.exit_code == 0, (args, r.output)
    r = cli("centrality", "charisma")
    assert r.exit_code == 2 and "measure" in r.output


def test_trace_reads_only_around_the_wallets_and_agrees_with_the_whole_graph(store: GraphStore) -> None:
    """The service loads the transfer graph wallet by wallet as the trace reaches it; on a synthetic world
    (peel chains, fan-out, exchanges) its answers equal flows.trace over the whole projected graph."""
    from compoundgraph import synth
    from compoundgraph.analytics import flows

    store.upsert(synth.generate(5, 1_500, 4_000))
    flt = ClaimFilter.make(rel_types=["TRANSFERRED", "HOLDS"])
    whole = store.to_networkx(flt)
    senders = sorted(u for u in whole if whole.out_degree(u) and whole.nodes[u]["label"] == "Wallet")
    receivers = sorted(u for u in whole if whole.in_degree(u) and whole.nodes[u]["label"] == "Wallet")
    cases = [(w, "forward", "haircut") for w in senders[:: max(1, len(senders) // 6)]]
    cases += [(w, "backward", "fifo") for w in receivers[:: max(1, len(receivers) // 4)]]
    read, traced = [], 0
    for w, direction, method in cases:
        got = service.trace(store, [w], direction=direction, method=method, max_hops=4)
        want = flows.trace(whole, [w], direction=direction, method=method, max_hops=4)
        assert [(e["wallet"], e["asset"], e["amount"], e["reasons"]) for e in got["endpoints"]] == [
            (e.wallet, e.asset, flows.money(e.amount), sorted(e.reasons)) for e in want.endpoints
        ]
        assert {f["claim"]: f["traced"] for f in got["flows"]} == {
            k: flows.money(f.traced) for k, f in want.flows.items()
        }
        read.append(got["stamp"]["graph"]["edges"])
        traced += len(got["flows"])
    # the traces went somewhere (stops, hop limits), and most read a small part of the transfer graph
    assert len(cases) >= 8 and traced >= 100 and sorted(read)[len(read) // 2] < whole.number_of_edges() / 4


def test_paths_read_two_balls_and_agree_with_the_whole_graph(store: GraphStore) -> None:
    """The service searches paths in the claims near the two ends (the store's claims_between_ends), not in
    the whole store; every path of at most max_hops is there, so the answers are the whole graph's."""
    import random

    from compoundgraph import synth
    from compoundgraph.analytics import paths as paths_mod

    store.upsert(synth.generate(3, 1_200, 1_500))
    whole = store.to_networkx()
    S = simple(whole)
    rng = random.Random(4)
    pairs = []
    for u in rng.sample(sorted(S), 60):
        far = [v for v, d in nx.single_source_shortest_path_length(S, u, cutoff=3).items() if d >= 2]
        if far:
            pairs.append((u, rng.choice(sorted(far))))
    assert len(pairs) >= 10
    compared = 0
    for u, v in pairs[:12]:
        want = paths_mod.k_shortest_paths(whole, u, v, k=50, max_hops=3)
        if len(want) >= 50:
            continue  # too many to compare as complete sets
        got = service.paths(store, u, v, max_hops=3, k=50)
        assert sorted((p["hops"], p["nodes"], p["grade"]) for p in got["paths"]) == sorted(
            (p["hops"], p["nodes"], p["grade"]) for p in want
        )
        assert got["stamp"]["graph"]["edges"] < whole.number_of_edges()
        compared += 1
    assert compared >= 5


def test_bridge_grades_are_the_best_claim_of_each_link(world: GraphStore) -> None:
    """brokers reads each bridge's grade from the store (one query); it is the best grade of the claims
    joining the pair, as the full projection collapsed by simple() gives it."""
    S = simple(world.to_networkx(ClaimFilter.make(min_grade="D4")))
    b = service.brokers(world, ClaimFilter.make(min_grade="D4"), top=3)
    assert b["bridges"]
    for x in b["bridges"]:
        assert x["grade"] == S[x["from"]["id"]][x["to"]["id"]]["grade"]
