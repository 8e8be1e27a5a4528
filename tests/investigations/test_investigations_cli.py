"""`compoundgraph investigations list | show | export` on both stores (the CLI opens the store the ``store``
fixture made, through the settings: ``cli_env`` from tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from compoundgraph.cli.main import app
from compoundgraph.investigations.model import Investigation, parse_chart
from compoundgraph.loader import load_jsonl
from compoundgraph.store import GraphStore
from compoundgraph.store.investigations import investigations_of
from tests.support.world import WORLD


def test_list_show_export(store: GraphStore, cli_env: Path) -> None:
    load_jsonl(store, [WORLD])
    inv = investigations_of(store)
    inv.purge(confirm=True)
    chart = parse_chart(
        {
            "entities": [
                {"id": "compound-golden-lotus", "x": 1, "y": 2, "pinned": True},
                {"id": "person-aung-zaw", "x": 3, "y": 4, "hidden": True},
            ],
            "notes": {"investigation": "Check [the] tip line", "claims": {"c1": "x"}},
        }
    )
    made = inv.create("Golden Lotus", chart, owner="key-a")
    other = inv.create("Old case", parse_chart({}), owner="key-b")
    inv.delete(other.id, "key-b")
    runner = CliRunner()

    listed = runner.invoke(app, ["investigations", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [json.loads(line)["id"] for line in listed.output.splitlines()] == [made.id]
    with_deleted = runner.invoke(app, ["investigations", "list", "--deleted", "--json"])
    assert {json.loads(line)["id"] for line in with_deleted.output.splitlines()} == {made.id, other.id}
    table = runner.invoke(app, ["investigations", "list"], env={"COLUMNS": "220"})
    assert table.exit_code == 0 and made.id in table.output and "Golden Lotus" in table.output

    store.retract_source("src-tipline-0042")
    shown = runner.invoke(app, ["investigations", "show", made.id])
    assert shown.exit_code == 0, shown.output
    assert "2 entities (1 pinned, 1 hidden)" in shown.output and "Check [the] tip line" in shown.output
    assert "gone: person-aung-zaw" in shown.output and "no longer in the graph" in shown.output

    out = cli_env / "backup.json"
    exported = runner.invoke(app, ["investigations", "export", made.id, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    back = Investigation.model_validate_json(out.read_text(encoding="utf-8"))
    assert back == inv.get(made.id)  # the whole record, as saved
    to_stdout = runner.invoke(app, ["investigations", "export", made.id])
    assert json.loads(to_stdout.output)["chart"]["notes"]["claims"] == {"c1": "x"}

    missing = runner.invoke(app, ["investigations", "show", "inv-nope"])
    assert missing.exit_code == 2 and "no investigation with id 'inv-nope'" in missing.output
    assert runner.invoke(app, ["investigations", "export", other.id]).exit_code == 2  # deleted
    assert runner.invoke(app, ["investigations", "export", other.id, "--deleted"]).exit_code == 0


def test_export_then_import_round_trip(store: GraphStore, cli_env: Path) -> None:
    load_jsonl(store, [WORLD])
    inv = investigations_of(store)
    inv.purge(confirm=True)
    made = inv.create(
        "Backup me",
        parse_chart(
            {"entities": [{"id": "compound-golden-lotus", "x": 1, "y": 2}], "notes": {"investigation": "keep"}}
        ),
        owner="key-a",
    )
    runner = CliRunner()
    out = cli_env / "backup.json"
    assert runner.invoke(app, ["investigations", "export", made.id, "-o", str(out)]).exit_code == 0
    again = runner.invoke(app, ["investigations", "import", str(out)])
    assert again.exit_code == 2 and "already in the store" in again.output  # nothing overwritten
    inv.purge(confirm=True)
    back = runner.invoke(app, ["investigations", "import", str(out)])
    assert back.exit_code == 0, back.output
    assert inv.get(made.id) == made  # id, owner, times, version, chart: as exported
    copy = runner.invoke(app, ["investigations", "import", str(out), "--as-new"])
    assert copy.exit_code == 0 and len(inv.summaries()) == 2
    bad = cli_env / "bad.json"
    bad.write_text('{"id": "inv-x", "title": "t"}', encoding="utf-8")
    refused = runner.invoke(app, ["investigations", "import", str(bad)])
    assert refused.exit_code == 2 and "not an exported investigation" in refused.output
