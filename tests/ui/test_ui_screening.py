"""The money-flow view flags listed wallets: a real Chromium on the app over both stores (fixtures in
tests/ui/conftest.py), with the fixture world plus ``screening.jsonl`` (Tan Wei-Ming, who holds wallet-tan, is
designated)."""

from __future__ import annotations

from compoundgraph.loader import load_jsonl
from compoundgraph.store import GraphStore
from tests.support.ui import UI
from tests.support.world import SCREENING


def test_trace_view_flags_listed_wallets(ui: UI, world: GraphStore) -> None:
    load_jsonl(world, [SCREENING])
    ui.open("?open=wallet-collect")
    ui.click_node("wallet-collect")
    ui.page.wait_for_selector("#panel button[data-act=trace]")
    before = ui.settles()
    ui.page.click("#trace")
    ui.page.click("dialog#trace-dialog #td-run")  # today's defaults
    ui.wait_settles(before)
    results = ui.page.locator("#results-tab")
    headline = results.locator("p.trace-headline.listed")
    headline.wait_for()
    assert headline.inner_text().startswith("LISTED: this trace touches 1 listed wallet")
    # the headline comes first, right under the title
    assert results.locator("h3 + p").first.inner_text() == headline.inner_text()
    listed = results.locator("ul.listed-wallets li")
    assert listed.count() == 1
    text = listed.inner_text()
    assert "haircut" in text and "fifo" in text and "Designation of the Lotus network" in text
    row = results.locator("table.endpoints tr.listed")
    assert row.count() == 1 and row.locator("a.goto[data-id=wallet-tan]").count() == 1
    assert "LISTED" in row.inner_text()
    assert results.locator("table.endpoints tr:not(.listed) a.goto[data-id=wallet-exchange]").count() == 1
