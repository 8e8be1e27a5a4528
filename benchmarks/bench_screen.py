"""Screening benchmark: precision / recall on a labelled set, and rows per second against a baseline.

    .venv/bin/python benchmarks/bench_screen.py                                   # 100,000 entities, 10,000 rows
    .venv/bin/python benchmarks/bench_screen.py --entities 1000000 --rows 100000  # the target's scale

The store is an embedded one in ``data/bench-screen/`` holding the curated public record and a synthetic world
(``compoundgraph.synth``, seed 1) of ``--entities`` entities; it is built once and reused (a stamp beside it
says which world it holds).

**Quality.** A labelled set built from the graph itself:

- names of the public record's people, companies and armed groups and of ``--sample`` synthetic ones, each as
  written, in lower case, with the words swapped, with a middle name left out (three words or more), with one
  letter changed (a word of five letters or more), and - where the public record has one - in Chinese
  characters (陈志 for Chen Zhi); negatives: common names from the region that are not in the graph, and
  "chimeras" (the first word of one listed name with the last of another) that are not in it either;
- wallets of the synthetic world as written, Ethereum ones in lower and upper case (EIP-55 carried by case),
  and decoys with one character changed, which must be reported as checksum failures and hit nothing.

Recall: the share of positive rows whose expected entity is among the hits. Precision: the share of all hits
(positive and negative rows) that are the expected entity. Printed for several thresholds, with recall per
variant at the default. Targets: identifiers recall 1.0; names recall >= 0.9 at precision >= 0.9.

**Speed.** ``--rows`` rows (names, wallets, decoys, handles) written to a CSV file, then read and screened by
``compoundgraph.screening`` (batched blocking, one candidate query per distinct value per batch). Baseline,
in the same run: the store's own ``search`` called once per row value, as a client without screening would
(timed on ``--baseline-rows`` rows). Printed: rows/s of both, the ratio, the time projected for 100,000
rows (the target: <= 60 s against 1,000,000 entities, embedded), the CPU seconds of this process (on a shared
machine wall time measures the neighbours too) and the floor: the bare index work of the same rows (blocking
lookups and reading the candidates, no scoring, context or distances). The load average is printed before and
after.

**Neo4j** (``--neo4j-port P``): the world of ``--neo4j-entities`` (default 100,000) is dumped from its embedded
store and bulk-loaded (``compoundgraph load --bulk``) into a Neo4j this script starts on port ``P`` with
``scripts/neo4j-local`` (data in ``data/bench-screen/neo4j-N``, reused while its stamp matches; stopped at
the end); ``--neo4j-rows`` rows are screened there and on the embedded store in the same run, and the two
answers compared.

    .venv/bin/python benchmarks/bench_screen.py --skip-embedded --neo4j-port 7704   # Neo4j only
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from compoundgraph.ingest.addresses import AddressError, validate_address  # noqa: E402
from compoundgraph.loader import load_jsonl  # noqa: E402
from compoundgraph.models import Entity  # noqa: E402
from compoundgraph.screening import Options, from_records, read_file, screen  # noqa: E402
from compoundgraph.screening.engine import _CANDIDATES as CANDIDATES  # noqa: E402
from compoundgraph.screening.engine import _CHUNK as CHUNK  # noqa: E402
from compoundgraph.screening.inputs import Batch  # noqa: E402
from compoundgraph.screening.names import forms  # noqa: E402
from compoundgraph.screening.report import as_json  # noqa: E402
from compoundgraph.store import EmbeddedStore, GraphStore  # noqa: E402

PUBLIC = ROOT / "src" / "compoundgraph" / "sample" / "public_record.jsonl"
LAUNCHER = ROOT / "scripts" / "neo4j-local"
DATA = ROOT / "data" / "bench-screen"  # data/ is not versioned
NAMED = ("Person", "Organization", "ArmedGroup")
# written in Chinese characters by the press; their pinyin is the name the public record gives
CJK = {
    "陈志": "Chen Zhi",
    "佘智江": "She Zhijiang",
    "赵伟": "Zhao Wei",
    "白所成": "Bai Suocheng",
    "刘立志": "Liu Lizhi",
    "郭华萍": "Guo Hua Ping",
}
NEGATIVES = [
    "John Smith",
    "Maria Santos",
    "Nguyen Van Minh",
    "Somchai Wongsakul",
    "Aung Kyaw Moe",
    "Tran Thi Lan",
    "Li Wei",
    "Wang Fang",
    "Zhang Min",
    "Liu Yang",
    "Huang Lei",
    "Kim Sokha",
    "Sok Dara",
    "Chan Vibol",
    "Maung Maung Win",
    "Thida Aye",
    "Nur Aisyah",
    "Muhammad Faizal",
    "Siti Rahayu",
    "Jose Reyes",
    "Ana Cruz",
    "Mekong Star Trading",
    "Golden Dragon Logistics",
    "Pacific Rim Holdings",
    "Sunrise Garment Factory",
    "Blue Ocean Seafood Co",
    "Asia Pacific Consulting",
    "Phnom Penh Water Supply",
    "Yangon Textile Works",
    "Bangkok Travel Agency",
    "Manila Call Services",
    "Vientiane Trading Company",
    "Hanoi Electronics Ltd",
    "Kuala Lumpur Property Group",
    "Saigon Coffee Roasters",
    "Mandalay Jade Traders",
    "Cebu Shipping Lines",
    "Siem Reap Tours",
    "Chiang Mai Handicrafts",
    "Penang Medical Supplies",
]


def build(entities: int, seed: int = 1) -> EmbeddedStore:
    from compoundgraph.synth import generate

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"screen-{entities}.sqlite"
    stamp = path.with_suffix(".world.json")
    want = {"entities": entities, "seed": seed, "public_record": PUBLIC.stat().st_size}
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == want:
        return EmbeddedStore(path)
    for p in DATA.glob(f"screen-{entities}.sqlite*"):
        p.unlink()
    store = EmbeddedStore(path)
    t = time.perf_counter()
    load_jsonl(store, [PUBLIC])
    store.upsert(generate(seed=seed, entities=entities, transfers=entities))
    stamp.write_text(json.dumps(want))
    print(f"built the world: {entities:,} synthetic entities + the public record in {time.perf_counter() - t:.0f} s")
    return store


def _swap(name: str) -> str | None:
    w = name.split()
    return " ".join(w[1:] + w[:1]) if len(w) >= 2 else None


def _drop_middle(name: str) -> str | None:
    w = name.split()
    return " ".join([w[0], *w[2:]]) if len(w) >= 3 else None


def _typo(name: str, rng: random.Random) -> str | None:
    w = name.split()
    long_ = [i for i, x in enumerate(w) if len(x) >= 5 and x.isalpha()]
    if not long_:
        return None
    i = rng.choice(long_)
    j = rng.randrange(1, len(w[i]) - 1)
    letters = "aeioustrnl".replace(w[i][j].lower(), "")
    w[i] = w[i][:j] + rng.choice(letters) + w[i][j + 1 :]
    return " ".join(w)


def _flip(address: str, rng: random.Random) -> str:
    """One character changed so that the checksum no longer holds."""
    alphabet = (
        "0123456789abcdef" if address.startswith("0x") else "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    )
    for _ in range(100):
        i = rng.randrange(3, len(address))
        c = rng.choice(alphabet)
        out = address[:i] + c + address[i + 1 :]
        if out != address and out.lower() != address.lower():
            try:
                validate_address(out)
            except AddressError:
                return out
    raise RuntimeError(f"no decoy found for {address}")


def labelled(
    store: GraphStore, sample: int, rng: random.Random
) -> tuple[list[tuple[dict, str | None, str]], list[tuple[dict, str | None, str]]]:
    """(row, expected entity id or None, variant) for names and for identifiers."""
    public_ids = set()
    with PUBLIC.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("record") == "entity" and r.get("label") in (*NAMED, "Wallet"):
                public_ids.add(r["id"])
    named: list[Entity] = []
    wallets: list[Entity] = []
    synthetic_named: list[Entity] = []
    for e in store.iter_entities():
        if e.id in public_ids:
            (wallets if e.label == "Wallet" else named).append(e)
        elif e.label in NAMED:
            synthetic_named.append(e)
        elif e.label == "Wallet" and len(wallets) < sample * 4:
            wallets.append(e)
    named += rng.sample(synthetic_named, min(sample, len(synthetic_named)))
    by_name = {e.name: e.id for e in named}
    names: list[tuple[dict, str | None, str]] = []
    for e in named:
        variants = {
            "as written": e.name,
            "lower case": e.name.lower(),
            "swapped": _swap(e.name),
            "middle left out": _drop_middle(e.name),
            "one letter changed": _typo(e.name, rng),
        }
        for kind, text in variants.items():
            if text:
                names.append(({"name": text}, e.id, kind))
    for cjk, latin in CJK.items():
        if latin in by_name:
            names.append(({"name": cjk}, by_name[latin], "Chinese characters"))
    known = {n.lower() for e in named for n in (e.name, *e.aliases)}
    for n in NEGATIVES:
        if n.lower() not in known:
            names.append(({"name": n}, None, "negative: not in the graph"))
    people = [e.name.split() for e in named if e.label == "Person" and len(e.name.split()) >= 2]
    for _ in range(len(NEGATIVES)):
        a, b = rng.sample(people, 2)
        chimera = f"{a[0]} {b[-1]}"
        if chimera.lower() not in known and a[-1] != b[-1] and a[0] != b[0]:
            names.append(({"name": chimera}, None, "negative: chimera of two names"))
    idents: list[tuple[dict, str | None, str]] = []
    for w in rng.sample(wallets, min(len(wallets), sample)):
        a = str(w.properties.get("address") or w.name)
        idents.append(({"wallet": a}, w.id, "as written"))
        if a.startswith("0x"):
            idents.append(({"wallet": a.lower()}, w.id, "lower case (EIP-55)"))
            idents.append(({"wallet": "0x" + a[2:].upper()}, w.id, "upper case (EIP-55)"))
        idents.append(({"wallet": _flip(a, rng)}, None, "decoy: one character changed"))
    return names, idents


def quality(store: GraphStore, cases: list[tuple[dict, str | None, str]], threshold: float) -> dict:
    result = screen(
        store,
        from_records((f"case {i}", c[0]) for i, c in enumerate(cases)),
        Options(threshold=threshold, max_hops=0, limit=10),
    )
    tp = fp = pos = found = 0
    by_kind: dict[str, list[int]] = {}
    errors = 0
    for (_row, expected, kind), r in zip(cases, result.rows, strict=True):
        ids = [h.entity for h in r.hits]
        errors += bool(r.row.errors)
        tp += ids.count(expected) if expected else 0
        fp += len(ids) - (ids.count(expected) if expected else 0)
        if expected:
            pos += 1
            hit = expected in ids
            found += hit
            by_kind.setdefault(kind, [0, 0])[0] += hit
            by_kind.setdefault(kind, [0, 0])[1] += 1
        else:
            by_kind.setdefault(kind, [0, 0])[0] += not ids
            by_kind.setdefault(kind, [0, 0])[1] += 1
    return {
        "threshold": threshold,
        "rows": len(cases),
        "positives": pos,
        "recall": round(found / pos, 4) if pos else None,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "false_hits": fp,
        "rows_with_errors": errors,
        "by_variant": {k: f"{a}/{b}" for k, (a, b) in sorted(by_kind.items())},
    }


def make_rows(store: GraphStore, names: list, idents: list, rows: int, rng: random.Random) -> Path:
    """``rows`` rows drawn from the labelled set, the synthetic accounts' handles and the decoys, as CSV."""
    pool = [c[0] for c in names] + [c[0] for c in idents]
    pool += [{"handle": e.name} for e in _accounts(store, 2_000)]
    batch = [dict(rng.choice(pool)) for _ in range(rows)]
    path = DATA / f"rows-{rows}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["key", "name", "wallet", "handle"])
        w.writeheader()
        for i, row in enumerate(batch):
            w.writerow({"key": f"r{i}", **row})
    return path


