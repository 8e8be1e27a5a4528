"""The money-flow workbench in headless Chromium (Debian's ``chromium``, Playwright): the trace dialog, the
left-to-right flow view, haircut and FIFO side by side with the CSV, and traces saved into investigations
that say when the graph under them changed. The fictional world runs on both stores (``ui`` from
tests/ui/conftest.py); the 300-transfer fan-out (tests/support/flows.py) on the embedded store at 1920x1080.
Screenshots are kept under ``test-artifacts/ui/``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from compoundgraph.api.security import KeyStore
from compoundgraph.store import EmbeddedStore, GraphStore
from tests.support.flows import HOSTILE, address, fan_out
from tests.support.ui import UI, LiveServer, demo_app

PEEL_ONWARD = {
    "record": "claim",
    "type": "TRANSFERRED",
    "subject": "wallet-peel",
    "object": "wallet-exchange",
    "grade": "A1",
    "source": "src-mekong-watch-2024",
    "properties": {
        "tx_hash": "ab" * 32,
        "log_index": 0,
        "amount": "300",
        "asset": "USDT",
        "timestamp": "2024-02-20T08:00:00Z",
    },
}


def boxes(u: UI, selector: str) -> list[dict[str, float]]:
    return list(
        u.page.evaluate(
            """s => [...document.querySelectorAll(s)].map(e => { const r = e.getBoundingClientRect();
                   return {x: r.left, y: r.top, w: r.width, h: r.height, t: e.textContent}; })""",
            selector,
        )
    )


def overlaps(bs: list[dict[str, float]]) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (by more than half a pixel either way)."""
    out = []
    srt = sorted(bs, key=lambda b: b["y"])
    for i, a in enumerate(srt):
        for b in srt[i + 1 :]:
            if b["y"] >= a["y"] + a["h"] - 0.5:
                break
            if a["x"] < b["x"] + b["w"] - 0.5 and b["x"] < a["x"] + a["w"] - 0.5:
                out.append((str(a["t"]), str(b["t"])))
    return out


def run_dialog(u: UI) -> None:
    u.page.locator("dialog#trace-dialog").wait_for(state="visible")
    u.page.click("#td-run")
    u.page.locator("#flow-pane").wait_for(state="visible")


def wait_method(u: UI, method: str) -> None:
    u.page.wait_for_selector(f"#flow-pane .fp-methods button[data-method={method}][aria-pressed=true]")
    u.page.wait_for_function("m => cg.flows.flow.res && cg.flows.flow.res.method === m", arg=method)


