"""The Cypher console: read-only queries run; every kind of write is refused with 403 and the store is
unchanged (counts checked on the real Neo4j); on the embedded store the console answers 409."""

from __future__ import annotations

from pathlib import Path

import pytest

from compoundgraph.loader import load_jsonl
from compoundgraph.store import GraphStore
from compoundgraph.store import console as console_mod
from tests.support.api import Api, make_api, problem
from tests.support.neo4j import make_neo4j_store
from tests.support.world import WORLD

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
    r = a.post(
        "/cypher",
        role="analyst",
        json={
            "query": "MATCH (c:Compound) WHERE c.country = $country RETURN c.name AS name ORDER BY name",
            "params": {"country": "KH"},
        },
    )
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
    nodes = a.post(
        "/cypher",
        role="analyst",
        json={"query": "MATCH (n {id: 'org-lotus-holdings'})-[r:OPERATES]->(m) RETURN n, r, m LIMIT 1"},
    )
    row = nodes.json()["rows"][0]
    assert row[0]["id"] == "org-lotus-holdings" and row[1]["type"] == "OPERATES" and row[2]["labels"]


@pytest.mark.parametrize(("query", "why"), WRITES)
def test_writes_are_refused_and_store_unchanged(api: Api, world: GraphStore, query: str, why: str) -> None:
    before = _snapshot(world)
    body = problem(api.post("/cypher", role="admin", json={"query": query}))
    lexical = not query.startswith(("MATCH", "CALL {"))  # refused before the store is asked
    if world.kind != "neo4j" and not lexical:
        assert body["status"] == 409  # the embedded store has no console
    else:
        assert body["status"] == 403, body
        assert why.lower() in body["detail"].lower(), body["detail"]
        assert body["where"] == "query"
    assert _snapshot(world) == before
    entry = list(api.audit.entries())[-1]
    assert entry["cypher"] == query and entry["status"] == body["status"]


# What an authorised probe got through the console while it trusted EXPLAIN's "read": each is refused, on
# every store, with its reason, by the allow-list.
PROBES = [
    ("SHOW TRANSACTIONS", "SHOW"),
    ("show transactions yield transactionId, currentQuery, parameters", "SHOW"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
    ("SHOW SETTINGS", "SHOW"),
    ("SHOW PROCEDURES", "SHOW"),
    ("CALL db.stats.collect('QUERIES')", "db.stats.collect"),
    ("CALL db.stats.retrieve('QUERIES') YIELD data RETURN data", "db.stats.retrieve"),
    ("CALL `db`.`stats`.`retrieve`('QUERIES')", "db.stats.retrieve"),
    ("CALL /* db.labels */ db.stats.clear('QUERIES')", "db.stats.clear"),
    ("CALL db.prepareForReplanning()", "db.prepareForReplanning"),
    ("CALL db.resampleOutdatedIndexes()", "db.resampleOutdatedIndexes"),
    ("MATCH (n) CALL db.stats.clear('QUERIES') YIELD section RETURN n", "db.stats.clear"),
    ("RETURN 1 AS x UNION CALL db.stats.retrieve('QUERIES') YIELD section RETURN section AS x", "db.stats.retrieve"),
    ("CYPHER runtime=slotted SHOW TRANSACTIONS", "SHOW"),
    ("GRANT ROLE reader TO alice", "administration"),
    ("EXPLAIN MATCH (n) RETURN n", "start with"),
]


@pytest.mark.parametrize(("query", "why"), PROBES)
def test_console_allow_list_refuses_server_commands(api: Api, query: str, why: str) -> None:
    body = problem(api.post("/cypher", role="analyst", json={"query": query}))
    assert body["status"] == 403 and why.lower() in body["detail"].lower(), body["detail"]
    assert body["where"] == "query"


def test_console_runs_the_allowed_procedures(world: GraphStore, tmp_path: Path) -> None:
    if world.kind != "neo4j":
        return  # no console on the embedded store (409, tested above)
    a = make_api(world, tmp_path)
    for query in [
        "CALL db.labels() YIELD label RETURN label ORDER BY label",
        "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
        "CALL db.propertyKeys()",
        "CALL db.schema.visualization()",
        "CALL db.index.fulltext.queryNodes('entity_search', 'lotus') YIELD node RETURN node.id",
        "MATCH (c:Compound) CALL (c) { MATCH (c)-[r]-() RETURN count(r) AS n } RETURN c.id, n",
        "CALL { MATCH (c:Compound) RETURN c.id AS id } RETURN id",
    ]:
        r = a.post("/cypher", role="analyst", json={"query": query})
        assert r.status_code == 200, (query, r.text)
        assert r.json()["rows"], query
    labels = a.post("/cypher", role="analyst", json={"query": "CALL db.labels() YIELD label RETURN label"})
    assert ["Compound"] in labels.json()["rows"]


def test_console_cannot_see_or_stop_another_users_transaction(neo4j_driver: object, tmp_path: Path) -> None:
    """A write transaction of another user (an ingest, say) stays invisible and alive while an analyst tries
    the commands that would list or terminate it; it then commits."""
    world = make_neo4j_store(neo4j_driver)
    load_jsonl(world, [WORLD])
    a = make_api(world, tmp_path)
    with neo4j_driver.session() as session:  # type: ignore[attr-defined]
        tx = session.begin_transaction(metadata={"app": "ingest"})
        tx.run(
            "MATCH (c:Compound {id: 'compound-golden-lotus'}) SET c.probe = 'kept' RETURN $secret AS s",
            secret="informant-7",
        ).consume()
        for query in [
            "SHOW TRANSACTIONS YIELD transactionId, parameters RETURN transactionId, parameters",
            "TERMINATE TRANSACTIONS 'neo4j-transaction-0'",
            "CALL db.stats.retrieve('QUERIES')",
        ]:
            r = a.post("/cypher", role="analyst", json={"query": query})
            assert r.status_code == 403 and "informant-7" not in r.text
        tx.commit()  # not terminated
    kept = world.get_entities(["compound-golden-lotus"])["compound-golden-lotus"].properties
    assert kept.get("probe") == "kept"


def test_server_refuses_writes_even_past_the_classifier(
    neo4j_driver: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The READ access-mode transaction is a second wall: with the EXPLAIN gate switched off, Neo4j itself
    refuses the write. (Neo4j only: the embedded store has no console.)"""
    world = make_neo4j_store(neo4j_driver)
    load_jsonl(world, [WORLD])
    a = make_api(world, tmp_path)
    monkeypatch.setattr(console_mod, "gate", lambda text, qtype: None)
    before = _snapshot(world)
    sneaky = "MATCH (c:Compound) WITH c LIMIT 1 CREATE (n:Compound {id: 'sneaky'})"
    body = problem(a.post("/cypher", role="analyst", json={"query": sneaky}))
    assert body["status"] == 403 and "read" in body["detail"].lower()
    assert _snapshot(world) == before


def test_console_timeout_and_errors(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, cypher_timeout_s=0.5)
    slow = a.post(
        "/cypher",
        role="analyst",
        json={"query": "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 123456789 RETURN count(x)"},
    )
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
