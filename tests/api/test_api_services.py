"""Analytics, money-flow traces, exports and ingest through HTTP on both stores."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from compoundgraph.store import GraphStore
from tests.support.api import Api, make_api, problem
from tests.support.world import INGEST


def test_analytics_are_stamped(api: Api) -> None:
    r = api.get("/analytics/centrality", role="analyst", params={"measure": "degree", "top": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stamp"] and len(body["results"]) == 3
    assert body["results"][0]["id"] == "platform-telegram"  # the supernode has the highest degree
    for name in ("communities", "brokers", "disruption"):
        r = api.get(f"/analytics/{name}", role="analyst", params={"min_grade": "C3"})
        assert r.status_code == 200, (name, r.text)
        assert r.json()["stamp"]
    assert problem(api.get("/analytics/centrality", role="analyst", params={"min_grade": "Q7"}))["where"] == "min_grade"
    # the role is checked before the filter's parameters: a partner learns nothing from a bad value
    assert api.get("/analytics/centrality", role="partner", params={"min_grade": "Q7"}).status_code == 403
    for bad in ({"stance": "maybe"}, {"link": "sometimes"}, {"as_of": "2024-13-01"}, {"rel_types": "LIKES"}):
        where = problem(api.get("/subgraph/paths", role="analyst", params={"from": "a", "to": "b", **bad}))["where"]
        assert where == next(iter(bad)), (bad, where)


def test_trace_follows_funds_to_the_exchange(api: Api) -> None:
    r = api.post("/flows/trace", role="investigator", json={"wallets": ["wallet-collect"], "direction": "forward"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stamp"]
    assert "wallet-exchange" in json.dumps(body)
    bad = problem(
        api.post("/flows/trace", role="investigator", json={"wallets": ["wallet-collect"], "since": "2024-13-01"})
    )
    assert bad["status"] == 422 and bad["where"] == "since"


def test_trace_and_compare_keep_to_one_asset(api: Api) -> None:
    start = {"wallets": ["wallet-collect"], "direction": "forward"}
    usdt = api.post("/flows/trace", role="investigator", json={**start, "asset": "USDT"}).json()
    assert usdt["traced"] and set(usdt["traced"]) == {"USDT"}
    assert usdt["stamp"]["parameters"]["asset"] == "USDT"
    for path in ("/flows/trace", "/flows/compare"):
        r = api.post(path, role="investigator", json={**start, "asset": "BTC"})
        assert r.status_code == 200, r.text
        assert r.json()["endpoints"] == [], path  # the fixture world moves only USDT
    assert problem(api.post("/flows/trace", role="investigator", json={**start, "asset": ""}))["status"] == 422


def test_exports_force_the_partner_profile(api: Api) -> None:
    full = api.get("/exports/graphml", role="analyst", params={"profile": "internal"})
    assert full.status_code == 200, full.text
    assert b"case-0001" in full.content and full.headers["x-redaction-profile"] == "internal"
    part = api.get("/exports/graphml", role="partner", params={"profile": "internal"})
    assert part.status_code == 200 and part.headers["x-redaction-profile"] == "partner"
    assert b"case-0001" not in part.content
    entries = [e for e in api.audit.entries() if e["path"].startswith("/exports")]
    assert [e["profile"] for e in entries] == ["internal", "partner"]
    assert problem(api.get("/exports/nonsense", role="analyst"))["status"] == 422


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


NEW = [
    {"record": "source", "id": "src-api-upload", "title": "Uploaded through the API", "reliability": "C"},
    {
        "record": "entity",
        "id": "compound-api-test",
        "label": "Compound",
        "name": "API Test Compound",
        "sources": ["src-api-upload"],
        "properties": {"country": "KH"},
    },
    {
        "record": "claim",
        "type": "OPERATES",
        "subject": "org-blue-wave",
        "object": "compound-api-test",
        "grade": "C3",
        "source": "src-api-upload",
    },
]


def test_ingest_dry_run_then_load(api: Api, world: GraphStore) -> None:
    data = _jsonl(NEW)
    before = world.counts()
    dry = api.post("/ingest", role="editor", files={"file": ("new.jsonl", data)}, data={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and world.counts() == before
    r = api.post("/ingest", role="editor", files={"file": ("new.jsonl", data)})
    assert r.status_code == 200, r.text
    assert r.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert world.entity("compound-api-test").entity.name == "API Test Compound"
    last = list(api.audit.entries())[-1]
    assert last["path"] == "/ingest" and last["sha256"] == hashlib.sha256(data).hexdigest()
    assert last["actor"] == api.keys["editor"].split("_")[1]


def test_ingest_refuses_bad_input_and_changes_nothing(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, max_upload_bytes=2048)
    before = world.counts()
    big = problem(a.post("/ingest", role="editor", files={"file": ("big.jsonl", b"x" * 5000)}))
    assert big["status"] == 413
    bad = problem(
        a.post("/ingest", role="editor", files={"file": ("n.jsonl", _jsonl(NEW))}, data={"source_grade": "Z9"})
    )
    assert bad["status"] == 422 and bad["where"] == "source_grade"
    broken = a.post("/ingest", role="editor", files={"file": ("b.jsonl", b'{"record": "claim", "type": "NOPE"}\n')})
    assert broken.status_code in (200, 422)
    if broken.status_code == 200:  # the pipeline reports rejected rows instead of failing
        assert broken.json()["rejected"] >= 1
    assert world.counts() == before


def test_stance_filters_reach_paths_analytics_and_counts(api: Api) -> None:
    # the fixture's one contested link: the NGO asserts Lotus Holdings runs Silver Dragon, a tip line denies it
    ends = {"from": "org-lotus-holdings", "to": "compound-silver-dragon", "max_hops": 1}

    def hops(**kw: str) -> list[list[str]]:
        r = api.get("/subgraph/paths", role="analyst", params={**ends, **kw})
        assert r.status_code == 200, r.text
        return [p["nodes"] for p in r.json()["paths"]]

    assert hops() and hops(link="contested") and hops(stance="asserts")
    assert hops(link="corroborated") == []  # one source asserts it, another denies it
    ranked = api.get("/analytics/centrality", role="analyst", params={"measure": "degree", "top": 100})
    only = api.get(
        "/analytics/centrality", role="analyst", params={"measure": "degree", "top": 100, "link": "contested"}
    )
    assert ranked.status_code == only.status_code == 200, only.text
    scored = {r["id"] for r in only.json()["results"] if r["score"] > 0}
    assert scored == {"org-lotus-holdings", "compound-silver-dragon"}
    assert len([r for r in ranked.json()["results"] if r["score"] > 0]) > len(scored)
    assert only.json()["stamp"] != ranked.json()["stamp"]
    counts = api.post(
        "/subgraph/ego/counts", role="analyst", json={"id": "org-lotus-holdings", "link": "contested"}
    ).json()
    assert counts["new"] == 1 and counts["by_type"] == {"Compound": 1}
    bad = problem(api.get("/subgraph/paths", role="analyst", params={**ends, "link": "agreed"}))
    assert bad["status"] == 422 and bad["where"] == "link"


def test_ingest_a_report_says_what_it_yielded_and_names_the_upload(api: Api, world: GraphStore) -> None:
    report = INGEST / "field-report-moei-crossing.md"
    files = {"file": (report.name, report.read_bytes(), "text/markdown")}
    dry = api.post("/ingest", role="editor", files=files, data={"dry_run": "true", "source_grade": "C3"})
    assert dry.status_code == 200, dry.text
    found = dry.json()["found"]
    (source,) = found["reports"]
    assert source["file"] == report.name and not world.get_sources([source["id"]])
    assert {"Mae Sot", "Myawaddy"} <= {p["name"] for p in found["places"]}
    assert "Silver Heron Technology Park" in {p["name"] for p in found["proposals"]}
    r = api.post("/ingest", role="editor", files=files, data={"source_grade": "C3"})
    assert r.status_code == 200, r.text
    assert r.json()["found"] == found and world.get_sources([source["id"]])[source["id"]].reliability == "C"
    assert r.json()["screening"]["screened"] > 0
    # the review lists this report's proposals on their own
    mine = api.get("/review", role="investigator", params={"source": source["id"]}).json()
    assert mine["source"] == source["id"] and {c["source"] for c in mine["candidates"]} == {source["id"]}
    totals = found["totals"]
    assert len(mine["candidates"]) == totals["proposals"] + totals["proposed_relations"]
    # rejected rows and refused files name the upload, never the server's temporary folder
    hostile = api.post("/ingest", role="editor", files={"file": ("hostile.csv", (INGEST / "hostile.csv").read_bytes())})
    assert {x["file"] for x in hostile.json()["rejects"]} == {"hostile.csv"}
    before = world.counts()
    cut = (INGEST / "partner.xlsx").read_bytes()[:700]
    bad = problem(api.post("/ingest", role="editor", files={"file": ("cut.xlsx", cut)}))
    assert bad["status"] == 422 and bad["where"] == "cut.xlsx" and "XLSX" in bad["detail"]
    assert "/tmp" not in json.dumps(hostile.json()) + json.dumps(bad) and world.counts() == before


def test_ingest_a_report_with_its_metadata_sidecar(api: Api, world: GraphStore) -> None:
    report = INGEST / "field-report-moei-crossing.md"
    meta = report.with_name(report.name + ".meta.yaml")
    files = {"file": (report.name, report.read_bytes()), "meta": ("moei.meta.yaml", meta.read_bytes())}
    r = api.post("/ingest", role="editor", files=files)
    assert r.status_code == 200, r.text
    (found,) = r.json()["found"]["reports"]
    source = world.get_sources([found["id"]])[found["id"]]
    assert source.title.endswith("(fictional)") and source.publisher == "compoundgraph test suite"
    assert (source.reliability, str(source.published)) == ("C", "2026-09-14")
    last = list(api.audit.entries())[-1]
    assert last["meta_sha256"] == hashlib.sha256(meta.read_bytes()).hexdigest()
    # a sidecar goes with a report only, and a broken one is refused naming it
    csv = {"file": ("rows.csv", b"type,name\nPerson,A Person\n"), "meta": ("m.yaml", meta.read_bytes())}
    assert problem(api.post("/ingest", role="editor", files=csv))["where"] == "meta"
    broken = {"file": ("r.md", b"# A report\n\nText."), "meta": ("m.yaml", b"- just\n- a list\n")}
    bad = problem(api.post("/ingest", role="editor", files=broken))
    assert bad["status"] == 422 and bad["where"] == "r.md.meta.yaml"


def test_me_tells_a_key_its_role(api: Api) -> None:
    assert problem(api.get("/me", role=None))["status"] == 401
    for role in ("partner", "analyst", "editor"):
        me = api.get("/me", role=role).json()
        assert me["role"] == role and me["name"] == f"test {role}" and me["demo"] is False
        assert me["roles"] == ["partner", "investigator", "analyst", "editor", "admin"]