def floor(store: GraphStore, parsed: Batch) -> dict:
    """The bare index work of a screening, in the same run: for each batch of rows, the blocking lookups
    (identifiers and every name form, one query per step for the batch) and reading the candidates - what
    no screening can skip; scoring, context and distances are left out."""
    t, c = time.perf_counter(), time.process_time()
    candidates = 0
    with store.reading():
        for start in range(0, len(parsed.rows), CHUNK):
            rows = parsed.rows[start : start + CHUNK]
            idents = list(dict.fromkeys(q for r in rows for i in r.identifiers for q in (i.value, i.raw)))
            names = list(dict.fromkeys(q for r in rows for n in r.names for q in forms(n) if q))
            found = store.match_candidates(idents, CANDIDATES, names=False) if idents else []
            found += store.match_candidates(names, CANDIDATES) if names else []
            ids = sorted({i for f in found for i in f})
            candidates += len(store.get_entities(ids)) if ids else 0
    return {
        "seconds": round(time.perf_counter() - t, 2),
        "cpu_seconds": round(time.process_time() - c, 2),
        "candidates_read": candidates,
    }


def speed(store: GraphStore, path: Path, baseline_rows: int) -> dict:
    t, c = time.perf_counter(), time.process_time()
    parsed = read_file(path)
    t_read = time.perf_counter() - t
    result = screen(store, parsed, Options())
    t_all, c_all = time.perf_counter() - t, time.process_time() - c
    rows = len(parsed.rows)
    # baseline: the store's search, one call per row value
    sample = parsed.rows[:baseline_rows]
    t = time.perf_counter()
    for row in sample:
        store.search(row.names[0] if row.names else row.identifiers[0].raw if row.identifiers else row.where, 5)
    t_base = time.perf_counter() - t
    rate, base_rate = rows / t_all, len(sample) / t_base
    return {
        "rows": rows,
        "seconds": round(t_all, 2),
        "cpu_seconds_this_process": round(c_all, 2),
        "reading_seconds": round(t_read, 2),
        "rows_per_s": round(rate),
        "baseline_rows": len(sample),
        "baseline_seconds": round(t_base, 2),
        "baseline_rows_per_s": round(base_rate, 1),
        "ratio": round(rate / base_rate, 1),
        "projected_100k_rows_s": round(100_000 / rate, 1),
        "floor_index_work": floor(store, parsed),
        "summary": result.summary(),
        "_result": result,
    }


