"""Bulk first load (``load --bulk``: neo4j-admin database import) against the transactional writer, in one run.

    .venv/bin/python benchmarks/bench_bulk.py                     # medium world, both ways
    .venv/bin/python benchmarks/bench_bulk.py --scale large --no-transactional   # large, bulk only
    .venv/bin/python benchmarks/bench_bulk.py --files-only --input world.jsonl   # the CSV files alone, no server

The synthetic world (``compoundgraph synth --scale S``) is written to a JSON-lines file first (untimed).
Each way loads it into a fresh, empty database of a Neo4j the script starts with ``scripts/neo4j-local``
on ``--port`` (data under ``--work``; stopped afterwards), and is timed from the file to a database that
answers queries with its constraints, indexes and full-text index online:

- bulk: :func:`compoundgraph.bulk.run_bulk` in this process (reading and checking, the importer's files,
  the server stopped, the importer, the server started, the schema step); peak RSS is this process's own
  (``ru_maxrss``), and nothing else runs in it before;
- transactional: ``compoundgraph load FILE`` in a child process (schema first, then the batched writer).

Floors, measured in the same run: reading and validating the file alone (the readers the bulk path
shares with the transactional one), and the importer alone on the prepared files (from the bulk run).
``--files-only`` times just the Python side of the bulk path, without a server: the world read, checked and
written into the importer's files (:class:`compoundgraph.bulk.writer.BulkSink` behind
:func:`compoundgraph.bulk.load_jsonl_bulk`, then ``finish``), against reading and checking alone, in CPU
seconds per 100,000 records (what the machine's neighbours change least).

Targets: >= 50,000 records/s end to end, >= 10x the transactional writer, peak Python memory <= 1 GB.
CPU seconds are printed beside wall time (this process, the importer child, the transactional client and
the Neo4j server): on a shared machine wall time also measures the neighbours.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "scripts" / "neo4j-local"
TARGET_RATE = 50_000
TARGET_RATIO = 10
TARGET_RSS_MB = 1024


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", default="medium", help="synth preset: small, medium, large")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--port", type=int, default=7717, help="port of the Neo4j this script starts")
    p.add_argument("--work", type=Path, default=ROOT / ".neo4j-local" / "bench-bulk", help="scratch folder")
    p.add_argument("--input", type=Path, default=None, help="an existing world file (skip generating)")
    p.add_argument("--no-transactional", action="store_true", help="bulk only (large worlds)")
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    p.add_argument("--files-only", action="store_true", help="only the CSV files, no server (CPU seconds)")
    return p.parse_args(argv)


def _env(args: argparse.Namespace, name: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEO4J_LOCAL_STATE": str(args.work / f"state-{name}"),
        "COMPOUNDGRAPH_NEO4J_URI": f"bolt://127.0.0.1:{args.port}",
        "COMPOUNDGRAPH_ENVIRONMENT": "development",
    }


def _server(args: argparse.Namespace, name: str, verb: str) -> None:
    cmd = [str(LAUNCHER), verb, "--port", str(args.port)]
    if verb == "start":
        cmd += ["--data", str(args.work / f"home-{name}")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=_env(args, name))
    if proc.returncode != 0:
        raise SystemExit(f"neo4j-local {verb} failed:\n{proc.stdout}\n{proc.stderr}")


def _counts(args: argparse.Namespace, name: str) -> int:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(f"bolt://127.0.0.1:{args.port}", auth=("neo4j", "neo4j")) as d:
        n = d.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
        r = d.execute_query("MATCH ()-[r]->() RETURN count(r) AS n").records[0]["n"]
    return int(n + r)


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _server_cpu(args: argparse.Namespace, name: str) -> float:
    """CPU seconds the launcher's server process has used so far (0 if it is not running)."""
    try:
        pid = (args.work / f"state-{name}" / "neo4j.pid").read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bulk(args: argparse.Namespace, world: Path) -> dict[str, float]:
    os.environ.update(_env(args, "bulk"))
    from compoundgraph.bulk import load_jsonl_bulk, run_bulk
    from compoundgraph.settings import get_settings

    get_settings.cache_clear()
    _server(args, "bulk", "start")
    try:
        started, cpu, children = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        summary, run = run_bulk(lambda store: load_jsonl_bulk(store, [world]), args.work / "files", keep_files=False)
        seconds = time.perf_counter() - started
        cpu, children = _cpu(resource.RUSAGE_SELF) - cpu, _cpu(resource.RUSAGE_CHILDREN) - children
        stored = _counts(args, "bulk")
    finally:
        _server(args, "bulk", "stop")
    records = summary.sources + summary.entities + summary.claims
    return {
        "records": records,
        "stored": stored,
        "seconds": seconds,
        "prepare": run.prepare_seconds,
        "importer": run.import_seconds,
        "restart": run.restart_seconds,
        "schema": run.schema_seconds,
        "python_cpu": cpu,
        "importer_cpu": children,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def transactional(args: argparse.Namespace, world: Path) -> dict[str, float]:
    _server(args, "tx", "start")
    try:
        started, children, server = time.perf_counter(), _cpu(resource.RUSAGE_CHILDREN), _server_cpu(args, "tx")
        proc = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "compoundgraph"), "load", str(world)],
            capture_output=True,
            text=True,
            env=_env(args, "tx"),
        )
        seconds = time.perf_counter() - started
        children, server = _cpu(resource.RUSAGE_CHILDREN) - children, _server_cpu(args, "tx") - server
        if proc.returncode != 0:
            raise SystemExit(f"transactional load failed:\n{proc.stdout}\n{proc.stderr}")
        stored = _counts(args, "tx")
    finally:
        _server(args, "tx", "stop")
    return {"seconds": seconds, "stored": stored, "client_cpu": children, "server_cpu": server}


