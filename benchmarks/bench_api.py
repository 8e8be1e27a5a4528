"""API benchmark: 2-hop ego networks of random entities under 32 concurrent clients, on both stores.

    .venv/bin/python benchmarks/bench_api.py --entities 1000000            # full scale (slow to build)
    .venv/bin/python benchmarks/bench_api.py --entities 20000 --duration 15 # while developing

For each store (embedded SQLite, Neo4j on port 7714 with data in ``.neo4j-local/bench-api``):

1. build a synthetic world (``compoundgraph.synth``) of ``--entities`` entities, unless the store already
   holds it (a stamp file beside the data says which world it holds), sampling entity ids while writing;
2. baseline, in this process: ``store.ego(id, hops=2, limit=500)`` called directly, one at a time;
3. start ``uvicorn`` (``--workers``) on loopback in a subprocess, with a real API key and the audit log on;
4. from a separate load process, ``--clients`` concurrent httpx clients ask
   ``GET /subgraph/ego?id=<random>&hops=2&limit=500`` for ``--duration`` seconds (after a warm-up);
5. print p50/p95/p99 latency, requests/s, errors, and the ratio of HTTP p50 to the direct-call p50.

``--profile`` also splits one request's time in process: store traversal, JSON shaping (views), response
model validation and JSON rendering. Targets: p95 <= 50 ms on Neo4j, <= 20 ms embedded, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".neo4j-local"
SAMPLE = 5_000
HOPS, LIMIT = 2, 500


# -- world -------------------------------------------------------------------------------------------
def _stamp_path(kind: str, data: Path) -> Path:
    return data.parent / f"{data.name}.{kind}.world.json"


def build_world(store: Any, kind: str, data: Path, entities: int, transfers: int, seed: int) -> list[str]:
    """Load the synthetic world unless the stamp says the store already holds it; return sampled entity ids."""
    from compoundgraph import synth
    from compoundgraph.models import Entity

    stamp = _stamp_path(kind, data)
    want = {"entities": entities, "transfers": transfers, "seed": seed}
    if stamp.exists():
        saved = json.loads(stamp.read_text())
        if saved.get("world") == want:
            print(f"  {kind}: reusing the loaded world ({entities:,} entities)", flush=True)
            return list(saved["ids"])
    print(f"  {kind}: loading {entities:,} entities, {transfers:,} transfers (seed {seed}) ...", flush=True)
    started = time.perf_counter()
    store.delete_all(confirm=True)
    store.init_schema()
    rng = random.Random(seed)
    ids: list[str] = []
    seen = 0

    def sampled() -> Any:
        nonlocal seen
        for record in synth.generate(seed, entities, transfers):
            if isinstance(record, Entity):
                seen += 1
                if len(ids) < SAMPLE:
                    ids.append(record.id)
                elif (j := rng.randrange(seen)) < SAMPLE:
                    ids[j] = record.id
            yield record

    with store.writer() as writer:
        writer.add_all(sampled())
    print(
        f"  {kind}: loaded {writer.summary.entities:,} entities, {writer.summary.claims:,} claims in "
        f"{time.perf_counter() - started:.0f}s",
        flush=True,
    )
    stamp.write_text(json.dumps({"world": want, "ids": ids}))
    return ids


# -- baseline and profile ---------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def direct_baseline(store: Any, ids: list[str], n: int) -> list[float]:
    from compoundgraph.store import ClaimFilter

    rng = random.Random(1)
    out = []
    flt = ClaimFilter()
    for _ in range(n):
        t = time.perf_counter()
        store.ego(rng.choice(ids), HOPS, flt, LIMIT)
        out.append((time.perf_counter() - t) * 1000)
    return out


def profile(store: Any, ids: list[str], n: int) -> dict[str, float]:
    """Median ms of each stage of one ego request, in process."""
    from compoundgraph.api.schemas import Subgraph
    from compoundgraph.store import ClaimFilter
    from compoundgraph.views import ego_json

    rng = random.Random(2)
    stages: dict[str, list[float]] = {
        k: [] for k in ("store.ego", "views.ego_json", "validate", "json", "nodes", "edges")
    }
    prims: dict[str, list[float]] = {}
    wrapped = {}
    for name in ("node_labels", "claims_of", "degrees", "claims_between"):
        fn = getattr(store, name)

        def timed(*a: Any, _fn: Any = fn, _name: str = name, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return _fn(*a, **k)
            finally:
                prims.setdefault(_name, []).append((time.perf_counter() - t) * 1000)

        wrapped[name] = timed
        setattr(store, name, timed)
    try:
        per_call: dict[str, list[float]] = {k: [] for k in wrapped}
        for _ in range(n):
            prims.clear()
            t0 = time.perf_counter()
            net = store.ego(rng.choice(ids), HOPS, ClaimFilter(), LIMIT)
            t1 = time.perf_counter()
            body = ego_json(net)
            t2 = time.perf_counter()
            Subgraph.model_validate(body).model_dump(mode="json", by_alias=True)
            t3 = time.perf_counter()
            json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            t4 = time.perf_counter()
            for k, v in zip(list(stages)[:4], (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                stages[k].append(v * 1000)
            stages["nodes"].append(len(net.nodes))
            stages["edges"].append(len(net.claims))
            for k in wrapped:
                per_call[k].append(sum(prims.get(k, [])))
    finally:
        for name in wrapped:
            delattr(store, name)  # back to the class's method
    out = {k: statistics.median(v) for k, v in stages.items()}
    out.update({f"  {k} (total per ego)": statistics.median(v) for k, v in per_call.items()})
    return out


# -- CPU accounting: robust to a busy shared machine (wall-clock latency is not) --------------------------
def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn workers are children of the supervisor)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process tree (Linux /proc)."""
    if not pid:
        return 0.0
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# -- server and load ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "compoundgraph.cli.serve:app_factory",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-keep-alive",
        "60",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    import httpx

    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not answer /health within 120 s")