def neo4j_world(entities: int, port: int) -> Path:
    """The embedded world of ``entities`` bulk-loaded into a Neo4j this script starts on ``port`` (data under
    ``data/bench-screen/neo4j-<entities>``; loaded once, a stamp says what it holds)."""
    data = DATA / f"neo4j-{entities}"
    stamp = DATA / f"neo4j-{entities}.world.json"
    env = {**os.environ, "NEO4J_LOCAL_STATE": str(DATA / f"neo4j-state-{port}")}
    subprocess.run([str(LAUNCHER), "start", "--port", str(port), "--data", str(data)], check=True, env=env)
    want = json.loads((DATA / f"screen-{entities}.world.json").read_text())
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        return data
    dump = DATA / f"world-{entities}.jsonl"
    cli = [str(ROOT / ".venv" / "bin" / "compoundgraph")]
    embedded = {
        **env,
        "COMPOUNDGRAPH_NEO4J_URI": "",
        "COMPOUNDGRAPH_EMBEDDED_PATH": str(DATA / f"screen-{entities}.sqlite"),
    }
    subprocess.run([*cli, "dump", str(dump)], check=True, env=embedded)  # the world as it is now
    t = time.perf_counter()
    neo = {**env, "COMPOUNDGRAPH_NEO4J_URI": f"bolt://127.0.0.1:{port}"}
    subprocess.run(
        [*cli, "load", "--bulk", "--bulk-dir", str(DATA / f"bulk-{entities}"), str(dump)], check=True, env=neo
    )
    print(f"bulk-loaded the world into Neo4j in {time.perf_counter() - t:.0f} s", flush=True)
    stamp.write_text(json.dumps(want))
    return data


