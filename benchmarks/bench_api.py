"""API benchmark: what an investigator feels when clicking - 2-hop ego networks on a million entities.

    .venv/bin/python benchmarks/bench_api.py --neo4j-port 7705                  # full scale, both stores
    .venv/bin/python benchmarks/bench_api.py --entities 20000 --duration 10 --neo4j-port 7705  # while developing

For each store (embedded SQLite; Neo4j on ``--neo4j-port`` with data in ``--neo4j-data``):

1. the world: ``compoundgraph synth`` (seed 1, ``--entities``, as many transfers) written to a JSON-lines file
   once, then loaded unless the store already holds it (a stamp file beside the data says which world it
   holds): the embedded store through the writer, Neo4j through the bulk loader (``neo4j-admin database
   import``: the database must be empty);
2. the sample: ``--sample`` entities from the world file, nine in ten drawn uniformly and one in ten from
   the 1,000 wallets with the most transfers (the heavy tail: hubs whose neighbourhoods hit the cap);
3. direct, in this process: ``store.ego(id, hops=2, limit=500)`` for every sampled entity, one at a time;
   where the store answers with its own query (Neo4j), the shared walk (``GraphStore.ego``, what it did
   before) is timed beside it on the same entity and the two answers compared; ``--db-hits N`` also sums the
   PROFILE db hits of both for the first N entities;
4. ``uvicorn`` (``--workers``, the protocol ``compoundgraph serve`` runs) on loopback in a subprocess, with a
   real API key and the audit log on; then, from a separate process: one client (a plain keep-alive
   ``http.client`` connection) asking ``GET /subgraph/ego?id=<id>&hops=2&limit=500`` for the same entities in
   the same order, beside ``GET /health`` (the floor of a request on this machine); 8 concurrent clients
   for ``--duration`` seconds on a lean generator (asyncio streams, httptools' parser), the same 8 on httpx
   (what earlier runs used: several times the CPU per request, on the cores the server needs), and 32 lean
   clients for as long (kept for continuity);
5. the floor: ``bare_api.py`` (the store call on the API's store threads and the chart's JSON, nothing else)
   under the same uvicorn beside it, given the same one-client pass, then each entity asked directly, of the
   API and of the bare server back to back in rotating order (the paired pass): the API overhead, what any
   Python server adds on this machine, and the API's own share of it, all measured at the same moments;
6. figures: p50/p95/p99, requests/s, errors, API overhead (one-client HTTP p50 minus direct p50; paired), the
   8-client p95 against 4x the one-client p95, and CPU per request (API server, Neo4j, the load generator);
7. beside the 8 clients, 8 processes calling ``store.ego`` directly in a closed loop (no HTTP, no load
   generator): what sharing the cores costs the store alone - eight callers that always have a call in flight
   on two cores stretch each call about fourfold however fast the API is.

Targets: one client p95 <= 25 ms embedded, <= 40 ms Neo4j; API overhead <= 1.5 ms; 8 clients p95 <= 4x the
one-client p95 with no errors. ``--profile`` splits one request's time in process: store traversal, JSON
shaping (views), response model validation and JSON rendering.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import http.client
import json
import os
import random
import resource
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
HOPS, LIMIT = 2, 500
HEAVY_POOL = 1_000  # the wallets with the most transfers, of which a tenth of the sample is drawn
TARGET_ONE_P95 = {"embedded": 25.0, "neo4j": 40.0}
TARGET_OVERHEAD_MS = 1.5
TARGET_CONCURRENT_RATIO = 4.0


# -- world -------------------------------------------------------------------------------------------
def world_file(args: argparse.Namespace) -> Path:
    """The synthetic world as JSON lines (made once; the same seed and sizes give the same bytes)."""
    path = Path(args.world) if args.world else DATA / "bench-api-world" / f"world-{args.entities}-seed{args.seed}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"  writing the world to {path} ...", flush=True)
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "compoundgraph"),
                "synth",
                "--seed",
                str(args.seed),
                "--entities",
                str(args.entities),
                "--transfers",
                str(args.transfers),
                "-o",
                str(path),
            ],
            check=True,
        )
    return path


def sample_ids(world: Path, n: int, seed: int) -> list[str]:
    """``n`` entity ids: nine in ten uniformly (reservoir), one in ten from the wallets with most transfers."""
    cache = world.with_suffix(f".sample-{n}-{seed}.json")
    if cache.exists():
        return list(json.loads(cache.read_text()))
    rng = random.Random(seed)
    uniform = n - n // 10
    ids: list[str] = []
    seen = 0
    transfers: collections.Counter[str] = collections.Counter()
    with world.open("rb") as f:
        for line in f:
            if line.startswith(b'{"record": "entity"'):
                seen += 1
                eid = json.loads(line)["id"]
                if len(ids) < uniform:
                    ids.append(eid)
                elif (j := rng.randrange(seen)) < uniform:
                    ids[j] = eid
            elif b'"TRANSFERRED"' in line:
                rec = json.loads(line)
                transfers.update((rec["subject"], rec["object"]))
    pool = sorted(w for w, _ in transfers.most_common(HEAVY_POOL))
    heavy = rng.sample(pool, min(n // 10, len(pool)))
    out = ids + [h for h in heavy if h not in set(ids)]
    rng.shuffle(out)
    cache.write_text(json.dumps(out))
    return out


def _stamp_path(kind: str, data: Path) -> Path:
    return data.parent / f"{data.name}.{kind}.world.json"


def ensure_world(store: Any, kind: str, data: Path, world: Path, args: argparse.Namespace) -> None:
    """Load ``world`` unless the stamp says the store already holds it."""
    from compoundgraph.loader import load_jsonl

    stamp = _stamp_path(kind, data)
    want = {"file": world.name, "bytes": world.stat().st_size}
    if stamp.exists() and json.loads(stamp.read_text()).get("world") == want:
        print(f"  {kind}: reusing the loaded world ({world.name})", flush=True)
        return
    print(f"  {kind}: loading {world.name} ...", flush=True)
    started = time.perf_counter()
    if kind == "neo4j":
        from compoundgraph.bulk import load_jsonl_bulk, run_bulk
        from compoundgraph.settings import Settings

        if store.counts()["labels"]:
            raise SystemExit(
                f"the Neo4j database in {data} holds another world; the bulk loader needs an empty one: stop the "
                f"server and remove {data}"
            )
        summary, _ = run_bulk(
            lambda staging: load_jsonl_bulk(staging, [world]),
            data.parent / f"{data.name}-bulk-{int(time.time())}",
            Settings(neo4j_uri=f"bolt://127.0.0.1:{args.neo4j_port}"),
        )
    else:
        store.delete_all(confirm=True)
        summary = load_jsonl(store, [world])
    took = time.perf_counter() - started
    print(f"  {kind}: loaded {summary.entities:,} entities, {summary.claims:,} claims in {took:.0f}s", flush=True)
    stamp.write_text(json.dumps({"world": want, "load_seconds": round(took, 1)}))


# -- baseline and profile ---------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def _answer(net: Any) -> tuple[Any, ...]:
    return (
        sorted((k, n.label, n.name) for k, n in net.nodes.items()),
        [c.id for c in net.claims],
        net.hops,
        net.supernodes,
        net.truncated,
        sorted(net.context),
    )


def direct(store: Any, ids: list[str]) -> dict[str, Any]:
    """``store.ego`` for each id, one at a time; beside it the shared walk (``GraphStore.ego``) where the store
    answers with its own query, alternating, with the two answers compared."""
    from compoundgraph.store import ClaimFilter, GraphStore

    own = type(store).ego is not GraphStore.ego
    flt = ClaimFilter()
    mine: list[float] = []
    cpu: list[float] = []  # this process's CPU per own call (the embedded store's whole cost; Neo4j's client side)
    shared: list[float] = []
    differ: list[str] = []
    sizes: list[int] = []
    usage0, read0 = resource.getrusage(resource.RUSAGE_SELF), _read_bytes("self")
    for i, eid in enumerate(ids):
        order = (False, True) if i % 2 else (True, False)  # who goes first alternates (warm caches)
        got: dict[bool, Any] = {}
        for is_own in order if own else (True,):
            t, c = time.perf_counter(), time.process_time()
            got[is_own] = store.ego(eid, HOPS, flt, LIMIT) if is_own else GraphStore.ego(store, eid, HOPS, flt, LIMIT)
            (mine if is_own else shared).append((time.perf_counter() - t) * 1000)
            if is_own:
                cpu.append((time.process_time() - c) * 1000)
        sizes.append(len(got[True].nodes))
        if own and _answer(got[True]) != _answer(got[False]):
            differ.append(eid)
    usage1, read1 = resource.getrusage(resource.RUSAGE_SELF), _read_bytes("self")
    return {
        "ms": mine,
        "cpu_ms": cpu,
        "shared_ms": shared,
        "differ": differ,
        "nodes": sizes,
        "sys_ms": (usage1.ru_stime - usage0.ru_stime) * 1000 / len(ids),
        "major_faults": (usage1.ru_majflt - usage0.ru_majflt) / len(ids),
        "read_kib": (read1 - read0) / 1024 / len(ids),
    }


def db_hits(store: Any, ids: list[str]) -> dict[str, list[int]]:
    """PROFILE db hits of one ego: the store's own query, and every query of the shared walk summed."""
    from compoundgraph.store import ClaimFilter, GraphStore
    from compoundgraph.store.neo4j import Neo4jStore

    def total(plan: Any) -> int:
        return int(plan.get("dbHits", 0)) + sum(total(c) for c in plan.get("children", []))

    hits: list[int] = []

    def profiled(take: Any) -> Any:
        """A read of the store's that sends ``PROFILE`` + the query and adds up its db hits."""

        def read(self: Any, query: str, **params: Any) -> Any:
            with self.driver.session(database=self.database) as session:
                result = session.run("PROFILE " + query, params)
                value = take(result)
                hits.append(total(result.consume().profile))
            return value

        return read

    def first(result: Any) -> dict[str, Any] | None:
        record = result.single()
        return dict(zip(record.keys(), record.values(), strict=True)) if record else None

    # every read of the store goes through these two (_read_rows through _read_first)
    plain = {"_read": Neo4jStore._read, "_read_first": Neo4jStore._read_first}
    out: dict[str, list[int]] = {"own": [], "shared": []}
    Neo4jStore._read = profiled(lambda result: result.data())
    Neo4jStore._read_first = profiled(first)
    try:
        for eid in ids:
            for name, fn in (("own", store.ego), ("shared", lambda *a: GraphStore.ego(store, *a))):
                hits.clear()
                fn(eid, HOPS, ClaimFilter(), LIMIT)
                out[name].append(sum(hits))
    finally:
        for name, method in plain.items():
            setattr(Neo4jStore, name, method)
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


