"""`compoundgraph review` through the CLI, on both stores: a report's proposals listed with their sentences,
accepted, rejected and edited; an error is one clear line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from compoundgraph.cli.main import app
from compoundgraph.settings import get_settings
from compoundgraph.store import ClaimFilter, GraphStore
from tests.support.world import INGEST

F = INGEST


def test_cli_review_list_accept_reject_edit(store: GraphStore, cli_env: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app, ["ingest", str(F / "field-report-bavet-casino.txt"), "--no-resolve", "--report-dir", str(cli_env / "r")]
    )
    assert out.exit_code == 0, out.output
    listed = runner.invoke(app, ["review", "list"], env={"COLUMNS": "400"})
    assert listed.exit_code == 0 and "Lucky Crane Casino Compound" in listed.output and "run by" in listed.output
    ents = {e.name: e for e in store.iter_entities(proposals=True)}
    compound, group = ents["Lucky Crane Casino Compound"], ents["Red Orchid Entertainment Group"]
    too_early = runner.invoke(
        app,
        [
            "review",
            "accept",
            next(
                c.id
                for c in store.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"], proposals=True))
                if c.properties.get("proposed_type") == "OPERATES"
            ),
        ],
    )
    assert too_early.exit_code == 2 and "accept the proposed entities first" in too_early.output
    for eid in (compound.id, group.id):
        assert runner.invoke(app, ["review", "accept", eid, "--editor", "tester"]).exit_code == 0
    operates = next(
        c
        for c in store.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"], proposals=True))
        if c.properties.get("proposed_type") == "OPERATES"
    )
    done = runner.invoke(app, ["review", "accept", operates.id])
    assert done.exit_code == 0 and "OPERATES claim" in done.output, done.output
    assert [c.subject for c in store.claims_of([compound.id], ClaimFilter.make(rel_types=["OPERATES"]))] == [group.id]
    assert runner.invoke(app, ["review", "reject", ents["Blue Dragon Resort"].id]).exit_code == 0
    edited = runner.invoke(app, ["review", "edit", ents["Auntie Mai"].id, "--name", "Mai", "--alias", "Auntie Mai"])
    assert edited.exit_code == 0 and "Person Mai" in edited.output, edited.output
    log = Path(get_settings().embedded_path).parent / "review-decisions.jsonl"
    actions = [json.loads(line)["action"] for line in log.read_text(encoding="utf-8").splitlines()]
    assert actions == ["accept", "accept", "accept", "reject", "edit"]
    rejected = runner.invoke(app, ["review", "list", "--status", "rejected"], env={"COLUMNS": "400"})
    assert "Blue Dragon Resort" in rejected.output
    assert runner.invoke(app, ["review", "list", "--status", "maybe"]).exit_code == 2
