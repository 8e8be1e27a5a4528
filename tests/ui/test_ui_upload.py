"""*Add report…* in headless Chromium, on both stores, with real API keys (no demo mode).

An investigator with an editor key adds the Moei crossing field report with its metadata sidecar: *Check* (a
dry run) shows the counts and writes nothing, *Load* shows the places and countries found and the proposals
awaiting review, *Show on chart* puts the report and what it mentions on the chart, *Review these proposals*
opens the review panel on this report's proposals only, a proposed compound is accepted and then found by
search. An analyst key gets a disabled button saying why, and the server refuses the upload anyway (403, shown
in the dialog). A truncated workbook is refused (422) with its where and why in the dialog, and a hostile
CSV's rejected rows are listed; nothing is written and the chart does not change. The dialog is checked at
1280×720 (nothing cut off); screenshots go to ``test-artifacts/ui/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compoundgraph.api import create_app
from compoundgraph.api.config import ApiSettings
from compoundgraph.api.security import KeyStore
from compoundgraph.ingest import Options, ingest
from compoundgraph.settings import Settings
from compoundgraph.store import GraphStore
from tests.support.ui import UI, LiveServer, offline_page
from tests.support.world import INGEST

MOEI = INGEST / "field-report-moei-crossing.md"
SIZE = (1280, 720)


@pytest.fixture
def keyed(world: GraphStore, tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """The app over the world with an editor and an analyst key (no demo mode)."""
    keys = KeyStore(tmp_path / "keys.json")
    made = {role: keys.create(f"ui {role}", role)[1] for role in ("editor", "analyst")}
    app = create_app(
        Settings.model_validate({"embedded_path": tmp_path / "unused.sqlite"}),
        store=world,
        api=ApiSettings(keys_path=tmp_path / "keys.json", audit_path=tmp_path / "audit.jsonl", rate_per_minute=0),
    )
    with LiveServer(app) as live:
        yield live, made


@pytest.fixture
def page_as(browser: Any, keyed: tuple[LiveServer, dict[str, str]], request: pytest.FixtureRequest) -> Iterator[Any]:
    """``page_as(role)``: a 1280×720 page on the app signed in with that role's key (as a user types it)."""
    live, keys = keyed
    opened: list[tuple[Any, UI]] = []

    def make(role: str) -> UI:
        context, u = offline_page(browser, live.url, SIZE)
        page = u.page
        page.goto(live.url + "/")
        page.wait_for_function("window.cg && window.cg.ready === true")
        page.evaluate("() => { cg.ready = false; }")
        page.fill("#api-key", keys[role])
        page.dispatch_event("#api-key", "change")
        page.wait_for_function("window.cg && window.cg.ready === true")
        opened.append((context, u))
        return u

    yield make
    for context, u in opened:
        u.shot(re.sub(r"[^\w.-]+", "_", request.node.name))
        context.close()
        assert not u.errors and not u.blocked, (u.errors, u.blocked)


def _everything(store: GraphStore) -> tuple[int, int, int]:
    """Entities (proposals too), claims and sources in the store: what a refused upload must not change."""
    from compoundgraph.store import ClaimFilter

    entities = sum(1 for _ in store.iter_entities(proposals=True))
    claims = sum(1 for _ in store.iter_claims(ClaimFilter.make(proposals=True)))
    return entities, claims, sum(1 for _ in store.iter_sources())


def _fits(page: Any) -> None:
    """The dialog and its buttons are wholly inside the window; its result scrolls inside it."""
    box = page.evaluate("""() => { const d = document.querySelector('#upload-dlg').getBoundingClientRect();
        const b = [...document.querySelectorAll('#upload-dlg menu button')].filter(x => x.offsetParent !== null)
          .map(x => x.getBoundingClientRect());
        return {d: [d.left, d.top, d.right, d.bottom], b: b.map(r => [r.left, r.top, r.right, r.bottom])}; }""")
    left, top, right, bottom = box["d"]
    assert left >= 0 and top >= 0 and right <= SIZE[0] and bottom <= SIZE[1], box
    for bl, bt, br, bb in box["b"]:
        assert bl >= left and br <= right and bt >= top and bb <= bottom, box


