"""Ingest benchmark: the same synthetic claims written through the batched writer and one transaction per row.

    .venv/bin/python benchmarks/bench_ingest.py                      # 200,000 batched, 2,000 per row
    .venv/bin/python benchmarks/bench_ingest.py --batched 20000 --per-row 500   # quick
    .venv/bin/python benchmarks/bench_ingest.py --neo4j-uri bolt://127.0.0.1:7687  # a server you started

Without ``--neo4j-uri`` it starts its own Neo4j with ``scripts/neo4j-local`` on ``--port`` (7711) with
data in ``.neo4j-local/bench`` and stops it afterwards; it wipes only a database that is empty or that
carries its own marker node, never anyone else's. The claims are the synthetic world's (``compoundgraph
synth``): mostly TRANSFERRED, plus the compound networks' claims. Sources and entities are loaded first
(timed separately); then the per-row sample (different claims, so nothing is "unchanged") and the batched
run. Per-row is measured on a smaller sample because one transaction per claim takes too long for
hundreds of thousands; the ratio compares rates. Models are built before the clock starts.

Before the timed claim runs, ``--warmup`` other claims are written untimed (a fresh JVM compiles its
write path first; a server in use has done so long ago). Besides wall-clock rates it prints the CPU
seconds the client (this process) and the Neo4j server's query threads (from /proc) spent per run: on a
shared machine wall time mostly measures the neighbours, while ``claims / (client CPU + server CPU)``
estimates the rate on an otherwise idle machine (the writer is sequential: the client prepares a batch
while the server waits, and the other way round).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store import EmbeddedStore, GraphStore
from compoundgraph.synth import generate

ROOT = Path(__file__).resolve().parents[1]
MARKER = "CompoundGraphBenchMarker"
TARGET_RATE = 20_000
TARGET_RATIO = 100


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batched", type=int, default=200_000, help="claims written through the batched writer")
    p.add_argument("--per-row", type=int, default=2_000, help="claims written one transaction each")
    p.add_argument("--warmup", type=int, default=20_000, help="claims written first, untimed (JIT warm-up)")
    p.add_argument("--entities", type=int, default=20_000, help="entities of the synthetic world")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=5_000, help="records per write transaction")
    p.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI", ""), help="use this server")
    p.add_argument("--neo4j-pid", type=int, default=None, help="that server's pid (for its CPU time)")
    p.add_argument("--port", type=int, default=7711, help="port for the Neo4j this script starts")
    p.add_argument("--data", type=Path, default=ROOT / ".neo4j-local" / "bench", help="its data folder")
    p.add_argument("--keep-running", action="store_true", help="leave the started Neo4j up")
    p.add_argument("--skip-neo4j", action="store_true")
    p.add_argument("--skip-embedded", action="store_true")
    p.add_argument("--rewrite", action="store_true", help="also time re-writing the batched claims (unchanged)")
    p.add_argument("--profile", action="store_true", help="profile the batched Neo4j run (top functions)")
    p.add_argument(
        "--floor",
        type=int,
        default=50_000,
        help="claims per bare-statement run that measures the server's own cost (0: skip)",
    )
    return p.parse_args(argv)


Data = tuple[list[Source], list[Entity], list[Claim], list[Claim], list[Claim]]


def world(args: argparse.Namespace) -> Data:
    """Sources, entities, the batched claims, a disjoint per-row sample and warm-up claims, as models."""
    started = time.perf_counter()
    wanted = args.batched + args.per_row + args.warmup
    sources: list[Source] = []
    entities: list[Entity] = []
    claims: list[Claim] = []
    for record in generate(args.seed, args.entities, wanted):
        if isinstance(record, Source):
            sources.append(record)
        elif isinstance(record, Entity):
            entities.append(record)
        else:
            claims.append(record)
            if len(claims) == wanted:
                break
    if len(claims) < wanted:
        raise SystemExit(f"the world has only {len(claims):,} claims; ask for fewer")
    # interleave so both runs see the same mix of claim types (the stream puts transfers last)
    per_row = claims[:: max(1, len(claims) // args.per_row)][: args.per_row] if args.per_row else []
    chosen = {c.id for c in per_row}
    rest = [c for c in claims if c.id not in chosen]
    warmup = rest[:: max(1, len(rest) // args.warmup)][: args.warmup] if args.warmup else []
    chosen.update(c.id for c in warmup)
    batched = [c for c in rest if c.id not in chosen][: args.batched]
    print(
        f"built {len(sources)} sources, {len(entities):,} entities, {len(claims):,} claims as models "
        f"in {time.perf_counter() - started:.1f}s (not timed below)"
    )
    return sources, entities, batched, per_row, warmup


Row = tuple[str, str, int, float, float, float | None]  # store, what, records, wall, client CPU, server CPU


def server_cpu(pid: int | None, every_thread: bool = False) -> float | None:
    """CPU seconds (user + system) the server's query threads (Bolt workers) have used so far.

    Only those threads: a young JVM spends more CPU compiling (C1/C2 threads) than querying, and that
    cost does not recur on a server that has been up for a while. ``every_thread`` counts the whole
    process instead (the collector, checkpoints and the compiler too). None if unknown.
    """
    if pid is None:
        return None
    total = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            if not every_thread and not (task / "comm").read_text().startswith("neo4j.BoltWork"):
                continue
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def timed_write(
    store: GraphStore,
    records: Sequence[Source | Entity | Claim],
    batch_size: int,
    profile: bool = False,
    pid: int | None = None,
) -> tuple[float, float, float | None]:
    """Wall seconds, client CPU seconds and server CPU seconds of writing ``records``."""
    profiler = cProfile.Profile() if profile else None
    cpu0, srv0 = time.process_time(), server_cpu(pid)
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with store.writer(batch_size) as writer:
        writer.add_all(records)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    cpu, srv1 = time.process_time() - cpu0, server_cpu(pid)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
        print(out.getvalue())
    return elapsed, cpu, (srv1 - srv0) if srv0 is not None and srv1 is not None else None


def run_store(
    store: GraphStore,
    name: str,
    data: Data,
    args: argparse.Namespace,
    rows: list[Row],
    profile: bool = False,
    pid: int | None = None,
) -> None:
    sources, entities, batched, per_row, warmup = data
    rows.append(
        (
            name,
            "entities, batched",
            len(sources) + len(entities),
            *timed_write(store, [*sources, *entities], args.batch_size, pid=pid),
        )
    )
    if warmup:  # not timed: JIT-compile the server's write path (and warm caches) as a running server has
        cut = min(len(warmup) // 10, 100)
        timed_write(store, warmup[:cut], 1)
        timed_write(store, warmup[cut:], args.batch_size)
    if per_row:
        rows.append((name, "claims, per row (1 tx each)", len(per_row), *timed_write(store, per_row, 1, pid=pid)))
    rows.append(
        (
            name,
            f"claims, batched ({args.batch_size:,}/tx)",
            len(batched),
            *timed_write(store, batched, args.batch_size, profile, pid=pid),
        )
    )
    if args.rewrite:
        rows.append(
            (
                name,
                "claims, batched again (unchanged)",
                len(batched),
                *timed_write(store, batched, args.batch_size, pid=pid),
            )
        )
    counts = store.counts()
    total = sum(counts["relationships"].values())
    expected = len(batched) + len(per_row) + len(warmup)
    if total != expected:
        raise SystemExit(f"{name}: the store holds {total:,} claims, expected {expected:,}")


# The server's own cost of storing a claim, apart from this project's writer: bare ``UNWIND ... CREATE`` of
# the writer's own rows on scratch relationship types, the ends found by element id (the cheapest lookup
# Neo4j has; the writer must find them by their ``id`` property), no reads, no checks. Each step adds what a
# claim needs: its properties, then the uniqueness constraint and source index every claim type carries.
FLOOR_STEPS = (
    ("bare relationship, no properties", "BenchFloorBare", "", ()),
    ("+ the claim's properties", "BenchFloorProps", "SET r = row.props", ()),
    (
        "+ id constraint and source index",
        "BenchFloorIndexed",
        "SET r = row.props",
        (
            "CREATE CONSTRAINT bench_floor_uid IF NOT EXISTS FOR ()-[r:BenchFloorIndexed]-() REQUIRE r.id IS UNIQUE",
            "CREATE INDEX bench_floor_source IF NOT EXISTS FOR ()-[r:BenchFloorIndexed]-() ON (r.source)",
        ),
    ),
)
FLOOR_MATCH = "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b"
FLOOR_CLEANUP = ("DROP CONSTRAINT bench_floor_uid IF EXISTS", "DROP INDEX bench_floor_source IF EXISTS")


def run_batches(session: Any, query: str, rows: list[dict[str, Any]], size: int) -> None:
    for i in range(0, len(rows), size):
        batch = rows[i : i + size]
        session.execute_write(lambda tx: tx.run(query, rows=batch).consume())  # noqa: B023 (runs right here)


FloorRow = tuple[str, int, float, float | None, float | None]  # what, claims, wall, Bolt worker CPU, process CPU


def server_floor(driver: Any, claims: list[Claim], args: argparse.Namespace, pid: int | None) -> list[FloorRow]:
    """Wall-clock and server CPU of the bare statements (the client's CPU is left out)."""
    from compoundgraph.store.neo4j import _prepare

    n = min(args.floor, len(claims))
    with driver.session() as session:
        ends = sorted({i for c in claims[:n] for i in (c.subject, c.object)})
        element = {
            r["id"]: r["e"]
            for r in session.run(
                "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN n.id AS id, elementId(n) AS e", ids=ends
            )
        }
        prepared = [p for group in _prepare(claims[:n]).values() for p in group]
        rows = [
            {"a": element[p.claim.subject], "b": element[p.claim.object], "props": p.row["props"]} for p in prepared
        ]
        out: list[FloorRow] = []
        try:
            for what, rel, props, schema in FLOOR_STEPS:
                for statement in schema:
                    session.run(statement).consume()
                query = f"{FLOOR_MATCH} CREATE (a)-[r:{rel}]->(b) {props}"
                run_batches(session, query, rows[: n // 5], args.batch_size)  # warm-up, untimed, then deleted
                session.run(f"MATCH ()-[r:{rel}]->() DELETE r").consume()
                bolt0, all0, started = server_cpu(pid), server_cpu(pid, every_thread=True), time.perf_counter()
                run_batches(session, query, rows, args.batch_size)
                wall = time.perf_counter() - started
                bolt1, all1 = server_cpu(pid), server_cpu(pid, every_thread=True)
                out.append(
                    (
                        what,
                        n,
                        wall,
                        None if bolt0 is None or bolt1 is None else bolt1 - bolt0,
                        None if all0 is None or all1 is None else all1 - all0,
                    )
                )
        finally:
            for _what, rel, _props, _schema in FLOOR_STEPS:
                session.run(f"MATCH ()-[r:{rel}]->() CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 50000 ROWS").consume()
            for statement in FLOOR_CLEANUP:
                session.run(statement).consume()
    return out


def start_neo4j(args: argparse.Namespace) -> str:
    cmd = [str(ROOT / "scripts" / "neo4j-local"), "start", "--port", str(args.port), "--data", str(args.data)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"Neo4j did not start:\n{proc.stdout}\n{proc.stderr}")
    return f"bolt://127.0.0.1:{args.port}"


def neo4j_pid(args: argparse.Namespace) -> int | None:
    """The server's pid, for CPU accounting: --neo4j-pid, or the launcher's state file for --port."""
    if args.neo4j_pid:
        return int(args.neo4j_pid)
    state = ROOT / ".neo4j-local" / ("." if args.port == 7687 else f"state-{args.port}") / "neo4j.pid"
    try:
        return int(state.read_text().strip())
    except (OSError, ValueError):
        return None


def stop_neo4j(args: argparse.Namespace) -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "neo4j-local"), "stop", "--port", str(args.port)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def neo4j_store(uri: str, batch_size: int) -> tuple[GraphStore, object]:
    """A Neo4jStore on ``uri``, emptied only if it is empty or ours (its marker node)."""
    from neo4j import GraphDatabase

    from compoundgraph.store.neo4j import Neo4jStore

    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "neo4j"))
    driver = GraphDatabase.driver(uri, auth=auth)
    records, _, _ = driver.execute_query(
        f"OPTIONAL MATCH (m:{MARKER}) WITH count(m) AS marked "
        "OPTIONAL MATCH (n) WITH marked, count(n) AS nodes RETURN marked, nodes"
    )
    if records[0]["nodes"] and not records[0]["marked"]:
        driver.close()
        raise SystemExit(f"{uri} holds data this benchmark did not make; refusing to wipe it")
    store = Neo4jStore(driver, batch_size=batch_size, uri=uri)
    store.delete_all(confirm=True)
    driver.execute_query(f"MERGE (:{MARKER} {{created_by: 'compoundgraph bench_ingest'}})")
    store.init_schema()
    return store, driver


