"""The NeoDash dashboards in ``dashboards/``: well-formed, ontology-only Cypher, and every query runs on Neo4j.

Every label, relationship type and property a query names must come from the ontology (or the storage layout
of ``cypher/``: ``Node``, ``Entity``, ``Source`` and the claim fields). Each query then runs against a real
Neo4j loaded with the fixture world, with sample values bound to the dashboard parameters.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from compoundgraph.loader import load_jsonl
from compoundgraph.ontology import ontology
from tests.support.neo4j import make_neo4j_store
from tests.support.world import ROOT, WORLD

DASHBOARDS = sorted((ROOT / "dashboards").glob("*.json"))
ENTITY_FIELDS = {"id", "label", "name", "aliases", "identifiers", "sources", "first_seen", "last_seen", "referents"}
CLAIM_FIELDS = {
    "id",
    "source",
    "grade",
    "grade_r",
    "grade_c",
    "valid_from",
    "valid_to",
    "first_seen",
    "last_seen",
    "handling",
    "quote",
}
SOURCE_FIELDS = {
    "id",
    "title",
    "publisher",
    "url",
    "published",
    "kind",
    "reliability",
    "sha256",
    "handling",
    "description",
    "label",
}
STORAGE_LABELS = {"Node", "Entity", "Source"}
SAMPLE_PARAMS = {"neodash_compound_id": "compound-jade-river", "neodash_wallet_id": "wallet-collect", "input": "a"}
# reports that must find something in the fixture world (the rest may legitimately be empty)
MUST_HAVE_ROWS = {
    "Entities",
    "Compounds on a map",
    "Top brokers: entities tied to the most compounds (within two claims)",
    "Contested claims (sources disagree)",
    "Operators, owners and controllers",
    "Protectors and colluders (of the compound or its operators)",
    "Victim cases (pseudonymous)",
    "Where the money went (time-respecting, up to 4 hops)",
    "Funds reaching exchange wallets",
    "Recruiters and job ads",
    "Events",
}


def allowed_properties() -> set[str]:
    ont = ontology()
    props = ENTITY_FIELDS | CLAIM_FIELDS | SOURCE_FIELDS
    for d in ont.labels.values():
        props |= set(d.properties)
    for r in ont.relationships.values():
        props |= set(r.properties)
    return props


def reports() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in DASHBOARDS:
        dash = json.loads(path.read_text(encoding="utf-8"))
        for page in dash["pages"]:
            for rep in page["reports"]:
                out.append((f"{path.name}: {rep['title']}", rep))
    return out


def strip_strings(query: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", query).replace("`", "")


def names_in(query: str) -> tuple[set[str], set[str], set[str]]:
    """Labels, relationship types and property keys a query names."""
    q = strip_strings(query)
    labels: set[str] = set()
    for m in re.finditer(r"\(\s*\w*\s*((?::\w+)+)", q):  # node patterns (n:A:B ...
        labels |= set(m.group(1).strip(":").split(":"))
    bare = re.sub(r"\[[^\]]*\]", "", re.sub(r"\([^()]*\)", "", q))  # label predicates: WHERE n:Label
    labels |= set(re.findall(r"\b\w+:(\w+)\b(?!\s*[,}])", bare))
    rels: set[str] = set()
    for m in re.finditer(r"\[\s*\w*\s*:\s*([\w|]+)", q):
        rels |= set(m.group(1).split("|"))
    props = set(re.findall(r"(?<![\d.])\.(?!\.)([A-Za-z_]\w*)", q))
    props |= set(re.findall(r"[{,]\s*([A-Za-z_]\w*)\s*:", q)) - {"latitude", "longitude"}  # pattern maps
    return labels, rels, props


def test_dashboards_exist_and_are_neodash_json() -> None:
    names = {p.name for p in DASHBOARDS}
    assert {"overview.json", "compound.json", "money-flow.json"} <= names
    for path in DASHBOARDS:
        dash = json.loads(path.read_text(encoding="utf-8"))
        assert dash["version"].startswith("2.")
        assert dash["title"] and dash["pages"]
        ids = [r["id"] for p in dash["pages"] for r in p["reports"]]
        assert len(ids) == len(set(ids)), f"{path.name}: report ids repeat"
        for page in dash["pages"]:
            for rep in page["reports"]:
                assert {"title", "query", "type", "x", "y", "width", "height"} <= set(rep), rep["title"]
                assert rep["type"] in {"table", "graph", "bar", "pie", "value", "map", "select", "line", "text"}
    all_types = {r["type"] for _, r in reports()}
    assert {"map", "select", "graph", "table", "bar", "value"} <= all_types


def test_the_linter_catches_names_outside_the_ontology() -> None:
    labels, rels, props = names_in(
        "MATCH (a:Compound:Bogus)-[r:OPERATES|HACKS]->(b) WHERE b.nonsense > 1 RETURN a.name"
    )
    assert "Bogus" in labels and "HACKS" in rels and "nonsense" in props


@pytest.mark.parametrize(("where", "rep"), reports(), ids=[w for w, _ in reports()])
def test_dashboard_cypher_uses_only_the_ontology(where: str, rep: dict[str, Any]) -> None:
    ont = ontology()
    labels, rels, props = names_in(rep["query"])
    assert labels <= set(ont.labels) | STORAGE_LABELS, f"{where}: unknown labels {labels - set(ont.labels)}"
    assert rels <= set(ont.relationships), f"{where}: unknown relationship types {rels - set(ont.relationships)}"
    assert props <= allowed_properties(), f"{where}: unknown properties {props - allowed_properties()}"
    if rep["type"] == "select":
        assert rep["settings"]["entityType"] in ont.labels
        assert rep["settings"]["parameterName"].startswith("neodash_")


@pytest.fixture(scope="module")
def neo4j_world(neo4j_driver: Any) -> Any:
    store = make_neo4j_store(neo4j_driver, supernode_threshold=10)
    load_jsonl(store, [WORLD])
    yield neo4j_driver
    store.close()


def test_every_dashboard_query_runs_on_neo4j(neo4j_world: Any) -> None:
    empty = []
    ran: set[str] = set()
    for where, rep in reports():
        params = {k: v for k, v in SAMPLE_PARAMS.items() if "$" + k in rep["query"]}
        records, _, _ = neo4j_world.execute_query(rep["query"], params, routing_="r", database_="neo4j")
        ran.add(path_of(where))
        if rep["title"] in MUST_HAVE_ROWS and not records:
            empty.append(where)
    # every dashboard file has queries, and every query that must find rows exists (else the check is empty)
    assert ran == {p.name for p in DASHBOARDS}
    assert set(MUST_HAVE_ROWS) <= {rep["title"] for _, rep in reports()}
    assert not empty, f"queries that found nothing in the fixture world: {empty}"


def path_of(where: str) -> str:
    return where.split(": ", 1)[0]


def test_dashboard_answers_match_the_fixture_world(neo4j_world: Any) -> None:
    by_title = {r["title"]: r for _, r in reports()}

    def run(title: str) -> list[Any]:
        q = by_title[title]["query"]
        params = {k: v for k, v in SAMPLE_PARAMS.items() if "$" + k in q}
        return neo4j_world.execute_query(q, params, routing_="r", database_="neo4j")[0]

    assert run("Compounds")[0]["compounds"] == 3
    ops = {(r["who"], r["claim"]) for r in run("Operators, owners and controllers")}
    assert ("Blue Wave Technology Co", "OPERATES") in ops
    protect = {r["who"] for r in run("Protectors and colluders (of the compound or its operators)")}
    assert "Northern Hills Militia" in protect
    contested = run("Contested claims (sources disagree)")
    assert [(r["subject"], r["object"]) for r in contested] == [("Lotus Holdings Ltd", "Silver Dragon Zone")]
    went = run("Where the money went (time-respecting, up to 4 hops)")
    assert max(r["hops"] for r in went) == 3 and "exchange" in went[-1]["tags"]
    brokers = run("Top brokers: entities tied to the most compounds (within two claims)")
    assert brokers[0]["compounds"] >= 2