def _send(page: Any, button: str) -> None:
    page.click(button)
    page.wait_for_function("document.querySelector('#upload-dlg').dataset.state === 'done'")


def test_editor_adds_a_report_reviews_it_and_finds_the_compound(page_as: Any, world: GraphStore) -> None:
    ui = page_as("editor")
    page = ui.page
    button = page.locator("#add-report")
    assert button.is_enabled() and "editor" not in (button.get_attribute("title") or "")
    button.click()
    page.wait_for_selector("#upload-dlg[open]")
    page.set_input_files("#up-file", str(MOEI))
    page.set_input_files("#up-meta", str(MOEI) + ".meta.yaml")  # its sidecar: title, publisher, date, grade C3
    expected = ingest(world, [MOEI], Options(dry_run=True))  # the pipeline's own count, nothing written
    before = _everything(world)
    # Check: counts, nothing written
    _send(page, "#up-check")
    head = page.inner_text("#up-result .up-head")
    assert head.startswith("Checked field-report-moei-crossing.md (text): nothing written"), head
    count = lambda k: int(page.inner_text(f"#up-result dd[data-count={k}]"))  # noqa: E731
    assert (count("sources"), count("entities"), count("claims")) == (
        expected.sources,
        expected.entities,
        expected.claims,
    )
    assert expected.sources == 2 and expected.entities >= 15 and expected.claims >= 35
    assert count("places") >= 5 and count("proposals") >= 6
    assert page.locator("#up-review").count() == 0  # nothing to review before the load
    assert _everything(world) == before
    _fits(page)
    ui.shot("upload_checked")
    # Load: places, countries, proposals
    _send(page, "#up-load")
    page.wait_for_selector("#up-result .up-head.loaded")
    assert page.inner_text("#up-error") == ""
    places = page.locator("#up-result section", has=page.locator("h3", has_text="Places")).inner_text()
    for place in ("Mae Sot (TH", "Myawaddy (MM", "Sihanoukville (KH"):
        assert place in places
    countries = page.locator("#up-result section", has=page.locator("h3", has_text="Countries")).inner_text()
    assert "Philippines — nationality" in countries and "Sri Lanka" in countries
    proposals = page.locator("#up-result section", has=page.locator("h3", has_text="Proposals")).inner_text()
    assert "Silver Heron Technology Park (Compound)" in proposals and "DKBA (ArmedGroup)" in proposals
    assert "Jade River Compound" in page.inner_text("#up-result")  # a compound the graph already knows
    assert "screened" in page.inner_text("#up-result")
    report_id = re.search(r"\((src-[0-9a-f]+)\)", page.inner_text("#up-result .up-report"))
    assert report_id
    assert "Silver Heron Technology Park (fictional)" in page.inner_text("#up-result .up-report")  # the sidecar's title
    source = world.get_sources([report_id.group(1)])[report_id.group(1)]
    assert source.reliability == "C" and source.publisher == "compoundgraph test suite"  # from the sidecar
    assert _everything(world)[0] > before[0]
    _fits(page)
    ui.shot("upload_loaded")
    # Show on chart: the report and what it mentions (proposals stay off the chart)
    settles = ui.settles()
    page.click("#up-show")
    ui.wait_settles(settles)
    on_chart = ui.node_ids()
    silver = next(c for c in world.iter_entities(proposals=True) if c.name == "Silver Heron Technology Park")
    assert {report_id.group(1), "compound-jade-river"} <= on_chart and silver.id not in on_chart
    assert any(world.get_entities([i])[i].name == "Mae Sot" for i in on_chart if i.startswith("location-"))
    # back to the dialog (its result kept): review this report's proposals
    page.click("#add-report")
    page.click("#up-review")
    page.wait_for_selector("#upload-dlg:not([open])", state="attached")
    page.wait_for_selector("#panel .review-report")
    assert "Moei crossing" in page.inner_text("#panel .review-report")
    cards = page.locator(".review-item")
    cards.first.wait_for()
    sources = set(page.locator(".review-item .source b").all_inner_texts())
    assert len(sources) == 1 and "Moei crossing" in sources.pop()
    assert cards.count() == count_after_load(world, report_id.group(1))
    ui.shot("upload_review_of_report")
    card = page.locator(".review-item.entity").filter(
        has=page.locator(".review-name", has_text=re.compile("^Silver Heron Technology Park$"))
    )
    settles = ui.settles()
    card.locator("button[data-do=accept]").click()
    ui.wait_settles(settles)
    assert silver.id in ui.node_ids()
    # now a fact: search finds it, and opening the hit shows it on the chart
    page.evaluate("cg.select(['compound-jade-river'])")
    page.wait_for_selector("#panel h1 >> text=Jade River Compound")
    page.fill("#search", "Silver Heron")
    hit = page.locator(f"#results li[data-id='{silver.id}']")
    hit.wait_for()
    hit.click()
    page.wait_for_selector("#panel h1 >> text=Silver Heron Technology Park")
    assert silver.id in ui.node_ids()


