"""Web UI speed: time from request to a settled link chart in headless Chromium, against default pyvis physics.

    .venv/bin/python benchmarks/bench_ui.py                  # 200, 1,000 and 2,000 nodes
    .venv/bin/python benchmarks/bench_ui.py --sizes 200      # while developing

For each size a synthetic world (a compound, its operators, their members, the members' accounts: a tree
with a few cross links) is served by the real app (``create_app`` over an embedded store, demo mode, uvicorn
on loopback). *UI* is the time from navigation start to the chart reporting "settled"
(``/?open=<compound>&hops=3&limit=N``: the ego request, the server layout above 1,000 nodes or the in-browser
stabilisation below, and the first full drawing). *pyvis* is the same subgraph written by pyvis with its
default physics (Barnes-Hut, 1,000 stabilisation iterations), timed from navigation start to vis-network's
``stabilizationIterationsDone`` event: the moment pyvis hides its loading bar and shows the laid-out chart
(the simulation may still drift afterwards; counting only to here favours the baseline). Both run in the same
Chromium, in the same run.
Target: 2,000 nodes settled in <= 3 s.

Growing a chart (``--growth``, on by default; a world of ~5,000 entities):

- *expand*: a 2,000-node chart grows by 500 nodes (``cg.expand(centre, hops 3, 500 new)``: the request with
  the 2,000 charted ids, placement of the new nodes beside their anchors, drawing), timed in the page from
  the call to the chart settled. Baseline, same run: the same expansion followed by a server re-layout of the
  whole chart (what the UI did before above 1,000 nodes). Target <= 1.5 s.
- *Lay out again* on 2,000 and 5,000 nodes, each layout (organic, hierarchical, circular by type, by
  community), from the click to the chart settled. Baseline, same run: vis-network's own in-browser physics
  (Barnes-Hut, 1,000 stabilisation iterations) re-laying the same chart out, to ``stabilizationIterationsDone``
  (cut at ``--physics-timeout``). Target <= 3 s.

The flow view (``--flow``, on by default): a 300-transfer trace (tests/support/flows.py: a start pays 20
wallets, which pay 280 more) at 1920x1080; the trace answer is fetched first, then timed in the page from
handing it to the workbench (``cg.flows.show``) to the flow view drawn and painted (two animation frames).
Baseline, same run: the same answer drawn into the link chart the way the UI did before the flow view
(``cg.addSubgraph`` with the transfers highlighted, to the chart settled). Target <= 1 s.

Opening a saved investigation (``--saved``, on by default; the first world):

- *open saved*: a 2,000-entity chart is saved as an investigation (its positions, pins, filters, notes), then
  a fresh page opens it from the *Open…* list: timed in the page from the click on its title to the chart
  drawn with every entity where it was saved and the page stable (the status says it is opened): both
  requests (the investigation and its entities and claims) and the drawing. Baseline, same run: building the
  same 2,000 entities again from the graph in a fresh page (``cg.expand(centre, hops 3, limit 2,000)``: the
  ego request, the server layout, drawing) - what an investigator did before charts could be saved. Target
  <= 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.ui import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402

from compoundgraph.api.app import create_app  # noqa: E402
from compoundgraph.api.config import ApiSettings  # noqa: E402
from compoundgraph.loader import load_jsonl  # noqa: E402
from compoundgraph.settings import Settings  # noqa: E402
from compoundgraph.store import EmbeddedStore  # noqa: E402

CENTER = "bench-compound"
SRC = "src-bench"


def world(path: Path, orgs: int = 12, members: int = 12, accounts: int = 14, seed: int = 7) -> Path:
    """A tree of 1 + orgs + orgs*members + orgs*members*accounts entities, plus cross links."""
    rnd = random.Random(seed)
    recs: list[dict[str, Any]] = [{"record": "source", "id": SRC, "title": "UI benchmark world", "reliability": "B"}]

    def ent(id_: str, label: str, name: str, **props: Any) -> None:
        recs.append(
            {"record": "entity", "id": id_, "label": label, "name": name, "properties": props, "sources": [SRC]}
        )

    def claim(t: str, s: str, o: str) -> None:
        recs.append(
            {
                "record": "claim",
                "type": t,
                "subject": s,
                "object": o,
                "source": SRC,
                "grade": rnd.choice(["A1", "B2", "B3", "C3", "D4"]),
            }
        )

    ent(CENTER, "Compound", "Benchmark Park", country="KH", lat=10.6, lon=103.5)
    people = []
    for i in range(orgs):
        org = f"bench-org-{i:02d}"
        ent(org, "Organization", f"Operator {i}", country="KH")
        claim("OPERATES", org, CENTER)
        for j in range(members):
            p = f"bench-person-{i:02d}-{j:02d}"
            people.append(p)
            ent(p, "Person", f"Member {i}.{j}")
            claim("MEMBER_OF", p, org)
            for k in range(accounts):
                a = f"bench-account-{i:02d}-{j:02d}-{k:02d}"
                ent(a, "Account", f"@bench{i}_{j}_{k}", platform="Telegram", handle=f"bench{i}_{j}_{k}")
                claim("USES", p, a)
    for p in rnd.sample(people, len(people) // 3):  # cycles: some members also work for another operator
        claim("EMPLOYED_BY", p, f"bench-org-{rnd.randrange(orgs):02d}")
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


PYVIS_PROBE = """
window.__bench = {};
const iv = setInterval(() => {
  if (window.network && window.network.on) {
    clearInterval(iv);
    network.on('stabilizationIterationsDone', () => { __bench.iterDone = performance.now(); });
    network.on('stabilized', () => { if (__bench.iterDone && !__bench.settled) __bench.settled = performance.now(); });
  }
}, 1);
"""


def pyvis_page(subgraph: dict[str, Any], out: Path) -> Path:
    """The subgraph drawn the plain pyvis way: default options and physics."""
    from pyvis.network import Network

    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    for n in subgraph["nodes"]:
        net.add_node(n["id"], label=n["name"], color=n["colour"])
    for e in subgraph["edges"]:
        net.add_edge(e["from"], e["to"], label=e["type"])
    out.write_text(net.generate_html(notebook=False), encoding="utf-8")
    return out


def measure(
    browser: Any, url: str, ready_js: str, value_js: str, init: str | None, timeout_s: float
) -> tuple[float, float]:
    """Seconds from navigation start to settled, and seconds the ego request of the page took (UI only)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "file:", "data:")) else r.abort(),
    )
    if init:
        page.add_init_script(init)
    try:
        page.goto(url)
        page.wait_for_function(ready_js, timeout=timeout_s * 1000, polling=20)
        ego = page.evaluate(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('/subgraph/ego'))"
            ".reduce((a, e) => a + e.duration, 0)"
        )
        return float(page.evaluate(value_js)) / 1000, float(ego) / 1000
    except Exception:  # a baseline that never settles is reported as such
        return float("nan"), float("nan")
    finally:
        context.close()


