"""``/review`` and ``/funnel`` on both stores: proposals listed with their sentences to investigators and
decided (accept, reject, edit; 404, 409 and 422 as problems; each decision audited), never shown to
partners or to any other read until accepted; the recruitment funnel for a compound, a recruiter or a case
under the caller's filter, with partner redaction. Everything here is fictional."""

from __future__ import annotations

from pathlib import Path

import pytest

from compoundgraph.ingest.base import Options
from compoundgraph.ingest.pipeline import ingest
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store import ClaimFilter, GraphStore
from tests.support.api import Api, make_api, problem
from tests.support.world import INGEST

REPORT = INGEST / "field-report-bavet-casino.txt"


@pytest.fixture
def reviewed(store: GraphStore, tmp_path: Path) -> Api:
    ingest(store, [REPORT], Options(), screen=False)
    return make_api(store, tmp_path)


def _pending(a: Api) -> dict[str, dict[str, object]]:
    r = a.get("/review", "investigator")
    assert r.status_code == 200, r.text
    return {str(c["name"]): c for c in r.json()["candidates"]}


def test_review_is_for_investigators_and_lists_sentences(reviewed: Api) -> None:
    a = reviewed
    assert a.get("/review", None).status_code == 401
    assert problem(a.get("/review", "partner"))["status"] == 403
    found = _pending(a)
    lucky = found["Lucky Crane Casino Compound"]
    assert lucky["kind"] == "entity" and lucky["label"] == "Compound" and lucky["status"] == "pending"
    assert "Lucky Crane" in str(lucky["quote"]) and "Bavet casino strip" in str(lucky["source_title"])
    relation = next(c for c in found.values() if c["kind"] == "relation" and c["label"] == "OPERATES")
    assert "->" in str(relation["name"]) and relation["quote"]
    assert problem(a.get("/review?status=maybe", "investigator"))["status"] == 422
    assert problem(a.post(f"/review/{lucky['id']}/accept", "partner"))["status"] == 403


def test_pending_proposals_reach_no_other_read(reviewed: Api) -> None:
    a = reviewed
    lucky = _pending(a)["Lucky Crane Casino Compound"]
    for role in ("investigator", "partner"):
        assert problem(a.get(f"/entities/{lucky['id']}", role))["status"] == 404
        hits = a.get("/search", role, params={"q": "Lucky Crane Casino"}).json()["hits"]
        assert lucky["id"] not in {h["id"] for h in hits}
        assert problem(a.get("/subgraph/ego", role, params={"id": lucky["id"]}))["status"] == 404
    stats = a.get("/stats", "investigator").json()
    every = list(a.store.iter_entities(proposals=True))
    pending = sum(1 for e in every if e.label == "Compound" and e.properties.get("status") == "pending")
    assert pending and stats["labels"].get("Compound", 0) == sum(1 for e in every if e.label == "Compound") - pending
    ranked = a.get("/analytics/centrality", "analyst", params={"measure": "degree", "top": 1000}).json()
    assert lucky["id"] not in str(ranked)
    screened = a.post("/screen", "investigator", json={"rows": [{"name": "Lucky Crane Casino Compound"}]})
    assert screened.status_code == 200 and lucky["id"] not in screened.text
    a.post(f"/review/{lucky['id']}/accept", "investigator")  # once accepted, a fact like any other
    screened = a.post("/screen", "investigator", json={"rows": [{"name": "Lucky Crane Casino Compound"}]})
    assert lucky["id"] in screened.text
    assert a.get(f"/entities/{lucky['id']}", "investigator").status_code == 200