def test_investigator_traces_compares_saves_and_sees_the_graph_change(
    ui: UI, world: GraphStore, tmp_path: Path
) -> None:
    ui.open("?open=wallet-collect")
    ui.click_node("wallet-collect")
    ui.page.wait_for_selector("#panel button[data-act=trace]")
    ui.page.click("#trace")
    dialog = ui.page.locator("dialog#trace-dialog")
    dialog.wait_for(state="visible")
    # the defaults are today's: forward, haircut, 6 hops, the three stop tags, drawn on the chart too
    assert dialog.locator("input[name=td-direction][value=forward]").is_checked()
    assert dialog.locator("input[name=td-method][value=haircut]").is_checked()
    assert ui.page.input_value("#td-hops") == "6"
    assert [x.get_attribute("value") for x in dialog.locator("input[name=td-stop]:checked").all()] == [
        "exchange",
        "otc",
        "payment-provider",
    ]
    text = dialog.inner_text()
    assert "same share of every payment in" in text and "oldest payments in" in text  # what each method means
    # a wrong field is named and nothing is asked of the server
    ui.page.fill("#td-min", "12abc")
    ui.page.click("#td-run")
    assert "minimum amount" in ui.page.inner_text("#td-error") and dialog.is_visible()
    ui.page.fill("#td-min", "100")
    ui.page.fill("#td-hops", "5")
    ui.page.fill("#td-since", "2024-01-01")
    ui.page.fill("#td-until", "2024-12-31")
    ui.page.fill("#td-asset", "USDT")
    ui.page.fill("#td-stop-other", "Mixer, casino")
    ui.shot("flow-trace-dialog")
    before = ui.settles()
    with ui.page.expect_request("**/flows/trace") as req:
        ui.page.click("#td-run")
    sent = json.loads(req.value.post_data or "{}")
    assert sent == {
        "wallets": ["wallet-collect"],
        "direction": "forward",
        "method": "haircut",
        "max_hops": 5,
        "stop_tags": ["exchange", "otc", "payment-provider", "mixer", "casino"],
        "min_amount": "100",
        "since": "2024-01-01",
        "until": "2024-12-31",
        "asset": "USDT",
    }
    ui.wait_settles(before)
    wait_method(ui, "haircut")
    pane = ui.page.locator("#flow-pane")
    # the flow view: the start on the left, the exchange on the right, coloured by why it stops
    start = pane.locator(".flow-node.start[data-id=wallet-collect]")
    exchange = pane.locator(".flow-node.end[data-id=wallet-exchange]")
    assert start.count() == 1 and exchange.get_attribute("data-stop") == "exchange"
    assert start.bounding_box()["x"] < pane.locator(".flow-node[data-id=wallet-tan]").bounding_box()["x"]
    assert exchange.bounding_box()["x"] > pane.locator(".flow-node[data-id=wallet-peel]").bounding_box()["x"]
    # short addresses on the view, the full one on hover and on select, holders on the wallet
    label = exchange.locator("text.flow-label").text_content() or ""
    assert label.startswith("TRaC8…A9WT") and "19,500.25 USDT" in label
    assert "TRaC8Lo3mDyUQUSzQST7mtLTS9hBsoA9WT" in (exchange.locator("title").text_content() or "")
    assert exchange.locator("text.flow-holder").text_content() == "held by Sunrise Exchange"
    exchange.click()
    assert pane.locator(".fp-detail .fp-address").inner_text() == "TRaC8Lo3mDyUQUSzQST7mtLTS9hBsoA9WT"
    # edges: labelled with amount and date, width by amount, the forward colour; the legend names the reasons
    edge_labels = pane.locator(".flow-edge-label").all_text_contents()
    assert "25,000.5 USDT · 2024-02-01" in edge_labels, edge_labels
    widths = {
        e.get_attribute("data-claim"): float(e.get_attribute("stroke-width") or 0)
        for e in pane.locator("path.flow-edge").all()
    }
    assert max(widths.values()) == 14 and min(widths.values()) < 14
    assert {e.get_attribute("stroke") for e in pane.locator("path.flow-edge").all()} == {"#1565c0"}
    legend = pane.locator(".fp-legend").inner_text()
    for reason in ("exchange", "OTC desk", "payment provider", "hop limit", "unspent", "unknown prior funds"):
        assert reason in legend
    assert "returned to start" in legend and "forward trace" in legend
    ui.shot("flow-view-haircut")

    # the same start under FIFO
    ui.page.click("#flow-pane .fp-methods button[data-method=fifo]")
    wait_method(ui, "fifo")
    assert "oldest payments in" in pane.locator(".fp-method-text").inner_text()

    # both methods side by side: every column sorts, the totals equal the traced amount
    ui.page.click("#fp-compare")
    table = pane.locator("table.flow-compare")
    table.wait_for()
    heads = table.locator("thead th")
    assert heads.count() == 11
    for i in range(heads.count()):
        heads.nth(i).click()
        assert heads.nth(i).get_attribute("aria-sort") in ("ascending", "descending")
    table.locator("thead th[data-key=fifo]").click()  # numeric: largest first
    assert table.locator("thead th[data-key=fifo]").get_attribute("aria-sort") == "descending"
    fifo = [Decimal(x.replace(",", "")) for x in table.locator("tbody td:nth-child(5)").all_inner_texts()]
    assert fifo == sorted(fifo, reverse=True) and len(fifo) >= 3
    table.locator("thead th[data-key=fifo]").click()
    fifo_up = [Decimal(x.replace(",", "")) for x in table.locator("tbody td:nth-child(5)").all_inner_texts()]
    assert fifo_up == sorted(fifo)
    foot = table.locator("tfoot tr[data-asset=USDT]")
    assert "both add up" in foot.inner_text()
    ui.page.click("#fp-enlarge")
    assert pane.locator(".fp-flow").is_hidden() and table.is_visible()
    big = table.bounding_box()
    assert big and big["height"] > 100
    ui.shot("flow-compare-enlarged")
    with ui.page.expect_download() as dl:
        ui.page.click("#fp-csv")
    data = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    traced = Decimal(ui.page.evaluate("cg.flows.flow.cmp.traced.haircut.USDT"))
    assert rows and sum(Decimal(r["haircut"]) for r in rows) == traced == sum(Decimal(r["fifo"]) for r in rows)
    assert {r["wallet"] for r in rows} >= {"wallet-exchange", "wallet-tan"}
    ui.page.click("#fp-enlarge")

    # save into a new investigation, with the stamp of this run
    ui.page.click("#fp-save")
    ui.page.locator("dialog#flow-save").wait_for(state="visible")
    ui.page.select_option("#fs-inv", "")
    ui.page.fill("#fs-new", "Lotus collection wallet")
    ui.page.fill("#fs-title", "collection wallet, FIFO, 5 hops")
    ui.page.click("#fs-save")
    ui.page.wait_for_function("/trace saved into/.test(document.querySelector('#status').textContent)")
    stamp = ui.page.evaluate("cg.flows.flow.res.stamp.id")

    # the graph changes under it: a new transfer onward from the peel wallet, loaded by an editor
    editor = KeyStore(tmp_path / "keys.json").create("test editor", "editor")[1]
    base = ui.base
    r = httpx.post(
        base + "/ingest",
        headers={"X-API-Key": editor},
        files={"file": ("more.jsonl", (json.dumps(PEEL_ONWARD) + "\n").encode())},
        timeout=60,
    )
    assert r.status_code == 200, r.text

    # reopen: the saved trace says the graph under it changed, and the view is the trace as it is now
    ui.page.click("#fp-saved")
    opened = ui.page.locator("dialog#flow-open")
    opened.wait_for(state="visible")
    invs = ui.page.locator("#fo-inv option").all_inner_texts()
    assert any(t.startswith("Lotus collection wallet") for t in invs)
    row = opened.locator("tr[data-index='0']")
    row.wait_for()
    assert "CHANGED" in row.inner_text() and "collection wallet, FIFO, 5 hops" in row.inner_text()
    row.locator("button").click()
    note = pane.locator(".fp-saved.changed")
    note.wait_for()
    assert "CHANGED since it was saved" in note.inner_text() and stamp[:12] in note.inner_text()
    wait_method(ui, "fifo")
    assert ui.page.evaluate("cg.flows.flow.res.stamp.id") != stamp
    ui.shot("flow-reopened-changed")