GROWTH_ORGS = 28  # 1 + 28 + 336 + 4,704 = 5,069 entities


def open_chart(browser: Any, url: str, n: int) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:")) else r.abort()
    )
    page.goto(f"{url}/?open={CENTER}&hops=3&limit={n}")
    page.wait_for_function("window.cg && cg.ready && cg.settledAt !== null", timeout=120_000, polling=20)
    return page


EXPAND_JS = """async ([c, n, relayout]) => {
  const t0 = performance.now();
  const before = cg.state.raw.nodes.size;
  performance.clearMarks();
  await cg.expand(c, {confirmed: true, hops: 3, limit: n + 1});
  if (relayout) await cg.relayout('organic');
  const at = (m) => (performance.getEntriesByName(m).pop() || {startTime: NaN}).startTime;
  const parts = [at('cg:subgraph-received') - t0, at('cg:placed') - at('cg:subgraph-received'),
                 at('cg:styled') - at('cg:placed'), at('cg:settled') - at('cg:styled')].map(x => x / 1000);
  return [(performance.now() - t0) / 1000, cg.state.raw.nodes.size - before, parts];
}"""
RELAYOUT_JS = """async (mode) => { const t0 = performance.now(); await cg.relayout(mode);
  return (performance.now() - t0) / 1000; }"""
