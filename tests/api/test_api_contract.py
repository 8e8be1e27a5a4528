"""Contract tests through HTTP on both stores: entities, search, ego (supernodes, paging), paths, stats,
health, ontology, partner redaction, hostile input (422 naming the parameter, 413), problem+json errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compoundgraph.store import GraphStore
from tests.support.api import Api, make_api, problem


def test_entity_has_claims_sources_and_grades(api: Api) -> None:
    r = api.get("/entities/org-lotus-holdings")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["entity"]["name"] == "Lotus Holdings Ltd"
    ops = [c for c in body["claims"] if c["type"] == "OPERATES" and c["object"] == "compound-silver-dragon"]
    assert sorted(c["grade"] for c in ops) == ["B2", "D5"]  # the contested claim: both sources kept
    assert {c["source"] for c in ops} <= set(body["sources"])
    assert body["neighbours"]["compound-golden-lotus"]["label"] == "Compound"


def test_entity_filters_by_grade_and_unknown_is_404(api: Api) -> None:
    r = api.get("/entities/org-lotus-holdings", params={"min_grade": "B3"})
    assert all(c["grade"] != "D5" for c in r.json()["claims"])
    body = problem(api.get("/entities/no-such-entity"))
    assert body["status"] == 404 and "no-such-entity" in body["detail"]


def test_search_ranks_exact_name_first(api: Api) -> None:
    r = api.get("/search", params={"q": "Golden Lotus Park"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits[0]["id"] == "compound-golden-lotus" and hits[0]["score"] == 95
    alias = api.get("/search", params={"q": "Boss Tan"}).json()["hits"]
    assert alias[0]["id"] == "person-tan-weiming" and alias[0]["matched"] == "Boss Tan"


def test_ego_shape_and_hops(api: Api) -> None:
    r = api.get("/subgraph/ego", params={"id": "compound-jade-river", "hops": 1})
    assert r.status_code == 200
    g = r.json()
    assert g["center"] == "compound-jade-river"
    ids = {n["id"] for n in g["nodes"]}
    assert {"org-blue-wave", "armed-northern-hills", "location-myawaddy", "case-0001"} <= ids
    assert all(n["hop"] in (0, 1) for n in g["nodes"])
    assert {e["from"] for e in g["edges"]} | {e["to"] for e in g["edges"]} <= ids
    assert all({"colour", "icon", "supernode"} <= set(n) for n in g["nodes"])


def test_ego_filters_by_type_and_relationship(api: Api) -> None:
    g = api.get("/subgraph/ego", params={"id": "compound-jade-river", "types": "Organization,ArmedGroup"}).json()
    assert {n["label"] for n in g["nodes"] if n["id"] != "compound-jade-river"} == {"Organization", "ArmedGroup"}
    g = api.get("/subgraph/ego", params=[("id", "compound-jade-river"), ("rel_types", "PROTECTS")]).json()
    assert {e["type"] for e in g["edges"]} == {"PROTECTS"}
    # list parameters repeated or comma-separated alike; an unknown parameter is ignored
    comma = api.get("/subgraph/ego", params={"id": "compound-jade-river", "types": "Organization,ArmedGroup"}).json()
    repeated = api.get(
        "/subgraph/ego",
        params=[("id", "compound-jade-river"), ("types", "Organization"), ("types", "ArmedGroup"), ("colour", "red")],
    ).json()
    assert {n["id"] for n in repeated["nodes"]} == {n["id"] for n in comma["nodes"]}
    assert len(comma["nodes"]) > 1


def test_every_answer_says_where_its_time_went(api: Api) -> None:
    """Server-Timing for in-house callers: the whole request in the application, the store calls' share."""

    def spent(r: Any) -> dict[str, float]:
        out = {}
        for metric in r.headers["server-timing"].split(","):
            name, _, dur = metric.strip().partition(";dur=")
            out[name] = float(dur)
        return out

    ego = spent(api.get("/subgraph/ego", params={"id": "compound-jade-river", "hops": 2}))
    assert set(ego) == {"app", "store", "handoff"}
    assert ego["store"] > 0 and ego["handoff"] >= 0 and ego["app"] >= ego["store"] + ego["handoff"]
    missing = api.get("/subgraph/ego", params={"id": "nowhere"})  # a problem answer is timed too
    assert missing.status_code == 404 and spent(missing)["store"] > 0
    refused = api.get("/subgraph/ego", params={"hops": "9"})  # refused before any store call
    assert refused.status_code == 422 and set(spent(refused)) == {"app"}
    # not for partners (the store's time before redaction would tell what was left out), nor without a key
    partner = api.get("/subgraph/ego", role="partner", params={"id": "compound-jade-river", "hops": 2})
    assert partner.status_code == 200 and "server-timing" not in partner.headers
    assert "server-timing" not in api.client.get("/health").headers