def test_a_trace_saved_into_an_existing_investigation_is_unchanged(ui: UI) -> None:
    # an investigation saved from the chart before, with entities, notes and a layout the trace must not disturb
    chart = {
        "entities": [{"id": "wallet-exchange", "x": 10.5, "y": -3.0, "pinned": True}],
        "notes": {"investigation": "exchange deposits first", "entities": {"wallet-exchange": "seen in March"}},
        "layout": {"kind": "manual", "viewport": {"x": 1.0, "y": 2.0, "scale": 1.5}},
    }
    made = httpx.post(ui.base + "/investigations", json={"title": "Existing case", "chart": chart}, timeout=60)
    assert made.status_code == 201, made.text
    inv = made.json()
    ui.open("?open=wallet-exchange")
    ui.page.evaluate(
        "cg.trace('wallet-exchange', {direction: 'backward', method: 'haircut', max_hops: 3, stop_tags: ['exchange']})"
    )
    wait_method(ui, "haircut")
    pane = ui.page.locator("#flow-pane")
    # backward: where the exchange's funds came from, in the backward colour, the start still on the left
    assert {e.get_attribute("stroke") for e in pane.locator("path.flow-edge").all()} == {"#e65100"}
    assert "backward trace" in pane.locator(".fp-legend").inner_text()
    start = pane.locator(".flow-node.start[data-id=wallet-exchange]").bounding_box()
    collect = pane.locator(".flow-node.end[data-id=wallet-collect]").bounding_box()
    assert start and collect and start["x"] < collect["x"]
    assert "marker-start" in (pane.locator("path.flow-edge").first.evaluate("e => e.getAttributeNames().join()"))
    ui.page.click("#fp-save")
    ui.page.locator("dialog#flow-save").wait_for(state="visible")
    assert ui.page.input_value("#fs-inv") == inv["id"]  # the most recent one the user may edit
    ui.page.click("#fs-save")
    ui.page.wait_for_function("/trace saved into/.test(document.querySelector('#status').textContent)")
    ui.page.click("#fp-close")
    assert pane.is_hidden() and ui.page.locator("#flow-view").is_visible()
    ui.page.click("#flow-view")
    ui.page.click("#fp-saved")
    row = ui.page.locator("dialog#flow-open tr[data-index='0']")
    row.wait_for()
    assert "unchanged" in row.inner_text()
    row.locator("button").click()
    note = pane.locator(".fp-saved")
    ui.page.wait_for_function("document.querySelector('#flow-pane .fp-saved').textContent.includes('unchanged')")
    assert "changed" not in (note.get_attribute("class") or "").split()
    # the rest of the investigation is as it was, one trace more, its version moved on once
    after = httpx.get(ui.base + "/investigations/" + inv["id"], timeout=60).json()
    assert after["version"] == inv["version"] + 1
    assert [t["params"]["direction"] for t in after["chart"]["traces"]] == ["backward"]
    assert after["chart"]["traces"][0]["params"]["stop_tags"] == ["exchange"]
    assert {k: after["chart"][k] for k in chart} == {k: inv["chart"][k] for k in chart}