def validation_floor(world: Path) -> dict[str, float]:
    from compoundgraph.loader import read_jsonl

    started, cpu = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
    n = sum(1 for _ in read_jsonl(world))
    return {"records": n, "seconds": time.perf_counter() - started, "cpu": _cpu(resource.RUSAGE_SELF) - cpu}


def files_only(args: argparse.Namespace, world: Path) -> dict[str, float]:
    """Reading, checking and writing the importer's files, without a server; CPU seconds."""
    from compoundgraph.bulk import load_jsonl_bulk
    from compoundgraph.bulk.writer import BulkSink, SinkWriter
    from compoundgraph.settings import get_settings

    class Staging:  # what load_jsonl_bulk asks of a store
        def writer(self) -> SinkWriter:
            return SinkWriter(sink, get_settings().batch_size)

    sink = BulkSink(args.work)
    cpu = _cpu(resource.RUSAGE_SELF)
    summary = load_jsonl_bulk(Staging(), [world])
    sink.finish()
    cpu = _cpu(resource.RUSAGE_SELF) - cpu
    records = summary.sources + summary.entities + summary.claims
    floor = validation_floor(world)
    return {
        "records": records,
        "cpu": cpu,
        "validation_cpu": floor["cpu"],
        "files_cpu_per_100k": (cpu - floor["cpu"]) / records * 100_000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.work = args.work.resolve()
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    world = args.input or args.work / f"{args.scale}.jsonl"
    if args.input is None:
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "compoundgraph"),
                "synth",
                "--scale",
                args.scale,
                "--seed",
                str(args.seed),
                "-o",
                str(world),
            ],
            check=True,
        )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if args.files_only:
        f = files_only(args, world)
        print(
            f"files:  {f['records']:,.0f} records: {f['cpu']:.1f} CPU-s read, checked and written, of which reading "
            f"and checking alone {f['validation_cpu']:.1f}; the files {f['files_cpu_per_100k']:.2f} CPU-s per "
            f"100,000 records; peak RSS {f['peak_rss_mb']:,.0f} MB"
        )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.json:
            args.json.write_text(json.dumps({"scale": args.scale, "files": f}, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(args.work, ignore_errors=True)
        return 0
    b = bulk(args, world)
    rate = b["records"] / b["seconds"]
    out: dict[str, object] = {"scale": args.scale, "bulk": b, "bulk_rate": rate}
    print(f"cpu:    bulk Python {b['python_cpu']:.1f}s, importer (and launcher scripts) {b['importer_cpu']:.1f}s")
    print(
        f"bulk:   {b['records']:,.0f} records in {b['seconds']:.1f}s = {rate:,.0f} records/s end to end "
        f"(files {b['prepare']:.1f}s, importer {b['importer']:.1f}s, restart {b['restart']:.1f}s, schema "
        f"{b['schema']:.1f}s); peak Python RSS {b['peak_rss_mb']:,.0f} MB; {b['stored']:,} nodes+relationships"
    )
    v = validation_floor(world)
    out["validation"] = v
    print(
        f"floor:  reading and validating alone {v['records'] / v['seconds']:,.0f} records/s "
        f"({v['records'] / v['cpu']:,.0f} per CPU second); the importer "
        f"alone {b['records'] / b['importer']:,.0f} records/s"
    )
    if not args.no_transactional:
        t = transactional(args, world)
        t_rate = b["records"] / t["seconds"]
        out.update(transactional=t, transactional_rate=t_rate, ratio=rate / t_rate)
        print(
            f"tx:     {b['records']:,.0f} records in {t['seconds']:.1f}s = {t_rate:,.0f} records/s; "
            f"{t['stored']:,} nodes+relationships; bulk / tx = {rate / t_rate:.1f}x"
        )
        print(f"cpu:    transactional client {t['client_cpu']:.1f}s, Neo4j server {t['server_cpu']:.1f}s")
        if t["stored"] != b["stored"]:
            print("WARNING: the two databases hold different numbers of nodes+relationships")
    print(
        f"target: >= {TARGET_RATE:,} records/s: {'met' if rate >= TARGET_RATE else 'NOT met'}; "
        + (
            f">= {TARGET_RATIO}x: {'met' if out['ratio'] >= TARGET_RATIO else 'NOT met'}; "  # type: ignore[operator]
            if "ratio" in out
            else ""
        )
        + f"peak RSS <= {TARGET_RSS_MB} MB: {'met' if b['peak_rss_mb'] <= TARGET_RSS_MB else 'NOT met'}"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