def _read_bytes(pid: int | str) -> int:
    """Bytes a process has read from storage (not from the page cache), from /proc/<pid>/io."""
    try:
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_stats(pid: int | None) -> tuple[float, float, int, int]:
    """CPU seconds (user + system), system seconds, major page faults and bytes read from storage of a process
    tree (Linux /proc).

    This machine's kernel pages out memory it sees unused (DAMON), the page cache of a store's files included:
    a leg that finds its pages gone reads them back from disk (major faults through SQLite's memory map,
    ``read_bytes`` either way) and pays for it in system CPU and waiting."""
    if not pid:
        return 0.0, 0.0, 0, 0
    cpu = sys_s = 0.0
    major = read = 0
    tick = os.sysconf("SC_CLK_TCK")
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / tick
        sys_s += int(fields[12]) / tick
        major += int(fields[9])
        read += _read_bytes(p)
    return cpu, sys_s, major, read


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process tree (Linux /proc)."""
    return proc_stats(pid)[0]


# -- server and load ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


API_APP = "compoundgraph.cli.serve:app_factory"  # what `compoundgraph serve` runs
BARE_APP = "benchmarks.bare_api:app_factory"  # the floor: the store call and the JSON shape, nothing else


def start_server(env: dict[str, str], workers: int, port: int, app: str = API_APP) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
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
        "--http",
        "compoundgraph.api.http:CappedHttpProtocol",  # what `compoundgraph serve` runs
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    import httpx

    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                settle(proc.pid)
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not answer /health within 120 s")


def settle(pid: int, quiet: float = 0.05, limit: float = 90.0) -> None:
    """Wait until the server's processes use almost no CPU: the first worker answers ``/health`` while the
    others are still importing and opening the store (on Neo4j, with the schema step), which would otherwise
    be counted against the first requests."""
    stop = time.time() + limit
    before = cpu_seconds(pid)
    while time.time() < stop:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - before < quiet:
            return
        before = now


class _Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams, its answers parsed by httptools (the parser
    uvicorn runs): the lean load generator, a few times less CPU per request than httpx, which on two cores
    competes with the server it measures."""

    def __init__(self, host: str, port: int, key: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nX-API-Key: {key}\r\n\r\n".encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.size, self.done = 0, False

    def on_body(self, body: bytes) -> None:
        self.size += len(body)

    def on_message_complete(self) -> None:
        self.done = True

    async def get(self, path: str) -> tuple[int, int]:
        """``(status, body bytes)``; a closed or broken connection raises ``OSError`` and is opened anew next."""
        import httptools

        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        self.size, self.done = 0, False
        try:
            writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.head)
            parser = httptools.HttpResponseParser(self)
            while not self.done:
                data = await asyncio.wait_for(reader.read(1 << 16), 30)
                if not data:
                    raise ConnectionResetError("the server closed the connection")
                parser.feed_data(data)
        except (OSError, TimeoutError, httptools.HttpParserError):
            writer.close()
            self.streams = None
            raise
        return parser.get_status_code(), self.size

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


