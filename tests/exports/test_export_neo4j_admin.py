"""The neo4j-admin export loaded by the real importer, then served and read back by compoundgraph.

``import.sh`` from the export runs ``neo4j-admin database import full`` - the importer of the same Neo4j
build as the project's server (``org.neo4j:neo4j-import-tool`` on the launcher's classpath, reached with
``scripts/neo4j-local admin``) - into a fresh data folder; a second server is started on it, and
``compoundgraph init`` / ``compoundgraph status`` and Cypher see what the store had.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from compoundgraph.cli.main import app
from compoundgraph.exports import render
from compoundgraph.exports.selection import ExportView, select_all
from compoundgraph.loader import load_jsonl
from compoundgraph.settings import get_settings
from compoundgraph.store import EmbeddedStore
from compoundgraph.store.neo4j import Neo4jStore
from tests.support.world import ROOT

pytestmark = pytest.mark.neo4j

LAUNCHER = ROOT / "scripts" / "neo4j-local"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> ExportView:
    """The fixture world, with the empty strings and lists a real store holds."""
    store = EmbeddedStore(tmp_path_factory.mktemp("world") / "world.sqlite")
    load_jsonl(store, [ROOT / "tests" / "fixtures" / "world.jsonl"])
    return select_all(store)


@pytest.fixture(scope="module")
def imported(original: ExportView, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bolt URI of a server on the database neo4j-admin built from the export."""
    base = tmp_path_factory.mktemp("neo4j-admin")
    export, home, state = base / "export", base / "home", base / "state"
    export.mkdir()
    for name, data in render(original, "neo4j-admin").items():
        (export / name).write_bytes(data)
    # import.sh runs "$NEO4J_ADMIN": here the project's launcher, on the data folder the server will use
    shim = base / "neo4j-admin"
    shim.write_text(f'#!/bin/sh\nexec "{LAUNCHER}" admin --data "{home}" -- "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "NEO4J_ADMIN": str(shim), "NEO4J_LOCAL_ADMIN_HEAP": "512m"}
    proc = subprocess.run(
        ["sh", str(export / "import.sh"), "neo4j", "--max-off-heap-memory=256m", "--threads=2"],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "IMPORT DONE" in proc.stdout + proc.stderr
    port = _free_port()
    env = {**os.environ, "NEO4J_LOCAL_STATE": str(state), "NEO4J_LOCAL_HEAP": "512m", "NEO4J_LOCAL_PAGECACHE": "64m"}
    proc = subprocess.run(
        [str(LAUNCHER), "start", "--port", str(port), "--data", str(home)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    try:
        yield f"bolt://127.0.0.1:{port}"
    finally:
        subprocess.run([str(LAUNCHER), "stop", "--port", str(port)], capture_output=True, timeout=120, env=env)


def test_import_sh_names_the_database_before_the_files(original: ExportView) -> None:
    script = render(original, "neo4j-admin")["import.sh"].decode()
    command = next(line for line in script.splitlines() if "database import full" in line)
    assert command.index('"$DATABASE"') < command.index("--nodes=")


def test_the_importer_builds_what_the_store_holds(
    original: ExportView, imported: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of a developer's
    monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_URI", imported)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        init = runner.invoke(app, ["init"])
        assert init.exit_code == 0, init.output
        status = runner.invoke(app, ["status"])
        assert status.exit_code == 0, status.output
    finally:
        get_settings.cache_clear()
    expected = original.counts()
    for name, n in [*expected["labels"].items(), *expected["relationships"].items(), ("Source", len(original.sources))]:
        assert re.search(rf"\b{name}\b\s*│\s*{n}\b", status.output), f"status shows no {name} = {n}"

    driver = GraphDatabase.driver(imported, auth=("neo4j", "neo4j"), notifications_min_severity="OFF")
    try:
        rows, _, _ = driver.execute_query(
            "MATCH (n:Entity) UNWIND [l IN labels(n) WHERE NOT l IN ['Node', 'Entity']] AS label "
            "RETURN label, count(*) AS n"
        )
        assert {r["label"]: r["n"] for r in rows} == expected["labels"]
        rows, _, _ = driver.execute_query("MATCH ()-[c]->() RETURN type(c) AS type, count(*) AS n")
        assert {r["type"]: r["n"] for r in rows} == expected["relationships"]
        rows, _, _ = driver.execute_query("MATCH (s:Node:Source) RETURN count(s) AS n")
        assert rows[0]["n"] == len(original.sources)

        store = Neo4jStore(driver, uri=imported)
        entities = store.get_entities(sorted(original.entities))
        assert {k: e.model_dump() for k, e in entities.items()} == {
            k: e.model_dump() for k, e in original.entities.items()
        }
        sources = store.get_sources(sorted(original.sources))
        assert {k: s.model_dump() for k, s in sources.items()} == {
            k: s.model_dump() for k, s in original.sources.items()
        }
        assert any(s.url == "" for s in sources.values())  # empty strings stay strings
        claims = sorted(store.iter_claims(), key=lambda c: c.id)
        assert [c.model_dump() for c in claims] == [c.model_dump() for c in original.claims]
        rows, _, _ = driver.execute_query("MATCH (s:Source) WHERE s.url = '' RETURN count(s) AS n")
        assert rows[0]["n"] == sum(1 for s in original.sources.values() if s.url == "")
        rows, _, _ = driver.execute_query("MATCH ()-[c]->() WHERE c.quote = '' RETURN count(c) AS n")
        assert rows[0]["n"] == sum(1 for c in original.claims if c.quote == "")
    finally:
        driver.close()
