"""``POST /flows/compare``: haircut and FIFO end points side by side for one start, on both stores.

A small ledger where the methods disagree is added to the fixture world: wallet ``mix`` receives 100 from
``start`` and then 100 from ``other``, then pays 100 to ``a`` and 100 to ``b``. Forward from ``start``,
FIFO sends all of start's 100 to ``a`` (it came in first, it leaves first); haircut splits it 50 / 50 (each
payment out takes half of each payment in).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from compoundgraph.models import Claim, Entity
from compoundgraph.store import GraphStore
from tests.support.api import Api, problem

SRC = "src-mekong-watch-2024"


def add_ledger(store: GraphStore) -> None:
    wallets = ["start", "other", "mix", "a", "b"]
    records: list[Entity | Claim] = [
        Entity(
            id=f"wallet-cmp-{w}",
            label="Wallet",
            name=f"cmp {w}",
            properties={"chain": "tron", "asset": "USDT"},
            sources=[SRC],
        )
        for w in wallets
    ]
    for n, (s, o, t) in enumerate(
        [("start", "mix", "01"), ("other", "mix", "02"), ("mix", "a", "03"), ("mix", "b", "04")]
    ):
        records.append(
            Claim(
                type="TRANSFERRED",
                subject=f"wallet-cmp-{s}",
                object=f"wallet-cmp-{o}",
                grade="A1",
                source=SRC,
                properties={
                    "tx_hash": f"{n:064x}",
                    "log_index": 0,
                    "amount": "100",
                    "asset": "USDT",
                    "timestamp": f"2024-03-{t}T10:00:00Z",
                },
            )
        )
    store.upsert(records)


def test_methods_side_by_side(api: Api) -> None:
    add_ledger(api.store)
    r = api.post("/flows/compare", role="investigator", json={"wallets": ["wallet-cmp-start"]})
    assert r.status_code == 200, r.text
    body = r.json()
    rows = {e["wallet"]: e for e in body["endpoints"]}
    assert rows["wallet-cmp-a"]["amounts"] == {"haircut": "50", "fifo": "100"}
    assert rows["wallet-cmp-b"]["amounts"] == {"haircut": "50", "fifo": "0"}
    assert rows["wallet-cmp-a"]["difference"] == "50" and rows["wallet-cmp-b"]["difference"] == "-50"
    assert body["traced"] == {"haircut": {"USDT": "100"}, "fifo": {"USDT": "100"}}
    assert body["totals"] == {"haircut": {"USDT": "100"}, "fifo": {"USDT": "100"}} and body["balanced"]
    assert body["stamps"]["haircut"]["id"] != body["stamps"]["fifo"]["id"]
    assert set(body["methods"]) == {"haircut", "fifo"}


def test_totals_equal_the_traced_amount_in_both_on_the_world(api: Api) -> None:
    for direction in ("forward", "backward"):
        start = "wallet-collect" if direction == "forward" else "wallet-exchange"
        body = api.post("/flows/compare", role="analyst", json={"wallets": [start], "direction": direction}).json()
        assert body["balanced"], body
        for method in ("haircut", "fifo"):
            total = sum(Decimal(e["amounts"][method]) for e in body["endpoints"])
            assert total == Decimal(body["traced"][method]["USDT"]) > 0
    assert problem(api.post("/flows/compare", role="partner", json={"wallets": ["wallet-collect"]}))["status"] == 403
    assert api.post("/flows/compare", role="investigator", json={"wallets": ["wallet-nope"]}).status_code == 404
    bad = api.post("/flows/compare", role="investigator", json={"wallets": ["wallet-collect"], "since": "soon"})
    assert bad.status_code == 422 and problem(bad)["where"] == "since"


def test_end_point_table_as_csv(api: Api) -> None:
    add_ledger(api.store)
    r = api.post("/flows/compare?format=csv", role="investigator", json={"wallets": ["wallet-cmp-start"]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    by = {row["wallet"]: row for row in rows}
    assert (by["wallet-cmp-a"]["haircut"], by["wallet-cmp-a"]["fifo"], by["wallet-cmp-a"]["difference"]) == (
        "50",
        "100",
        "50",
    )
    assert by["wallet-cmp-b"]["reasons_haircut"] == "unspent" and by["wallet-cmp-b"]["fifo"] == "0"