PHYSICS_JS = """(limit) => new Promise((resolve) => {
  const t0 = performance.now();
  const timer = setTimeout(() => resolve(-1), limit * 1000);
  cg.network.once('stabilizationIterationsDone', () => {
    clearTimeout(timer); resolve((performance.now() - t0) / 1000); });
  cg.network.setOptions({physics: {enabled: true, solver: 'barnesHut',
                                   stabilization: {enabled: true, iterations: 1000}}});
  cg.network.stabilize(1000);
})"""


def growth(browser: Any, url: str, repeat: int, physics_timeout: float) -> None:
    """Expanding a 2,000-node chart by 500, and Lay out again on 2,000 and 5,000 nodes."""
    print("\nexpand a 2,000-node chart by 500 nodes (placed and settled)")
    ours, base, added, parts = [], [], 0, []
    for _ in range(repeat):
        for relayout, out in ((False, ours), (True, base)):
            page = open_chart(browser, url, 2000)
            secs, added, split = page.evaluate(EXPAND_JS, [CENTER, 500, relayout])
            out.append(secs)
            if not relayout:
                parts.append(split)
            page.context.close()
    u, b = statistics.median(ours), statistics.median(base)
    print(f"  runs {[round(x, 2) for x in ours]}, baseline {[round(x, 2) for x in base]}")
    print(
        "  of which (median s): "
        + ", ".join(
            f"{name} {statistics.median(p[i] for p in parts):.2f}"
            for i, name in enumerate(("request and answer", "placement", "styling", "drawing"))
        )
    )
    print(f"  {'added':>6} {'expand (s)':>11} {'+ whole re-layout, before (s)':>30} {'ratio':>6}  target")
    print(f"  {added:>6} {u:>11.2f} {b:>30.2f} {b / u:>5.1f}x  {'met' if u <= 1.5 else 'MISSED'} (<= 1.5 s)")

    print("\nLay out again (server, deterministic, pinned kept) against in-browser physics")
    rows = []
    for n in (2000, 5000):
        page = open_chart(browser, url, n)
        size = page.evaluate("cg.state.raw.nodes.size")
        times = {
            mode: statistics.median(page.evaluate(RELAYOUT_JS, mode) for _ in range(repeat))
            for mode in ("organic", "hierarchical", "circular", "community")
        }
        phys = page.evaluate(PHYSICS_JS, physics_timeout)
        page.context.close()
        rows.append((size, times, phys))
        physics = f"physics {phys:.2f} s" if phys >= 0 else f"physics > {physics_timeout:.0f} s"
        print(f"  {size} nodes: " + ", ".join(f"{m} {t:.2f} s" for m, t in times.items()) + f"; {physics}", flush=True)
    print(
        f"  {'nodes':>6} {'organic':>8} {'hierarch.':>9} {'circular':>8} {'community':>9} {'physics (s)':>12} "
        f"{'ratio':>6}  target"
    )
    for size, times, phys in rows:
        worst = max(times.values())
        shown = f"{phys:.2f}" if phys >= 0 else f">{physics_timeout:.0f}"
        ratio = (phys if phys >= 0 else physics_timeout) / times["organic"]
        print(
            f"  {size:>6} {times['organic']:>8.2f} {times['hierarchical']:>9.2f} {times['circular']:>8.2f} "
            f"{times['community']:>9.2f} {shown:>12} {ratio:>5.1f}x{'+' if phys < 0 else ' '} "
            f"{'met' if worst <= 3.0 else 'MISSED'} (slowest <= 3 s)"
        )