async def _load(url: str, key: str, ids: list[str], clients: int, duration: float, warmup: float) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    sizes: list[int] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, limits=limits, timeout=30) as client:
        stop_warm = time.perf_counter() + warmup
        stop = stop_warm + duration

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while (now := time.perf_counter()) < stop:
                t = time.perf_counter()
                try:
                    r = await client.get("/subgraph/ego", params={"id": rng.choice(ids), "hops": HOPS, "limit": LIMIT})
                    ok = r.status_code == 200
                    code = str(r.status_code)
                except httpx.HTTPError as exc:
                    ok, code = False, type(exc).__name__
                    r = None
                ms = (time.perf_counter() - t) * 1000
                if now < stop_warm:
                    continue
                if ok and r is not None:
                    latencies.append(ms)
                    sizes.append(len(r.content))
                else:
                    errors[code] = errors.get(code, 0) + 1

        await asyncio.gather(*(worker(i) for i in range(clients)))
    return {
        "latencies": latencies,
        "errors": errors,
        "duration": duration,
        "bytes_p50": statistics.median(sizes) if sizes else 0,
    }


def run_load(url: str, key: str, ids: list[str], clients: int, duration: float, warmup: float) -> dict[str, Any]:
    """The load runs in its own process, so the client does not share an interpreter with the baseline."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"url": url, "key": key, "ids": ids, "clients": clients, "duration": duration, "warmup": warmup}, f)
    out = f.name + ".out"
    subprocess.run([sys.executable, __file__, "--load-worker", f.name, out], check=True, cwd=ROOT)
    result = json.loads(Path(out).read_text())
    os.unlink(f.name)
    os.unlink(out)
    return result


def load_worker(args_path: str, out_path: str) -> None:
    a = json.loads(Path(args_path).read_text())
    result = asyncio.run(_load(a["url"], a["key"], a["ids"], a["clients"], a["duration"], a["warmup"]))
    Path(out_path).write_text(json.dumps(result))


# -- one store ----------------------------------------------------------------------------------------
def bench_store(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    from compoundgraph.api.security import KeyStore
    from compoundgraph.settings import Settings
    from compoundgraph.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    env = {
        **os.environ,
        "COMPOUNDGRAPH_API_KEYS_PATH": str(tmp / "keys.json"),
        "COMPOUNDGRAPH_API_AUDIT_PATH": str(tmp / "audit.jsonl"),
        "COMPOUNDGRAPH_API_RATE_PER_MINUTE": "0",
    }
    if kind == "neo4j":
        data = Path(args.neo4j_data)
        state = DATA / f"state-{args.neo4j_port}"
        nenv = {
            **os.environ,
            "NEO4J_LOCAL_STATE": str(state),
            "NEO4J_LOCAL_HEAP": args.neo4j_heap,
            "NEO4J_LOCAL_PAGECACHE": args.neo4j_pagecache,
        }
        subprocess.run(
            [str(ROOT / "scripts" / "neo4j-local"), "start", "--port", str(args.neo4j_port), "--data", str(data)],
            check=True,
            env=nenv,
        )
        uri = f"bolt://127.0.0.1:{args.neo4j_port}"
        settings = Settings(neo4j_uri=uri)
        env |= {"COMPOUNDGRAPH_NEO4J_URI": uri}
    else:
        data = Path(args.embedded_path)
        data.parent.mkdir(parents=True, exist_ok=True)
        settings = Settings(neo4j_uri="", embedded_path=data)
        env |= {"COMPOUNDGRAPH_NEO4J_URI": "", "COMPOUNDGRAPH_EMBEDDED_PATH": str(data)}
    with open_store(settings) as store:
        ids = build_world(store, kind, data, args.entities, args.transfers, args.seed)
        store.ego(ids[0], HOPS, None, LIMIT)  # warm caches / connections
        base = direct_baseline(store, ids, args.baseline)
        prof = profile(store, ids, min(args.baseline, 200)) if args.profile else {}
    key = KeyStore(tmp / "keys.json").create("bench", "investigator")[1]
    port = free_port()
    server = start_server(env, args.workers, port)
    neo_pid = None
    if kind == "neo4j":
        pid_file = DATA / f"state-{args.neo4j_port}" / "neo4j.pid"
        neo_pid = int(pid_file.read_text().strip()) if pid_file.exists() else None
    try:
        cpu0 = (cpu_seconds(server.pid), cpu_seconds(neo_pid), time.perf_counter())
        load = run_load(f"http://127.0.0.1:{port}", key, ids, args.clients, args.duration, args.warmup)
        cpu1 = (cpu_seconds(server.pid), cpu_seconds(neo_pid), time.perf_counter())
        # one client: the latency of a request when nothing queues (the 32-client figure is mostly queueing
        # when the CPU is the limit: latency ~ clients / throughput)
        one = run_load(f"http://127.0.0.1:{port}", key, ids, 1, max(5.0, args.duration / 3), 1.0)
    finally:
        server.terminate()
        server.wait(30)
    lat = load["latencies"]
    # CPU per request over the whole run (warm-up included, so divide by every request sent)
    sent = len(lat) * (args.duration + args.warmup) / args.duration if lat else 0
    api_cpu = (cpu1[0] - cpu0[0]) * 1000 / sent if sent else float("nan")
    db_cpu = (cpu1[1] - cpu0[1]) * 1000 / sent if sent and neo_pid else 0.0
    return {
        "api_cpu_ms": api_cpu,
        "db_cpu_ms": db_cpu,
        "ceiling_rps": (os.cpu_count() or 1) * 1000 / (api_cpu + db_cpu) if sent else float("nan"),
        "store": kind,
        "entities": args.entities,
        "requests": len(lat),
        "errors": load["errors"],
        "rps": len(lat) / load["duration"] if lat else 0.0,
        "p50": pct(lat, 50) if lat else float("nan"),
        "p95": pct(lat, 95) if lat else float("nan"),
        "p99": pct(lat, 99) if lat else float("nan"),
        "direct_p50": pct(base, 50),
        "direct_p95": pct(base, 95),
        "bytes_p50": load["bytes_p50"],
        "profile": prof,
        "one_p50": pct(one["latencies"], 50) if one["latencies"] else float("nan"),
        "one_p95": pct(one["latencies"], 95) if one["latencies"] else float("nan"),
        "one_rps": len(one["latencies"]) / one["duration"] if one["latencies"] else 0.0,
        "one_errors": sum(one["errors"].values()),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entities", type=int, default=1_000_000)
    p.add_argument("--transfers", type=int, default=None, help="default: as many as entities")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--stores", default="embedded,neo4j")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--duration", type=float, default=30.0, help="seconds of measured load per store")
    p.add_argument("--warmup", type=float, default=5.0)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--baseline", type=int, default=300, help="direct store.ego calls for the baseline")
    p.add_argument("--profile", action="store_true", help="split one request's time by stage")
    p.add_argument("--neo4j-port", type=int, default=7714)
    p.add_argument("--neo4j-data", default=str(DATA / "bench-api"))
    p.add_argument("--neo4j-heap", default="2g")
    p.add_argument("--neo4j-pagecache", default="2g")
    p.add_argument("--embedded-path", default=str(DATA / "bench-api-embedded" / "store.sqlite"))
    p.add_argument("--load-worker", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.load_worker:
        load_worker(*args.load_worker)
        return
    args.transfers = args.entities if args.transfers is None else args.transfers
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    print(
        f"bench_api: {args.entities:,} entities, {args.clients} clients, {args.workers} workers, "
        f"{args.duration:g}s per store, GET /subgraph/ego hops={HOPS} limit={LIMIT}",
        flush=True,
    )
    results = [bench_store(kind.strip(), args) for kind in args.stores.split(",") if kind.strip()]
    targets = {"embedded": 20.0, "neo4j": 50.0}
    print()
    print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'store':9} {'entities':>10} {'req':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'direct p50':>10} {'http/direct':>11} {'target p95':>10} {'errors':>7}"
    )
    for r in results:
        target = targets.get(r["store"], float("nan"))
        print(
            f"{r['store']:9} {r['entities']:>10,} {r['requests']:>7,} {r['rps']:>7.1f} {r['p50']:>7.1f} "
            f"{r['p95']:>7.1f} {r['p99']:>7.1f} {r['direct_p50']:>10.1f} {r['p50'] / r['direct_p50']:>11.1f} "
            f"{'<= ' + format(target, 'g') + (' ok' if r['p95'] <= target else ' MISSED'):>10} "
            f"{sum(r['errors'].values()):>7}"
        )
        print(
            f"   CPU per request: API server {r['api_cpu_ms']:.1f} ms"
            + (f", Neo4j {r['db_cpu_ms']:.1f} ms" if r["store"] == "neo4j" else "")
            + f" -> at most ~{r['ceiling_rps']:.0f} req/s on {os.cpu_count()} idle cores; with {args.clients} "
            f"clients the p50 can be no lower than ~{args.clients / r['ceiling_rps'] * 1000:.0f} ms"
        )
        print(
            f"   1 client: p50 {r['one_p50']:.1f} ms, p95 {r['one_p95']:.1f} ms, {r['one_rps']:.1f} req/s, "
            f"{r['one_errors']} errors"
        )
        if r["errors"]:
            print(f"   errors: {r['errors']}")
        if r["profile"]:
            kib = r["bytes_p50"] / 1024
            print(f"   {r['store']} profile (median ms per request, in process; answer ~{kib:.0f} KiB):")
            for k, v in r["profile"].items():
                print(f"     {k:32} {v:8.2f}")


if __name__ == "__main__":
    main()
