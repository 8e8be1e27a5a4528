"""Smoke test for the local Neo4j started by scripts/neo4j-local.

Checks the features compoundgraph relies on through the real Python driver: schema DDL
(constraint + fulltext index), writes, fulltext queries, EXPLAIN summaries, SHOW INDEXES and
per-transaction timeouts.

    scripts/neo4j-local start
    .venv/bin/python tools/neo4j-local/smoke_test.py            # writes a marker node
    scripts/neo4j-local restart
    .venv/bin/python tools/neo4j-local/smoke_test.py --expect-persisted

Env: NEO4J_URI (default from NEO4J_LOCAL_PORT, else bolt://127.0.0.1:7687),
NEO4J_LOCAL_PASSWORD (set only if the server was started with one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import neo4j
from neo4j import GraphDatabase, unit_of_work
from neo4j.exceptions import ClientError

MARKER_ID = "neo4j-local-smoke-marker"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--expect-persisted",
        action="store_true",
        help="fail unless the marker node from an earlier run is already there",
    )
    args = parser.parse_args()

    uri = os.environ.get("NEO4J_URI", f"bolt://127.0.0.1:{os.environ.get('NEO4J_LOCAL_PORT', '7687')}")
    password = os.environ.get("NEO4J_LOCAL_PASSWORD")
    auth = ("neo4j", password) if password else None

    with GraphDatabase.driver(uri, auth=auth) as driver:
        t0 = time.monotonic()
        driver.verify_connectivity()
        info = driver.get_server_info()
        print(f"connected in {time.monotonic() - t0:.2f}s: {info.agent}, bolt {info.protocol_version}, "
              f"driver {neo4j.__version__}")

        if args.expect_persisted:
            records, _, _ = driver.execute_query(
                "MATCH (n:Entity {id: $id}) RETURN n.name AS name", id=MARKER_ID
            )
            assert records, "marker node is missing: data did not persist across restart"
            print(f"persisted marker found: {records[0]['name']!r}")

        driver.execute_query("CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE")
        driver.execute_query(
            "CREATE FULLTEXT INDEX entity_name_ft IF NOT EXISTS FOR (n:Entity) ON EACH [n.name]"
        )
        driver.execute_query("CALL db.awaitIndexes(60)")
        print("constraint + fulltext index created (IF NOT EXISTS)")

        _, summary, _ = driver.execute_query(
            "UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n.name = row.name",
            rows=[
                {"id": MARKER_ID, "name": "acetylsalicylic acid (aspirin)"},
                {"id": "smoke-2", "name": "caffeine"},
            ],
        )
        print(f"write ok: {summary.counters}")

        records, _, _ = driver.execute_query(
            "CALL db.index.fulltext.queryNodes('entity_name_ft', $q) YIELD node, score "
            "RETURN node.id AS id, score ORDER BY score DESC",
            q="aspirin",
        )
        assert records and records[0]["id"] == MARKER_ID, records
        print(f"fulltext hit: {records[0]['id']} score={records[0]['score']:.3f}")

        _, summary, _ = driver.execute_query(
            "EXPLAIN MATCH (n:Entity {id: $id}) RETURN n", id=MARKER_ID
        )
        assert summary.plan is not None and summary.query_type == "r", (summary.plan, summary.query_type)
        print(f"EXPLAIN: query_type={summary.query_type!r} root operator={summary.plan['operatorType']}")

        records, _, _ = driver.execute_query(
            "SHOW INDEXES YIELD name, type, state WHERE name IN ['entity_id', 'entity_name_ft'] "
            "RETURN name, type, state ORDER BY name"
        )
        assert [r["state"] for r in records] == ["ONLINE", "ONLINE"], records
        print("SHOW INDEXES:", [(r["name"], r["type"], r["state"]) for r in records])

        @unit_of_work(timeout=0.5)
        def slow(tx: neo4j.ManagedTransaction) -> int:
            return tx.run("UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS c").single()["c"]

        with driver.session() as session:
            t0 = time.monotonic()
            try:
                session.execute_read(slow)
            except ClientError as exc:
                assert "Timed" in exc.code or "Terminated" in exc.code, exc.code
                print(f"per-transaction timeout enforced after {time.monotonic() - t0:.2f}s: {exc.code}")
            else:
                raise AssertionError("0.5s transaction timeout was not enforced")

    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