# ------------------------------------------------------------------------------------------------ 300 transfers
@pytest.fixture
def fan(browser: Any, tmp_path: Path) -> Iterator[tuple[UI, dict[str, Any]]]:
    store = EmbeddedStore(tmp_path / "fan.sqlite")
    store.init_schema()
    made = fan_out(store, 300)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    with LiveServer(demo_app(store, tmp_path)) as live:
        u = UI(page, live.url)
        page.on("pageerror", lambda e: u.errors.append(str(e)))
        yield u, made
        context.close()
    store.close()
    assert not u.errors, u.errors


def test_a_300_transfer_trace_is_readable_at_1920x1080(fan: tuple[UI, dict[str, Any]]) -> None:
    u, made = fan
    u.open(f"?open={made['start']}")
    u.click_node(made["start"])
    u.page.click("#trace")
    run_dialog(u)
    wait_method(u, "haircut")
    drawn = u.page.evaluate("cg.flows.flow.last")
    assert drawn["edges"] == made["transfers"] == 300 and drawn["columns"] == 3
    pane = u.page.locator("#flow-pane")
    last = "#flow-pane .flow-node[data-column='2']"
    assert pane.locator(".flow-node").count() == 301 and u.page.locator(last + ".end").count() == 280
    # every end point that stops the trace in one column on the right
    xs = {round(b["x"]) for b in boxes(u, last + " > circle")}
    assert len(xs) == 1 and min(xs) > 1000
    # no two labels of the end-point column overlap, nor any edge label another label
    end_labels = boxes(u, last + " text")
    assert len(end_labels) == 280 + 3  # three holder lines
    assert not overlaps(end_labels)
    all_labels = boxes(u, "#flow-pane text.flow-label, #flow-pane text.flow-holder, #flow-pane text.flow-edge-label")
    assert not overlaps(all_labels)
    assert drawn["edgeLabels"] >= 280  # every edge into an end point is labelled
    # legible: the labels are drawn at 10-11 px, never scaled down to fit
    sizes = set(
        u.page.evaluate("[...document.querySelectorAll('#flow-pane text')].map(t => getComputedStyle(t).fontSize)")
    )
    assert sizes <= {"10px", "11px"}, sizes
    # addresses are shortened, markup in a holder's name stays text
    first = made["ends"][0]
    node = pane.locator(f".flow-node[data-id={first}]")
    full = address(first)
    assert (node.locator("text.flow-label").text_content() or "").startswith(full[:5] + "…" + full[-4:])
    assert (node.locator("text.flow-holder").text_content() or "").startswith("held by <img src=x")
    assert HOSTILE in (node.locator("title").text_content() or "")
    assert u.page.evaluate("document.querySelectorAll('#flow-pane img').length") == 0
    assert u.page.evaluate("window.__pwned") is None
    u.shot("flow-300-top")
    pane.locator(".fp-flow").evaluate("e => e.scrollTop = e.scrollHeight / 2")
    u.shot("flow-300-middle")
    # grouped by path: the end points of each hop-1 wallet form one block, still without overlapping labels
    u.page.select_option("#fp-order", "path")
    rows = u.page.evaluate(
        f"""() => [...document.querySelectorAll("{last}")].map(n => [n.dataset.id, n.getBoundingClientRect().top])"""
    )
    order = [w for w, _ in sorted(rows, key=lambda r: r[1])]
    parent = [w.rsplit("-", 1)[0] for w in order]
    blocks = [p for i, p in enumerate(parent) if i == 0 or p != parent[i - 1]]
    assert len(blocks) == len(set(blocks)) == 20, blocks
    assert not overlaps(boxes(u, last + " text"))
    assert not overlaps(
        boxes(u, "#flow-pane text.flow-label, #flow-pane text.flow-holder, #flow-pane text.flow-edge-label")
    )
    pane.locator(".fp-flow").evaluate("e => e.scrollTop = e.scrollHeight / 3")
    u.shot("flow-300-by-path")


