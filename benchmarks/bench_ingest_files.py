"""Transfers from a CSV chain export into the embedded store and into Neo4j: rows per second.

The CSV is written first by the synthetic generator (``compoundgraph.synth.write_transfers_csv``: TRON and
Ethereum transfers, checksum-valid addresses), outside the timings. Then, in the same run:

- baseline: reading the CSV with ``csv.reader`` alone (how fast rows can arrive at all);
- reader: ``ingest --dry-run`` (parse, checksum every address, exact amounts, build records; no store);
- embedded / neo4j: the full ``ingest`` into each store (a fresh, empty store each time);
- SQLite alone: the embedded store's own claim rows, read back and written ready-made into a fresh store file
  with the writer's statements (its per-batch lookup of existing claims, its insert, its indexes dropped and
  rebuilt once) - what SQLite itself costs here, with no parsing, checking or record building at all.

Each figure is printed as rows/s and as a ratio to the baseline; targets: >= 50,000/s embedded, >= 20,000/s
Neo4j. Neo4j is the project's local launcher, started separately:

    scripts/neo4j-local start --port 7712 --data .neo4j-local/bench-files
    .venv/bin/python benchmarks/bench_ingest_files.py --transfers 1000000 --neo4j bolt://127.0.0.1:7712

Use a smaller ``--transfers`` while developing, and ``--no-reader`` to skip the dry run. The machine's load
average is printed before and after: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

from compoundgraph.ingest import Options, ingest
from compoundgraph.store import EmbeddedStore, GraphStore
from compoundgraph.store.embedded_writer import _CLAIM_COLUMNS, _CLAIM_FPS, _CLAIM_INDEXES, _CLAIM_INSERT
from compoundgraph.synth import write_transfers_csv

TARGETS = {"embedded": 50_000, "neo4j": 20_000}


def progress(label: str):  # type: ignore[no-untyped-def]
    """Print the running rate every 100,000 rows, so a long run shows its figure before it ends."""
    start = time.perf_counter()
    mark = [0]

    def report(_file: str, done: int, _total: int | None) -> None:
        if done - mark[0] >= 100_000:
            mark[0] = done
            took = time.perf_counter() - start
            print(f"{'':>12}{label}: {done:,} rows in {took:,.0f} s ({done / took:,.0f}/s)", flush=True)

    return report


def timed(label: str, rows: int, fn, baseline: float | None = None) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    rate = rows / took
    ratio = f"  ({rate / baseline:.2f}x baseline)" if baseline else ""
    target = TARGETS.get(label)
    verdict = "" if target is None else ("  target met" if rate >= target else f"  BELOW target {target:,}/s")
    print(f"{label:>10}: {rows:,} transfers in {took:7.1f} s = {rate:10,.0f} rows/s{ratio}{verdict}", flush=True)
    if result is not None and hasattr(result, "line"):
        print(f"{'':>12}{result.line()}")
    return rate


def sqlite_alone(loaded: Path, work: Path, batch: int) -> None:
    """Write the claim rows of the store at ``loaded`` into a fresh store file as the embedded writer does."""
    with closing(sqlite3.connect(loaded)) as old:
        rows = old.execute(f"SELECT {_CLAIM_COLUMNS} FROM claims ORDER BY rowid").fetchall()
    target = work / "sqlite-alone.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    store = EmbeddedStore(target)
    db = store.db
    db.execute("ATTACH DATABASE ? AS loaded", (str(loaded),))  # its sources and entities, untimed
    db.execute("INSERT INTO sources SELECT * FROM loaded.sources")
    db.execute("INSERT INTO entities SELECT * FROM loaded.entities")
    db.execute("DETACH DATABASE loaded")
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for name in _CLAIM_INDEXES:
        db.execute(f"DROP INDEX {name}")
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        db.execute(_CLAIM_FPS, (json.dumps([r[0] for r in chunk]),)).fetchall()
        db.executemany(_CLAIM_INSERT, chunk)
    streamed = time.perf_counter()
    for name, cols in _CLAIM_INDEXES.items():
        db.execute(f"CREATE INDEX {name} {cols}")
    db.execute("COMMIT")
    took = time.perf_counter() - start
    store.close()
    print(
        f"{'SQLite':>10}: {len(rows):,} claim rows in {took:7.1f} s = {len(rows) / took:10,.0f} rows/s  "
        f"(ready-made rows: {streamed - start:.1f} s inserting, {took - streamed + start:.1f} s building the "
        "indexes; the embedded store cannot ingest faster than this on this machine)",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--transfers", type=int, default=1_000_000)
    ap.add_argument("--entities", type=int, default=100_000, help="size of the synthetic world behind the wallets")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--neo4j", default="", help="Bolt URI of a Neo4j to write to (empty: embedded only)")
    ap.add_argument("--batch-size", type=int, default=5_000)
    ap.add_argument("--workdir", type=Path, default=None, help="where the CSV and SQLite file go (default: temp)")
    ap.add_argument("--no-reader", action="store_true", help="skip the dry run (reader-only figure)")
    args = ap.parse_args()
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        path = work / f"transfers-{args.transfers}.csv"
        if not path.exists():
            start = time.perf_counter()
            with path.open("w", newline="", encoding="utf-8") as f:
                write_transfers_csv(f, args.seed, args.entities, args.transfers)
            print(
                f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.0f} s "
                "(not timed below)"
            )
        with path.open(newline="", encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1

        def read_only() -> None:
            with path.open(newline="", encoding="utf-8") as f:
                for _ in csv.reader(f):
                    pass

        base = timed("baseline", rows, read_only)
        if not args.no_reader:
            opts = Options(source_grade="B2", dry_run=True)
            timed(
                "reader",
                rows,
                lambda: ingest(EmbeddedStore(work / "dry.sqlite"), [path], opts, progress=progress("reader")),
                base,
            )

        db = work / "bench.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        store: GraphStore = EmbeddedStore(db, batch_size=args.batch_size)
        timed(
            "embedded",
            rows,
            lambda: ingest(store, [path], Options(source_grade="B2"), progress=progress("embedded")),
            base,
        )
        store.close()
        sqlite_alone(db, work, args.batch_size)

        if args.neo4j:
            import logging

            from neo4j import GraphDatabase

            from compoundgraph.store.neo4j import Neo4jStore

            logging.getLogger("neo4j").setLevel(logging.ERROR)  # schema notifications, not figures
            driver = GraphDatabase.driver(args.neo4j, auth=("neo4j", "neo4j"))
            try:
                neo = Neo4jStore(driver, batch_size=args.batch_size, uri=args.neo4j)
                neo.delete_all(confirm=True)
                neo.init_schema()
                timed(
                    "neo4j",
                    rows,
                    lambda: ingest(neo, [path], Options(source_grade="B2"), progress=progress("neo4j")),
                    base,
                )
            finally:
                driver.close()
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)


if __name__ == "__main__":
    main()
