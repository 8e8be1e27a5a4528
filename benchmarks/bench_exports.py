"""Memory and time of the neo4j-admin export beside holding every row, measured in the same run.

    .venv/bin/python benchmarks/bench_exports.py                  # 20,000 transfers between 2,000 wallets
    .venv/bin/python benchmarks/bench_exports.py --claims 100000

A synthetic view (wallets, their holders, transfers with hashes and timestamps, the shapes a chain export
produces) is rendered by ``exports.neo4j_admin.render``. Reported: peak Python allocation (tracemalloc)
during the render beyond the view itself, per claim; the size of the files it returns (what must stay in
memory while the API answers with them); and the baseline of the earlier writer, which first made the
property dict of every row (``entity_props`` / ``claim_props``, the store's own) and then wrote them.
Then the same peak for the other row-by-row writers (csv, i2, jsonl) beside the size of what they return:
a peak close to the files' size means nothing but the output is held.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from compoundgraph.exports import neo4j_admin, render
from compoundgraph.exports.selection import ExportView
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store.neo4j import claim_props, entity_props, source_props


def make_view(n_claims: int, n_wallets: int) -> ExportView:
    src = Source(id="src-chain", title="Chain export", reliability="A", kind="dataset")
    entities: dict[str, Entity] = {}
    for i in range(n_wallets):
        address = "T" + hashlib.sha256(str(i).encode()).hexdigest()[:33]
        entities[f"wallet-{i}"] = Entity(
            id=f"wallet-{i}",
            label="Wallet",
            name=address,
            identifiers=[address],
            properties={"chain": "tron", "address": address, "asset": "USDT"},
            sources=[src.id],
        )
    claims = []
    for i in range(n_claims):
        tx = hashlib.sha256(f"tx{i}".encode()).hexdigest()
        claims.append(
            Claim(
                type="TRANSFERRED",
                subject=f"wallet-{i % n_wallets}",
                object=f"wallet-{(i * 7 + 1) % n_wallets}",
                source=src.id,
                grade="A1",
                key=f"{tx}:0",
                valid_from=f"2024-0{1 + i % 9}-1{i % 10}",
                properties={
                    "tx_hash": tx,
                    "log_index": 0,
                    "amount": f"{1000 + i}.5",
                    "asset": "USDT",
                    "timestamp": f"2024-0{1 + i % 9}-1{i % 10}T0{i % 10}:1{i % 10}:00Z",
                },
            )
        )
    return ExportView(sources={src.id: src}, entities=entities, claims=claims, query={"kind": "bench"})


def rows_held(view: ExportView) -> dict[str, bytes]:
    """The earlier writer's first step: every row's property dict, held until the files are written."""
    nodes = [entity_props(e) for e in view.entities.values()] + [source_props(s) for s in view.sources.values()]
    rels = [claim_props(c) for c in view.claims]
    out = neo4j_admin.render(view)  # (the files themselves, as the earlier writer also made them)
    del nodes, rels
    return out


def measure(fn: Callable[[ExportView], Any], view: ExportView) -> tuple[int, float, int]:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    files = fn(view)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak, seconds, sum(len(b) for b in files.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=20_000)
    ap.add_argument("--wallets", type=int, default=2_000)
    args = ap.parse_args()
    view = make_view(args.claims, args.wallets)
    print(
        f"neo4j-admin export of {args.claims:,} transfers between {args.wallets:,} wallets "
        "(peak Python allocation beyond the view, tracemalloc on)"
    )
    print("| writer | peak | per claim | files | seconds |")
    print("|---|--:|--:|--:|--:|")
    results = {}
    for name, fn in (("two passes, no rows held (now)", neo4j_admin.render), ("every row held (before)", rows_held)):
        peak, seconds, size = measure(fn, view)
        results[name] = peak
        print(
            f"| {name} | {peak / 2**20:.1f} MiB | {peak / args.claims / 1024:.2f} KiB | {size / 2**20:.1f} MiB "
            f"| {seconds:.2f} |"
        )
    now, before = results.values()
    print(f"peak now / before: {now / before:.2f}")
    print()
    print("| format | peak | files | peak / files |")
    print("|---|--:|--:|--:|")
    for fmt in ("csv", "i2", "jsonl", "neo4j-admin"):
        peak, _, size = measure(lambda v, fmt=fmt: render(v, fmt), view)
        print(f"| {fmt} | {peak / 2**20:.1f} MiB | {size / 2**20:.1f} MiB | {peak / size:.2f} |")


if __name__ == "__main__":
    main()
