"""``load --bulk`` and ``ingest --bulk`` against a real Neo4j: the launcher's server is stopped, the real
importer (``neo4j-admin database import full`` of the server's own build) fills the database, the server
comes back and ``init`` makes the schema. The graph must be the one the transactional writer builds.

Who owns what: ``bulk_server`` (module) is a second launcher server on a free port with its own data
folder in ``tmp_path``, stopped at the end; the transactional reference goes to the session's Neo4j
(``store`` of conftest, wiped per test).
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from compoundgraph.analytics.projection import Projection
from compoundgraph.analytics.stamp import graph_digest
from compoundgraph.cli.main import app
from compoundgraph.ingest import Options, ingest
from compoundgraph.loader import load_jsonl
from compoundgraph.models import claim_fingerprint
from compoundgraph.settings import get_settings
from compoundgraph.store import ClaimFilter, GraphStore
from compoundgraph.store.neo4j import Neo4jStore
from tests.support.neo4j import make_neo4j_store
from tests.support.world import ROOT, WORLD, proposal_records

LAUNCHER = ROOT / "scripts" / "neo4j-local"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment that points compoundgraph and the launcher at a server of their own."""
    base = tmp_path_factory.mktemp("bulk-server")
    port = _free_port()
    env = {
        "NEO4J_LOCAL_STATE": str(base / "state"),
        "NEO4J_LOCAL_HEAP": "512m",
        "NEO4J_LOCAL_PAGECACHE": "64m",
        "NEO4J_LOCAL_ADMIN_HEAP": "512m",
        "COMPOUNDGRAPH_NEO4J_URI": f"bolt://127.0.0.1:{port}",
    }
    proc = subprocess.run(
        [str(LAUNCHER), "start", "--port", str(port), "--data", str(base / "home")],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    try:
        yield env
    finally:
        subprocess.run(
            [str(LAUNCHER), "stop", "--port", str(port)], capture_output=True, timeout=120, env={**os.environ, **env}
        )


@pytest.fixture
def bulk_env(bulk_server: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)  # no developer's .env; bulk folders land here
    for k, v in bulk_server.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _bulk_store(env: dict[str, str]) -> Iterator[Neo4jStore]:
    driver = GraphDatabase.driver(
        env["COMPOUNDGRAPH_NEO4J_URI"], auth=("neo4j", "neo4j"), notifications_min_severity="OFF"
    )
    try:
        yield Neo4jStore(driver, uri=env["COMPOUNDGRAPH_NEO4J_URI"])
    finally:
        driver.close()


def _with_repeats(tmp: Path) -> Path:
    """Records that repeat ids of the world with other content: an entity seen twice again with another name,
    aliases and properties, and a claim seen again with another grade and quote (its id is the same); and
    proposed entities, one accepted by a later record."""
    lines = [json.loads(x) for x in WORLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    entity = next(r for r in lines if r["record"] == "entity" and r["label"] == "Person")
    claim = next(r for r in lines if r["record"] == "claim" and r["type"] != "MENTIONED_IN")
    again = {
        **entity,
        "name": entity["name"] + " Jr",
        "aliases": ["Bulk Alias"],
        "properties": {**entity.get("properties", {}), "note": "seen again"},
    }
    claim_again = {**claim, "grade": "C3", "quote": "a second, weaker report"}
    # and the entity a third time, with a property first seen here (its first row is cut, one folded row stays)
    third = {**again, "aliases": ["Third Alias"], "properties": {"note": "seen a third time", "rank": 2}}
    path = tmp / "repeats.jsonl"
    proposals = proposal_records(next(r["id"] for r in lines if r["record"] == "source"))
    path.write_text("\n".join(json.dumps(r) for r in (again, claim_again, third, *proposals)) + "\n", encoding="utf-8")
    return path


def _node_labels(store: GraphStore) -> dict[str, list[str]]:
    assert isinstance(store, Neo4jStore)
    rows = store._read("MATCH (n:Node) RETURN n.id AS id, labels(n) AS labels")
    return {r["id"]: sorted(r["labels"]) for r in rows}


def _same_graph(a: GraphStore, b: GraphStore) -> None:
    assert a.counts() == b.counts()
    assert _node_labels(a) == _node_labels(b)  # the labels the reads test (Proposed) included
    assert {s.id: s.model_dump() for s in a.iter_sources()} == {s.id: s.model_dump() for s in b.iter_sources()}
    assert [e.model_dump() for e in a.iter_entities()] == [e.model_dump() for e in b.iter_entities()]
    assert [e.model_dump() for e in a.iter_entities(proposals=True)] == [
        e.model_dump() for e in b.iter_entities(proposals=True)
    ]
    everything = ClaimFilter(proposals=True)
    assert [claim_fingerprint(c) for c in a.iter_claims(everything)] == [
        claim_fingerprint(c) for c in b.iter_claims(everything)
    ]
    assert [claim_fingerprint(c) for c in a.iter_claims()] == [claim_fingerprint(c) for c in b.iter_claims()]
    assert graph_digest(Projection.from_columns(a.graph_columns())) == graph_digest(
        Projection.from_columns(b.graph_columns())
    )


def test_load_bulk_builds_the_graph_the_writer_builds(
    bulk_env: Path, bulk_server: dict[str, str], neo4j_driver: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    repeats = _with_repeats(bulk_env)
    monkeypatch.setenv("COMPOUNDGRAPH_BATCH_SIZE", "10")  # repeats arrive in other batches than the first
    result = CliRunner().invoke(app, ["load", "--bulk", str(WORLD), str(repeats)])
    assert result.exit_code == 0, result.output
    assert "bulk load done" in result.output
    assert "1 repeated claim ids kept once" in result.output
    reference = make_neo4j_store(neo4j_driver)
    load_jsonl(reference, [WORLD, repeats])
    for bulk in _bulk_store(bulk_server):
        _same_graph(bulk, reference)
        proposed = {i for i, labels in _node_labels(bulk).items() if "Proposed" in labels}
        assert {e.name for e in bulk.iter_entities(proposals=True) if e.id in proposed} == {
            "Bulk pending Technology Park",
            "Bulk rejected Technology Park",
        }
        person = json.loads(repeats.read_text().splitlines()[0])
        merged = bulk.get_entities([person["id"]])[person["id"]]
        assert merged.name.endswith(" Jr") and {"Bulk Alias", "Third Alias"} <= set(merged.aliases)
        assert merged.properties["note"] == "seen a third time" and merged.properties["rank"] == 2
        hits = bulk.search("Bulk Alias", 5)  # the full-text index is online
        assert hits and hits[0].id == person["id"]
        constraints = bulk._read("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")[0]["names"]
        assert "node_id" in constraints and any(n.startswith("claim_uid_") for n in constraints)


def test_a_database_that_holds_anything_is_refused(bulk_env: Path, bulk_server: dict[str, str]) -> None:
    for bulk in _bulk_store(bulk_server):
        if not bulk.counts()["labels"]:
            load_jsonl(bulk, [WORLD])
        before = bulk.counts()
        result = CliRunner().invoke(app, ["load", "--bulk", "--bulk-dir", "b", str(WORLD)])
        assert result.exit_code == 2
        assert "holds" in result.output and "only into an empty database" in result.output
        assert not (bulk_env / "b").exists()  # refused before any file was written
        assert bulk.counts() == before


def test_ingest_bulk_rejects_the_rows_the_writer_rejects(
    bulk_env: Path, bulk_server: dict[str, str], neo4j_driver: object
) -> None:
    lines = WORLD.read_text(encoding="utf-8").splitlines()
    bad_claim = json.loads(next(x for x in lines if '"record": "claim"' in x and "MENTIONED_IN" not in x))
    bad_claim["subject"] = "person-nowhere"
    data = bulk_env / "mixed.jsonl"
    data.write_text(
        "\n".join([*lines, "{not json", json.dumps({**json.loads(lines[-1]), "grade": "Z9"}), json.dumps(bad_claim)])
        + "\n",
        encoding="utf-8",
    )
    for bulk in _bulk_store(bulk_server):
        bulk.delete_all(confirm=True)
    result = CliRunner().invoke(app, ["ingest", "--bulk", "--no-resolve", "--report-dir", "bulk-reports", str(data)])
    assert result.exit_code == 0, result.output
    assert "3 rejected" in result.output
    reference = make_neo4j_store(neo4j_driver)
    expected = ingest(reference, [data], Options(), report_dir=bulk_env / "reports")
    assert expected.rejected == 3

    def rejects(folder: Path) -> list[list[str]]:
        with next(folder.glob("*-rejects.csv")).open(encoding="utf-8") as f:
            return list(csv.reader(f))

    assert rejects(bulk_env / "bulk-reports") == rejects(bulk_env / "reports")
    for bulk in _bulk_store(bulk_server):
        _same_graph(bulk, reference)


def test_prepare_only_writes_the_files_for_the_compose_importer(bulk_env: Path, bulk_server: dict[str, str]) -> None:
    import yaml

    for bulk in _bulk_store(bulk_server):
        bulk.delete_all(confirm=True)
    result = CliRunner().invoke(app, ["load", "--bulk", "--prepare-only", "--bulk-dir", "bulk", str(WORLD)])
    assert result.exit_code == 0, result.output
    args = [line.strip('"') for line in (bulk_env / "bulk" / "docker.args").read_text().splitlines()]
    files = [f for a in args if a.startswith(("--nodes=", "--relationships=")) for f in a.split("=", 2)[2].split(",")]
    assert files and all(f.startswith("/import/csv/") for f in files)
    assert all((bulk_env / "bulk" / f.removeprefix("/import/")).is_file() for f in files)
    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["neo4j-import"]
    assert service["command"] == ["neo4j-admin", "@/import/docker.args"]
    assert "neo4j-data:/data" in service["volumes"] and any(v.endswith(":/import") for v in service["volumes"])
    assert any(a == "--report-file=/import/import.report" for a in args)
    for bulk in _bulk_store(bulk_server):
        assert not bulk.counts()["labels"]  # nothing imported
