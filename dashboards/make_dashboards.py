"""Writes the NeoDash dashboards in this folder (``overview.json``, ``compound.json``, ``money-flow.json``).

Edit the queries here and run ``python dashboards/make_dashboards.py``; ``tests/ui/test_dashboards.py`` checks that
every label, relationship type and property the Cypher names is in the ontology and runs every query against
a real Neo4j loaded with the fixture world. Storage layout (see ``cypher/``): entities are
``:Node:Entity:<Label>`` with ``id``, ``name``, ``label``, ``aliases`` ... and their properties flattened;
sources are ``:Node:Source``; claims are relationships of the ontology's types carrying ``id``, ``source``,
``grade``, ``grade_r``, ``grade_c``, ``valid_from``, ``valid_to``, ``handling``, ``quote`` and, for transfers,
``tx_hash``, ``amount`` (a decimal string), ``asset``, ``timestamp``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NEODASH_VERSION = "2.4"


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "compoundgraph/dashboards/" + "/".join(parts)))


def report(title: str, query: str, type_: str, x: int, y: int, w: int = 6, h: int = 4,
           settings: dict[str, Any] | None = None, selection: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": _id(title),
        "title": title,
        "query": query.strip() + "\n",
        "width": w,
        "height": h,
        "x": x,
        "y": y,
        "type": type_,
        "selection": selection or {},
        "settings": settings or {},
        "schema": [],
    }


def selector(title: str, label: str, param: str, x: int, y: int) -> dict[str, Any]:
    """A NeoDash parameter select: pick an entity of ``label`` by name, the parameter gets its id."""
    query = (f"MATCH (n:`{label}`)\nWHERE toLower(toString(n.`name`)) CONTAINS toLower($input)\n"
             "RETURN DISTINCT n.`id` AS value, n.`name` AS display ORDER BY size(toString(display)) ASC LIMIT 5")
    return report(title, query, "select", x, y, w=6, h=2, settings={
        "type": "Node Property", "entityType": label, "propertyType": "id", "propertyTypeDisplay": "name",
        "parameterName": param, "id": "",
    })


def dashboard(title: str, pages: list[tuple[str, list[dict[str, Any]]]], params: dict[str, str]) -> dict[str, Any]:
    return {
        "uuid": _id(title),
        "title": title,
        "version": NEODASH_VERSION,
        "settings": {"pagenumber": 0, "editable": True, "fullscreenEnabled": False, "parameters": params,
                     "theme": "light", "downloadImageEnabled": True},
        "pages": [{"title": t, "reports": reports} for t, reports in pages],
        "parameters": {},
        "extensions": {"active": True, "activeReducers": []},
    }


OVERVIEW = dashboard("compoundgraph - overview", [("Overview", [
    report("Entities", "MATCH (n:Entity) RETURN count(n) AS entities", "value", 0, 0, w=3, h=2),
    report("Claims", "MATCH (:Entity)-[r]->(:Node) WHERE r.grade IS NOT NULL RETURN count(r) AS claims",
           "value", 3, 0, w=3, h=2),
    report("Sources", "MATCH (s:Source) RETURN count(s) AS sources", "value", 6, 0, w=3, h=2),
    report("Compounds", "MATCH (c:Compound) RETURN count(c) AS compounds", "value", 9, 0, w=3, h=2),
    report("Entities by type", """
MATCH (n:Entity)
RETURN n.label AS type, count(*) AS entities
ORDER BY entities DESC
""", "bar", 0, 2, selection={"index": "type", "value": "entities", "key": "(none)"}),
    report("Claims by relationship type", """
MATCH (:Entity)-[r]->(:Node)
WHERE r.grade IS NOT NULL
RETURN type(r) AS relationship, count(*) AS claims
ORDER BY claims DESC
""", "bar", 6, 2, selection={"index": "relationship", "value": "claims", "key": "(none)"}),
    report("Compounds on a map", """
MATCH (c:Compound)
WHERE c.lat IS NOT NULL AND c.lon IS NOT NULL
RETURN c.name AS name, c.status AS status, c.country AS country,
       point({latitude: toFloat(c.lat), longitude: toFloat(c.lon)}) AS location
""", "map", 0, 6, w=6, h=5, settings={"layerType": "markers", "clusterMarkers": False}),
    report("Compounds by country and status", """