FLOW_JS = """async ([start, mode]) => {
  const body = {wallets: [start], direction: 'forward', method: 'haircut', max_hops: 6,
                stop_tags: ['exchange', 'otc', 'payment-provider']};
  const res = await (await fetch('flows/trace', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                 body: JSON.stringify(body)})).json();
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const t0 = performance.now();
  let drawn;
  if (mode === 'flow') {
    drawn = cg.flows.show(res, body, start);
    await frame(); await frame();
  } else {
    const sg = res.subgraph;
    await cg.addSubgraph(sg, {highlight: sg.edges.filter((e) => e.type === 'TRANSFERRED').map((e) => e.id)});
    drawn = {edges: sg.edges.length};
  }
  return [(performance.now() - t0) / 1000, drawn.edges, res.flows.length];
}"""


def flow_view(browser: Any, repeat: int) -> None:
    """A 300-transfer trace laid out in the flow view, against drawing it into the link chart (same run)."""
    from tests.support.flows import fan_out

    tmp = Path(tempfile.mkdtemp(prefix="bench-flow-"))
    store = EmbeddedStore(tmp / "flows.sqlite")
    made = fan_out(store, 300)
    app = create_app(
        Settings.model_validate({"embedded_path": tmp / "x.sqlite"}),
        store=store,
        api=ApiSettings(demo=True, keys_path=tmp / "keys.json", audit_path=tmp / "audit.jsonl", rate_per_minute=0),
    )
    times: dict[str, list[float]] = {"flow": [], "chart": []}
    flows = 0
    with LiveServer(app) as live:
        for _ in range(repeat):
            for mode in ("flow", "chart"):
                context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
                page = context.new_page()
                page.goto(f"{live.url}/?open={made['start']}")
                page.wait_for_function("window.cg && cg.ready && cg.settledAt !== null", timeout=60_000, polling=20)
                secs, _, flows = page.evaluate(FLOW_JS, [made["start"], mode])
                times[mode].append(secs)
                context.close()
    store.close()
    u, b = statistics.median(times["flow"]), statistics.median(times["chart"])
    print(f"\nflow view of a {flows}-transfer trace laid out (answer received -> view drawn, 1920x1080)")
    print(f"  runs {[round(x, 3) for x in times['flow']]}, baseline {[round(x, 3) for x in times['chart']]}")
    print(f"  {'transfers':>9} {'flow view (s)':>14} {'into the link chart, before (s)':>32} {'ratio':>6}  target")
    print(f"  {flows:>9} {u:>14.3f} {b:>32.3f} {b / u:>5.1f}x  {'met' if u <= 1.0 else 'MISSED'} (<= 1 s)")


SAVE_JS = """async (title) => {
  const chart = cg.investigation.chartJSON();
  chart.notes.investigation = 'benchmark: a saved chart of ' + chart.entities.length + ' entities';
  const r = await fetch('investigations', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                           body: JSON.stringify({title, chart})});
  const body = await r.json();
  if (!r.ok) throw new Error(JSON.stringify(body));
  return [body.id, body.entities, body.size];
}"""
OPEN_PROBE_JS = """() => {
  window.__open = {};
  new MutationObserver(() => {
    if (/^opened/.test(document.querySelector('#status').textContent) && !window.__open.done)
      window.__open.done = performance.now();
  }).observe(document.querySelector('#status'), {childList: true, characterData: true, subtree: true});
  document.querySelector('#inv-open-dlg').addEventListener('click', (ev) => {
    if (ev.target.closest('a.inv-pick')) window.__open.t0 = performance.now(); }, {capture: true});
}"""
MARKS_JS = """() => { const at = (m) => (performance.getEntriesByName(m).pop() || {startTime: NaN}).startTime;
  const t = [window.__open.t0, at('cg:inv-received'), at('cg:inv-styled'), at('cg:inv-drawn'), at('cg:inv-after'),
             window.__open.done];
  return t.slice(1).map((x, i) => (x - t[i]) / 1000); }"""