def test_accept_reject_edit_with_problems_and_audit(reviewed: Api) -> None:
    a = reviewed
    found = _pending(a)
    compound, group = found["Lucky Crane Casino Compound"], found["Red Orchid Entertainment Group"]
    operates = next(c for c in found.values() if c["kind"] == "relation" and c["label"] == "OPERATES")
    early = a.post(f"/review/{operates['id']}/accept", "investigator")
    assert early.status_code == 409 and "accept the proposed entities first" in problem(early)["detail"]
    for c in (compound, group):
        done = a.post(f"/review/{c['id']}/accept", "investigator")
        assert done.status_code == 200, done.text
        assert done.json() | {"candidate": c["id"]} == {
            "candidate": c["id"],
            "decision": "accept",
            "kind": "entity",
            "id": c["id"],
            "label": c["label"],
            "name": c["name"],
            "status": "accepted",
        }
    fact = a.post(f"/review/{operates['id']}/accept", "investigator").json()
    assert fact["kind"] == "relation" and fact["label"] == "OPERATES"
    detail = a.get(f"/entities/{compound['id']}", "investigator").json()
    assert any(c["type"] == "OPERATES" and c["id"] == fact["id"] for c in detail["claims"])
    assert problem(a.post(f"/review/{compound['id']}/accept", "investigator"))["status"] == 409
    assert problem(a.post("/review/compound-nowhere/accept", "investigator"))["status"] == 404
    blue = found["Blue Dragon Resort"]
    assert a.post(f"/review/{blue['id']}/reject", "investigator").json()["status"] == "rejected"
    assert problem(a.post(f"/review/{blue['id']}/reject", "investigator"))["status"] == 409
    mai = found["Auntie Mai"]
    bad = a.post(f"/review/{mai['id']}/edit", "investigator", json={"type": "Spaceship"})
    assert problem(bad)["status"] == 422
    assert problem(a.post(f"/review/{operates['id']}/edit", "investigator", json={"name": "x"}))["status"] == 422
    edited = a.post(f"/review/{mai['id']}/edit", "investigator", json={"name": "Mai", "aliases": ["Auntie Mai"]})
    assert edited.status_code == 200 and edited.json()["name"] == "Mai" and edited.json()["status"] == "pending"
    left = _pending(a)
    assert "Mai" in left and "Auntie Mai" not in left and "Lucky Crane Casino Compound" not in left
    audited = [e for e in a.audit.entries() if str(e.get("path", "")).startswith("/review/")]
    decisions = [(e.get("candidate"), e.get("decision"), e.get("status")) for e in audited]
    assert (compound["id"], "accept", 200) in decisions and (blue["id"], "reject", 409) in decisions
    assert any(d == (operates["id"], "accept", 409) for d in decisions)
    assert (mai["id"], "edit", 200) in decisions
    log = (a.tmp / "review-decisions.jsonl").read_text(encoding="utf-8")
    assert log.count('"action": "accept"') == 3 and "test investigator" in log


SRC = Source(title="Route notes (fictional)", url="https://example.org/route", reliability="C", handling="H1")
TIP = Source(title="Tip line (fictional)", url="https://example.org/tip", reliability="D", handling="H3")


def _e(eid: str, label: str, name: str) -> Entity:
    return Entity(id=eid, label=label, name=name, sources=[SRC.id])


def _c(rel: str, s: str, o: str, grade: str = "C3", date: str | None = None, src: Source = SRC, **p: object) -> Claim:
    return Claim(
        type=rel, subject=s, object=o, source=src.id, grade=grade, valid_from=date, properties=p, handling=src.handling
    )


