"""Peak memory of every export format at several world sizes, streamed beside the earlier whole-view writers.

    .venv/bin/python benchmarks/bench_exports.py                          # 10k and 100k claims
    .venv/bin/python benchmarks/bench_exports.py --claims 10000 100000 1000000 --baseline-max 100000

Each world is the synthetic one ``compoundgraph demo`` adds (wallets and transfers, people, companies,
compounds, victim cases, events; ``synth.generate``), loaded into an embedded store file. Every (world,
format, implementation) is measured in a fresh Python process, so peaks do not mix: the process opens the
store (its own page cache set to SQLite's default 2 MB and its memory map off, so that the store's caches
are not counted as the export's), notes its resident set (RSS), exports the whole graph with the
``partner`` profile (redaction and the "<5" rule included) into files on disk, and reports its peak RSS
(``VmHWM``) beyond that start.

- ``streamed`` (now): ``exports.service.open_view`` + ``write_format`` into a folder.
- ``whole view`` (before): the writers as they were until this change - the whole selection, redacted copy
  and rendered files in memory (networkx graphs for GraphML/GEXF, a stix2 Bundle) - run from a copy of
  their source taken from git (``--baseline-ref``: by default the last commit that had them), for worlds
  up to ``--baseline-max`` claims.

A peak that stays flat while the world grows tenfold is the constant-memory claim; the ratio column
compares the two implementations on the same world in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ["jsonl", "csv", "i2", "neo4j-admin", "ftm", "cytoscape", "graphml", "gexf", "stix"]
_OLD_PACKAGE = "compoundgraph_exports_before"
WHOLE_VIEW_COMMIT = "3c41910"  # the last commit whose exports held the whole view in memory


def _status_kib(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (its peak) of this process, in KiB. (Not ``ru_maxrss``: Linux
    carries that over from the parent through fork and exec, so a child would report the parent's peak.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def build_world(path: Path, claims: int) -> dict[str, int]:
    """An embedded store with about ``claims`` claims (two thirds of them transfers)."""
    from compoundgraph.settings import get_settings
    from compoundgraph.store import open_store
    from compoundgraph.synth import generate

    settings = get_settings().model_copy(update={"neo4j_uri": "", "embedded_path": path})
    with open_store(settings) as store:
        store.upsert(generate(seed=1, entities=max(claims // 3, 100), transfers=claims * 2 // 3))
        counts = store.counts()
    return {
        "entities": sum(counts["labels"].values()),
        "claims": sum(counts["relationships"].values()),
        "sources": counts["sources"]["Source"],
    }


def extract_before(ref: str, target: Path) -> None:
    """The exports package as it was at ``ref``, importable as its own package (relative imports of the
    rest of compoundgraph turned absolute)."""
    pkg = target / _OLD_PACKAGE
    pkg.mkdir(parents=True)
    names = subprocess.run(
        ["git", "-C", str(ROOT), "ls-tree", "--name-only", ref, "src/compoundgraph/exports/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in names:
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{ref}:{name}"], check=True, capture_output=True, text=True
        ).stdout
        text = re.sub(r"^(\s*)from \.\.(\w)", r"\1from compoundgraph.\2", text, flags=re.M)
        text = re.sub(r"^(\s*)from \.\. import", r"\1from compoundgraph import", text, flags=re.M)
        (pkg / Path(name).name).write_text(text)


def child(args: argparse.Namespace) -> None:
    """One measurement (run in its own process)."""
    from compoundgraph.settings import get_settings
    from compoundgraph.store import open_store

    settings = get_settings().model_copy(update={"neo4j_uri": "", "embedded_path": Path(args.db)})
    out = Path(args.out)
    if args.impl == "before":
        sys.path.insert(0, args.before)
        before = __import__(f"{_OLD_PACKAGE}.service", fromlist=["build_view"])
        formats = __import__(f"{_OLD_PACKAGE}.formats", fromlist=["render"])
    else:
        from compoundgraph.exports.formats import write_format
        from compoundgraph.exports.service import open_view
        from compoundgraph.exports.sink import DirSink
    with open_store(settings, init=False) as store:
        db = getattr(store, "db", None)
        if db is not None:  # the embedded store's own page cache (200 MB) and memory map are not the export's
            db.execute("PRAGMA cache_size = -2000")
            db.execute("PRAGMA mmap_size = 0")
        start_rss = _status_kib("VmRSS")
        t0 = time.perf_counter()
        if args.impl == "before":
            view = before.build_view(store, "partner")
            files = formats.render(view, args.format)
            for name, data in files.items():
                (out / name).write_bytes(data)
            del files, view
        else:
            with open_view(store, "partner") as spooled:
                write_format(spooled, args.format, DirSink(out))
        seconds = time.perf_counter() - t0
    peak = _status_kib("VmHWM")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(json.dumps({"peak_kib": peak - start_rss, "start_kib": start_rss, "seconds": seconds, "bytes": size}))


def measure(db: Path, fmt: str, impl: str, before: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as out:
        cmd = [sys.executable, __file__, "--child", "--db", str(db), "--format", fmt, "--impl", impl]
        cmd += ["--out", out, "--before", str(before)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--formats", nargs="+", default=FORMATS)
    ap.add_argument("--baseline-max", type=int, default=100_000, help="largest world the whole-view writers run on")
    ap.add_argument(
        "--baseline-ref", default=WHOLE_VIEW_COMMIT, help="git commit whose exports package is the baseline"
    )
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--format", help=argparse.SUPPRESS)
    ap.add_argument("--impl", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--before", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    work = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    try:
        extract_before(args.baseline_ref, work / "before")
        print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
        worlds = {}
        for n in args.claims:
            t0 = time.perf_counter()
            worlds[n] = build_world(work / f"world-{n}.db", n)
            print(f"world {n:,}: {worlds[n]} (built in {time.perf_counter() - t0:.0f} s)", flush=True)
        print()
        print("Peak RSS beyond the opened store, partner profile, whole graph, one process per cell:")
        print()
        print(
            "| format | claims | streamed: peak | per 1k claims | seconds | file(s) | before: peak "
            "| before / streamed |"
        )
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for fmt in args.formats:
            for n in args.claims:
                c = worlds[n]["claims"]
                now = measure(work / f"world-{n}.db", fmt, "streamed", work / "before")
                row = (
                    f"| {fmt} | {c:,} | {now['peak_kib'] / 1024:.0f} MiB | {now['peak_kib'] / c * 1000 / 1024:.2f} MiB "
                    f"| {now['seconds']:.1f} | {now['bytes'] / 2**20:.1f} MiB |"
                )
                if n <= args.baseline_max:
                    old = measure(work / f"world-{n}.db", fmt, "before", work / "before")
                    row += f" {old['peak_kib'] / 1024:.0f} MiB | {old['peak_kib'] / max(now['peak_kib'], 1):.1f} |"
                else:
                    row += " - | - |"
                print(row, flush=True)
        print(f"\nload average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
