"""The tests' Neo4j: which server (``neo4j_uri``), the marker that says a database is theirs, and stores on it.

``COMPOUNDGRAPH_TEST_NEO4J_URI`` (or ``NEO4J_URI``) names a server; without one, the project's launcher
(``scripts/neo4j-local``) starts one on ``TEST_PORT`` (7697 unless ``COMPOUNDGRAPH_TEST_NEO4J_PORT`` says
otherwise) with its data in ``.neo4j-local/test-PORT``. The ``neo4j_driver`` fixture (tests/conftest.py) opens
the one driver; ``make_neo4j_store`` gives a store on it, emptied of compoundgraph's nodes.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from compoundgraph.store import GraphStore

from .world import ROOT

TEST_PORT = os.environ.get("COMPOUNDGRAPH_TEST_NEO4J_PORT", "7697")
MARKER = "CompoundGraphTestMarker"


def neo4j_uri() -> str:
    uri = os.environ.get("COMPOUNDGRAPH_TEST_NEO4J_URI") or os.environ.get("NEO4J_URI")
    if uri:
        return uri
    proc = subprocess.run(
        [
            str(ROOT / "scripts" / "neo4j-local"),
            "start",
            "--port",
            TEST_PORT,
            "--data",
            str(ROOT / ".neo4j-local" / f"test-{TEST_PORT}"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NEO4J_LOCAL_STATE": str(ROOT / ".neo4j-local" / f"state-{TEST_PORT}")},
    )
    if proc.returncode != 0:
        pytest.fail(f"Neo4j could not start:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return f"bolt://127.0.0.1:{TEST_PORT}"


_schema_ready: set[int] = set()


def make_neo4j_store(driver: object, **kw: object) -> GraphStore:
    """A Neo4j store on the session's driver, emptied of compoundgraph's nodes (schema made once)."""
    from compoundgraph.store.neo4j import Neo4jStore

    store = Neo4jStore(driver, uri="test", **kw)  # type: ignore[arg-type]
    store.delete_all(confirm=True)
    if id(driver) not in _schema_ready:
        store.init_schema()
        _schema_ready.add(id(driver))
    return store