class _Shared:
    """The :class:`_Connection` interface on one shared httpx client (what the runs before the lean generator
    used)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def get(self, path: str) -> tuple[int, int]:
        r = await self.client.get(path)
        return r.status_code, len(r.content)

    def close(self) -> None:
        pass


async def _load(
    url: str, key: str, ids: list[str], clients: int, duration: float, warmup: float, lean: bool = True
) -> dict[str, Any]:
    """``clients`` closed-loop clients asking random entities; ``lean``: each on its own :class:`_Connection`,
    else all on one httpx client."""
    import contextlib

    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    sizes: list[int] = []
    host, port = url.removeprefix("http://").rsplit(":", 1)
    cpu0 = time.process_time()
    async with contextlib.AsyncExitStack() as stack:
        if not lean:
            limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
            shared = _Shared(
                await stack.enter_async_context(
                    httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, limits=limits, timeout=30)
                )
            )
        stop_warm = time.perf_counter() + warmup
        stop = stop_warm + duration

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            conn = _Connection(host, int(port), key) if lean else shared
            while (now := time.perf_counter()) < stop:
                t = time.perf_counter()
                try:
                    status, size = await conn.get(f"/subgraph/ego?id={rng.choice(ids)}&hops={HOPS}&limit={LIMIT}")
                    code = str(status)
                except Exception as exc:  # counted, not raised: an error is a figure here
                    status, size, code = 0, 0, type(exc).__name__
                ms = (time.perf_counter() - t) * 1000
                if now < stop_warm:
                    continue
                if status == 200:
                    latencies.append(ms)
                    sizes.append(size)
                else:
                    errors[code] = errors.get(code, 0) + 1
            conn.close()

        await asyncio.gather(*(worker(i) for i in range(clients)))
    return {
        "client_cpu_s": time.process_time() - cpu0,
        "latencies": latencies,
        "errors": errors,
        "duration": duration,
        "bytes_p50": statistics.median(sizes) if sizes else 0,
    }


def one_client(
    port: int,
    key: str,
    ids: list[str],
    warmup: int,
    health: int,
    direct_target: list[str] | None = None,
    bare_port: int | None = None,
) -> dict[str, Any]:
    """One client on one keep-alive connection: ``GET /health`` ``health`` times (the floor of a request),
    then the ego of each id in order (after ``warmup`` of them, not counted); with ``direct_target`` (store
    kind, where) instead, each id asked of the store directly in this process and over HTTP back to back,
    which goes first alternating: the API overhead with both measured at the same moment. With ``bare_port``
    too (``bare_api.py`` serving the same store), each id is also asked of it, the three in rotating order."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    bare = http.client.HTTPConnection("127.0.0.1", bare_port, timeout=60) if bare_port else None
    headers = {"X-API-Key": key}
    split: dict[str, list[float]] = {"outside": [], "api": [], "handoff": [], "store": []}

    def get(path: str, via: http.client.HTTPConnection = conn) -> tuple[int, int, float]:
        t = time.perf_counter()
        via.request("GET", path, headers=headers)
        r = via.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t) * 1000
        spent = dict(server_timing(r.getheader("server-timing", "")))
        # where this ego's time went, by the server's account
        if r.status == 200 and path.startswith("/subgraph/ego") and "store" in spent:
            split["outside"].append(ms - spent["app"])
            split["api"].append(spent["app"] - spent["store"] - spent["handoff"])
            split["handoff"].append(spent["handoff"])
            split["store"].append(spent["store"])
        return r.status, len(body), ms

    floor = [get("/health")[2] for _ in range(health)]
    if not ids:
        conn.close()
        return {"latencies": [], "errors": {}, "health": floor, "bytes_p50": 0}
    for eid in ids[:warmup]:
        get(f"/subgraph/ego?id={eid}&hops={HOPS}&limit={LIMIT}")
    for v in split.values():
        v.clear()
    latencies, errors, sizes = [], collections.Counter[str](), []
    for eid in ids if not direct_target else ():
        status, size, ms = get(f"/subgraph/ego?id={eid}&hops={HOPS}&limit={LIMIT}")
        if status == 200:
            latencies.append(ms)
            sizes.append(size)
        else:
            errors[str(status)] += 1
    one_split = {k: list(v) for k, v in split.items()}
    for v in split.values():
        v.clear()
    paired: dict[str, list[float]] = {"http": [], "direct": [], "bare": []}
    if direct_target:  # the same entities again, each asked directly and over HTTP back to back
        from compoundgraph.store import open_store

        ways = ["http", "direct", "bare"] if bare else ["http", "direct"]
        with open_store(_settings(*direct_target), init=False) as store:
            for eid in ids[:warmup]:
                store.ego(eid, HOPS, None, LIMIT)
                if bare:
                    get(f"/subgraph/ego?id={eid}&hops={HOPS}&limit={LIMIT}", bare)
            for i, eid in enumerate(ids):
                path = f"/subgraph/ego?id={eid}&hops={HOPS}&limit={LIMIT}"
                for how in ways[i % len(ways) :] + ways[: i % len(ways)]:
                    if how == "direct":
                        t = time.perf_counter()
                        store.ego(eid, HOPS, None, LIMIT)
                        paired["direct"].append((time.perf_counter() - t) * 1000)
                    else:
                        paired[how].append(get(path, bare if how == "bare" and bare else conn)[2])
    conn.close()
    if bare:
        bare.close()
    return {
        "latencies": latencies,
        "errors": dict(errors),
        "health": floor,
        "bytes_p50": statistics.median(sizes) if sizes else 0,
        "paired": paired,
        "split": one_split,
        "paired_split": split,
    }


