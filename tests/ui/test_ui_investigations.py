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
from compoundgraph.models import Entity
from compoundgraph.store import EmbeddedStore, GraphStore
from compoundgraph.store.investigations import investigations_of
from tests.support.ui import ARTIFACTS, UI, LiveServer, demo_app, offline_page
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


@pytest.fixture
def demo(browser: Any, demo_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[UI]:
    context, u = offline_page(browser, demo_server.url)
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


def sign_in(u: UI, key: str) -> None:
    """Load the page and give it an API key (kept in this browser), as a user does in the toolbar."""
    u.page.goto(u.base + "/")
    u.page.wait_for_function("window.cg && window.cg.ready === true")
    u.page.evaluate("() => { cg.ready = false; }")
    u.page.fill("#api-key", key)
    u.page.dispatch_event("#api-key", "change")
    u.page.wait_for_function("window.cg && window.cg.ready === true")


def investigation_note(u: UI, text: str) -> None:
    if not u.page.evaluate("document.querySelector('#panel .inv-notes').open"):
        u.page.click("#panel .inv-notes summary")  # folded while an entity is shown
    u.page.fill("#inv-note", text)


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
    # and hide one
    hidden = grown[-1]
    demo.page.evaluate("id => cg.select([id])", hidden)
    demo.page.wait_for_function("id => (document.querySelector('#panel .eid') || {}).textContent === id", arg=hidden)
    demo.page.click("#panel button[data-act=hide]")
    demo.page.wait_for_function("id => cg.state.hidden.has(id)", arg=hidden)
    # a filter and an as-of date
    demo.page.select_option("#min-c", "5")
    demo.page.fill("#asof-date", "2025-06-30")
    demo.page.press("#asof-date", "Enter")
    demo.page.wait_for_function("cg.state.filters.asOf === '2025-06-30'")
    # notes: on the investigation, on the selected entity, on a selected claim
    demo.page.evaluate("id => cg.select([id])", centre)
    demo.page.wait_for_selector(f"#panel textarea[data-entity='{centre}']")
    demo.page.fill(f"#panel textarea[data-entity='{centre}']", "Checked against the 2024 sanctions notice.")
    investigation_note(demo, "Who protects the park: the BGF chain of command.")
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
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == "demo" and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", cells[2])
    assert int(cells[3]) == len(before["ids"]) and re.match(r"[\d.]+ (kB|B)", cells[4]) and cells[5] == "mine"
    demo.shot("investigation_open_list")
    demo.page.keyboard.press("Escape")
    open_from_list(demo, title)

    after = chart_state(demo)
    assert after == before
    assert after["pinned"] == [centre] and after["hidden"] == [hidden] and hidden not in after["shown"]
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


# ------------------------------------------------------------------------------------------------ guards
def test_unsaved_changes_are_warned_about(ui: UI, fresh_world: GraphStore) -> None:
    ui.open("?open=org-lotus-holdings")
    save_as(ui, "Lotus — warned")
    saved = positions(ui)
    drag(ui, "org-lotus-holdings", 90, 40)
    ui.page.wait_for_function("document.querySelector('#inv-title').textContent.endsWith('•')")
    moved = positions(ui)
    assert moved["org-lotus-holdings"] != saved["org-lotus-holdings"]
    # opening another (here: the saved version of this one) asks first; Cancel keeps the chart as it is
    ui.page.click("#inv-open")
    ui.page.locator("#inv-open-dlg tr", has_text="Lotus — warned").locator("a.inv-pick").click()
    text = message(ui)
    assert "Unsaved changes" in text and "has changes that are not saved" in text
    ui.shot("investigation_unsaved_warning")
    ui.page.click("#inv-msg-dlg button[value=cancel]")
    assert positions(ui) == moved and ui.page.evaluate("cg.investigation.isDirty()")
    # Discard: the saved chart comes back
    before = ui.settles()
    ui.page.click("#inv-open")
    ui.page.locator("#inv-open-dlg tr", has_text="Lotus — warned").locator("a.inv-pick").click()
    message(ui)
    ui.page.click("#inv-msg-dlg button[value=discard]")
    ui.wait_settles(before)
    back = positions(ui)["org-lotus-holdings"]
    assert abs(back[0] - saved["org-lotus-holdings"][0]) <= 1 and abs(back[1] - saved["org-lotus-holdings"][1]) <= 1
    # leaving the page with unsaved changes: the browser asks (beforeunload)
    drag(ui, "org-lotus-holdings", -60, 30)
    ui.page.wait_for_function("cg.investigation.isDirty()")
    asked: list[str] = []
    ui.page.on("dialog", lambda d: (asked.append(d.type), d.dismiss()))
    ui.page.close(run_before_unload=True)
    for _ in range(100):
        if asked:
            break
        ui.page.wait_for_timeout(50)
    assert asked == ["beforeunload"]
    assert not ui.page.is_closed()  # dismissed: the page stayed


def test_a_stale_save_says_who_saved_and_when(ui: UI, fresh_world: GraphStore, server: LiveServer) -> None:
    ui.open("?open=org-lotus-holdings")
    inv_id = save_as(ui, "Lotus — two tabs")
    # meanwhile, in another tab, the same investigation is saved again (version 2)
    r = httpx.put(f"{server.url}/investigations/{inv_id}", json={"version": 1, "title": "Lotus — renamed"}, timeout=30)
    assert r.status_code == 200 and r.json()["version"] == 2
    drag(ui, "org-lotus-holdings", 50, 50)
    ui.page.click("#inv-save")
    text = message(ui)
    assert "someone else saved it first" in text
    assert re.search(r"changed by key demo at \d{4}-\d\d-\d\dT\d\d:\d\d", text), text
    assert "it is now version 2; this change was based on version 1" in text
    ui.shot("investigation_conflict")
    ui.page.click("#inv-msg-dlg button[value=cancel]")  # keep editing: nothing lost
    assert ui.page.evaluate("cg.investigation.isDirty()") and "not saved" in ui.page.inner_text("#status")
    assert investigations_of(fresh_world).get(inv_id).version == 2


def test_a_corrupt_layout_and_an_oversized_save_are_refused_cleanly(ui: UI, fresh_world: GraphStore) -> None:
    ui.open("?open=org-lotus-holdings")
    good = save_as(ui, "Lotus — good")
    ui.page.select_option("#inv-more", "new")
    ui.page.wait_for_function("cg.state.raw.nodes.size === 0")
    ui.page.goto(ui.base + "/?open=compound-golden-lotus")
    ui.page.wait_for_function("window.cg && window.cg.ready === true")
    bad = save_as(ui, "Lotus — corrupted")
    # the stored chart is damaged behind the server's back (a viewport scale below 0)
    store = investigations_of(fresh_world)
    ok, _ = store._swap(bad, 1, {"chart": json.dumps({"layout": {"viewport": {"scale": -1}}}), "version": 2})
    assert ok
    on_chart = ui.node_ids()
    ui.page.click("#inv-open")
    ui.page.locator("#inv-open-dlg tr", has_text="Lotus — corrupted").locator("a.inv-pick").click()
    text = message(ui)
    assert "Cannot open this investigation" in text and "viewport.scale" in text and "unchanged" in text
    ui.page.click("#inv-msg-dlg button[value=ok]")
    assert ui.node_ids() == on_chart and "cannot open" in ui.page.inner_text("#status")
    # an answer the page cannot draw (a position that is not a number) is refused by the page too
    ui.page.route(
        f"**/investigations/{good}",
        lambda r: r.fulfill(
            response=r.fetch(),
            json={
                **r.fetch().json(),
                "chart": {**r.fetch().json()["chart"], "entities": [{"id": "org-lotus-holdings", "x": None, "y": 0}]},
            },
        ),
    )
    ui.page.click("#inv-open")
    ui.page.locator("#inv-open-dlg tr", has_text="Lotus — good").locator("a.inv-pick").click()
    text = message(ui)
    assert "The saved layout is corrupt: entity 0 (org-lotus-holdings): position x is null" in text
    ui.page.click("#inv-msg-dlg button[value=ok]")
    ui.page.unroute(f"**/investigations/{good}")
    assert ui.node_ids() == on_chart
    # more than 5 MB of notes: refused with the limit named, nothing written
    ui.page.evaluate("cg.investigation.notes.investigation = 'x'.repeat(5400000)")
    ui.page.select_option("#inv-more", "save-as")
    ui.page.fill("#inv-save-title", "Lotus — too long")
    ui.page.click("#inv-save-ok")
    text = message(ui)
    assert "too large" in text and "the limit is 5,242,880 bytes (5 MB)" in text and "chart.notes" in text
    ui.shot("investigation_too_large")
    ui.page.click("#inv-msg-dlg button[value=ok]")
    assert sorted(s.title for s in store.summaries()) == ["Lotus — corrupted", "Lotus — good"]
    # the page still works: the good one opens
    ui.page.evaluate("cg.investigation.notes.investigation = ''")
    before = ui.settles()
    ui.page.click("#inv-open")
    ui.page.locator("#inv-open-dlg tr", has_text="Lotus — good").locator("a.inv-pick").click()
    ui.wait_settles(before)
    assert "org-lotus-holdings" in ui.node_ids() and ui.page.inner_text("#inv-title") == "Lotus — good"


def test_opening_says_what_changed_in_the_graph(ui: UI, fresh_world: GraphStore, server: LiveServer) -> None:
    ids = ["compound-golden-lotus", "org-lotus-holdings", "person-merged-away", "person-aung-zaw"]
    chart = {
        "entities": [{"id": i, "x": 100.0 * n, "y": 0.0} for n, i in enumerate(ids)],
        "notes": {"entities": {"person-merged-away": "the boss, under his old record"}},
    }
    r = httpx.post(f"{server.url}/investigations", json={"title": "Lotus — before the changes", "chart": chart})
    assert r.status_code == 201
    # since it was saved: a source retracted (the only one on Colonel Aung Zaw), and a merge accepted (Tan
    # Wei-Ming's record now carries the id saved on the chart)
    fresh_world.retract_source("src-tipline-0042")
    tan = fresh_world.get_entities(["person-tan-weiming"])["person-tan-weiming"]
    fresh_world.upsert([Entity.model_validate({**tan.model_dump(), "referents": ["person-merged-away"]})])
    ui.open()
    open_from_list(ui, "Lotus — before the changes")
    text = message(ui)
    assert "The graph changed since this investigation was saved" in text
    assert "no longer in the graph" in text and "gone: person-aung-zaw" in text
    assert "person-merged-away → merged into person-tan-weiming" in text
    ui.shot("investigation_what_changed")
    ui.page.click("#inv-msg-dlg button[value=ok]")
    assert ui.node_ids() == {"compound-golden-lotus", "org-lotus-holdings", "person-tan-weiming"}
    x, y = positions(ui)["person-tan-weiming"]  # where the merged-away record was
    assert abs(x - 200.0) <= 1 and abs(y) <= 1
    assert ui.page.evaluate("cg.investigation.notes.entities.get('person-tan-weiming')").startswith("the boss")
    assert "no longer in the graph" in ui.page.inner_text("#status")


# ------------------------------------------------------------------------------------------------ partners
def test_a_partner_sees_a_shared_investigation_redacted_and_read_only(browser: Any, keyed: Keyed) -> None:
    ids = [
        "compound-golden-lotus",
        "org-lotus-holdings",
        "person-tan-weiming",
        "person-aung-zaw",
        "case-0001",
        "armed-northern-hills",
    ]
    chart = {
        "entities": [{"id": i, "x": 150.0 * (n % 3), "y": 120.0 * (n // 3)} for n, i in enumerate(ids)],
        "notes": {"investigation": "For the task force", "entities": {i: f"note on {i}" for i in ids}},
    }
    made = keyed.call("POST", "/investigations", "investigator", json={"title": "Lotus for partners", "chart": chart})
    assert made.status_code == 201
    inv_id = made.json()["id"]
    # the owner shares it from the page: Share… with the partner's key, read only
    context, owner = offline_page(browser, keyed.live.url)
    try:
        sign_in(owner, keyed.keys["investigator"])
        open_from_list(owner, "Lotus for partners")
        owner.page.select_option("#inv-more", "share")
        owner.page.wait_for_selector("#inv-share-dlg[open]")
        owner.page.fill("#inv-share-who", keyed.key_id("partner"))
        owner.page.select_option("#inv-share-access", "read")
        owner.page.click("#inv-share-add")
        owner.page.select_option("#inv-share-kind", "role")
        owner.page.select_option("#inv-share-role", "analyst")
        owner.page.select_option("#inv-share-access", "edit")
        owner.page.click("#inv-share-add")
        assert owner.page.locator("#inv-share-dlg .inv-shares tr").count() == 2
        owner.shot("investigation_share")
        owner.page.click("#inv-share-ok")
        wait_status(owner, "shared with")
        assert not owner.errors and not owner.blocked
    finally:
        context.close()
    shares = keyed.call("GET", f"/investigations/{inv_id}", "investigator").json()["shares"]
    assert shares == [
        {"to": f"key:{keyed.key_id('partner')}", "access": "read"},
        {"to": "role:analyst", "access": "edit"},
    ]
    theirs = keyed.call("GET", f"/investigations/{inv_id}", "partner").json()
    visible = {e["id"] for e in theirs["chart"]["entities"]}
    assert "case-0001" not in visible and visible < set(ids)

    context, u = offline_page(browser, keyed.live.url)
    try:
        sign_in(u, keyed.keys["partner"])
        u.page.click("#inv-open")
        row = u.page.locator("#inv-open-dlg tr", has_text="Lotus for partners")
        row.wait_for()
        assert row.locator("td").all_inner_texts()[3:6] == ["—", "—", "shared: read"]
        before = u.settles()
        row.locator("a.inv-pick").click()
        u.wait_settles(before)
        assert u.node_ids() == visible  # exactly what the API gives the partner
        assert u.page.inner_text("#inv-title") == "Lotus for partners (read only)"
        assert u.page.is_disabled("#inv-save")
        notes = u.page.evaluate("Object.keys(Object.fromEntries(cg.investigation.notes.entities)).sort()")
        assert notes == sorted(visible)
        u.page.evaluate("cg.select(['org-lotus-holdings'])")
        u.page.wait_for_selector("#panel textarea[data-entity='org-lotus-holdings'][readonly]")
        u.shot("investigation_partner")
        # it cannot be saved: not over the shared one, not as a copy of the partner's own
        u.page.keyboard.press("Control+s")
        assert "shared with you to read" in message(u)
        u.page.click("#inv-msg-dlg button[value=ok]")
        u.page.select_option("#inv-more", "save-as")
        u.page.fill("#inv-save-title", "My copy")
        u.page.click("#inv-save-ok")
        text = message(u)
        assert "Your key may not save investigations" in text
        u.page.click("#inv-msg-dlg button[value=ok]")
        assert [s.title for s in investigations_of(keyed.store).summaries()] == ["Lotus for partners"]
        # the report the partner downloads is the partner's view too
        with u.page.expect_download() as dl:
            u.page.click("#inv-report")
        html = Path(dl.value.path()).read_text(encoding="utf-8")
        names = keyed.store.get_entities(ids)
        for i in ids:
            assert (names[i].name in html) == (i in visible), i
        assert not u.errors and not u.blocked
    finally:
        context.close()


# ------------------------------------------------------------------------------------------------ pictures and report
def test_png_and_svg_pictures_carry_title_date_and_legend(ui: UI, fresh_world: GraphStore) -> None:
    ui.open("?open=compound-golden-lotus")
    ui.page.fill("#asof-date", "2024-06-30")
    ui.page.press("#asof-date", "Enter")
    ui.page.wait_for_function("cg.state.filters.asOf === '2024-06-30'")
    ui.page.evaluate("cg.select(['org-lotus-holdings'])")
    ui.page.fill("#panel textarea[data-entity='org-lotus-holdings']", "Registered in 2019.")
    save_as(ui, "Golden Lotus picture")
    shown = ui.page.evaluate("cg.nodes.get().filter(n => !n.hidden).map(n => n.id).sort()")
    lines = ui.page.evaluate("cg.edges.get().filter(e => !e.hidden).length")
    types = ui.page.evaluate("[...new Set(cg.nodes.get().filter(n => !n.hidden).map(n => n.cgLabel))].sort()")

    with ui.page.expect_download() as dl:
        ui.page.select_option("#export-fmt", "svg-picture")
    assert dl.value.suggested_filename.startswith("Golden-Lotus-picture-") and dl.value.suggested_filename.endswith(
        ".svg"
    )
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "investigation_picture.svg").write_text(text, encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and not root.findall(f".//{SVG}image")  # vector: no embedded raster

    def texts(cls: str) -> list[str]:
        return ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("class") == cls]

    assert texts("title") == ["Golden Lotus picture"]
    sub = texts("subtitle")[0]
    assert re.search(r"made \d{4}-\d\d-\d\d \d\d:\d\d UTC", sub) and "as of 2024-06-30" in sub
    assert f"{len(shown)} entities, {lines} claims" in sub
    assert sorted(t.rsplit(" (", 1)[0] for t in texts("legend-type")) == types
    assert texts("legend-line") == [
        "credibility 1–3",
        "credibility 4–6 (doubtful)",
        "contested (sources disagree)",
        "path / money flow",
    ]
    nodes = [g.get("data-id") for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert sorted(nodes) == shown
    assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "edge"]) == lines
    assert [c.get("data-id") for c in root.iter() if c.get("class") == "note-badge"] == ["org-lotus-holdings"]
    width, height = float(root.get("width") or 0), float(root.get("height") or 0)

    with ui.page.expect_download() as dl:
        ui.page.click("#export-png")
    png = Path(dl.value.path()).read_bytes()
    (ARTIFACTS / "investigation_picture.png").write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (w, h) == (round(2 * width), round(2 * height))  # print resolution: twice the picture's size
    # the title band, the chart and the legend are really painted (decoded by the browser)
    bands = ui.page.evaluate(
        """async ([b64, h]) => {
            const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
            const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
            const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
            const ink = (y0, y1) => { const d = ctx.getImageData(0, y0, c.width, y1 - y0).data; let n = 0;
                for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 600) n++; return n; };
            const legend = c.height - 2 * h;
            return { title: ink(20, 80), chart: ink(160, legend), legend: ink(legend, c.height) }; }""",
        [base64.b64encode(png).decode(), 60],
    )
    assert bands["title"] > 500 and bands["chart"] > 5000 and bands["legend"] > 500, bands


def test_report_of_the_chart_prints_to_pdf(ui: UI, fresh_world: GraphStore, browser: Any) -> None:
    ui.open("?open=org-lotus-holdings")
    ui.page.wait_for_selector("#panel code.eid >> text=org-lotus-holdings")  # the panel shows the entity
    investigation_note(ui, "Report for the prosecutor: who runs the park.")
    names = ui.page.evaluate("cg.nodes.get().filter(n => !n.hidden).map(n => cg.state.raw.nodes.get(n.id).name)")
    # the chart is not saved yet: the report asks to save first
    with ui.page.expect_download() as dl:
        ui.page.click("#inv-report")
        assert "Save the chart first?" in message(ui)
        ui.page.click("#inv-msg-dlg button[value=save]")
        ui.page.fill("#inv-save-title", "Lotus — case report")
        ui.page.click("#inv-save-ok")
    assert dl.value.suggested_filename.endswith("-report.html")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS / "investigation_report.html"  # with its extension, so Chromium renders it as HTML
    dl.value.save_as(str(report))
    html = report.read_text(encoding="utf-8")
    assert "Lotus — case report" in html and "Report for the prosecutor" in html
    for n in names:
        assert n.replace("&", "&amp;") in html, n
    # opened in Chromium and printed to PDF, then rendered page by page
    page = browser.new_page()
    try:
        page.goto(report.resolve().as_uri())
        pdf = ARTIFACTS / "investigation_report.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        page.close()
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed: scripts/test installs it"
    for old in ARTIFACTS.glob("investigation_report-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(ARTIFACTS / "investigation_report")], check=True)
    pages = sorted(ARTIFACTS.glob("investigation_report-*.png"))
    assert len(pages) >= 2  # the chart and legend on the first page, the claims from the second
    gray = subprocess.run(
        [pdftoppm, "-gray", "-r", "30", "-f", "1", "-l", "1", str(pdf)], check=True, capture_output=True
    )
    pixels = pgm_pixels(gray.stdout)
    assert sum(p < 128 for p in pixels) > 0.01 * len(pixels)  # the first page is not blank
    from pypdf import PdfReader

    first = PdfReader(str(pdf)).pages[0].extract_text()
    assert "Lotus — case report" in first and "Legend" in first


def pgm_pixels(data: bytes) -> bytes:
    """The pixels of a binary PGM (P5) image, 8 bits each."""
    parts, pos = [], 0
    while len(parts) < 4:  # magic, width, height, maxval, separated by whitespace
        while data[pos : pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    assert parts[0] == b"P5" and parts[3] == b"255"
    width, height = int(parts[1]), int(parts[2])
    return data[pos + 1 : pos + 1 + width * height]
