"""`compoundgraph export` and `compoundgraph package` from the command line, on both stores."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compoundgraph.cli.main import app
from compoundgraph.settings import get_settings
from compoundgraph.store import GraphStore

runner = CliRunner()


@pytest.fixture
def cli_env(world: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI's settings at the store the ``world`` fixture filled."""
    if world.kind == "embedded":
        monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_URI", "")
        monkeypatch.setenv("COMPOUNDGRAPH_EMBEDDED_PATH", str(tmp_path / "store.sqlite"))
    else:
        from tests.support.neo4j import TEST_PORT

        uri = (
            os.environ.get("COMPOUNDGRAPH_TEST_NEO4J_URI")
            or os.environ.get("NEO4J_URI")
            or f"bolt://127.0.0.1:{TEST_PORT}"
        )
        monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_URI", uri)
        monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_PASSWORD", os.environ.get("NEO4J_PASSWORD", "neo4j"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_export_every_format(cli_env: Path) -> None:
    for fmt, target in [
        ("stix", "b.json"),
        ("ftm", "e.ftm.jsonl"),
        ("gexf", "g.gexf"),
        ("i2", "i2"),
        ("neo4j-admin", "admin.zip"),
    ]:
        r = runner.invoke(app, ["export", "--format", fmt, "--profile", "partner", "-o", str(cli_env / target)])
        assert r.exit_code == 0, r.output
        assert (cli_env / target).exists()
    assert (cli_env / "i2" / "i2_links.csv").exists() and (cli_env / "i2" / "victim_cases.csv").exists()
    assert "case-0001" not in (cli_env / "b.json").read_text()


def test_export_selections(cli_env: Path) -> None:
    r = runner.invoke(
        app, ["export", "-f", "jsonl", "--ego", "compound-jade-river", "--hops", "1", "-o", str(cli_env / "ego.jsonl")]
    )
    assert r.exit_code == 0, r.output
    ids = {json.loads(line).get("id") for line in (cli_env / "ego.jsonl").read_text().splitlines()}
    assert "armed-northern-hills" in ids and "wallet-tan" not in ids
    r = runner.invoke(app, ["export", "-f", "csv", "--ids", "person-tan-weiming,wallet-tan", "-o", str(cli_env / "c")])
    assert r.exit_code == 0, r.output
    assert (cli_env / "c" / "nodes.csv").read_text().count("\n") == 3
    r = runner.invoke(app, ["export", "-f", "nope", "-o", str(cli_env / "x")])
    assert r.exit_code == 2 and "unknown export format" in r.output
    r = runner.invoke(app, ["export", "-f", "csv", "--ids", "no-such-id", "-o", str(cli_env / "y")])
    assert r.exit_code == 2 and "no entity" in r.output


def test_package_keygen_create_verify(cli_env: Path) -> None:
    r = runner.invoke(app, ["package", "keygen", "--out", str(cli_env / "keys"), "--name", "tf"])
    assert r.exit_code == 0, r.output
    pkg = cli_env / "pkg.zip"
    r = runner.invoke(
        app,
        [
            "package",
            "create",
            "-o",
            str(pkg),
            "--key",
            str(cli_env / "keys" / "tf.key"),
            "--formats",
            "ftm,stix,gexf",
            "--profile",
            "partner",
            "--exporter",
            "Unit 7",
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["package", "verify", str(pkg), "-k", str(cli_env / "keys" / "tf.pub"), "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["ok"] is True
    other = cli_env / "other"
    runner.invoke(app, ["package", "keygen", "--out", str(other)])
    r = runner.invoke(app, ["package", "verify", str(pkg), "-k", str(other / "compoundgraph.pub")])
    assert r.exit_code == 1 and "FAILED" in r.output
    # importing our own package back changes nothing (same ids, same sources)
    r = runner.invoke(app, ["package", "import", str(pkg), "-k", str(cli_env / "keys" / "tf.pub")])
    assert r.exit_code == 0 and "0 created" in r.output, r.output