def server_timing(header: str) -> list[tuple[str, float]]:
    """``Server-Timing: app;dur=3.1, store;dur=2.2`` as ``[("app", 3.1), ("store", 2.2)]`` (ms)."""
    out = []
    for metric in header.split(","):
        name, _, params = metric.strip().partition(";")
        if params.startswith("dur="):
            out.append((name, float(params[4:])))
    return out


def run_load(
    url: str, key: str, ids: list[str], clients: int, duration: float, warmup: float, lean: bool = True
) -> dict[str, Any]:
    """The load runs in its own process, so the client does not share an interpreter with the baseline."""
    return _worker(
        {"url": url, "key": key, "ids": ids, "clients": clients, "duration": duration, "warmup": warmup, "lean": lean}
    )


def run_one(
    port: int,
    key: str,
    ids: list[str],
    warmup: int,
    health: int,
    direct_target: list[str] | None = None,
    bare_port: int | None = None,
) -> dict[str, Any]:
    return _worker(
        {
            "one": True,
            "port": port,
            "key": key,
            "ids": ids,
            "warmup": warmup,
            "health": health,
            "direct_target": direct_target,
            "bare_port": bare_port,
        }
    )


def _worker(task: dict[str, Any]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(task, f)
    out = f.name + ".out"
    subprocess.run([sys.executable, __file__, "--load-worker", f.name, out], check=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(Path(out).read_text())
    os.unlink(f.name)
    os.unlink(out)
    return result


def direct_callers(
    kind: str, target: str, ids: list[str], clients: int, duration: float, warmup: float
) -> dict[str, Any]:
    """``clients`` processes calling ``store.ego`` directly in a closed loop, no HTTP: what sharing the cores
    costs the store alone (each process its own store handle, as the API's workers have)."""
    start = time.time() + 8.0  # every process opens its store first, then all begin together
    procs, outs = [], []
    for i in range(clients):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(
                {
                    "direct": kind,
                    "target": target,
                    "ids": ids,
                    "seed": i,
                    "start": start,
                    "duration": duration,
                    "warmup": warmup,
                },
                f,
            )
        outs.append((f.name, f.name + ".out"))
        procs.append(subprocess.Popen([sys.executable, __file__, "--load-worker", f.name, f.name + ".out"], cwd=ROOT))
    latencies: list[float] = []
    for proc, (task, out) in zip(procs, outs, strict=True):
        if proc.wait() != 0:
            raise SystemExit(f"a direct caller exited with {proc.returncode}")
        latencies += json.loads(Path(out).read_text())["latencies"]
        os.unlink(task)
        os.unlink(out)
    return {"latencies": latencies, "rps": len(latencies) / duration}


def _settings(kind: str, target: str) -> Any:
    """The store a process outside the server opens: Neo4j at ``target`` (a bolt URI), or the embedded file."""
    from compoundgraph.settings import Settings

    return Settings(neo4j_uri=target) if kind == "neo4j" else Settings(neo4j_uri="", embedded_path=Path(target))


def _direct_caller(a: dict[str, Any]) -> dict[str, Any]:
    from compoundgraph.store import open_store

    rng = random.Random(a["seed"])
    latencies = []
    with open_store(_settings(a["direct"], a["target"]), init=False) as store:
        time.sleep(max(0.0, a["start"] - time.time()))
        stop_warm = time.perf_counter() + a["warmup"]
        stop = stop_warm + a["duration"]
        while (now := time.perf_counter()) < stop:
            t = time.perf_counter()
            store.ego(rng.choice(a["ids"]), HOPS, None, LIMIT)
            if now >= stop_warm:
                latencies.append((time.perf_counter() - t) * 1000)
    return {"latencies": latencies}


def load_worker(args_path: str, out_path: str) -> None:
    a = json.loads(Path(args_path).read_text())
    if a.get("direct"):
        result = _direct_caller(a)
    elif a.get("one"):
        result = one_client(
            a["port"], a["key"], a["ids"], a["warmup"], a["health"], a.get("direct_target"), a.get("bare_port")
        )
    else:
        import uvloop  # the loop the server runs too

        result = uvloop.run(
            _load(a["url"], a["key"], a["ids"], a["clients"], a["duration"], a["warmup"], a.get("lean", True))
        )
    Path(out_path).write_text(json.dumps(result))


# -- one store ----------------------------------------------------------------------------------------
def _neo4j_env(args: argparse.Namespace) -> dict[str, str]:
    return {
        "NEO4J_LOCAL_STATE": str(DATA / f"state-{args.neo4j_port}"),
        "NEO4J_LOCAL_HEAP": args.neo4j_heap,
        "NEO4J_LOCAL_PAGECACHE": args.neo4j_pagecache,
    }


def bench_store(kind: str, args: argparse.Namespace, world: Path, ids: list[str]) -> dict[str, Any]:
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
        os.environ.update(_neo4j_env(args))  # the bulk loader stops and starts the server through the launcher
        subprocess.run(
            [str(ROOT / "scripts" / "neo4j-local"), "start", "--port", str(args.neo4j_port), "--data", str(data)],
            check=True,
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
        ensure_world(store, kind, data, world, args)
    if args.prepare:
        return {"store": kind, "prepared": True}
    with open_store(settings, init=False) as store:
        for eid in ids[: args.warm]:  # caches, connections, the query plan
            store.ego(eid, HOPS, None, LIMIT)
        base = direct(store, ids)
        hits = db_hits(store, ids[: args.db_hits]) if kind == "neo4j" and args.db_hits else {}
        prof = profile(store, ids, min(len(ids), 200)) if args.profile else {}
    key = KeyStore(tmp / "keys.json").create("bench", "investigator")[1]
    port = free_port()
    server = start_server(env, args.workers, port)
    neo_pid = None
    if kind == "neo4j":
        pid_file = DATA / f"state-{args.neo4j_port}" / "neo4j.pid"
        neo_pid = int(pid_file.read_text().strip()) if pid_file.exists() else None
    url = f"http://127.0.0.1:{port}"
    target = f"bolt://127.0.0.1:{args.neo4j_port}" if kind == "neo4j" else str(data)
    runs: dict[str, Any] = {}
    try:
        floor = run_one(port, key, [], 0, 300)["health"]
        one_stats0, one_db0 = proc_stats(server.pid), cpu_seconds(neo_pid)
        one = run_one(port, key, ids, args.warm, 0)
        one_stats1, one_db1 = proc_stats(server.pid), cpu_seconds(neo_pid)
        one_sent = len(ids) + args.warm
        bare_port = free_port()
        bare = start_server(env, args.workers, bare_port, BARE_APP)
        try:  # the bare server gets the same pass first, so both come to the paired pass equally warm
            bare_one = run_one(bare_port, key, ids, args.warm, 0)["latencies"]
            paired_run = run_one(port, key, ids, args.warm, 0, [kind, target], bare_port)
        finally:
            bare.terminate()
            bare.wait(30)
        paired = {**paired_run["paired"], "split": paired_run["paired_split"]}
        # 8 clients on the lean generator (the target), the same on httpx (what earlier runs used), 32 lean
        for leg, clients, lean in (("8", 8, True), ("8 httpx", 8, False), ("32", 32, True)):
            stats0, db0 = proc_stats(server.pid), cpu_seconds(neo_pid)
            load = run_load(url, key, ids, clients, args.duration, args.warmup, lean)
            stats1, db1 = proc_stats(server.pid), cpu_seconds(neo_pid)
            lat = load["latencies"]
            # CPU per request over the whole run (warm-up included, so divide by every request sent)
            sent = len(lat) * (args.duration + args.warmup) / args.duration if lat else 0
            runs[leg] = {
                "requests": len(lat),
                "errors": load["errors"],
                "rps": len(lat) / load["duration"] if lat else 0.0,
                "p50": pct(lat, 50) if lat else float("nan"),
                "p95": pct(lat, 95) if lat else float("nan"),
                "p99": pct(lat, 99) if lat else float("nan"),
                "api_cpu_ms": (stats1[0] - stats0[0]) * 1000 / sent if sent else float("nan"),
                "db_cpu_ms": (db1 - db0) * 1000 / sent if sent and neo_pid else 0.0,
                "client_cpu_ms": load["client_cpu_s"] * 1000 / sent if sent else float("nan"),
                "api_sys_ms": (stats1[1] - stats0[1]) * 1000 / sent if sent else float("nan"),
                "api_read_kib": (stats1[3] - stats0[3]) / 1024 / sent if sent else float("nan"),
            }
    finally:
        server.terminate()
        server.wait(30)
    shared = direct_callers(kind, target, ids, 8, args.duration, args.warmup)
    lat = one["latencies"]
    return {
        "store": kind,
        "sample": len(ids),
        "direct": base,
        "direct_8": shared,
        "db_hits": hits,
        "profile": prof,
        "one": {
            "requests": len(lat),
            "errors": one["errors"],
            "p50": pct(lat, 50),
            "p95": pct(lat, 95),
            "p99": pct(lat, 99),
            "health_p50": pct(floor, 50),
            "api_cpu_ms": (one_stats1[0] - one_stats0[0]) * 1000 / one_sent,
            "api_sys_ms": (one_stats1[1] - one_stats0[1]) * 1000 / one_sent,
            "api_major_faults": (one_stats1[2] - one_stats0[2]) / one_sent,
            "api_read_kib": (one_stats1[3] - one_stats0[3]) / 1024 / one_sent,
            "db_cpu_ms": (one_db1 - one_db0) * 1000 / one_sent if neo_pid else 0.0,
            "bytes_p50": one["bytes_p50"],
            "paired": paired,
            "split": one["split"],
            "bare": bare_one,
        },
        "runs": runs,
    }


def _ms(values: list[float]) -> str:
    return f"{pct(values, 50):.1f} / {pct(values, 95):.1f} / {pct(values, 99):.1f}"


def report(r: dict[str, Any]) -> None:
    kind, d, one = r["store"], r["direct"], r["one"]
    direct_p50 = pct(d["ms"], 50)
    print(
        f"\n{kind}: {r['sample']:,} entities, answers of {pct(d['nodes'], 50):.0f} nodes at the median "
        f"({sum(n >= LIMIT for n in d['nodes'])} at the {LIMIT}-node cap)"
    )
    print(
        f"  direct store.ego p50 / p95 / p99 ms: {_ms(d['ms'])}; CPU of this process per call: mean "
        f"{statistics.mean(d['cpu_ms']):.2f} ms, p50 / p95 / p99 {_ms(d['cpu_ms'])}"
    )
    if d["shared_ms"]:
        print(
            f"  shared walk (GraphStore.ego, before) p50 / p95 / p99 ms: {_ms(d['shared_ms'])}; "
            f"answers that differ: {len(d['differ'])} of {len(d['ms'])} {d['differ'][:5]}"
        )
    if r["db_hits"]:
        own, shared = r["db_hits"]["own"], r["db_hits"]["shared"]
        print(
            f"  PROFILE db hits per ego, median / p95 / max over {len(own)}: own query "
            f"{statistics.median(own):,.0f} / {pct(own, 95):,.0f} / {max(own):,}; shared walk "
            f"{statistics.median(shared):,.0f} / {pct(shared, 95):,.0f} / {max(shared):,}"
        )
    target = TARGET_ONE_P95[kind]
    overhead = one["p50"] - direct_p50
    paired_http, paired_direct = pct(one["paired"]["http"], 50), pct(one["paired"]["direct"], 50)
    paired = paired_http - paired_direct
    print(
        f"  1 client HTTP p50 / p95 / p99 ms: {one['p50']:.1f} / {one['p95']:.1f} / {one['p99']:.1f} "
        f"({one['requests']} requests, {sum(one['errors'].values())} errors, ~{one['bytes_p50'] / 1024:.0f} KiB); "
        f"target p95 <= {target:g}: {'met' if one['p95'] <= target else 'MISSED'}"
    )
    print(
        f"  API overhead (HTTP p50 - direct p50, passes minutes apart): {overhead:.2f} ms; GET /health p50 "
        f"{one['health_p50']:.2f} ms (the floor of any request from this client)"
    )
    print(
        f"  API overhead, paired (each entity asked directly, of the API and of the bare server back to back, "
        f"order rotating): p50 {paired_http:.2f} - {paired_direct:.2f} = {paired:.2f} ms; target <= "
        f"{TARGET_OVERHEAD_MS}: {'met' if paired <= TARGET_OVERHEAD_MS else 'MISSED'}"
    )
    if one.get("bare"):
        b = one["bare"]
        print(
            f"  1 client of the bare server (the floor) p50 / p95 / p99 ms: {pct(b, 50):.1f} / {pct(b, 95):.1f} / "
            f"{pct(b, 99):.1f}"
        )
    if one["paired"].get("bare"):
        bare = pct(one["paired"]["bare"], 50) - paired_direct
        print(
            f"  the floor, paired: the bare server (benchmarks/bare_api.py: same uvicorn, store threads and JSON "
            f"shape, nothing else) p50 {pct(one['paired']['bare'], 50):.2f} - {paired_direct:.2f} = {bare:.2f} ms"
            f"{' (above the target: the machine floor)' if bare > TARGET_OVERHEAD_MS else ''}; the API's own "
            f"beyond it: {paired - bare:.2f} ms"
        )
    for name, part in (("one client", one["split"]), ("paired HTTP calls", one["paired"]["split"])):
        if part["api"]:
            print(
                f"  where the {name}'s time went (the server's Server-Timing, p50 ms): outside the application "
                f"(connection, uvicorn, client) {pct(part['outside'], 50):.2f}; the API's own work "
                f"{pct(part['api'], 50):.2f}; thread hand-off {pct(part['handoff'], 50):.2f}; the store "
                f"{pct(part['store'], 50):.2f}"
            )
    print(
        f"  1 client CPU per request: API server {one['api_cpu_ms']:.2f} ms"
        + (f", Neo4j {one['db_cpu_ms']:.2f} ms" if kind == "neo4j" else "")
        + f"; API CPU overhead (server CPU per request - direct CPU per call, means): "
        f"{one['api_cpu_ms'] - statistics.mean(d['cpu_ms']):.2f} ms"
    )
    print(
        f"  per call, system CPU / major page faults / KiB read from disk: direct {d['sys_ms']:.2f} ms / "
        f"{d['major_faults']:.1f} / {d['read_kib']:.0f}; API server {one['api_sys_ms']:.2f} ms / "
        f"{one['api_major_faults']:.1f} / {one['api_read_kib']:.0f} (pages the kernel had dropped, read again)"
    )
    d8 = r["direct_8"]["latencies"]
    print(
        f"  8 direct callers (processes calling store.ego, no HTTP, no load generator): {r['direct_8']['rps']:.1f} "
        f"calls/s, p50 / p95 / p99 {_ms(d8)} ms; p95 = {pct(d8, 95) / pct(d['ms'], 95):.1f}x one caller's "
        "(what sharing the cores costs the store alone)"
    )
    for clients, run in r["runs"].items():
        ratio = run["p95"] / one["p95"]
        line = (
            f"  {clients:>2} clients{'' if 'httpx' in clients else ' (lean generator)'}: {run['rps']:.1f} req/s"
            f", p50 / p95 / p99 {run['p50']:.1f} / {run['p95']:.1f} / "
            f"{run['p99']:.1f} ms, {sum(run['errors'].values())} errors; p95 = {ratio:.1f}x one client"
        )
        if clients == "8":
            ok = ratio <= TARGET_CONCURRENT_RATIO and not run["errors"]
            line += f" (target <= {TARGET_CONCURRENT_RATIO:g}x, 0 errors: {'met' if ok else 'MISSED'})"
        print(line)
        print(
            f"      CPU per request: API server {run['api_cpu_ms']:.1f} ms"
            + (f", Neo4j {run['db_cpu_ms']:.1f} ms" if kind == "neo4j" else "")
            + f", the load generator {run['client_cpu_ms']:.1f} ms; API server system CPU "
            f"{run['api_sys_ms']:.1f} ms, {run['api_read_kib']:.0f} KiB read from disk"
        )
    if r["profile"]:
        print(f"  {kind} profile (median ms per request, in process):")
        for k, v in r["profile"].items():
            print(f"     {k:32} {v:8.2f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entities", type=int, default=1_000_000)
    p.add_argument("--transfers", type=int, default=None, help="default: as many as entities")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--world", default=None, help="a world file (default: made with compoundgraph synth)")
    p.add_argument("--stores", default="embedded,neo4j")
    p.add_argument("--sample", type=int, default=1_000, help="entities asked for, one at a time")
    p.add_argument("--warm", type=int, default=50, help="requests before measuring (not counted)")
    p.add_argument("--duration", type=float, default=30.0, help="seconds of each concurrent load")
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--db-hits", type=int, default=100, help="entities whose PROFILE db hits are summed (Neo4j)")
    p.add_argument("--profile", action="store_true", help="split one request's time by stage")
    p.add_argument("--neo4j-port", type=int, default=7714)
    p.add_argument("--neo4j-data", default=str(DATA / "bench-api"))
    p.add_argument("--neo4j-heap", default="2g")
    p.add_argument("--neo4j-pagecache", default="2g")
    p.add_argument("--embedded-path", default=str(DATA / "bench-api-embedded" / "store.sqlite"))
    p.add_argument("--json", default=None, help="also write the figures here")
    p.add_argument("--prepare", action="store_true", help="write and load the worlds, measure nothing")
    p.add_argument("--load-worker", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.load_worker:
        load_worker(*args.load_worker)
        return
    args.transfers = args.entities if args.transfers is None else args.transfers
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
        "(shared machine)",
        flush=True,
    )
    world = world_file(args)
    ids = sample_ids(world, args.sample, args.seed)
    print(
        f"bench_api: {world.name}, {len(ids):,} sampled entities, {args.workers} workers, GET /subgraph/ego "
        f"hops={HOPS} limit={LIMIT}; 8 and 32 clients for {args.duration:g}s each",
        flush=True,
    )
    results = []
    for kind in (k.strip() for k in args.stores.split(",") if k.strip()):
        results.append(bench_store(kind, args, world, ids))
        print(f"  {kind} done; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    for r in results:
        if not r.get("prepared"):
            report(r)
    if args.json:
        Path(args.json).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