def test_the_workbench_runs_under_the_csp(browser: Any, world: GraphStore, tmp_path: Path) -> None:
    """The dialog, the SVG flow view, the legend and the table under the app's CSP (no bypass): no violation."""
    from tests.ui.test_ui_csp import WATCH, _until

    with LiveServer(demo_app(world, tmp_path)) as live:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.add_init_script(WATCH)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
        page.goto(live.url + "/?open=wallet-collect")
        _until(page, "() => !!(window.cg && window.cg.ready === true)")
        page.evaluate("cg.select(['wallet-collect'])")
        page.click("#panel button[data-act=trace]")
        page.click("dialog#trace-dialog #td-run")
        _until(page, "() => !!(cg.flows.flow.last && cg.flows.flow.last.edges > 0)")
        page.click("#fp-compare")
        page.locator("table.flow-compare").wait_for()
        page.click("table.flow-compare th[data-key=asset]")
        violations = page.evaluate("window.__csp")
        swatch = page.evaluate("getComputedStyle(document.querySelector('.fl-item.present i')).backgroundColor")
        context.close()
    assert violations == [], violations
    assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], console
    assert swatch != "rgba(0, 0, 0, 0)"  # the legend's colours were applied


# ------------------------------------------------------------------------------------------------ the demo graph
@pytest.fixture
def demo_page(browser: Any, tmp_path: Path) -> Iterator[UI]:
    """The demo graph as ``compoundgraph demo`` builds it (the curated record and the synthetic world)."""
    from compoundgraph.loader import load_jsonl
    from compoundgraph.synth import generate
    from tests.support.world import SAMPLE

    store = EmbeddedStore(tmp_path / "demo.sqlite")
    store.init_schema()
    load_jsonl(store, sorted(SAMPLE.glob("*.jsonl")))
    store.upsert(generate(seed=1, entities=1_000, transfers=2_000))
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    with LiveServer(demo_app(store, tmp_path)) as live:
        u = UI(page, live.url)
        page.on("pageerror", lambda e: u.errors.append(str(e)))
        yield u
        u.shot("flow-demo")
        context.close()
    store.close()
    assert not u.errors, u.errors


def test_a_demo_wallet_traced_both_ways(demo_page: UI) -> None:
    u = demo_page
    wallet = "wallet-7f31cffd7572f235"  # 71 neighbours in the demo graph
    u.open(f"?open={wallet}")
    u.page.evaluate("id => cg.select([id])", wallet)
    u.page.click("#panel button[data-act=trace]")
    run_dialog(u)
    wait_method(u, "haircut")
    drawn = u.page.evaluate("cg.flows.flow.last")
    assert drawn["edges"] > 0 and drawn["nodes"] > 1
    last = f"#flow-pane .flow-node[data-column='{drawn['columns'] - 1}']"
    assert not overlaps(boxes(u, last + " text"))
    assert not overlaps(
        boxes(u, "#flow-pane text.flow-label, #flow-pane text.flow-holder, #flow-pane text.flow-edge-label")
    )
    u.page.click("#fp-compare")
    foot = u.page.locator("table.flow-compare tfoot tr")
    foot.first.wait_for()
    assert all("both add up" in t for t in foot.all_inner_texts())
    # the methods side by side: each total equals the traced amount, per asset
    cmp = u.page.evaluate("cg.flows.flow.cmp")
    for asset, traced in cmp["traced"]["haircut"].items():
        assert Decimal(cmp["totals"]["haircut"][asset]) == Decimal(traced) == Decimal(cmp["totals"]["fifo"][asset])