MATCH (c:Compound)
RETURN c.country AS country, coalesce(c.status, 'unknown') AS status, count(*) AS compounds,
       sum(coalesce(c.est_workers, 0)) AS est_workers
ORDER BY compounds DESC, country
""", "table", 6, 6, w=6, h=5),
    report("Top brokers: entities tied to the most compounds (within two claims)", """
MATCH (b:Entity)
WHERE NOT b:Compound AND NOT b:Case
MATCH p = (b)-[*1..2]-(c:Compound)
WHERE all(n IN nodes(p) WHERE n:Entity) AND NOT c = b
WITH b, count(DISTINCT c) AS compounds
WHERE compounds > 0
MATCH (b)-[r]-(:Entity)
RETURN b.name AS broker, b.label AS type, compounds, count(DISTINCT r) AS claims,
       count(DISTINCT r.source) AS sources
ORDER BY compounds DESC, claims DESC, broker
LIMIT 15
""", "table", 0, 11, w=6, h=5),
    report("Contested claims (sources disagree)", """
MATCH (a:Entity)-[r]->(b:Entity)
WITH a, type(r) AS relationship, b, collect(DISTINCT r.source) AS sources, collect(r.grade) AS grades
WHERE size(sources) > 1
RETURN a.name AS subject, relationship, b.name AS object, sources, grades
ORDER BY subject
""", "table", 6, 11, w=6, h=5),
])], {})

C = "$neodash_compound_id"
COMPOUND = dashboard("compoundgraph - compound", [("Compound", [
    selector("Choose a compound", "Compound", "neodash_compound_id", 0, 0),
    report("The compound", f"""
MATCH (c:Compound {{id: {C}}})
RETURN c.name AS name, c.aliases AS aliases, c.country AS country, c.admin_area AS admin_area,
       c.locality AS locality, c.status AS status, c.kind AS kind, c.est_workers AS est_workers,
       c.lat AS lat, c.lon AS lon
""", "table", 6, 0, w=6, h=2),
    report("Operators, owners and controllers", f"""
MATCH (x:Entity)-[r:OPERATES|OWNS|CONTROLS|DIRECTS]->(c:Compound {{id: {C}}})
RETURN x.name AS who, x.label AS type, type(r) AS claim, r.grade AS grade, r.source AS source,
       r.valid_from AS valid_from, r.valid_to AS valid_to, r.quote AS quote
ORDER BY r.grade_r, r.grade_c, who
""", "table", 0, 2, w=12, h=3),
    report("Protectors and colluders (of the compound or its operators)", f"""
MATCH (x:Entity)-[r:PROTECTS|COLLUDES_WITH]->(c:Compound {{id: {C}}})
RETURN x.name AS who, x.label AS type, type(r) AS claim, c.name AS of, r.grade AS grade, r.source AS source,
       r.valid_from AS valid_from, r.valid_to AS valid_to
UNION
MATCH (x:Entity)-[r:PROTECTS|COLLUDES_WITH]->(o:Entity)-[:OPERATES|OWNS|CONTROLS]->(:Compound {{id: {C}}})
RETURN x.name AS who, x.label AS type, type(r) AS claim, o.name AS of, r.grade AS grade, r.source AS source,
       r.valid_from AS valid_from, r.valid_to AS valid_to
""", "table", 0, 5, w=12, h=3),
    report("Recruiters and job ads", f"""
MATCH (x:Entity)-[r:RECRUITS_FOR]->(:Compound {{id: {C}}})
RETURN x.name AS recruiter, x.label AS type, 'RECRUITS_FOR' AS claim, r.grade AS grade, r.source AS source
UNION
MATCH (j:JobAd)-[r:ADVERTISES_FOR]->(:Compound {{id: {C}}})
OPTIONAL MATCH (p:Entity)-[:POSTED]->(j)
RETURN coalesce(p.name, j.name) AS recruiter, coalesce(p.label, j.label) AS type,
       'job ad: ' + j.name AS claim, r.grade AS grade, r.source AS source
""", "table", 0, 8, w=6, h=4),
    report("Victim cases (pseudonymous)", f"""
MATCH (k:Case)-[r:HELD_AT|SOLD_TO]->(:Compound {{id: {C}}})
RETURN k.name AS case_id, type(r) AS claim, k.nationality AS nationality, k.age_band AS age_band,
       k.gender AS gender, k.period AS period, k.outcome AS outcome, k.indicators AS indicators,
       r.valid_from AS from, r.valid_to AS until, r.grade AS grade, r.handling AS handling
