"""What the review and stance rules of the claim filter cost on the embedded store, each figure beside the
same read with the rule switched off, measured in the same run.

    .venv/bin/python benchmarks/bench_claim_filter.py                            # 20,000 entities, 200,000 transfers
    .venv/bin/python benchmarks/bench_claim_filter.py --entities 5000 --transfers 20000   # while developing

A synthetic world is loaded into a temporary embedded store and the test reports are ingested on top (their
proposals awaiting review are what the default filter leaves out). Timed, median of ``--repeat`` runs:

- the analytics projection (``graph_columns``) with the default filter (proposals left out) against
  ``ClaimFilter(proposals=True)``, whose rule short-circuits (the baseline: the read as it was);
- a 2-hop ego network from the busiest entity, the same two ways;
- ``link=contested`` and ``link=corroborated`` (a sibling lookup per claim) against no stance filter.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compoundgraph import synth
from compoundgraph.ingest.base import Options
from compoundgraph.ingest.pipeline import ingest
from compoundgraph.store import ClaimFilter
from compoundgraph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
REPORTS = sorted((ROOT / "tests" / "fixtures" / "ingest").glob("field-report-*"))
REPORTS = [p for p in REPORTS if not p.name.endswith(".meta.yaml")]


def median(fn: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def row(what: str, ours: float, base: float) -> None:
    print(f"{what:<48} {ours * 1000:9.1f} ms   baseline {base * 1000:9.1f} ms   ratio {ours / base:5.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--transfers", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cg-bench-filter-") as tmp:
        store = EmbeddedStore(Path(tmp) / "bench.sqlite")
        t = time.perf_counter()
        store.upsert(synth.generate(args.seed, args.entities, args.transfers))
        ingest(store, REPORTS, Options(), screen=False)
        print(
            f"world: {args.entities:,} entities, {args.transfers:,} transfers, {len(REPORTS)} reports "
            f"(loaded in {time.perf_counter() - t:.1f} s)"
        )
        every = ClaimFilter(proposals=True)
        facts = ClaimFilter()
        proposed = len(list(store.iter_entities(proposals=True))) - len(list(store.iter_entities()))
        print(f"proposals awaiting review or rejected: {proposed} entities")
        row(
            "graph_columns: proposals left out",
            median(lambda: store.graph_columns(facts), args.repeat),
            median(lambda: store.graph_columns(every), args.repeat),
        )
        degrees = store.degrees([e.id for e in store.iter_entities() if e.label in ("Person", "Organization")], facts)
        hub = max((kv for kv in degrees.items() if kv[1] <= 200), key=lambda kv: kv[1])[0]  # a chart, not a sweep
        row(
            f"ego 2 hops from {hub[:24]}: proposals left out",
            median(lambda: store.ego(hub, 2, facts, limit=2_000), args.repeat),
            median(lambda: store.ego(hub, 2, every, limit=2_000), args.repeat),
        )
        for link in ("contested", "corroborated"):
            flt = ClaimFilter.make(link=link)
            row(
                f"ego 2 hops, link={link}",
                median(lambda flt=flt: store.ego(hub, 2, flt, limit=2_000), args.repeat),  # type: ignore[misc]
                median(lambda: store.ego(hub, 2, facts, limit=2_000), args.repeat),
            )
        row(
            "iter_claims, link=contested",
            median(lambda: sum(1 for _ in store.iter_claims(ClaimFilter.make(link="contested"))), 1),
            median(lambda: sum(1 for _ in store.iter_claims(facts)), 1),
        )
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
