"""Saved investigations through the API: save, open and save again a chart of 2,000 and 20,000 entities.

    .venv/bin/python benchmarks/bench_investigations.py                       # embedded only
    .venv/bin/python benchmarks/bench_investigations.py --neo4j bolt://127.0.0.1:7716

For each store: load a synthetic world (``compoundgraph.synth``) of ``--entities`` entities into a fresh
store (the embedded one in a temporary folder; Neo4j wiped first: use a benchmark server), then, in process
through the real app (API key, audit log on, ``TestClient``), for each chart size:

1. ``POST /investigations`` with that many entities, positions, and a note on every tenth entity;
2. ``GET /investigations/{id}`` (open: parse, access check, merged-id check, answer) ``--repeat`` times;
3. ``PUT /investigations/{id}`` (save a new version) ``--repeat`` times.

Baseline, in the same run: ``store.node_labels(ids)`` for the same ids, called directly (the one graph read an
open cannot avoid). Prints the medians and the ratio of an open to the baseline. The target for the UI's
"open a saved 2,000-entity investigation" is 2 s end to end; this measures the server's share.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def load_world(store: Any, entities: int, seed: int) -> list[str]:
    from compoundgraph import synth
    from compoundgraph.models import Entity

    store.delete_all(confirm=True)
    ids: list[str] = []

    def records() -> Any:
        for r in synth.generate(seed, entities, entities):
            if isinstance(r, Entity):
                ids.append(r.id)
            yield r

    t = time.perf_counter()
    with store.writer() as w:
        w.add_all(records())
    print(f"  loaded {len(ids):,} entities in {time.perf_counter() - t:.1f} s", flush=True)
    return ids


def bench(store: Any, tmp: Path, ids: list[str], sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    from fastapi.testclient import TestClient

    from compoundgraph.api import create_app
    from compoundgraph.api.config import ApiSettings
    from compoundgraph.api.security import KeyStore
    from compoundgraph.settings import Settings
    from compoundgraph.store.investigations import investigations_of

    investigations_of(store).purge(confirm=True)
    api = ApiSettings(keys_path=tmp / "keys.json", audit_path=tmp / "audit.jsonl", rate_per_minute=0)
    _, key = KeyStore(tmp / "keys.json").create("bench", "investigator")
    client = TestClient(create_app(Settings(embedded_path=tmp / "unused.sqlite"), store=store, api=api))
    h = {"X-API-Key": key}
    rows = [one_size(client, h, store, ids[:size], repeat) for size in sizes]
    client.close()
    return rows


def one_size(client: Any, h: dict[str, str], store: Any, chosen: list[str], repeat: int) -> dict[str, Any]:
    size = len(chosen)
    chart = {
        "entities": [
            {"id": i, "x": float(n % 150) * 40, "y": float(n // 150) * 40, "pinned": n % 7 == 0}
            for n, i in enumerate(chosen)
        ],
        "notes": {
            "investigation": "benchmark",
            "entities": {i: f"note {n}" for n, i in enumerate(chosen) if n % 10 == 0},
        },
        "layout": {"kind": "manual"},
    }
    t = time.perf_counter()
    r = client.post("/investigations", headers=h, json={"title": f"bench {size}", "chart": chart})
    create_ms = (time.perf_counter() - t) * 1000
    assert r.status_code == 201, r.text[:300]
    inv = r.json()["id"]
    version = [1]

    def open_() -> None:
        got = client.get(f"/investigations/{inv}", headers=h)
        assert got.status_code == 200 and len(got.json()["chart"]["entities"]) == size

    def save() -> None:
        got = client.put(f"/investigations/{inv}", headers=h, json={"version": version[0], "chart": chart})
        assert got.status_code == 200, got.text[:300]
        version[0] = got.json()["version"]

    open_ms = median_ms(open_, repeat)
    save_ms = median_ms(save, repeat)
    base_ms = median_ms(lambda: store.node_labels(chosen), repeat)
    print(
        f"  {size:>6,} entities: create {create_ms:7.1f} ms, open {open_ms:7.1f} ms, save {save_ms:7.1f} ms; "
        f"node_labels baseline {base_ms:6.1f} ms; open/baseline {open_ms / base_ms:5.1f}x; "
        f"answer {len(r.content) / 1e6:.2f} MB",
        flush=True,
    )
    return {
        "size": size,
        "create": create_ms,
        "open": open_ms,
        "save": save_ms,
        "baseline": base_ms,
        "bytes": len(r.content),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entities", type=int, default=25_000, help="entities in the synthetic world")
    ap.add_argument("--sizes", default="2000,20000", help="chart sizes (comma-separated)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--neo4j", default="", help="also run on the Neo4j at this bolt URI (it is wiped)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    from compoundgraph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print("embedded:", flush=True)
        store = EmbeddedStore(tmp / "bench.sqlite")
        bench(store, tmp, load_world(store, args.entities, args.seed), sizes, args.repeat)
        store.close()
        if args.neo4j:
            from neo4j import GraphDatabase

            from compoundgraph.store.neo4j import Neo4jStore

            print(f"neo4j ({args.neo4j}):", flush=True)
            driver = GraphDatabase.driver(args.neo4j, auth=("neo4j", "neo4j"), notifications_min_severity="OFF")
            try:
                neo = Neo4jStore(driver, uri=args.neo4j)
                neo.init_schema()
                ids = load_world(neo, args.entities, args.seed)
                (tmp / "neo").mkdir()
                bench(neo, tmp / "neo", ids, sizes, args.repeat)
                neo.delete_all(confirm=True)
            finally:
                driver.close()


if __name__ == "__main__":
    main()
