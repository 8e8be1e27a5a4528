"""Saved investigations in the chart UI, in headless Chromium (Debian's ``chromium``, Playwright).

An investigator's day on the demo graph (open, expand twice, move and pin, notes on the investigation, an
entity and a claim, filters, save, reload, open from the list: the same chart comes back); the unsaved-changes
warning; a stale save (409) naming who saved; a corrupt saved layout and an oversized save refused without
breaking the page; a partner key opening a read-only shared investigation sees it redacted (as the API
redacts it, in the report too) and cannot save; the PNG and SVG pictures with title, date and legend; the case
report printed to PDF and rendered with ``pdftoppm``.

The demo graph (curated public record plus the synthetic world, as ``compoundgraph demo`` builds it) runs on
the embedded store (module fixture ``demo_server``); the fictional world runs on both stores (``ui`` from
tests/ui/conftest.py, and ``keyed`` here: the same app with an investigator and a partner key). Screenshots
and the rendered report pages go to ``test-artifacts/ui/``.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from compoundgraph.api.security import KeyStore
from compoundgraph.loader import load_jsonl
from compoundgraph.store import EmbeddedStore, GraphStore
from compoundgraph.store.investigations import investigations_of
from tests.support.ui import ARTIFACTS, UI, LiveServer, demo_app
from tests.support.world import SAMPLE

SVG = "{http://www.w3.org/2000/svg}"


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from compoundgraph.synth import generate

    tmp = tmp_path_factory.mktemp("demo")
    store = EmbeddedStore(tmp / "demo.sqlite")
    store.init_schema()
    load_jsonl(store, sorted(SAMPLE.glob("*.jsonl")))
    store.upsert(generate(seed=1, entities=1_000, transfers=2_000))  # as `compoundgraph demo` does
    with LiveServer(demo_app(store, tmp)) as live:
        live.store = store  # type: ignore[attr-defined]
        yield live
    store.close()


def page_on(browser: Any, url: str, viewport: tuple[int, int] = (1400, 900)) -> tuple[Any, UI]:
    """A fresh context and a page on the app at ``url``; requests elsewhere are aborted and recorded."""
    # bypass_csp: Playwright evaluates wait_for_function predicates with eval, which the CSP forbids;
    # tests/ui/test_ui_csp.py drives the page with the CSP in force
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True, bypass_csp=True
    )
    page = context.new_page()
    u = UI(page, url)

    def route(r: Any) -> None:
        if r.request.url.startswith(url + "/") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            u.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: u.errors.append(str(e)))
    page.on("request", lambda r: u.requests.append(r.url))
    return context, u


@pytest.fixture
def demo(browser: Any, demo_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[UI]:
    context, u = page_on(browser, demo_server.url)
    yield u
    u.shot(re.sub(r"[^\w.-]+", "_", request.node.name))
    context.close()
    assert not u.errors, f"script errors on the page: {u.errors}"
    assert not u.blocked, f"the page tried to reach beyond the app: {u.blocked}"


class Keyed:
    """The app over the fixture world with an investigator key and a partner key (not in demo mode)."""

    def __init__(self, live: LiveServer, keys: dict[str, str], store: GraphStore) -> None:
        self.live, self.keys, self.store = live, keys, store

    def key_id(self, role: str) -> str:
        return self.keys[role].split("_")[1]

    def call(self, method: str, path: str, role: str, **kw: Any) -> httpx.Response:
        return httpx.request(method, self.live.url + path, headers={"X-API-Key": self.keys[role]}, timeout=30, **kw)


@pytest.fixture
def keyed(world: GraphStore, tmp_path: Path) -> Iterator[Keyed]:
    investigations_of(world).purge(confirm=True)
    ks = KeyStore(tmp_path / "keys.json")
    keys = {role: ks.create(f"ui {role}", role)[1] for role in ("investigator", "partner")}
    with LiveServer(demo_app(world, tmp_path)) as live:
        yield Keyed(live, keys, world)


@pytest.fixture
def fresh_world(world: GraphStore) -> GraphStore:
    investigations_of(world).purge(confirm=True)
    return world


# ------------------------------------------------------------------------------------------------ helpers
def positions(u: UI) -> dict[str, tuple[float, float]]:
    pos = u.page.evaluate("cg.network.getPositions()")
    return {k: (float(v["x"]), float(v["y"])) for k, v in pos.items()}


def dom_xy(u: UI, ids: list[str]) -> dict[str, tuple[float, float]]:
    """Where the nodes are on screen, from the chart's centre (the side panel's width may differ)."""
    r = u.page.evaluate(
        "(() => { const r = document.querySelector('#chart canvas').getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
    )
    return {i: (u.xy(i)[0] - r[0], u.xy(i)[1] - r[1]) for i in ids}


def chart_state(u: UI) -> dict[str, Any]:
    return dict(
        u.page.evaluate("""() => ({
        ids: [...cg.state.raw.nodes.keys()].sort(), claims: [...cg.state.raw.edges.keys()].sort(),
        pinned: [...cg.state.pinned].sort(), hidden: [...cg.state.hidden].sort(),
        filters: { types: [...cg.state.filters.types].sort(), rels: [...cg.state.filters.rels].sort(),
                   minR: cg.state.filters.minR, minC: cg.state.filters.minC, asOf: cg.state.filters.asOf,
                   keepOrphans: cg.state.filters.keepOrphans },
        notes: { investigation: cg.investigation.notes.investigation,
                 entities: Object.fromEntries(cg.investigation.notes.entities),
                 claims: Object.fromEntries(cg.investigation.notes.claims) },
        shown: cg.nodes.get().filter(n => !n.hidden).map(n => n.id).sort(),
        fixed: cg.nodes.get().filter(n => n.fixed).map(n => n.id).sort() })""")
    )


def wait_status(u: UI, pattern: str) -> str:
    u.page.wait_for_function("p => new RegExp(p).test(document.querySelector('#status').textContent)", arg=pattern)
    return str(u.page.inner_text("#status"))


def message(u: UI) -> str:
    """The text of the investigation message dialog, once it is open."""
    u.page.wait_for_selector("#inv-msg-dlg[open]")
    return str(u.page.inner_text("#inv-msg-dlg"))


def save_as(u: UI, title: str) -> str:
    u.page.select_option("#inv-more", "save-as") if u.page.evaluate("!!cg.investigation.inv.id") else u.page.click(
        "#inv-save"
    )
    u.page.wait_for_selector("#inv-save-dlg[open]")
    u.page.fill("#inv-save-title", title)
    u.page.click("#inv-save-ok")
    wait_status(u, f"saved “{re.escape(title)}”")
    return str(u.page.evaluate("cg.investigation.inv.id"))


def open_from_list(u: UI, title: str) -> None:
    before = u.settles()
    u.page.click("#inv-open")
    u.page.wait_for_selector("#inv-open-dlg[open]")
    u.page.locator("#inv-open-dlg tr", has_text=title).locator("a.inv-pick").click()
    u.wait_settles(before)
    wait_status(u, "opened")


def expand_from_panel(u: UI, node: str) -> None:
    before = u.settles()
    u.page.evaluate("id => cg.select([id])", node)
    u.page.wait_for_function("id => (document.querySelector('#panel .eid') || {}).textContent === id", arg=node)
    u.page.click("#panel button[data-act=expand]")
    if u.page.locator("#supernode[open]").count():
        u.page.click("#sn-add")
    u.wait_settles(before)


def drag(u: UI, node: str, dx: float, dy: float) -> None:
    x, y = u.xy(node)
    u.page.mouse.move(x, y)
    u.page.mouse.down()
    for k in range(1, 6):
        u.page.mouse.move(x + dx * k / 5, y + dy * k / 5)
    u.page.mouse.up()


# ------------------------------------------------------------------------------------------------ the day's work
def test_investigator_saves_reloads_and_reopens_the_same_chart(demo: UI, demo_server: LiveServer) -> None:
    store: GraphStore = demo_server.store  # type: ignore[attr-defined]
    centre = store.search("Saw Chit Thu", 1)[0].id
    demo.open(f"?open={centre}&hops=1")
    demo.page.wait_for_function("document.querySelector('#inv-title').textContent === 'Unsaved chart •'")
    first = demo.node_ids()
    # expand, and expand again from an entity the first expansion brought
    others = sorted(first - {centre})
    expand_from_panel(demo, others[0])
    second = demo.node_ids()
    assert second > first
    grown = sorted(second - first)
    expand_from_panel(demo, grown[0])
    assert demo.node_ids() >= second
    # move one node and pin it; move another (positions are saved whether pinned or not)
    drag(demo, centre, 120, 60)
    demo.page.evaluate("id => cg.select([id])", centre)
    demo.page.wait_for_function("id => (document.querySelector('#panel .eid') || {}).textContent === id", arg=centre)
    demo.page.click("#panel button[data-act=pin]")
    demo.page.wait_for_function("id => cg.state.pinned.has(id)", arg=centre)
    drag(demo, others[0], -80, 40)
    # a filter and an as-of date
    demo.page.select_option("#min-c", "5")
    demo.page.fill("#asof-date", "2025-06-30")
    demo.page.press("#asof-date", "Enter")
    demo.page.wait_for_function("cg.state.filters.asOf === '2025-06-30'")
    # notes: on the investigation, on the selected entity, on a selected claim
    demo.page.evaluate("id => cg.select([id])", centre)
    demo.page.wait_for_selector(f"#panel textarea[data-entity='{centre}']")
    demo.page.fill(f"#panel textarea[data-entity='{centre}']", "Checked against the 2024 sanctions notice.")
    demo.page.click("#panel .inv-notes summary")  # folded while an entity is shown
    demo.page.fill("#inv-note", "Who protects the park: the BGF chain of command.")
    claim = demo.page.evaluate("id => cg.edges.get().find(e => !e.hidden && (e.from === id || e.to === id)).id", centre)
    ends = demo.page.evaluate("id => { const e = cg.state.raw.edges.get(id); return [e.from, e.to]; }", claim)
    demo.page.evaluate("([from, id]) => cg.showEntity(from, id)", [ends[0], claim])
    demo.page.wait_for_selector(f"#panel details.claim[data-claim='{claim}'][open] textarea[data-claim]")
    demo.page.fill(f"#panel textarea[data-claim='{claim}']", "The quote is second-hand: ask the source.")
    demo.page.wait_for_function("cg.investigation.badges.length === 2")
    assert demo.page.evaluate("cg.investigation.isDirty()")
    demo.shot("investigation_before_save")

    before = chart_state(demo)
    pos_before = positions(demo)
    title = "BGF chain — day one"
    inv_id = save_as(demo, title)
    assert inv_id.startswith("inv-")
    assert demo.page.inner_text("#inv-title") == title  # saved: no • any more
    assert not demo.page.evaluate("cg.investigation.isDirty()")
    dom_before = dom_xy(demo, [centre, others[0]])

    # tomorrow: a fresh page, the chart opened from the list
    demo.open()  # a new page load, without ?open=

    assert demo.node_ids() == set()
    demo.page.click("#inv-open")
    demo.page.wait_for_selector("#inv-open-dlg[open]")
    row = demo.page.locator("#inv-open-dlg tr", has_text=title)
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == "demo" and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", cells[2])
    assert int(cells[3]) == len(before["ids"]) and re.match(r"[\d.]+ (kB|B)", cells[4]) and cells[5] == "mine"
    demo.shot("investigation_open_list")
    demo.page.keyboard.press("Escape")
    open_from_list(demo, title)

    after = chart_state(demo)
    assert after == before
    pos_after = positions(demo)
    assert set(pos_after) == set(pos_before)
    worst = max(abs(pos_after[k][0] - pos_before[k][0]) + abs(pos_after[k][1] - pos_before[k][1]) for k in pos_before)
    assert worst <= 2, f"a node moved by {worst} canvas units"
    for k, (x, y) in dom_xy(demo, [centre, others[0]]).items():  # and the view: same place on screen
        assert abs(x - dom_before[k][0]) <= 2 and abs(y - dom_before[k][1]) <= 2
    assert demo.page.inner_text("#inv-title") == title
    # the filters' controls show the restored filters
    assert demo.page.input_value("#min-c") == "5" and demo.page.input_value("#asof-date") == "2025-06-30"
    assert demo.page.is_checked("#asof-on")
    # the badges are drawn: one on the entity, one on the claim
    badges = demo.page.evaluate("cg.investigation.badges.map(b => b.kind + ':' + b.id).sort()")
    assert badges == sorted([f"claim:{claim}", f"entity:{centre}"])
    demo.page.wait_for_function("document.querySelector('#inv-note').value.startsWith('Who protects')")
    demo.page.evaluate("id => cg.select([id])", centre)
    assert demo.page.input_value(f"#panel textarea[data-entity='{centre}']").startswith("Checked against")
    # a badge is really painted: the pixel under the entity's badge is the badge's amber
    bx, by = demo.page.evaluate(
        """id => { const b = cg.investigation.badges.find(x => x.id === id); const d = cg.network.canvasToDOM(b);
                   const r = document.querySelector('#chart canvas').getBoundingClientRect();
                   return [r.left + d.x, r.top + d.y + 4]; }""",
        centre,
    )
    demo.shot("investigation_reopened")
    shot = demo.page.screenshot(clip={"x": bx - 1, "y": by - 1, "width": 3, "height": 3})
    assert amberish(shot), "no badge painted where the entity's note badge should be"


def amberish(png: bytes) -> bool:
    """True if the middle pixel of a tiny PNG screenshot is the badge's amber (#ffb300)."""
    import zlib

    # a 3x3 RGB(A) PNG: decode by hand (no imaging library needed for nine pixels)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, channels = 8, b"", 0, 4
    while pos < len(png):
        n = int.from_bytes(png[pos : pos + 4], "big")
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            width, channels = int.from_bytes(data[:4], "big"), {2: 3, 6: 4}[data[9]]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for r in range(len(raw) // (stride + 1)):
        f, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1 : (r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    mid = rows[len(rows) // 2][(width // 2) * channels : (width // 2) * channels + 3]
    red, green, blue = mid[0], mid[1], mid[2]
    return red > 220 and 140 < green < 210 and blue < 80