ORDER BY case_id
""", "table", 6, 8, w=6, h=4),
    report("Events", f"""
MATCH (:Compound {{id: {C}}})-[r:INVOLVED_IN]->(e:Event)
RETURN e.date AS date, e.kind AS kind, e.name AS event, e.authority AS authority, e.reference AS reference,
       r.grade AS grade
ORDER BY date
""", "table", 0, 12, w=6, h=3),
    report("Neighbourhood", f"""
MATCH (c:Compound {{id: {C}}})-[r]-(x:Entity)
RETURN c, r, x
""", "graph", 6, 12, w=6, h=5),
])], {"neodash_compound_id": "compound-jade-river"})

WID = "$neodash_wallet_id"
MONEY = dashboard("compoundgraph - money flow", [("Money flow", [
    selector("Choose a wallet", "Wallet", "neodash_wallet_id", 0, 0),
    report("The wallet and who holds it", f"""
MATCH (w:Wallet {{id: {WID}}})
OPTIONAL MATCH (h:Entity)-[r:HOLDS]->(w)
RETURN w.address AS address, w.chain AS chain, w.asset AS asset, w.tags AS tags,
       collect(h.name + ' (' + r.grade + ')') AS holders
""", "table", 6, 0, w=6, h=2),
    report("Outgoing transfers", f"""
MATCH (w:Wallet {{id: {WID}}})-[t:TRANSFERRED]->(x:Wallet)
RETURN t.timestamp AS time, x.address AS to, toFloat(t.amount) AS amount, t.asset AS asset,
       t.tx_hash AS tx_hash, t.grade AS grade
ORDER BY time
""", "table", 0, 2, w=6, h=3),
    report("Incoming transfers", f"""
MATCH (x:Wallet)-[t:TRANSFERRED]->(w:Wallet {{id: {WID}}})
RETURN t.timestamp AS time, x.address AS from, toFloat(t.amount) AS amount, t.asset AS asset,
       t.tx_hash AS tx_hash, t.grade AS grade
ORDER BY time
""", "table", 6, 2, w=6, h=3),
    report("Where the money went (time-respecting, up to 4 hops)", f"""
MATCH p = (w:Wallet {{id: {WID}}})-[:TRANSFERRED*1..4]->(x:Wallet)
WHERE all(i IN range(0, size(relationships(p)) - 2)
          WHERE relationships(p)[i].timestamp <= relationships(p)[i + 1].timestamp)
WITH x, p, relationships(p) AS ts
OPTIONAL MATCH (h:Entity)-[:HOLDS]->(x)
RETURN x.address AS wallet, x.tags AS tags, collect(DISTINCT h.name) AS held_by, length(p) AS hops,
       [t IN ts | toFloat(t.amount)] AS amounts, last(ts).timestamp AS arrived
ORDER BY hops, arrived
""", "table", 0, 5, w=12, h=4),
    report("Flow graph", f"""
MATCH p = (w:Wallet {{id: {WID}}})-[:TRANSFERRED*1..4]-(x:Wallet)
RETURN p
""", "graph", 0, 9, w=6, h=5),
    report("Funds reaching exchange wallets", """
MATCH (a:Wallet)-[t:TRANSFERRED]->(x:Wallet)
WHERE 'exchange' IN coalesce(x.tags, [])
OPTIONAL MATCH (h:Entity)-[:HOLDS]->(x)
RETURN x.address AS exchange_wallet, collect(DISTINCT h.name) AS held_by, t.asset AS asset,
       sum(toFloat(t.amount)) AS received, count(t) AS transfers
ORDER BY received DESC
""", "table", 6, 9, w=6, h=3),
    report("Largest transfers", """
MATCH (a:Wallet)-[t:TRANSFERRED]->(b:Wallet)
RETURN left(a.address, 8) + '… → ' + left(b.address, 8) + '…' AS transfer, toFloat(t.amount) AS amount
ORDER BY amount DESC
LIMIT 10
""", "bar", 6, 12, w=6, h=3, selection={"index": "transfer", "value": "amount", "key": "(none)"}),
])], {"neodash_wallet_id": "wallet-collect"})

DASHBOARDS = {"overview.json": OVERVIEW, "compound.json": COMPOUND, "money-flow.json": MONEY}


def main() -> None:
    for name, dash in DASHBOARDS.items():
        (HERE / name).write_text(json.dumps(dash, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