def test_ego_query_parameters_are_documented_as_the_post_body(api: Api) -> None:
    """GET /subgraph/ego validates its query in one model; OpenAPI lists each parameter as FastAPI would."""
    spec = api.get("/openapi.json").json()
    get = spec["paths"]["/subgraph/ego"]["get"]
    params = {p["name"]: p for p in get["parameters"]}
    body_ref = spec["paths"]["/subgraph/ego"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = spec["components"]["schemas"][body_ref.rsplit("/", 1)[1]]
    assert set(params) == set(body["properties"]) and len(params) == 14
    assert all(p["in"] == "query" and "schema" in p for p in params.values())
    assert [n for n, p in params.items() if p["required"]] == ["id"]
    assert params["hops"]["schema"]["maximum"] == 3 and params["limit"]["schema"]["maximum"] == 10_000
    assert "repeated or comma-separated" in params["types"]["description"]
    assert {"APIKeyHeader", "HTTPBearer"} <= {k for s in get["security"] for k in s}


def test_supernode_reported_not_expanded(api: Api) -> None:
    g = api.get("/subgraph/ego", params={"id": "person-nok-srisuk", "hops": 3}).json()
    assert g["supernodes"].get("platform-telegram") == 13
    ids = {n["id"] for n in g["nodes"]}
    assert "platform-telegram" in ids and "account-tg-00" not in ids
    tg = next(n for n in g["nodes"] if n["id"] == "platform-telegram")
    assert tg["supernode"] == {"degree": 13}


def test_paging_a_supernode_returns_new_neighbours(api: Api) -> None:
    first = api.get("/subgraph/ego", params={"id": "platform-telegram", "limit": 6}).json()
    assert first["truncated"] and first["supernodes"]["platform-telegram"] == 13
    page1 = {n["id"] for n in first["nodes"]} - {"platform-telegram"}
    assert len(page1) == 5
    second = api.get(
        "/subgraph/ego", params=[("id", "platform-telegram"), ("limit", "6"), ("exclude", ",".join(sorted(page1)))]
    ).json()
    page2 = {n["id"] for n in second["nodes"]} - {"platform-telegram"}
    assert len(page2) == 5 and not page1 & page2
    third = api.get(
        "/subgraph/ego",
        params=[("id", "platform-telegram"), ("limit", "6"), *[("exclude", i) for i in sorted(page1 | page2)]],
    ).json()
    page3 = {n["id"] for n in third["nodes"]} - {"platform-telegram"}
    assert len(page3) == 3 and not (page1 | page2) & page3 and not third["truncated"]


def test_paths_with_weakest_grade(api: Api) -> None:
    r = api.get("/subgraph/paths", params={"from": "person-tan-weiming", "to": "compound-golden-lotus", "k": 2})
    assert r.status_code == 200, r.text
    g = r.json()
    best = g["paths"][0]
    assert best["nodes"] == ["person-tan-weiming", "org-lotus-holdings", "compound-golden-lotus"]
    assert best["grade"] == "B2" and best["hops"] == 2
    assert set(best["edges"]) <= {e["id"] for e in g["edges"]}


def test_stats_health_ontology(api: Api, world: GraphStore) -> None:
    stats = api.get("/stats").json()
    assert stats["labels"] == world.counts()["labels"] and stats["store"] == world.kind
    health = api.client.get("/health").json()  # no key needed
    assert health["status"] == "ok" and health["store"]["kind"] == world.kind
    onto = api.client.get("/ontology").json()
    assert "Compound" in onto["labels"] and "H1" in onto["handling"]


def test_partner_reads_are_redacted(api: Api) -> None:
    g = api.get("/subgraph/ego", role="partner", params={"id": "compound-jade-river", "hops": 2}).json()
    assert not [n for n in g["nodes"] if n["label"] == "Case"]
    assert all(e["handling"] in ("H0", "H1") for e in g["edges"])
    full = api.get("/subgraph/ego", role="investigator", params={"id": "compound-jade-river", "hops": 2}).json()
    assert [n for n in full["nodes"] if n["label"] == "Case"]  # the redaction removed something real
    assert problem(api.get("/entities/case-0001", role="partner"))["status"] == 404
    d = api.get("/entities/org-lotus-holdings", role="partner").json()
    assert all(c["handling"] in ("H0", "H1") for c in d["claims"])
    assert "src-tipline-0042" not in d["sources"]  # an H2 source
    assert not [
        h for h in api.get("/search", role="partner", params={"q": "Case 0001"}).json()["hits"] if h["label"] == "Case"
    ]
    assert "Case" not in api.get("/stats", role="partner").json()["labels"]
    body = problem(api.get("/subgraph/ego", role="partner", params={"id": "compound-jade-river", "types": "Case"}))
    assert body["status"] == 403 and body["where"] == "types"


def test_bad_parameters_are_422_naming_the_parameter(api: Api, world: GraphStore) -> None:
    before = world.counts()
    for params, where in [
        ({"id": "compound-jade-river", "min_grade": "Z9"}, "min_grade"),
        ({"id": "compound-jade-river", "as_of": "2024-02-31"}, "as_of"),
        ({"id": "compound-jade-river", "as_of": "yesterday"}, "as_of"),
        ({"id": "compound-jade-river", "types": "Spaceship"}, "types"),
        ({"id": "compound-jade-river", "rel_types": "LOVES"}, "rel_types"),
        ({"id": "compound-jade-river", "types": "Compound) DETACH DELETE (n"}, "types"),  # no injection
        ({"id": "compound-jade-river", "rel_types": "OPERATES]-() DELETE r //"}, "rel_types"),
        ({"id": "compound-jade-river", "hops": "9"}, "hops"),
        ({"id": "compound-jade-river", "limit": "-1"}, "limit"),
        ({"id": "compound-jade-river", "hops": "two"}, "hops"),
        ({"id": "compound-jade-river", "order": "loudest"}, "order"),
        ({"id": "compound-jade-river", "link": "both"}, "link"),
        ({"id": "compound-jade-river", "min_grade": "B33"}, "min_grade"),
        ({"id": ""}, "id"),
        ({"hops": "2"}, "id"),
    ]:
        body = problem(api.get("/subgraph/ego", params=params))
        assert body["status"] == 422 and body["where"] == where, (params, body)
    assert world.counts() == before


def test_oversized_body_is_413_and_changes_nothing(api: Api, world: GraphStore) -> None:
    before = world.counts()
    big = "x" * 1_100_000
    body = problem(api.post("/cypher", json={"query": big}))
    assert body["status"] == 413
    body = problem(api.post("/flows/trace", json={"wallets": ["w"] * 300_000}))
    assert body["status"] == 413
    assert world.counts() == before


def test_unknown_route_and_method_are_problems(api: Api) -> None:
    assert problem(api.get("/nowhere"))["status"] == 404
    assert problem(api.client.delete("/search"))["status"] == 405


def test_response_size_and_query_time_limits(world: GraphStore, tmp_path: Path) -> None:
    small = make_api(world, tmp_path / "small", max_response_bytes=2048)
    body = problem(small.get("/subgraph/ego", params={"id": "platform-telegram"}))
    assert body["status"] == 413 and "narrow" in body["detail"]
    assert small.get("/subgraph/ego", params={"id": "event-jade-river-raid"}).status_code == 200  # small answer
    hurried = make_api(world, tmp_path / "hurried", query_timeout_s=1e-9)
    body = problem(hurried.get("/subgraph/ego", params={"id": "compound-jade-river"}))
    assert body["status"] == 504


def test_ego_exclude_gives_the_next_ring_get_and_post(api: Api) -> None:
    center = "compound-jade-river"
    one = {n["id"] for n in api.get("/subgraph/ego", params={"id": center}).json()["nodes"]}
    two = api.get("/subgraph/ego", params={"id": center, "hops": 2}).json()
    ring2 = {n["id"] for n in two["nodes"] if n["hop"] == 2}
    params = [("id", center), ("hops", "2"), *(("exclude", x) for x in sorted(one - {center}))]
    g = api.get("/subgraph/ego", params=params).json()
    assert {n["id"] for n in g["nodes"]} == {center} | ring2
    # the claims joining the ring to the chart come along
    assert ring2 <= {e["from"] for e in g["edges"]} | {e["to"] for e in g["edges"]}
    body = {"id": center, "hops": 2, "exclude": sorted(one)}
    posted = api.post("/subgraph/ego", json=body).json()
    assert {n["id"] for n in posted["nodes"]} == {center} | ring2
    avoided = api.post("/subgraph/ego", json={"id": center, "hops": 2, "avoid": sorted(one - {center})}).json()
    assert {n["id"] for n in avoided["nodes"]} == {center}
    bad = problem(api.post("/subgraph/ego", json={"id": center, "order": "loudest"}))
    assert bad["status"] == 422


def test_ego_counts_without_the_nodes(api: Api) -> None:
    r = api.post("/subgraph/ego/counts", json={"id": "platform-telegram", "hops": 1})
    assert r.status_code == 200, r.text
    c = r.json()
    assert c["new"] == 13 and c["by_type"] == {"Account": 13} and c["by_rel"] == {"ON_PLATFORM": 13}
    assert c["supernodes"]["platform-telegram"] == 13 and c["threshold"] == 10 and "nodes" not in c
    ring = api.post(
        "/subgraph/ego/counts", json={"id": "compound-jade-river", "hops": 2, "exclude": ["armed-northern-hills"]}
    ).json()
    full = api.get("/subgraph/ego", params={"id": "compound-jade-river", "hops": 2}).json()
    assert ring["new"] == len(full["nodes"]) - 2 and ring["known"] == 1
    # a selective expansion: three accounts, most connected first
    g = api.get("/subgraph/ego", params={"id": "platform-telegram", "limit": 4, "order": "degree"}).json()
    assert len(g["nodes"]) == 4 and g["truncated"] is True
    assert problem(api.post("/subgraph/ego/counts", json={"id": "nowhere"}))["status"] == 404


def test_partner_cannot_see_hidden_ends_through_exclude(api: Api) -> None:
    # Cases are hidden from partners: naming one in exclude must not bring its claims back
    g = api.post("/subgraph/ego", role="partner", json={"id": "compound-jade-river", "exclude": ["case-0001"]}).json()
    assert all("case-0001" not in (e["from"], e["to"]) for e in g["edges"])
    c = api.post("/subgraph/ego/counts", role="partner", json={"id": "compound-jade-river"}).json()
    assert "Case" not in c["by_type"]
    assert problem(api.post("/subgraph/ego/counts", role="partner", json={"id": "case-0001"}))["status"] == 404