def count_after_load(store: GraphStore, source: str) -> int:
    """Pending proposals (entities and relationships) of one report, as the review API lists them."""
    from compoundgraph.ingest.review import candidates

    return len(candidates(store, "pending", source))


def test_an_analyst_key_gets_no_working_upload(page_as: Any, world: GraphStore) -> None:
    ui = page_as("analyst")
    page = ui.page
    button = page.locator("#add-report")
    assert button.is_disabled()
    assert button.get_attribute("title") == "Adding reports needs the editor role; this key has analyst"
    # and the server refuses it all the same: the dialog forced open shows the 403
    before = _everything(world)
    page.evaluate("cg.openUpload()")
    page.set_input_files("#up-file", str(MOEI))
    _send(page, "#up-load")
    error = page.inner_text("#up-error")
    assert "(403)" in error and "needs the editor role" in error and "Nothing was written" in error
    assert page.locator("#up-result").is_hidden()
    assert _everything(world) == before


def test_a_malformed_file_shows_the_problem_and_writes_nothing(page_as: Any, world: GraphStore, tmp_path: Path) -> None:
    ui = page_as("editor")
    page = ui.page
    truncated = tmp_path / "partner-truncated.xlsx"
    truncated.write_bytes((INGEST / "partner.xlsx").read_bytes()[:700])
    before, chart = _everything(world), ui.node_ids()
    page.click("#add-report")
    page.set_input_files("#up-file", str(truncated))
    _send(page, "#up-load")
    error = page.inner_text("#up-error")
    assert error.startswith("Invalid input (422): partner-truncated.xlsx: not a readable XLSX workbook"), error
    assert "/tmp" not in error and "Nothing was written" in error
    assert page.locator("#up-result").is_hidden()
    _fits(page)
    ui.shot("upload_refused")
    # a hostile CSV: its bad rows are listed with where and why (checked: nothing written)
    page.set_input_files("#up-file", str(INGEST / "hostile.csv"))
    assert page.inner_text("#up-error") == ""  # a new file clears the last problem
    _send(page, "#up-check")
    rows = page.locator("#up-result .up-rejects tbody tr")
    assert rows.count() == 5
    first = rows.first.locator("td").all_inner_texts()
    assert first[:2] == ["line 4", "name"] and "formula injection" in first[2]
    ui.shot("upload_rejects")
    page.click("#up-close")
    assert _everything(world) == before and ui.node_ids() == chart
