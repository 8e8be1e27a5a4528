"""End-to-end tests of the web UI in headless Chromium (Debian's ``chromium``, driven by Playwright).

The real app (``create_app``) serves the fixture world from each store (embedded and Neo4j) on a free loopback
port; every request the page makes to anything but that server is aborted and recorded, and each test checks
that none was needed. Screenshots are kept under ``test-artifacts/ui/``. The fixtures (``browser``, ``server``,
``ui``) are in tests/ui/conftest.py, the helpers (``UI``, ``LiveServer``) in tests/support/ui.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from compoundgraph.store import GraphStore
from tests.support.ui import UI


# ------------------------------------------------------------------------------------------------ tests
def test_page_loads_offline_with_legend(ui: UI) -> None:
    ui.open()
    legend = ui.page.locator("#legend li")
    assert legend.count() == 12  # 11 entity types + Source, from the ontology
    assert ui.page.locator("#legend li svg.cg-icon").count() == 12
    assert "Compound" in legend.first.inner_text()
    # everything came from the app itself: vis-network, icons, the country outlines
    assert any(u.endswith("/static/vendor/vis-network.min.js") for u in ui.requests)
    ui.page.wait_for_selector("#map path.cg-country")
    assert ui.page.locator("#map path.cg-country").count() > 100
    assert ui.page.evaluate("typeof vis.Network") == "function"


def test_search_and_open_chart(ui: UI) -> None:
    ui.open()
    ui.page.fill("#search", "Boss Tan")
    hit = ui.page.locator("#results li", has_text="Tan Wei-Ming")
    hit.wait_for()
    assert hit.locator("svg.cg-icon").count() == 1  # results carry the type icon
    assert "Person" in hit.inner_text()
    before = ui.settles()
    hit.click()
    ui.wait_settles(before)
    ids = ui.node_ids()
    assert {"person-tan-weiming", "org-lotus-holdings", "wallet-tan"} <= ids
    ui.page.wait_for_selector("#panel h1 >> text=Tan Wei-Ming")
    assert "Boss Tan" in ui.page.inner_text("#panel dl")
    # relationship labels are drawn on the edges
    labels = {e["label"] for e in ui.visible_edges()}
    assert {"DIRECTS", "HOLDS"} <= labels


def test_search_by_wallet_address_and_phone(ui: UI, world: GraphStore) -> None:
    ui.open()
    address = world.get_entities(["wallet-peel"])["wallet-peel"].properties["address"]
    ui.page.fill("#search", address)
    ui.page.locator("#results li[data-id=wallet-peel]").wait_for()
    ui.page.fill("#search", "+85512345678")
    ui.page.locator("#results li[data-id=account-phone-nok]").wait_for()


def test_expand_node_by_double_click(ui: UI) -> None:
    ui.open("?open=org-lotus-holdings")
    assert "jobad-bangkok-cs" not in ui.node_ids()
    before = ui.settles()
    ui.page.mouse.dblclick(*ui.xy("compound-golden-lotus"))
    ui.wait_settles(before)
    assert {"jobad-bangkok-cs", "case-0001", "case-0002"} <= ui.node_ids()
    # the new neighbours were asked for as new: what was on the chart went in exclude=
    ego = [u for u in ui.requests if "/subgraph/ego" in u and "id=compound-golden-lotus" in u]
    assert ego and "exclude=org-lotus-holdings" in ego[-1]


def test_claim_sources_grades_and_contested(ui: UI) -> None:
    ui.open("?open=org-lotus-holdings")
    ui.click_node("org-lotus-holdings")
    ui.page.wait_for_selector("#panel h1 >> text=Lotus Holdings Ltd")
    contested = ui.page.locator("details.claim.contested")
    assert contested.count() == 2
    tip = ui.page.locator("details.claim", has=ui.page.locator(".grade", has_text="D5"))
    tip.locator("summary").click(position={"x": 4, "y": 6})  # the marker, not the entity link
    assert tip.locator(".source").is_visible()
    text = tip.inner_text()
    assert "Anonymous tip-line submission 0042" in text
    assert "Lotus has nothing to do with Silver Dragon." in text
    assert "handling H2" in text
    ngo = ui.page.locator("details.claim", has=ui.page.locator(".grade", has_text="B2")).filter(
        has_text="Golden Lotus Park"
    )
    ngo.locator("summary").click(position={"x": 4, "y": 6})
    link = ngo.locator("a.source-link")
    assert link.get_attribute("href") == "https://example.org/mekong-watch/2024-field-report"
    assert link.get_attribute("target") == "_blank"
    assert "Lotus Holdings runs the park." in ngo.inner_text()
    # on the chart: the doubtful claim is dashed, both contested edges are marked
    edges = ui.page.evaluate("cg.edges.get()")
    d5 = [e for e in edges if e["cgGrade"] == "D5"]
    assert d5 and d5[0]["dashes"] is True and d5[0]["cgContested"] is True
    b2 = [e for e in edges if e["cgGrade"] == "B2" and e["to"] == "compound-silver-dragon"]
    assert b2 and b2[0]["dashes"] is False and "⚠" in b2[0]["label"]


def test_links_filter_hides_denials_and_keeps_contested_links(ui: UI) -> None:
    ui.open("?open=org-lotus-holdings")
    everything = {e["id"] for e in ui.visible_edges()}
    denial = [e for e in ui.visible_edges() if e["cgGrade"] == "D5"]
    assert denial and denial[0]["to"] == "compound-silver-dragon"
    ui.page.select_option("#link-filter", "asserts")
    shown = ui.visible_edges()
    assert denial[0]["id"] not in {e["id"] for e in shown}
    assert any(e["cgGrade"] == "B2" and e["to"] == "compound-silver-dragon" for e in shown)
    assert "shown (filters)" in ui.page.evaluate("cg.countLine()")
    # only contested links: the NGO's claim and the tip line's denial of the same link, nothing else
    ui.page.select_option("#link-filter", "contested")
    contested = ui.visible_edges()
    assert {(e["from"], e["to"]) for e in contested} == {("org-lotus-holdings", "compound-silver-dragon")}
    assert {e["cgGrade"] for e in contested} == {"B2", "D5"}
    assert all(e["cgContested"] for e in contested)
    # corroborated links are those the chart's claims corroborate, never a contested one
    ui.page.select_option("#link-filter", "corroborated")
    assert all(e["cgCorroborated"] and not e["cgContested"] for e in ui.visible_edges())
    ui.page.select_option("#link-filter", "")
    assert {e["id"] for e in ui.visible_edges()} == everything
    # the paths the chart asks for obey it too
    ui.page.select_option("#link-filter", "asserts")
    assert (
        ui.page.evaluate(
            "import(new URL('static/js/filters.js', document.baseURI).href).then(m => m.filterParams().toString())"
        )
        == "stance=asserts"
    )


def test_grade_filter_and_as_of(ui: UI) -> None:
    ui.open("?open=org-lotus-holdings")
    assert any(e["cgGrade"] == "D5" for e in ui.visible_edges())
    ui.page.select_option("#min-r", "B")
    ui.page.select_option("#min-c", "3")
    grades = {e["cgGrade"] for e in ui.visible_edges()}
    assert "D5" not in grades and "B2" in grades
    # later requests carry the filter
    before = ui.settles()
    ui.page.mouse.dblclick(*ui.xy("person-tan-weiming"))
    ui.wait_settles(before)
    assert any("/subgraph/ego" in u and "min_grade=B3" in u for u in ui.requests)
    # as_of: the chart follows the slider; PROTECTS held 2021-01-01..2024-03-01
    ui.page.evaluate("cg.expand('compound-jade-river', {confirmed: true})")
    ui.page.wait_for_function("cg.edges.get().some(e => e.cgType === 'PROTECTS')")
    ui.page.check("#asof-on")
    # the slider starts at today: the protection ended in 2024
    assert not any(e["cgType"] == "PROTECTS" for e in ui.visible_edges())

    slider = ui.page.locator("#asof")
    # walk the slider to a day inside the period and to one after it
    for target, expected in (("2022-06-01", True), ("2024-06-01", False)):
        ui.page.evaluate(
            """day => { const s = document.querySelector('#asof'); s.value = String(cg.sliderValue(day));
                        s.dispatchEvent(new Event('input')); }""",
            target,
        )
        label = ui.page.inner_text("#asof-label")
        assert label == target
        shown = any(e["cgType"] == "PROTECTS" for e in ui.visible_edges())
        assert shown is expected, (label, shown)
    assert slider.is_enabled()


def test_trace_flow_from_wallet(ui: UI) -> None:
    ui.open("?open=wallet-collect")
    ui.click_node("wallet-collect")
    ui.page.wait_for_selector("#panel button[data-act=trace]")
    before = ui.settles()
    ui.page.click("#trace")
    ui.page.click("dialog#trace-dialog #td-run")  # today's defaults
    ui.wait_settles(before)
    assert {"wallet-tan", "wallet-peel", "wallet-exchange"} <= ui.node_ids()
    labels = {e["label"] for e in ui.visible_edges() if e["cgType"] == "TRANSFERRED"}
    assert any("19,500.25 USDT" in lbl for lbl in labels), labels
    table = ui.page.locator("#results-tab table.endpoints")
    table.wait_for()
    assert table.locator("a.goto[data-id=wallet-exchange]").count() == 1
    assert "exchange" in table.inner_text()
    assert ui.page.locator("#tabs button.on").inner_text().startswith("Paths")


def test_supernode_asks_first_and_pages(ui: UI) -> None:
    ui.open("?open=account-tg-lotusjobs")
    assert "platform-telegram" in ui.node_ids()
    n0 = len(ui.node_ids())
    ui.page.mouse.dblclick(*ui.xy("platform-telegram"))
    dialog = ui.page.locator("dialog#supernode")
    dialog.wait_for(state="visible")
    assert "13 neighbours" in ui.page.inner_text("#sn-text")
    assert len(ui.node_ids()) == n0  # nothing added before the investigator chooses
    ui.page.fill("#sn-n", "5")
    before = ui.settles()
    ui.page.click("#sn-add")
    ui.wait_settles(before)
    first = ui.node_ids()
    assert len(first) == n0 + 5
    # the next page brings five *new* neighbours
    ui.page.mouse.dblclick(*ui.xy("platform-telegram"))
    dialog.wait_for(state="visible")
    ui.page.fill("#sn-n", "5")
    before = ui.settles()
    ui.page.click("#sn-add")
    ui.wait_settles(before)
    assert len(ui.node_ids()) == n0 + 10 and first < ui.node_ids()


def test_hide_pin_remove_undo(ui: UI) -> None:
    ui.open("?open=org-lotus-holdings")
    ui.click_node("person-tan-weiming")
    ui.page.wait_for_selector("#panel h1 >> text=Tan Wei-Ming")
    ui.page.click("#panel button[data-act=hide]")
    ui.page.wait_for_function("cg.nodes.get('person-tan-weiming').hidden === true")
    ui.page.click("#undo")
    ui.page.wait_for_function("cg.nodes.get('person-tan-weiming').hidden === false")
    ui.page.click("#panel button[data-act=pin]")
    ui.page.wait_for_function("cg.nodes.get('person-tan-weiming').fixed === true")
    assert ui.page.evaluate("cg.state.pinned.has('person-tan-weiming')") is True
    # right-click menu: remove, then undo brings the node and its claim back
    x, y = ui.xy("compound-golden-lotus")
    ui.page.mouse.click(x, y, button="right")
    ui.page.locator("#menu").wait_for(state="visible")
    ui.page.click("#menu button[data-act=remove]")
    assert "compound-golden-lotus" not in ui.node_ids()
    assert not any(e["to"] == "compound-golden-lotus" for e in ui.page.evaluate("cg.edges.get()"))
    ui.page.keyboard.press("Control+z")
    assert "compound-golden-lotus" in ui.node_ids()
    assert any(e["to"] == "compound-golden-lotus" for e in ui.page.evaluate("cg.edges.get()"))


def test_paths_between_two_selected_nodes(ui: UI) -> None:
    ui.open("?open=person-nok-srisuk")
    ui.page.evaluate("cg.expand('compound-golden-lotus', {confirmed: true})")
    ui.page.wait_for_function("cg.nodes.get('compound-golden-lotus') !== null")
    ui.settled()
    ui.click_node("person-nok-srisuk")
    ui.click_node("compound-golden-lotus", ctrl=True)
    assert sorted(ui.page.evaluate("cg.network.getSelectedNodes()")) == ["compound-golden-lotus", "person-nok-srisuk"]
    ui.page.click("#paths")
    rows = ui.page.locator("#results-tab tr.path-row")
    rows.first.wait_for()
    assert "Nok Srisuk" in rows.first.inner_text() and "Golden Lotus Park" in rows.first.inner_text()
    highlighted = ui.page.evaluate("[...cg.state.highlight]")
    assert highlighted
    colours = ui.page.evaluate("ids => ids.map(id => cg.edges.get(id).color.color)", highlighted)
    assert set(colours) == {"#ff9800"}  # the path is drawn in the path colour


def test_map_and_timeline_follow_selection(ui: UI) -> None:
    ui.open("?open=compound-jade-river")
    # the compound, the town and the armed group (no coordinates of its own: placed, approximately, at the
    # Location it is LOCATED_IN) overlap at this zoom: one cluster with a count
    cluster = ui.page.locator("#map g.cg-cluster")
    cluster.wait_for()
    ids = set((cluster.get_attribute("data-ids") or "").split())
    assert {"compound-jade-river", "location-myawaddy", "armed-northern-hills"} <= ids
    assert cluster.locator("text.count").text_content() == str(len(ids))
    assert "armed-northern-hills" not in ui.page.evaluate("cg.map.markers.filter(m => !m.approx).map(m => m.id)")
    assert "approximate: located in Myawaddy" in (cluster.locator("title").text_content() or "")
    ui.page.evaluate("cg.select(['armed-northern-hills'])")
    ui.page.wait_for_selector("#panel dd >> text=approximate")
    assert "where Myawaddy is (LOCATED_IN)" in ui.page.inner_text("#panel dl")
    # zoom in (buttons; the wheel too) until the compound stands on its own
    k0 = float(ui.page.get_attribute("#map svg", "data-k") or 0)
    box = ui.page.locator("#map svg").bounding_box()
    ui.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    ui.page.mouse.wheel(0, -200)
    ui.page.wait_for_function(f"+document.querySelector('#map svg').dataset.k > {k0}")
    marker = ui.page.locator("#map g.cg-marker[data-id=compound-jade-river]:not(.cg-cluster)")
    for _ in range(14):
        if marker.count():
            break
        ui.page.click("#map .cg-map-controls button[data-z=in]")
    assert marker.count() == 1
    marker.dispatch_event("click")
    assert ui.page.evaluate("cg.network.getSelectedNodes()") == ["compound-jade-river"]
    assert "selected" in (marker.get_attribute("class") or "")
    ui.page.click("#tabs button[data-tab=timeline]")
    items = ui.page.locator("#timeline .vis-item")
    items.first.wait_for()
    text = ui.page.inner_text("#timeline")
    assert "2021-01-01" in text  # PROTECTS valid_from
    ui.page.wait_for_function("document.querySelector('#timeline').textContent.includes('2024-03-01')")
    # one track per entity type
    tracks = set(ui.page.locator("#timeline .vis-label").all_inner_texts())
    assert {"● ArmedGroup", "● Compound"} <= {t.strip() for t in tracks}


def test_exports_png_html_and_formats(ui: UI) -> None:
    ui.open("?open=org-lotus-holdings")
    with ui.page.expect_download() as dl:
        ui.page.click("#export-png")
    png = Path(dl.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG")
    with ui.page.expect_download() as dl:
        ui.page.click("#export-html")
    page = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "new vis.Network" in page and "Silver Dragon Zone" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)
    with ui.page.expect_request(lambda r: "/exports/graphml" in r.url) as req:
        ui.page.select_option("#export-fmt", "graphml")
    url = req.value.url
    assert "ids=org-lotus-holdings" in url and "ids=compound-silver-dragon" in url
