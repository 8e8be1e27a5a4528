"""What the attacks cost now, beside what they cost the unprotected path, measured in the same run.

    .venv/bin/python benchmarks/bench_security.py                 # 8 MB header, 300 MB bomb
    .venv/bin/python benchmarks/bench_security.py --header-mb 64 --bomb-mb 1024

1. Oversize request head: a real server (uvicorn, one worker) answers a ``/health`` probe every 10 ms while
   one client sends one huge header. Reported: the longest probe answer during the attack and the time the
   attacker's connection took, for the served protocol (``compoundgraph.api.http``, capped) and for plain
   uvicorn httptools (the baseline, no cap).
2. Decompression bomb: a signed package whose member inflates to ``--bomb-mb`` MB. Reported: time and peak
   Python allocation of ``verify_package`` (streams against the signed sizes) beside reading every member
   whole (what verification did before).
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import httpx
import uvicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def header_attack(http: str, header_mb: int) -> tuple[float, float, bytes]:
    from compoundgraph.api import create_app
    from compoundgraph.api.config import ApiSettings
    from compoundgraph.settings import Settings
    from compoundgraph.store import EmbeddedStore

    tmp = Path(tempfile.mkdtemp())
    app = create_app(
        Settings(embedded_path=tmp / "s.sqlite"),
        store=EmbeddedStore(tmp / "s.sqlite"),
        api=ApiSettings(keys_path=tmp / "k.json", audit_path=tmp / "a.jsonl"),
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", http=http))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    worst, stop = 0.0, threading.Event()

    def probe() -> None:
        nonlocal worst
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            while not stop.is_set():
                t = time.perf_counter()
                c.get("/health")
                worst = max(worst, time.perf_counter() - t)
                time.sleep(0.01)

    prober = threading.Thread(target=probe)
    prober.start()
    time.sleep(0.3)
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (header_mb * 1024**2) + b"\r\n\r\n"
    t = time.perf_counter()
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
        try:
            s.sendall(head)
            answer = s.recv(100)
        except OSError:
            pass
    took = time.perf_counter() - t
    time.sleep(0.3)
    stop.set()
    prober.join()
    server.should_exit = True
    thread.join(timeout=10)
    return worst, took, answer.split(b"\r\n", 1)[0]


def bomb(bomb_mb: int) -> None:
    from compoundgraph.exports import build_view, create_package, verify_package
    from compoundgraph.exports.keys import generate_keypair, load_private_key
    from compoundgraph.loader import load_jsonl
    from compoundgraph.store import EmbeddedStore

    tmp = Path(tempfile.mkdtemp())
    store = EmbeddedStore(tmp / "s.sqlite")
    load_jsonl(store, [Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "world.jsonl"])
    private, public = generate_keypair(tmp / "keys", "k")
    pkg = create_package(build_view(store, "partner"), tmp / "pkg.zip", ["csv"], load_private_key(private))
    out = tmp / "bomb.zip"
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "csv/nodes.csv":
                with dst.open(info.filename, "w", force_zip64=True) as f:
                    for _ in range(bomb_mb):
                        f.write(bytes(1 << 20))
            else:
                dst.writestr(info, src.read(info))
    print(f"bomb: {out.stat().st_size / 1024**2:.1f} MB zip inflating to {bomb_mb:,} MB")
    for name, fn in (
        ("verify_package (streamed, signed sizes)", lambda: verify_package(out, public)),
        ("baseline: read every member whole", lambda: read_package_whole(out)),
    ):
        tracemalloc.start()
        t = time.perf_counter()
        fn()
        took = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {name:45s} {took:7.2f} s   peak {peak / 1024**2:9.1f} MB")


def read_package_whole(path: Path) -> int:
    """What verification did before: every member read into memory before the signature was checked."""
    with zipfile.ZipFile(path) as z:
        return sum(len(z.read(i)) for i in z.infolist())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--header-mb", type=int, default=8)
    ap.add_argument("--bomb-mb", type=int, default=300)
    args = ap.parse_args()
    print(f"header attack: one {args.header_mb} MB header while /health is probed every 10 ms")
    for label, http in (
        ("capped (compoundgraph.api.http)", "compoundgraph.api.http:CappedHttpProtocol"),
        ("baseline: plain uvicorn httptools", "httptools"),
    ):
        worst, took, status = header_attack(http, args.header_mb)
        said = status.decode(errors="replace")[:40] or "connection closed before the head was sent"
        print(f"  {label:45s} slowest probe {worst * 1000:8.1f} ms   attacker done after {took:6.2f} s: {said}")
    bomb(args.bomb_mb)


if __name__ == "__main__":
    main()