def _us(cpu: float | None, n: int) -> str:
    return f"{cpu / n * 1e6:.1f} us/claim" if cpu else "-"


def report(rows: list[Row], floor: list[FloorRow]) -> None:
    print()
    print(
        f"| {'store':<8} | {'what':<34} | {'records':>8} | {'wall s':>7} | {'per second':>10} "
        f"| {'client CPU s':>12} | {'server CPU s':>12} | {'per CPU-second':>14} |"
    )
    print(f"|{'-' * 10}|{'-' * 36}|{'-' * 9}:|{'-' * 8}:|{'-' * 11}:|{'-' * 13}:|{'-' * 13}:|{'-' * 15}:|")
    for store, what, n, wall, cpu, srv in rows:
        srv_text = f"{srv:>12.2f}" if srv is not None else f"{'-':>12}"
        per_cpu = n / (cpu + (srv or 0.0)) if cpu + (srv or 0.0) > 0 else float("nan")
        print(
            f"| {store:<8} | {what:<34} | {n:>8,} | {wall:>7.2f} | {n / wall:>10,.0f} | {cpu:>12.2f} "
            f"| {srv_text} | {per_cpu:>14,.0f} |"
        )
    print()
    for name in ("neo4j", "embedded"):
        found = {what: (n / wall, n / (cpu + (srv or 0.0))) for store, what, n, wall, cpu, srv in rows if store == name}
        batched = next((r for w, r in found.items() if w.startswith("claims, batched (")), None)
        per_row = found.get("claims, per row (1 tx each)")
        if batched and per_row:
            print(
                f"{name}: batched / per-row = {batched[0] / per_row[0]:,.0f}x wall-clock, "
                f"{batched[1] / per_row[1]:,.0f}x per CPU-second"
            )
        if name == "neo4j" and batched:
            ratio_ok = per_row is not None and batched[0] / per_row[0] >= TARGET_RATIO
            print(
                f"neo4j targets (wall-clock): batched >= {TARGET_RATE:,} claims/s: "
                f"{'met' if batched[0] >= TARGET_RATE else 'MISSED'} ({batched[0]:,.0f}); "
                f"batched >= {TARGET_RATIO}x per-row: {'met' if ratio_ok else 'MISSED'}"
            )
    if floor:
        cores = os.cpu_count() or 1
        print("\nthe server's own cost of a claim, apart from the writer (bare UNWIND ... CREATE, ends by element id):")
        print(
            f"  {'':<36} {'per second':>10} {'Bolt worker CPU':>16} {'whole server CPU':>17} "
            f"{'rate if all ' + str(cores) + ' cores ran the server':>34}"
        )
        for what, n, wall, bolt, whole in floor:
            print(
                f"  {what:<36} {n / wall:>10,.0f} {_us(bolt, n):>16} {_us(whole, n):>17} "
                f"{(f'{cores * n / whole:,.0f} claims/s' if whole else '-'):>34}"
            )
        writer = next(
            (
                (n, srv)
                for store, what, n, _w, _c, srv in rows
                if store == "neo4j" and what.startswith("claims, batched (") and srv
            ),
            None,
        )
        if writer:
            print(f"  {'the writer (reads, checks, creates)':<36} {'':>10} {_us(writer[1], writer[0]):>16}")
    print(f"(machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end)")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"bench_ingest: {args.batched:,} claims batched, {args.per_row:,} per row, world of "
        f"{args.entities:,} entities (seed {args.seed}), batch size {args.batch_size:,}"
    )
    data = world(args)
    rows: list[Row] = []
    floor: list[FloorRow] = []
    if not args.skip_neo4j:
        started_here = not args.neo4j_uri
        uri = args.neo4j_uri or start_neo4j(args)
        try:
            store, driver = neo4j_store(uri, args.batch_size)
            try:
                pid = neo4j_pid(args) if started_here or args.neo4j_pid else None
                run_store(store, "neo4j", data, args, rows, profile=args.profile, pid=pid)
                if args.floor:
                    floor = server_floor(driver, data[2], args, pid)
            finally:
                driver.close()  # type: ignore[attr-defined]
        finally:
            if started_here and not args.keep_running:
                stop_neo4j(args)
    if not args.skip_embedded:
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            store = EmbeddedStore(Path(tmp) / "bench.sqlite", batch_size=args.batch_size)
            try:
                run_store(store, "embedded", data, args, rows)
            finally:
                store.close()
    report(rows, floor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