def neo4j_speed(args: argparse.Namespace, rng: random.Random) -> dict:
    """Screening on Neo4j (the world of ``--neo4j-entities``), its baseline, and the same answers as embedded."""
    from compoundgraph.settings import Settings
    from compoundgraph.store import open_store

    emb = build(args.neo4j_entities)
    names, idents = labelled(emb, args.sample, rng)
    path = make_rows(emb, names, idents, args.neo4j_rows, rng)
    env = {**os.environ, "NEO4J_LOCAL_STATE": str(DATA / f"neo4j-state-{args.neo4j_port}")}
    try:
        neo4j_world(args.neo4j_entities, args.neo4j_port)
        with open_store(Settings(neo4j_uri=f"bolt://127.0.0.1:{args.neo4j_port}")) as neo:
            out = speed(neo, path, args.baseline_rows)
        same = speed(emb, path, 1)
        a, b = as_json(out.pop("_result")), as_json(same.pop("_result"))
        out["embedded_same_run_seconds"] = same["seconds"]
        out["same_answers_as_embedded"] = a == b
        if a != b:
            diff = [i for i, (x, y) in enumerate(zip(a["rows"], b["rows"], strict=True)) if x != y]
            out["rows_that_differ"] = diff[:20]
    finally:
        subprocess.run([str(LAUNCHER), "stop", "--port", str(args.neo4j_port)], check=False, env=env)
        emb.close()
    return out


