"""Flow layout of a money-flow trace: a synthetic fan-out of ``--transfers`` transfers (a start pays 20 wallets,
each pays the rest evenly), traced forward on the embedded store, then laid out left to right.

    .venv/bin/python benchmarks/bench_flow_layout.py --transfers 300

Prints the median time of ``flow_layout`` on the trace answer and, as the baseline measured in the same run,
the median time of the trace itself (``analytics.service.trace``), with their ratio. Target: the 300-transfer
flow view laid out within 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def build(store: Any, transfers: int) -> None:
    from compoundgraph.models import Claim, Entity, Source

    src = Source(title="bench flows", kind="dataset", reliability="A")
    first = 20
    rest = transfers - first
    wallets = (
        ["w-start"]
        + [f"w-{i}" for i in range(first)]
        + [f"w-{i}-{j}" for i in range(first) for j in range(rest // first + 1)]
    )
    records: list[Any] = [src] + [Entity(id=w, label="Wallet", name=w, sources=[src.id]) for w in wallets]
    n = 0

    def pay(s: str, o: str, ts: str, amount: int = 100) -> None:
        nonlocal n
        n += 1
        records.append(
            Claim(
                type="TRANSFERRED",
                subject=s,
                object=o,
                grade="A1",
                source=src.id,
                properties={
                    "tx_hash": f"{n:064x}",
                    "log_index": 0,
                    "amount": str(amount),
                    "asset": "USDT",
                    "timestamp": ts,
                },
            )
        )

    for i in range(first):  # enough for every payment onward, so each one carries traced funds
        pay("w-start", f"w-{i}", f"2024-04-01T10:{i:02d}:00Z", 100 * (rest // first + 1))
    for k in range(rest):
        i, j = k % first, k // first
        pay(f"w-{i}", f"w-{i}-{j}", f"2024-04-02T{j % 24:02d}:{i:02d}:00Z")
    store.upsert(records)


def median_ms(fn: Any, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--transfers", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from compoundgraph.analytics import service
    from compoundgraph.analytics.flow_layout import flow_layout
    from compoundgraph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as d:
        store = EmbeddedStore(Path(d) / "flows.sqlite")
        build(store, args.transfers)
        answer = service.trace(store, ["w-start"], max_hops=4)
        trace_ms = median_ms(lambda: service.trace(store, ["w-start"], max_hops=4), args.repeat)
        layout_ms = median_ms(lambda: flow_layout(answer), args.repeat)
        lay = flow_layout(answer)
        store.close()
    print(f"{len(answer['flows'])} traced transfers, {len(answer['endpoints'])} end points, {lay['columns']} columns")
    print(f"flow_layout {layout_ms:.2f} ms; baseline trace {trace_ms:.1f} ms; layout/trace {layout_ms / trace_ms:.3f}")


if __name__ == "__main__":
    main()
