"""`compoundgraph ingest` and `compoundgraph resolve` through the CLI, on both stores.

The CLI opens the store from settings; the test points the settings at the same store the ``store``
fixture made (its SQLite file, or the test Neo4j), then checks the result through the fixture.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from compoundgraph.cli.main import app
from compoundgraph.settings import get_settings
from compoundgraph.store import ClaimFilter, GraphStore
from tests.support.world import INGEST, ROOT

F = INGEST
TEMPLATES = ROOT / "ingest" / "templates"


def test_cli_ingest_templates_and_report(store: GraphStore, cli_env: Path) -> None:
    runner = CliRunner()
    files = sorted(str(p) for p in TEMPLATES.glob("*.csv"))
    reports = cli_env / "reports"
    result = runner.invoke(app, ["ingest", *files, "--source-grade", "B2", "--report-dir", str(reports)])
    assert result.exit_code == 0, result.output
    assert "0 rejected" in result.output
    labels = store.counts()["labels"]
    assert set(labels) == {
        "Compound",
        "Organization",
        "ArmedGroup",
        "Person",
        "Account",
        "JobAd",
        "Platform",
        "Wallet",
        "Location",
        "Case",
        "Event",
    }
    assert {c.type for c in store.iter_claims()} == {"PROTECTS", "OWNS"}
    summary = json.loads(next(reports.glob("ingest-*.json")).read_text(encoding="utf-8"))
    assert summary["rejected"] == 0 and summary["created"] > 0
    again = runner.invoke(app, ["ingest", *files, "--source-grade", "B2", "--report-dir", str(reports)])
    assert again.exit_code == 0 and " 0 created, 0 updated" in again.output


def test_cli_unreadable_file_is_one_clear_error(store: GraphStore, cli_env: Path) -> None:
    bad = cli_env / "nothing.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    result = CliRunner().invoke(
        app, ["ingest", str(F / "generic_btc.csv"), str(bad), "--report-dir", str(cli_env / "r")]
    )
    assert result.exit_code == 2
    assert "nothing.pdf" in result.output and "PDF" in result.output
    assert store.counts()["sources"]["Source"] == 0


def test_cli_resolve_list_accept_undo(store: GraphStore, cli_env: Path) -> None:
    runner = CliRunner()
    sheet = cli_env / "people.csv"
    sheet.write_text(
        "type,name,nationality,source_title,source_url\n"
        "Person,Tan Wei-Ming,CN,List A,https://example.org/a\n"
        "Person,Tan Weiming,CN,List B,https://example.org/b\n",
        encoding="utf-8",
    )
    out = runner.invoke(app, ["ingest", str(sheet), "--report-dir", str(cli_env / "r")])
    assert out.exit_code == 0 and "1 merge candidates to review" in out.output, out.output
    listed = runner.invoke(app, ["resolve", "list"], env={"COLUMNS": "300"})
    assert listed.exit_code == 0 and "Tan Weiming" in listed.output
    cand = next(c for c in store.iter_claims(ClaimFilter.make(rel_types=["SAME_AS"])))
    accepted = runner.invoke(app, ["resolve", "accept", cand.id, "--editor", "tester"])
    assert accepted.exit_code == 0, accepted.output
    assert len([e for e in store.iter_entities() if e.label == "Person"]) == 1
    undone = runner.invoke(app, ["resolve", "undo", cand.id])
    assert undone.exit_code == 0, undone.output
    assert len([e for e in store.iter_entities() if e.label == "Person"]) == 2
    log = Path(get_settings().embedded_path).parent / "resolve-decisions.jsonl"
    assert [json.loads(line)["action"] for line in log.read_text(encoding="utf-8").splitlines()] == ["accept", "undo"]
    rejected = runner.invoke(app, ["resolve", "reject", cand.id])
    assert rejected.exit_code == 0 and "rejected" in rejected.output
