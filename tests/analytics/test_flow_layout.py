"""The left-to-right flow layout of a trace (``flow_layout`` in ``POST /flows/trace``), on a synthetic
300-transfer fan-out on both stores: a start pays 20 wallets, each pays 14 more (280 end points)."""

from __future__ import annotations

import doctest
import itertools

from compoundgraph.analytics import flow_layout as layout_mod
from compoundgraph.analytics.flow_layout import ROW_HEIGHT
from compoundgraph.models import Claim, Entity
from tests.support.api import Api

SRC = "src-mekong-watch-2024"
LABEL_HEIGHT = 16.0  # one label line on the canvas


def fan_out(a: Api) -> None:
    records: list[Entity | Claim] = []
    wallets = ["wallet-fan-start"] + [f"wallet-fan-{i}" for i in range(20)]
    wallets += [f"wallet-fan-{i}-{j}" for i in range(20) for j in range(14)]
    records += [
        Entity(id=w, label="Wallet", name=w.removeprefix("wallet-"), properties={"chain": "tron"}, sources=[SRC])
        for w in wallets
    ]
    n = 0

    def pay(s: str, o: str, day: int, minute: int, amount: str) -> None:
        nonlocal n
        n += 1
        records.append(
            Claim(
                type="TRANSFERRED",
                subject=s,
                object=o,
                grade="A1",
                source=SRC,
                properties={
                    "tx_hash": f"{n:064x}",
                    "log_index": 0,
                    "amount": amount,
                    "asset": "USDT",
                    "timestamp": f"2024-04-{day:02d}T10:{minute:02d}:00Z",
                },
            )
        )

    for i in range(20):
        pay("wallet-fan-start", f"wallet-fan-{i}", 1, 59 - i, "1400")  # later index paid earlier
        for j in range(14):
            pay(f"wallet-fan-{i}", f"wallet-fan-{i}-{j}", 2, j, "100")
    assert n == 300
    a.store.upsert(records)


def test_doctest() -> None:
    assert doctest.testmod(layout_mod).failed == 0


def test_300_transfer_trace_reads_left_to_right(api: Api) -> None:
    fan_out(api)
    body = api.post("/flows/trace", role="investigator", json={"wallets": ["wallet-fan-start"]}).json()
    assert len(body["flows"]) == 300
    lay = body["flow_layout"]
    pos = lay["positions"]
    assert lay["columns"] == 3 and pos["wallet-fan-start"]["column"] == 0
    for f in body["flows"]:
        assert pos[f["from"]]["x"] < pos[f["to"]]["x"], f  # every transfer runs left to right
    ends = [e["wallet"] for e in body["endpoints"]]
    assert len(ends) == 280 and {pos[w]["column"] for w in ends} == {2}
    # end-point labels never overlap: distinct rows at least a row apart, each row taller than a label
    ys = sorted(pos[w]["y"] for w in ends)
    assert all(b - a >= ROW_HEIGHT > LABEL_HEIGHT for a, b in itertools.pairwise(ys))
    # the hop-1 column is ordered by when funds arrived: wallet-fan-19 was paid first
    first = sorted((pos[f"wallet-fan-{i}"]["row"], i) for i in range(20))
    assert [i for _, i in first] == list(range(19, -1, -1))
    back = api.post(
        "/flows/trace", role="investigator", json={"wallets": ["wallet-fan-3-5"], "direction": "backward"}
    ).json()["flow_layout"]
    assert back["direction"] == "backward" and back["positions"]["wallet-fan-3-5"]["column"] == 0
    assert back["positions"]["wallet-fan-start"]["column"] == 2