REBUILD_JS = """async ([c, n]) => { const t0 = performance.now();
  await cg.expand(c, {confirmed: true, hops: 3, limit: n});
  return [(performance.now() - t0) / 1000, cg.state.raw.nodes.size]; }"""


def saved_investigation(browser: Any, url: str, repeat: int, n: int = 2000) -> None:
    """Open a saved 2,000-entity investigation from the Open… list, against building the chart again."""
    print(f"\nopen a saved {n:,}-entity investigation (from the click in the Open… list to the chart drawn)")
    # bypass_csp: wait_for_function evaluates its predicate with eval, which the app's CSP forbids
    page = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True).new_page()
    page.goto(f"{url}/?open={CENTER}&hops=3&limit={n}")
    page.wait_for_function("window.cg && cg.ready && cg.settledAt !== null", timeout=120_000, polling=20)
    inv_id, entities, size = page.evaluate(SAVE_JS, f"benchmark {n}")
    page.context.close()
    ours, base, split, marks = [], [], [], []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_function("window.cg && cg.ready", timeout=60_000, polling=20)
        page.evaluate(OPEN_PROBE_JS)
        page.click("#inv-open")
        link = page.locator(f"#inv-open-dlg tr[data-id='{inv_id}'] a.inv-pick")
        link.wait_for()
        link.click()
        page.wait_for_function("window.__open.done", timeout=120_000, polling=10)
        secs = page.evaluate("(window.__open.done - window.__open.t0) / 1000")
        assert page.evaluate("cg.state.raw.nodes.size") == entities
        requests = page.evaluate(
            "performance.getEntriesByType('resource').filter(e => /investigations\\/inv-/.test(e.name))"
            ".reduce((a, e) => Math.max(a, e.responseEnd), 0) - window.__open.t0"
        )
        ours.append(secs)
        split.append(requests / 1000)
        marks.append(page.evaluate(MARKS_JS))
        context.close()
        context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_function("window.cg && cg.ready", timeout=60_000, polling=20)
        secs, rebuilt = page.evaluate(REBUILD_JS, [CENTER, n])
        assert rebuilt == entities, f"the baseline built {rebuilt} entities, not {entities}"
        base.append(secs)
        context.close()
    u, b = statistics.median(ours), statistics.median(base)
    print(f"  saved: {entities:,} entities, {size / 1024:.0f} kB")
    print(
        f"  runs {[round(x, 2) for x in ours]} (of which the two requests {[round(x, 2) for x in split]}), "
        f"baseline {[round(x, 2) for x in base]}"
    )
    print(
        "  of which (median s): "
        + ", ".join(
            f"{name} {statistics.median(m[i] for m in marks):.2f}"
            for i, name in enumerate(("requests", "styling", "drawing", "legend, map, timeline", "the rest"))
        )
    )
    print(f"  {'entities':>8} {'open saved (s)':>15} {'build again, before (s)':>24} {'ratio':>6}  target")
    print(f"  {entities:>8} {u:>15.2f} {b:>24.2f} {b / u:>5.1f}x  {'met' if u <= 2.0 else 'MISSED'} (<= 2 s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 2000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per size (median reported)")
    ap.add_argument("--pyvis-timeout", type=float, default=90.0, help="seconds before pyvis counts as unsettled")
    ap.add_argument(
        "--first", action=argparse.BooleanOptionalAction, default=True, help="measure the first chart against pyvis"
    )
    ap.add_argument(
        "--growth",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure expanding a large chart and Lay out again",
    )
    ap.add_argument(
        "--saved", action=argparse.BooleanOptionalAction, default=True, help="open a saved 2,000-entity investigation"
    )
    ap.add_argument("--physics-timeout", type=float, default=60.0, help="seconds before physics counts as unsettled")
    ap.add_argument(
        "--flow", action=argparse.BooleanOptionalAction, default=True, help="also measure the flow view of a trace"
    )
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    store = EmbeddedStore(tmp / "bench.sqlite")
    t = time.perf_counter()
    load_jsonl(store, [world(tmp / "world.jsonl")])
    print(f"synthetic world loaded in {time.perf_counter() - t:.1f} s")
    app = create_app(
        Settings.model_validate({"embedded_path": tmp / "x.sqlite"}),
        store=store,
        api=ApiSettings(demo=True, keys_path=tmp / "keys.json", audit_path=tmp / "audit.jsonl", rate_per_minute=0),
    )
    rows = []
    with LiveServer(app) as live, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in args.sizes if args.first else []:
            sg = httpx.get(f"{live.url}/subgraph/ego", params={"id": CENTER, "hops": 3, "limit": n}, timeout=60).json()
            nodes, edges = len(sg["nodes"]), len(sg["edges"])
            ui = [
                measure(
                    browser,
                    f"{live.url}/?open={CENTER}&hops=3&limit={n}",
                    "window.cg && cg.ready && cg.settledAt !== null",
                    "cg.settledAt",
                    None,
                    60,
                )
                for _ in range(args.repeat)
            ]
            page = pyvis_page(sg, tmp / f"pyvis-{n}.html")
            base = [
                measure(
                    browser,
                    page.as_uri(),
                    "window.__bench && window.__bench.iterDone",
                    "window.__bench.iterDone",
                    PYVIS_PROBE,
                    args.pyvis_timeout,
                )
                for _ in range(max(1, args.repeat - 1))
            ]
            u = statistics.median(x[0] for x in ui)
            api = statistics.median(x[1] for x in ui)
            rows.append((nodes, edges, u, api, statistics.median(x[0] for x in base)))
            print(
                f"  {nodes} nodes: UI {[round(x[0], 2) for x in ui]} (ego API {[round(x[1], 2) for x in ui]}), "
                f"pyvis {[round(x[0], 2) for x in base]}",
                flush=True,
            )
        if args.saved:
            saved_investigation(browser, live.url, args.repeat)
        browser.close()
    store.close()

    print()
    if rows:
        print(
            f"{'nodes':>6} {'edges':>6} {'UI settled (s)':>15} {'of which ego API':>17} {'pyvis default (s)':>18} "
            f"{'speed-up':>9}  target"
        )
    for nodes, edges, u, api, b in rows:
        ratio = f"{b / u:.1f}x" if b == b and u else f">{args.pyvis_timeout / u:.1f}x"
        shown = f"{b:.2f}" if b == b else f">{args.pyvis_timeout:.0f} (unsettled)"
        target = ("met" if u <= 3.0 else "MISSED") + " (<= 3 s)" if nodes >= 2000 else ""
        print(f"{nodes:>6} {edges:>6} {u:>15.2f} {api:>17.2f} {shown:>18} {ratio:>9}  {target}")

    if args.growth:
        big = EmbeddedStore(tmp / "growth.sqlite")
        load_jsonl(big, [world(tmp / "growth.jsonl", orgs=GROWTH_ORGS)])
        app2 = create_app(
            Settings.model_validate({"embedded_path": tmp / "y.sqlite"}),
            store=big,
            api=ApiSettings(
                demo=True, keys_path=tmp / "keys2.json", audit_path=tmp / "audit2.jsonl", rate_per_minute=0
            ),
        )
        with LiveServer(app2) as live2, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            growth(browser, live2.url, args.repeat, args.physics_timeout)
            browser.close()
        big.close()

    if args.flow:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            flow_view(browser, args.repeat)
            browser.close()


if __name__ == "__main__":
    main()
