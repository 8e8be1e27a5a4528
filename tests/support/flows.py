"""A synthetic money-flow fan-out for the flow-view tests and ``benchmarks/bench_ui.py``: a start wallet pays
20 wallets, which pay the rest of ``transfers`` onward (one payment per end wallet), every payment carrying
traced funds. Wallets are named with TRON-like addresses (34 characters), so the view must shorten them; a
few end wallets are held by organisations, one of which has a name that is markup (it must stay text)."""

from __future__ import annotations

import hashlib
from typing import Any

from compoundgraph.models import Claim, Entity, Source

START = "flow-start"
FIRST = 20
HOSTILE = '<img src=x onerror="window.__pwned=1">Ops & Co'


def address(i: str) -> str:
    """A TRON-like address for wallet ``i`` (stable)."""
    return "T" + hashlib.sha256(i.encode()).hexdigest()[:33]


def fan_out(store: Any, transfers: int = 300) -> dict[str, Any]:
    """Load the fan-out into ``store``; returns its start id, its wallets and the amount that leaves the start."""
    src = Source(title="synthetic flows", kind="dataset", reliability="A")
    rest = transfers - FIRST
    middle = [f"flow-{i:02d}" for i in range(FIRST)]
    ends = [f"flow-{k % FIRST:02d}-{k // FIRST:02d}" for k in range(rest)]
    records: list[Any] = [src]
    for w in [START, *middle, *ends]:
        records.append(Entity(id=w, label="Wallet", name=address(w), sources=[src.id]))
    for j in range(3):  # holders on a few end wallets, one with a name that is markup
        org = f"flow-org-{j}"
        records.append(
            Entity(id=org, label="Organization", name=HOSTILE if j == 0 else f"Holder {j}", sources=[src.id])
        )
        records.append(Claim(type="HOLDS", subject=org, object=ends[j], grade="B2", source=src.id))
    n = 0

    def pay(s: str, o: str, ts: str, amount: int) -> None:
        nonlocal n
        n += 1
        props = {"tx_hash": f"{n:064x}", "log_index": 0, "amount": str(amount), "asset": "USDT", "timestamp": ts}
        records.append(Claim(type="TRANSFERRED", subject=s, object=o, grade="A1", source=src.id, properties=props))

    onward = [0] * FIRST
    for k in range(rest):
        onward[k % FIRST] += 100 + k
    # each middle wallet gets what it pays onward and 50 more (left unspent there)
    for i, w in enumerate(middle):
        pay(START, w, f"2024-04-01T10:{i:02d}:00Z", onward[i] + 50)
    for k, w in enumerate(ends):
        i, j = k % FIRST, k // FIRST
        pay(middle[i], w, f"2024-04-02T{j % 24:02d}:{i:02d}:00Z", 100 + k)
    store.upsert(records)
    return {"start": START, "middle": middle, "ends": ends, "traced": sum(onward) + 50 * FIRST, "transfers": n}