@pytest.fixture
def route(store: GraphStore, tmp_path: Path) -> Api:
    store.upsert([SRC, TIP])
    store.upsert(
        [
            _e("case-route-1", "Case", "Case 000901"),
            _e("case-route-2", "Case", "Case 000902"),
            _e("jobad-cs", "JobAd", "Customer service in Thailand"),
            _e("account-kai", "Account", "@brotherkai_jobs"),
            _e("person-kai", "Person", "Brother Kai"),
            _e("location-bkk", "Location", "Bangkok"),
            _e("location-maesot", "Location", "Mae Sot"),
            _e("compound-heron", "Compound", "Silver Heron Technology Park"),
        ]
    )
    store.upsert(
        [
            _c("RECRUITED_VIA", "case-route-1", "jobad-cs", date="2026-06-01"),
            _c("RECRUITED_VIA", "case-route-2", "jobad-cs", date="2026-06-03"),
            _c("POSTED", "account-kai", "jobad-cs"),
            _c("USES", "person-kai", "account-kai"),
            _c("RECRUITS_FOR", "person-kai", "compound-heron"),
            _c("TRANSITED", "case-route-1", "location-bkk", date="2026-06-10", order=1, mode="flight"),
            _c("TRANSITED", "case-route-1", "location-maesot", date="2026-06-11", order=2, mode="road"),
            _c("HELD_AT", "case-route-1", "compound-heron", date="2026-06-12"),
            _c("HELD_AT", "case-route-2", "compound-heron", "D4", date="2026-06-15"),
            _c("HELD_AT", "case-route-2", "compound-heron", "D4", src=TIP, stance="denies"),
        ]
    )
    return make_api(store, tmp_path)


def test_funnel_for_a_compound_a_recruiter_and_a_case(route: Api) -> None:
    a = route
    whole = a.get("/funnel", "investigator", params={"compound": "compound-heron"})
    assert whole.status_code == 200, whole.text
    body = whole.json()
    assert body["cases"] == 2
    columns = {s: [x["name"] for x in v] for s, v in body["funnel"].items()}
    assert columns["job_ads"] == ["Customer service in Thailand"] and columns["accounts"] == ["@brotherkai_jobs"]
    assert columns["recruiters"] == ["Brother Kai"] and columns["compounds"] == ["Silver Heron Technology Park"]
    assert set(columns["transit"]) == {"Bangkok", "Mae Sot"}
    kai = a.get("/funnel", "investigator", params={"recruiter": "person-kai"}).json()
    assert kai["cases"] == 2 and kai["recruiter"] == "person-kai"
    one = a.get("/funnel", "investigator", params={"case": "case-route-1"}).json()
    assert [s["name"] for s in one["routes"][0]["stages"]["transit"]] == ["Bangkok", "Mae Sot"]
    assert (
        a.get("/funnel", "investigator", params={"compound": "compound-heron", "min_grade": "C3"}).json()["cases"] == 1
    )
    # the tip line denies that the second case was held there: hiding the contested link drops it
    assert (
        a.get("/funnel", "investigator", params={"compound": "compound-heron", "link": "contested"}).json()["cases"]
        == 1
    )
    assert problem(a.get("/funnel", "investigator"))["status"] == 422
    both = a.get("/funnel", "investigator", params={"compound": "compound-heron", "case": "case-route-1"})
    assert problem(both)["status"] == 422
    assert problem(a.get("/funnel", "investigator", params={"compound": "case-route-1"}))["status"] == 404
    assert problem(a.get("/funnel", "investigator", params={"compound": "x", "link": "maybe"}))["status"] == 422
    assert a.get("/funnel", None, params={"compound": "compound-heron"}).status_code == 401
    entries = [e for e in a.audit.entries() if e.get("path") == "/funnel"]
    assert entries and entries[0].get("compound") == "compound-heron"


def test_partner_funnel_never_steps_onto_a_case(route: Api) -> None:
    a = route
    seen = a.get("/funnel", "partner", params={"compound": "compound-heron"})
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["cases"] == 0 and body["routes"] == [] and "case-route" not in seen.text
    network = {s: [x["name"] for x in v] for s, v in body["network"].items()}  # no case needed for these
    assert network["recruiters"] == ["Brother Kai"] and network["accounts"] == ["@brotherkai_jobs"]
    assert network["job_ads"] == ["Customer service in Thailand"]
    assert network["compounds"] == ["Silver Heron Technology Park"]
    assert problem(a.get("/funnel", "partner", params={"case": "case-route-1"}))["status"] == 404
    assert a.get("/funnel", "investigator", params={"case": "case-route-1"}).status_code == 200
    assert a.store.claims_of(["case-route-2"], ClaimFilter.make(stances=["denies"]))  # what partners never see
