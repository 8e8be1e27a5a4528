"""Shared fixtures; the helpers they use live in ``tests/support/`` (no tests there).

Who owns what:
- ``neo4j_driver`` (session): one driver to a real Neo4j. ``NEO4J_URI`` (or ``COMPOUNDGRAPH_TEST_NEO4J_URI``)
  names a server; without one, the project's launcher (``scripts/neo4j-local``) starts one on port 7697 with
  its data in ``.neo4j-local/test-7697`` - so tests never touch a user's own database (``tests/support/neo4j.py``).
  Before wiping anything the fixture checks that the database is empty or carries the tests' marker node;
  otherwise it fails.
- ``store`` (function): each contract test runs twice, on the embedded store (a fresh SQLite file in
  ``tmp_path``) and on Neo4j (compoundgraph's nodes wiped before the test).
- ``world`` (function): ``store`` loaded with the fictional fixture world, ``tests/fixtures/world.jsonl``.
- ``api`` (function): the app built with ``create_app(store=world)``, its key file and audit log in
  ``tmp_path``, rate limiting off, one key per role (``tests/support/api.py``).
- ``cli_env`` (function): points the CLI's settings at the store the ``store`` fixture made (its SQLite file,
  or the test Neo4j); settings cached before and after are cleared.
Fixtures of one area live in that folder's ``conftest.py`` (the browser and live server in ``tests/ui/``).
Nothing is skipped for want of Neo4j: if it cannot start, the tests that need it fail.

Markers: every test that reaches Neo4j is marked ``neo4j`` here (it asks for ``neo4j_driver``, runs on the
``neo4j`` parameter of ``store``, or its module says ``pytestmark = pytest.mark.neo4j`` because it starts a
server of its own), and tests that run other Java tools are marked ``java``; so
``pytest -m "not neo4j and not java"`` runs on a machine without Java.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from compoundgraph.loader import load_jsonl
from compoundgraph.settings import get_settings
from compoundgraph.store import EmbeddedStore, GraphStore
from tests.support.api import Api, make_api
from tests.support.neo4j import MARKER, make_neo4j_store, neo4j_uri
from tests.support.world import WORLD


@pytest.fixture(scope="session", autouse=True)
def _trust_store_outside_the_tree(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Package imports record the newest package per signer in the trust store, and saved investigations are
    sealed with a key made on first use: the tests' ones live in a temporary folder, never in the working
    tree's data/ (tests that need their own set the variable)."""
    os.environ.setdefault(
        "COMPOUNDGRAPH_TRUST_STORE_PATH", str(tmp_path_factory.mktemp("trust") / "trusted-signers.json")
    )
    # and the key that seals saved investigations
    os.environ.setdefault(
        "COMPOUNDGRAPH_INVESTIGATIONS_KEY_PATH", str(tmp_path_factory.mktemp("keys") / "investigations.key")
    )
    get_settings.cache_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "neo4j_driver" in getattr(item, "fixturenames", ()) or "neo4j" in params.values():
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def neo4j_driver() -> Iterator[object]:
    from neo4j import GraphDatabase

    uri = neo4j_uri()
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "neo4j"))
    driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
    driver.verify_connectivity()
    records, _, _ = driver.execute_query(
        f"OPTIONAL MATCH (m:{MARKER}) WITH count(m) AS marked "
        "OPTIONAL MATCH (n:Node) WITH marked, count(n) AS nodes RETURN marked, nodes"
    )
    if records[0]["nodes"] and not records[0]["marked"]:
        driver.close()
        pytest.fail(f"{uri} holds compoundgraph data the tests did not make; refusing to wipe it", pytrace=False)
    driver.execute_query(f"MERGE (:{MARKER} {{created_by: 'compoundgraph tests'}})")
    yield driver
    driver.close()


@pytest.fixture(params=["embedded", "neo4j"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    if request.param == "embedded":
        s: GraphStore = EmbeddedStore(tmp_path / "store.sqlite", supernode_threshold=10)
    else:
        s = make_neo4j_store(request.getfixturevalue("neo4j_driver"), supernode_threshold=10)
    yield s
    s.close()


@pytest.fixture
def world(store: GraphStore) -> GraphStore:
    load_jsonl(store, [WORLD])
    return store


@pytest.fixture
def api(world: GraphStore, tmp_path: Path) -> Iterator[Api]:
    a = make_api(world, tmp_path)
    yield a
    a.client.close()


@pytest.fixture
def cli_env(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if store.kind == "embedded":
        monkeypatch.setenv("COMPOUNDGRAPH_EMBEDDED_PATH", str(store.path))  # type: ignore[attr-defined]
        monkeypatch.delenv("COMPOUNDGRAPH_NEO4J_URI", raising=False)
    else:
        port = os.environ.get("COMPOUNDGRAPH_TEST_NEO4J_PORT", "7697")
        uri = os.environ.get("COMPOUNDGRAPH_TEST_NEO4J_URI") or f"bolt://127.0.0.1:{port}"
        monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_URI", uri)
        monkeypatch.setenv("COMPOUNDGRAPH_EMBEDDED_PATH", str(tmp_path / "unused" / "x.sqlite"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
