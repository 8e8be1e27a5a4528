"""The review panel and the funnel view in headless Chromium, on both stores: a field report is ingested;
an investigator opens the review, reads each proposal with its sentence, accepts a compound, rejects a
resort, sees the accepted compound on the chart (and the rejected one nowhere), then opens the recruitment
funnel of a compound as columns job ad -> account -> recruiter -> transit -> compound. Screenshots are kept
under ``test-artifacts/ui/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compoundgraph.api import create_app
from compoundgraph.api.config import ApiSettings
from compoundgraph.ingest.base import Options
from compoundgraph.ingest.pipeline import ingest
from compoundgraph.settings import Settings
from compoundgraph.store import GraphStore
from tests.support.ui import UI, LiveServer, offline_page
from tests.support.world import INGEST


@pytest.fixture
def investigator(browser: Any, world: GraphStore, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[UI]:
    """A page on the app over the world with a field report ingested, as an investigator (demo mode)."""
    ingest(world, [INGEST / "field-report-bavet-casino.txt"], Options(), screen=False)
    app = create_app(
        Settings.model_validate({"embedded_path": tmp_path / "unused.sqlite"}),
        store=world,
        api=ApiSettings(
            demo=True, demo_role="investigator", keys_path=tmp_path / "keys.json", audit_path=tmp_path / "audit.jsonl"
        ),
    )
    with LiveServer(app) as live:
        context, u = offline_page(browser, live.url)
        yield u
        u.shot(re.sub(r"[^\w.-]+", "_", request.node.name))
        context.close()
    assert not u.errors and not u.blocked, (u.errors, u.blocked)


def _card(page: Any, name: str) -> Any:
    """The review card of the proposed entity called exactly ``name``."""
    return page.locator(".review-item.entity").filter(
        has=page.locator(".review-name", has_text=re.compile("^" + re.escape(name) + "$"))
    )


def test_review_accept_see_on_chart_and_open_the_funnel(investigator: UI) -> None:
    ui, page = investigator, investigator.page
    ui.open()
    page.click("#review")
    lucky = _card(page, "Lucky Crane Casino Compound")
    lucky.wait_for()
    assert "Lucky Crane" in lucky.locator(".review-quote").inner_text()
    assert "Bavet casino strip" in lucky.locator(".source").inner_text()
    assert page.locator(".review-item.relation").count() >= 1  # proposed relationships, with their sentences
    ui.shot("review_panel_pending")
    lucky_id = lucky.get_attribute("data-candidate")
    assert lucky_id and lucky_id not in ui.node_ids()  # a proposal is not on the chart
    # reject one: it leaves the list
    blue = _card(page, "Blue Dragon Resort")
    blue_id = blue.get_attribute("data-candidate")
    blue.locator("button[data-do=reject]").click()
    page.wait_for_selector(f".review-item[data-candidate='{blue_id}']", state="detached")
    # accept the compound: it becomes a fact and opens on the chart
    before = ui.settles()
    _card(page, "Lucky Crane Casino Compound").locator("button[data-do=accept]").click()
    ui.wait_settles(before)
    assert lucky_id in ui.node_ids() and blue_id not in ui.node_ids()
    page.wait_for_selector("#panel h1 >> text=Lucky Crane Casino Compound")  # the panel shows the new fact
    ui.shot("review_accepted_on_chart")
    page.click("#review")
    _card(page, "Red Orchid Entertainment Group").wait_for()
    assert page.locator(f".review-item[data-candidate='{lucky_id}']").count() == 0  # decided: not pending
    page.click(".review-tabs button[data-show=accepted]")
    _card(page, "Lucky Crane Casino Compound").wait_for()
    # the funnel of a compound the world knows cases of
    before = ui.settles()
    page.evaluate("cg.openChart ? cg.expand('compound-jade-river', {confirmed: true, focus: true, hops: 1}) : null")
    ui.wait_settles(before)
    page.evaluate("cg.network.selectNodes(['compound-jade-river'])")
    page.click("#funnel")
    page.wait_for_selector("#funnel-tab.on .funnel-col[data-stage=compounds] .funnel-item")
    columns = page.locator("#funnel-tab .funnel-col h4").all_inner_texts()
    assert [c.strip("→ ").strip() for c in columns] == ["Job ad", "Account", "Recruiter", "Transit", "Compound"]
    compounds = page.locator(".funnel-col[data-stage=compounds] .funnel-item").all_inner_texts()
    assert any("Jade River" in c for c in compounds)
    assert page.locator(".funnel-col[data-stage=job_ads] .funnel-item").count() >= 1
    ui.shot("funnel_view")