def _accounts(store: GraphStore, n: int) -> list[Entity]:
    out = []
    for e in store.iter_entities():
        if e.label == "Account" and e.name.startswith("@"):
            out.append(e)
            if len(out) >= n:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--baseline-rows", type=int, default=1_000)
    ap.add_argument("--sample", type=int, default=300, help="synthetic names and wallets in the labelled set")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-quality", action="store_true", help="only the speed part")
    ap.add_argument("--reuse-rows", action="store_true", help="screen data/bench-screen/rows-N.csv if it exists")
    ap.add_argument("--neo4j-port", type=int, help="also measure Neo4j: a server started here on this port")
    ap.add_argument("--neo4j-entities", type=int, default=100_000, help="the world bulk-loaded into Neo4j")
    ap.add_argument("--neo4j-rows", type=int, default=10_000)
    ap.add_argument("--skip-embedded", action="store_true", help="only the Neo4j part")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}  ({os.cpu_count()} cores)", flush=True)
    rng = random.Random(args.seed)
    if not args.skip_embedded:
        store = build(args.entities)
        counts = store.counts()["labels"]
        print(f"store: embedded, {sum(counts.values()):,} entities ({counts.get('Wallet', 0):,} wallets)", flush=True)
        path = DATA / f"rows-{args.rows}.csv"
        reuse = args.reuse_rows and path.exists()
        names, idents = labelled(store, args.sample, rng) if not (reuse and args.skip_quality) else ([], [])
        if not args.skip_quality:
            print("\n== quality: identifiers ==")
            print(json.dumps(quality(store, idents, 0.85), indent=1, ensure_ascii=False), flush=True)
            print("\n== quality: names ==")
            for th in (0.8, 0.85, 0.9):
                print(json.dumps(quality(store, names, th), indent=1, ensure_ascii=False), flush=True)
        print("\n== speed: embedded ==")
        if not reuse:
            path = make_rows(store, names, idents, args.rows, rng)
        result = speed(store, path, args.baseline_rows)
        result.pop("_result")
        print(json.dumps(result, indent=1), flush=True)
        store.close()
    if args.neo4j_port:
        print(f"\n== speed: Neo4j ({args.neo4j_entities:,} entities, bulk-loaded) ==")
        print(json.dumps(neo4j_speed(args, random.Random(args.seed)), indent=1), flush=True)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
