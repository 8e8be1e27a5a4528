"""Money-flow tracing on hand-built flows whose answers are worked out by hand in the comments."""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
import pytest

from compoundgraph.analytics.flows import money, trace, wallet_tags
from compoundgraph.errors import InvalidInput, NotFound


def day(d: int) -> str:
    return f"2024-01-{d:02d}T12:00:00Z"


def graph(transfers: list[tuple[str, str, str, int]], asset: str = "USDT") -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for i, (a, b, amount, d) in enumerate(transfers):
        for w in (a, b):
            G.add_node(w, label="Wallet", name=w, properties={})
        G.add_edge(a, b, key=f"t{i}", type="TRANSFERRED", amount=amount, asset=asset, timestamp=day(d))
    return G


def ends(result) -> dict[str, tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    return {e.wallet: (money(e.amount), sorted(e.reasons)) for e in result.endpoints}


def conserved(result) -> bool:  # type: ignore[no-untyped-def]
    total = sum((e.amount for e in result.endpoints), Decimal(0))
    return abs(total - sum(result.traced.values(), Decimal(0))) < Decimal("1e-9")


@pytest.fixture
def laundering() -> nx.MultiDiGraph:
    """S sends 100 to A; a clean X adds 300; A pays B 200 then C 100; B pays E (an exchange, by its holder's
    org_type) 80. A->D and B->F happen before the money arrives, so they never carry it."""
    G = graph(
        [
            ("A", "D", "50", 1),  # before anything reached A: unknown prior funds
            ("S", "A", "100", 2),
            ("X", "A", "300", 3),
            ("B", "F", "20", 3),  # before B received anything
            ("A", "B", "200", 4),
            ("A", "C", "100", 5),
            ("B", "E", "80", 6),
        ]
    )
    G.add_node("Org", label="Organization", name="Shady Exchange", properties={"org_type": "Exchange"})
    G.add_edge("Org", "E", key="h1", type="HOLDS")
    return G


def test_haircut_forward(laundering: nx.MultiDiGraph) -> None:
    r = trace(laundering, ["S"], method="haircut")
    # A holds S 100 + X 300; A->B 200 takes half of each (S 50), A->C 100 takes half of what is left (S 25):
    # 25 of S's money stays at A. B passes 80/200 of its 50 to E = 20 and keeps 30.
    assert ends(r) == {
        "E": ("20", ["stop:exchange"]),
        "B": ("30", ["unspent"]),
        "A": ("25", ["unspent"]),
        "C": ("25", ["unspent"]),
    }
    assert {e.wallet: e.min_hops for e in r.endpoints} == {"E": 3, "B": 2, "A": 1, "C": 2}
    assert r.traced == {"USDT": Decimal(100)} and conserved(r)
    assert {k: money(f.traced) for k, f in r.flows.items()} == {"t1": "100", "t4": "50", "t5": "25", "t6": "20"}
    assert r.endpoints[0].wallet == "B" and r.endpoints[-1].wallet == "E"  # largest first, ties by id


def test_fifo_forward(laundering: nx.MultiDiGraph) -> None:
    r = trace(laundering, ["S"], method="fifo")
    # A->B 200 spends S's 100 first (then 100 of X's); B passes 80 of its 200 (40 of S's 100) to E.
    assert ends(r) == {"E": ("40", ["stop:exchange"]), "B": ("60", ["unspent"])}
    assert conserved(r)


def test_time_respecting_transfers_before_arrival_carry_nothing(laundering: nx.MultiDiGraph) -> None:
    for method in ("haircut", "fifo"):
        r = trace(laundering, ["S"], method=method)
        assert "D" not in ends(r) and "F" not in ends(r)
        assert {"t0", "t3"}.isdisjoint(r.flows)


def test_same_instant_counts_as_no_earlier() -> None:
    r = trace(graph([("S", "A", "10", 2), ("A", "B", "10", 2), ("B", "C", "10", 1)]), ["S"])
    assert ends(r) == {"B": ("10", ["unspent"])}  # B->C happened the day before


def test_hop_limit(laundering: nx.MultiDiGraph) -> None:
    r = trace(laundering, ["S"], max_hops=2)
    assert ends(r) == {"B": ("50", ["hop limit"]), "C": ("25", ["hop limit"]), "A": ("25", ["unspent"])}
    assert conserved(r)


def test_min_amount_ignores_small_transfers(laundering: nx.MultiDiGraph) -> None:
    r = trace(laundering, ["S"], min_amount="90")  # B->E (80) is too small to follow
    assert ends(r) == {"B": ("50", ["unspent"]), "A": ("25", ["unspent"]), "C": ("25", ["unspent"])}
    with pytest.raises(InvalidInput, match="min_amount"):
        trace(laundering, ["S"], min_amount="lots")


def test_time_window(laundering: nx.MultiDiGraph) -> None:
    r = trace(laundering, ["S"], until="2024-01-05")  # B->E on the 6th is outside
    assert "E" not in ends(r) and ends(r)["B"] == ("50", ["unspent"])
    assert trace(laundering, ["S"], since="2024-01-03").traced == {}  # S->A on the 2nd is outside


def test_haircut_backward(laundering: nx.MultiDiGraph) -> None:
    r = trace(laundering, ["E"], direction="backward", method="haircut")
    # E received 80 from B, all from A->B (B had nothing else); A->B was 1/4 S and 3/4 X at the time.
    assert ends(r) == {"X": ("60", ["unknown prior funds"]), "S": ("20", ["unknown prior funds"])}
    assert conserved(r)


def test_fifo_backward(laundering: nx.MultiDiGraph) -> None:
    r = trace(laundering, ["E"], direction="backward", method="fifo")
    # under FIFO A->B 200 was S's 100 then X's first 100: half each
    assert ends(r) == {"X": ("40", ["unknown prior funds"]), "S": ("40", ["unknown prior funds"])}


def test_stop_tags_on_wallet_and_holder() -> None:
    G = graph([("S", "P", "10", 1), ("P", "Q", "10", 2), ("S", "O", "5", 1), ("O", "R", "5", 2)])
    G.nodes["P"]["properties"] = {"tags": ["Payment Provider"]}
    G.add_node("Desk", label="Organization", name="Desk", properties={"tags": ["OTC"]})
    G.add_edge("Desk", "O", key="h", type="HOLDS")
    assert wallet_tags(G, "P") == ["payment-provider"] and wallet_tags(G, "O") == ["otc"]
    r = trace(G, ["S"])
    assert ends(r) == {"P": ("10", ["stop:payment-provider"]), "O": ("5", ["stop:otc"])}
    r = trace(G, ["S"], stop_tags=())
    assert ends(r) == {"Q": ("10", ["unspent"]), "R": ("5", ["unspent"])}


def test_several_start_wallets_and_returns() -> None:
    G = graph(
        [("S1", "S2", "7", 1), ("S1", "A", "10", 1), ("S2", "A", "30", 1), ("A", "B", "20", 2), ("B", "S1", "4", 3)]
    )
    r = trace(G, ["S1", "S2"])
    # S1->S2 stays inside the start set. A holds 40 (all traced) and passes half on; B returns 4 of its 20.
    assert r.traced == {"USDT": Decimal(40)}
    assert ends(r) == {"A": ("20", ["unspent"]), "B": ("16", ["unspent"]), "S1": ("4", ["returned to start"])}


def test_assets_have_separate_ledgers() -> None:
    G = graph([("S", "A", "10", 1), ("A", "B", "5", 2)])
    G.add_edge("S", "A", key="eth", type="TRANSFERRED", amount="2", asset="ETH", timestamp=day(1))
    r = trace(G, ["S"])
    got = {(e.wallet, e.asset): money(e.amount) for e in r.endpoints}
    assert got == {("A", "USDT"): "5", ("B", "USDT"): "5", ("A", "ETH"): "2"}
    assert trace(G, ["S"], asset="ETH").traced == {"ETH": Decimal(2)}


def test_proportions_that_do_not_divide_evenly() -> None:
    G = graph([("S", "A", "100", 1), ("X", "A", "200", 1), ("A", "B", "100", 2), ("A", "C", "0.01", 3)])
    r = trace(G, ["S"])
    assert ends(r)["B"] == ("33.33333333", ["unspent"])
    assert conserved(r)


def test_bad_input_is_refused() -> None:
    G = graph([("S", "A", "10", 1)])
    with pytest.raises(NotFound):
        trace(G, ["nowhere"])
    with pytest.raises(InvalidInput):
        trace(G, [])
    with pytest.raises(InvalidInput, match="method"):
        trace(G, ["S"], method="lifo")
    with pytest.raises(InvalidInput, match="direction"):
        trace(G, ["S"], direction="sideways")
    with pytest.raises(InvalidInput, match="max_hops"):
        trace(G, ["S"], max_hops=0)


def test_money_strings() -> None:
    assert money(Decimal("19500.2500")) == "19500.25"
    assert money(Decimal("1E+3")) == "1000"
    assert money(Decimal("1e-20")) == "0"


def reference_haircut(G: nx.MultiDiGraph, start: str, max_hops: int, forward: bool) -> dict[str, Decimal]:
    """Explicit haircut: every outflow takes its share of every inflow in the pool (O(d_in * d_out) per
    wallet), funds pushed transfer by transfer. End amounts per wallet, to check the closed form against."""
    alloc: dict[str, list[tuple[str, Decimal]]] = {}  # transfer id -> [(other transfer id, amount)]
    unknown: dict[str, Decimal] = {}
    edges = {k: (u, v, Decimal(d["amount"]), d["timestamp"]) for u, v, k, d in G.edges(keys=True, data=True)}
    for w in G:
        events = sorted(
            [(e[3], 0, k) for k, e in edges.items() if e[1] == w and e[0] != w]
            + [(e[3], 1, k) for k, e in edges.items() if e[0] == w and e[1] != w]
        )
        pool: dict[str, Decimal] = {}
        for _, is_out, k in events:
            if not is_out:
                pool[k] = edges[k][2]
                continue
            x, balance = edges[k][2], sum(pool.values(), Decimal(0))
            share = min(Decimal(1), x / balance) if balance else Decimal(0)
            unknown[k] = x - min(x, balance)
            for i in list(pool):
                take = pool[i] * share
                pool[i] -= take
                alloc.setdefault(i if forward else k, []).append((k if forward else i, take))
    got: dict[str, Decimal] = {}
    level = {k: e[2] for k, e in edges.items() if (e[0] if forward else e[1]) == start}
    for hop in range(1, max_hops + 1):
        nxt: dict[str, Decimal] = {}
        for k, a in level.items():
            w = edges[k][1] if forward else edges[k][0]
            passed = Decimal(0)
            if w != start and hop < max_hops:
                for other, take in alloc.get(k, []):
                    nxt[other] = nxt.get(other, Decimal(0)) + a * take / edges[k][2]
                    passed += a * take / edges[k][2]
            got[w] = got.get(w, Decimal(0)) + a - passed
        level = nxt
    return {w: a for w, a in got.items() if a > Decimal("1e-12")}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("forward", [True, False])
def test_closed_form_haircut_matches_explicit_pools(seed: int, forward: bool) -> None:
    import random

    rng = random.Random(seed)
    n = rng.randint(3, 10)
    transfers = []
    for _ in range(rng.randint(5, 40)):
        a, b = rng.sample(range(n), 2)
        transfers.append((f"w{a}", f"w{b}", str(rng.randint(1, 100)), rng.randint(1, 9)))
    G = graph(transfers)
    G.add_nodes_from(f"w{i}" for i in range(n))
    for hops in (1, 3, 6):
        r = trace(G, ["w0"], direction="forward" if forward else "backward", max_hops=hops)
        want = reference_haircut(G, "w0", hops, forward)
        assert {e.wallet: money(e.amount) for e in r.endpoints} == {w: money(a) for w, a in want.items()}
        assert conserved(r)
