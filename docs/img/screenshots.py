"""Take the screenshots of docs/web-ui.md from the demo graph, at 1280x720, in Debian's chromium.

    .venv/bin/python docs/img/screenshots.py

Builds the demo graph as ``compoundgraph demo`` does (the curated public record plus the synthetic world, seed
1) in a temporary embedded store, serves it with the real app (demo mode acting as an editor) and writes
chart.png, guard.png, map.png, timeline.png and upload.png (*Add report…* after loading a fictional field
report) next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.support.ui import CHROMIUM, CHROMIUM_ARGS, LiveServer, demo_app  # noqa: E402
from tests.support.world import INGEST  # noqa: E402

from compoundgraph.loader import load_jsonl  # noqa: E402
from compoundgraph.store import EmbeddedStore  # noqa: E402
from compoundgraph.synth import generate  # noqa: E402

OUT = Path(__file__).resolve().parent
WALLET_71 = "wallet-7f31cffd7572f235"
SETTLED = "window.cg && cg.ready && cg.settledAt !== null"


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="cg-shots-"))
    store = EmbeddedStore(tmp / "demo.sqlite")
    store.init_schema()
    load_jsonl(store, sorted((ROOT / "src" / "compoundgraph" / "sample").glob("*.jsonl")))
    store.upsert(generate(seed=1, entities=1_000, transfers=2_000))
    saw = store.search("Saw Chit Thu", 1)[0].id
    with LiveServer(demo_app(store, tmp, role="editor")) as live, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720}, bypass_csp=True)  # Playwright waits use eval

        page.goto(f"{live.url}/?open={saw}&hops=2")
        page.wait_for_function(SETTLED)
        page.evaluate("id => cg.select([id], true)", saw)
        page.wait_for_selector("#panel h1")
        page.evaluate("cg.network.fit()")
        page.wait_for_timeout(400)
        page.screenshot(path=str(OUT / "chart.png"))

        page.goto(f"{live.url}/?open={WALLET_71}&limit=1")
        page.wait_for_function(SETTLED)
        page.evaluate("id => cg.select([id])", WALLET_71)
        page.wait_for_selector("#panel button[data-act=expand]")
        page.click("#panel button[data-act=expand]")
        page.wait_for_selector("dialog#supernode", state="visible")
        page.screenshot(path=str(OUT / "guard.png"))
        page.click("#sn-add")
        page.wait_for_timeout(800)

        compound = "compound-28be783272b7c549"
        page.goto(f"{live.url}/?open={compound}&hops=2")
        page.wait_for_function(SETTLED)
        for other in ("compound-2a9ad76d91bbbf74", "compound-7d54d001af2836a9", "compound-8679cd5ce80e002f"):
            page.evaluate("id => cg.openChart(id)", other)
            page.wait_for_timeout(600)
        page.evaluate("cg.network.fit()")
        page.click("#tabs button[data-tab=map]")
        page.wait_for_selector("#map g.cg-marker")
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "map.png"))

        page.goto(f"{live.url}/?open={saw}&hops=2")
        page.wait_for_function(SETTLED)
        page.click("#tabs button[data-tab=timeline]")
        page.wait_for_selector("#timeline .vis-item")
        page.fill("#asof-date", "2024-06-01")
        page.press("#asof-date", "Enter")
        page.check("#keep-orphans")
        page.wait_for_timeout(600)
        page.screenshot(path=str(OUT / "timeline.png"))

        page.goto(f"{live.url}/")
        page.wait_for_function("window.cg && cg.ready")
        page.click("#add-report")
        page.set_input_files("#up-file", str(INGEST / "field-report-moei-crossing.md"))
        page.set_input_files("#up-meta", str(INGEST / "field-report-moei-crossing.md.meta.yaml"))
        page.click("#up-load")
        page.wait_for_selector("#up-result .up-head.loaded")
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / "upload.png"))
        browser.close()
    store.close()


if __name__ == "__main__":
    main()
