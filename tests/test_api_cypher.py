"""The Cypher console: read-only queries run; every kind of write is refused with 403 and the store is
unchanged (counts checked on the real Neo4j); on the embedded store the console answers 409."""

from __future__ import annotations

from pathlib import Path

import pytest

from compoundgraph.loader import load_jsonl
from compoundgraph.store import GraphStore
from compoundgraph.store import console as console_mod

from .conftest import WORLD, make_neo4j_store
from .test_api_support import Api, api, make_api, problem

__all__ = ["api"]

WRITES = [
    ("CREATE (n:Compound {id: 'x', name: 'x'}) RETURN n", "CREATE"),
    ("MERGE (n:Compound {id: 'compound-golden-lotus'}) RETURN n", "MERGE"),
    ("MATCH (n:Compound) DETACH DELETE n", "DELETE"),
    ("MATCH ()-[r]->() DELETE r", "DELETE"),
    ("MATCH (n:Compound) SET n.status = 'closed'", "SET"),
    ("MATCH (n:Compound) REMOVE n.status", "REMOVE"),
    ("MATCH (n:Compound) FOREACH (x IN [1] | SET n.flag = x)", "FOREACH"),
    ("CALL db.createLabel('Spaceship')", "CALL"),
    ("CALL db.clearQueryCaches()", "CALL"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV"),
    ("CREATE INDEX spy FOR (n:Compound) ON (n.spy)", "CREATE INDEX"),
    ("DROP CONSTRAINT entity_id IF EXISTS", "DROP"),
    ("CREATE CONSTRAINT spy FOR (n:Compound) REQUIRE n.spy IS UNIQUE", "CREATE CONSTRAINT"),
    ("CALL { MATCH (n:Compound) SET n.x = 1 } RETURN 1", "SET"),
    ("CREATE DATABASE spy", "administration"),
    ("CALL dbms.components()", "dbms"),
    ("USE system SHOW USERS", "USE"),
]


def _snapshot(store: GraphStore) -> tuple[object, ...]:
    return (store.counts(), sorted(e.properties.get("status") or "" for e in store.iter_entities()))


def test_read_query_runs_with_row_cap(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, cypher_row_cap=5)
    r = a.post("/cypher", role="analyst", json={
        "query": "MATCH (c:Compound) WHERE c.country = $country RETURN c.name AS name ORDER BY name",
        "params": {"country": "KH"}})
    if world.kind != "neo4j":
        body = problem(r)
        assert body["status"] == 409 and "Neo4j" in body["detail"]
        return
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["columns"] == ["name"] and body["rows"] == [["Golden Lotus Park"]]
    assert body["query_type"] == "r" and not body["truncated"]
    many = a.post("/cypher", role="analyst", json={"query": "UNWIND range(1, 100) AS x RETURN x"}).json()
    assert len(many["rows"]) == 5 and many["truncated"] and many["row_cap"] == 5
    nodes = a.post("/cypher", role="analyst",
                   json={"query": "MATCH (n {id: 'org-lotus-holdings'})-[r:OPERATES]->(m) RETURN n, r, m LIMIT 1"})
    row = nodes.json()["rows"][0]
    assert row[0]["id"] == "org-lotus-holdings" and row[1]["type"] == "OPERATES" and row[2]["labels"]


@pytest.mark.parametrize(("query", "why"), WRITES)
def test_writes_are_refused_and_store_unchanged(api: Api, world: GraphStore, query: str, why: str) -> None:
    before = _snapshot(world)
    body = problem(api.post("/cypher", role="admin", json={"query": query}))
    if world.kind != "neo4j" and why not in ("LOAD CSV", "dbms", "USE"):
        assert body["status"] == 409  # the embedded store has no console
    else:
        assert body["status"] == 403, body
        assert why.lower() in body["detail"].lower(), body["detail"]
        assert body["where"] == "query"
    assert _snapshot(world) == before
    entry = list(api.audit.entries())[-1]
    assert entry["cypher"] == query and entry["status"] == body["status"]


def test_server_refuses_writes_even_past_the_classifier(neo4j_driver: object, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The READ access-mode transaction is a second wall: with the EXPLAIN gate switched off, Neo4j itself
    refuses the write. (Neo4j only: the embedded store has no console.)"""
    world = make_neo4j_store(neo4j_driver)
    load_jsonl(world, [WORLD])
    a = make_api(world, tmp_path)
    monkeypatch.setattr(console_mod, "gate", lambda text, qtype: None)
    before = _snapshot(world)
    body = problem(a.post("/cypher", role="analyst", json={"query": "CREATE (n:Compound {id: 'sneaky'})"}))
    assert body["status"] == 403 and "read" in body["detail"].lower()
    assert _snapshot(world) == before


def test_console_timeout_and_errors(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, cypher_timeout_s=0.5)
    slow = a.post("/cypher", role="analyst", json={
        "query": "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 123456789 RETURN count(x)"})
    syntax = a.post("/cypher", role="analyst", json={"query": "MATCH (n RETURN n"})
    if world.kind != "neo4j":
        assert problem(slow)["status"] == 409 and problem(syntax)["status"] == 409
        return
    assert problem(slow)["status"] == 504
    assert problem(syntax)["status"] == 422
    assert problem(a.post("/cypher", role="analyst", json={"query": "  "}))["status"] == 422
    assert problem(a.post("/cypher", role="investigator", json={"query": "RETURN 1"}))["status"] == 403
    # a parameter Bolt cannot carry (found by schemathesis): 422 naming it, not a 500
    huge = a.post("/cypher", role="analyst", json={"query": "RETURN $n", "params": {"n": 1, "deep": [{"x": 2**63}]}})
    assert problem(huge)["status"] == 422 and "params.deep[0].x" in huge.text
    ok = a.post("/cypher", role="analyst", json={"query": "RETURN $n AS n", "params": {"n": 2**63 - 1}})
    assert ok.status_code == 200 and ok.json()["rows"] == [[2**63 - 1]]
