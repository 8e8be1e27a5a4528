"""The route from recruitment to a compound, on both stores: a case and its recruiter linked to transit places
with dates (Bangkok -> Mae Sot -> across the Moei river), and the funnel ad -> account -> recruiter -> transit
-> compound as one query. Everything here is fictional."""

from __future__ import annotations

import pytest

from compoundgraph.analytics.funnel import funnel
from compoundgraph.errors import InvalidInput, NotFound
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store import ClaimFilter, GraphStore

SRC = Source(title="Route notes (fictional)", url="https://example.org/route", reliability="C")


def _e(eid: str, label: str, name: str, **props: object) -> Entity:
    return Entity(id=eid, label=label, name=name, properties=props, sources=[SRC.id])


def _c(rel: str, s: str, o: str, grade: str = "C3", date: str | None = None, **props: object) -> Claim:
    return Claim(type=rel, subject=s, object=o, source=SRC.id, grade=grade, valid_from=date, properties=props)


@pytest.fixture
def route(store: GraphStore) -> GraphStore:
    store.upsert([SRC])
    store.upsert(
        [
            _e("case-route-1", "Case", "Case 000901", nationality="PH"),
            _e("case-route-2", "Case", "Case 000902", nationality="LK"),
            _e("jobad-cs", "JobAd", "Customer service in Thailand", platform="Facebook"),
            _e("account-kai", "Account", "@brotherkai_jobs", platform="Telegram", handle="brotherkai_jobs"),
            _e("platform-fb", "Platform", "Facebook", kind="social", domain="facebook.com"),
            _e("person-kai", "Person", "Brother Kai", roles=["recruiter"]),
            _e("location-bkk", "Location", "Bangkok", country="TH", kind="city"),
            _e("location-maesot", "Location", "Mae Sot", country="TH", kind="border town"),
            _e("location-moei", "Location", "Moei River", country="MM", kind="river"),
            _e("compound-heron", "Compound", "Silver Heron Technology Park", country="MM"),
        ]
    )
    store.upsert(
        [
            _c("RECRUITED_VIA", "case-route-1", "jobad-cs", date="2026-06-01"),
            _c("RECRUITED_VIA", "case-route-2", "jobad-cs", date="2026-06-03"),
            _c("POSTED", "account-kai", "jobad-cs"),
            _c("ON_PLATFORM", "jobad-cs", "platform-fb"),
            _c("USES", "person-kai", "account-kai"),
            _c("TRANSITED", "case-route-1", "location-maesot", date="2026-06-11", order=2, mode="road"),
            _c("TRANSITED", "case-route-1", "location-bkk", date="2026-06-10", order=1, mode="flight"),
            _c("TRANSITED", "case-route-1", "location-moei", date="2026-06-12", order=3, mode="river crossing"),
            _c("TRANSITED", "case-route-2", "location-maesot", date="2026-06-14"),
            _c("TRANSITED", "person-kai", "location-maesot", date="2026-06-11"),
            _c("HELD_AT", "case-route-1", "compound-heron", date="2026-06-12"),
            _c("HELD_AT", "case-route-2", "compound-heron", "D4", date="2026-06-15"),
        ]
    )
    return store


def test_funnel_into_a_compound(route: GraphStore) -> None:
    f = funnel(route, compound="compound-heron")
    assert f["cases"] == 2
    first = next(r for r in f["routes"] if r["case"] == "case-route-1")["stages"]
    assert [s["name"] for s in first["job_ads"]] == ["Customer service in Thailand"]
    assert [s["name"] for s in first["accounts"]] == ["@brotherkai_jobs"]
    assert [s["name"] for s in first["platforms"]] == ["Facebook"]
    assert [s["name"] for s in first["recruiters"]] == ["Brother Kai"]
    assert [(s["name"], s["date"], s["mode"]) for s in first["transit"]] == [
        ("Bangkok", "2026-06-10", "flight"),
        ("Mae Sot", "2026-06-11", "road"),
        ("Moei River", "2026-06-12", "river crossing"),
    ]
    assert [(s["name"], s["how"]) for s in first["compounds"]] == [("Silver Heron Technology Park", "HELD_AT")]
    counts = {s: {x["name"]: x["cases"] for x in v} for s, v in f["funnel"].items()}
    assert counts["job_ads"] == {"Customer service in Thailand": 2} and counts["transit"]["Mae Sot"] == 2
    assert counts["recruiters"] == {"Brother Kai": 2}
    # the recruiter's own transit is a claim like any other
    kai = [c for c in route.claims_of(["person-kai"], ClaimFilter.make(rel_types=["TRANSITED"]))]
    assert [(c.object, c.valid_from) for c in kai] == [("location-maesot", "2026-06-11")]


def test_funnel_takes_the_callers_filter_and_refuses_bad_asks(route: GraphStore) -> None:
    strict = funnel(route, compound="compound-heron", flt=ClaimFilter.make(min_grade="C3"))
    assert strict["cases"] == 1  # the D4 claim that puts the second case there does not pass
    one = funnel(route, case="case-route-2")
    assert one["cases"] == 1 and [s["name"] for s in one["routes"][0]["stages"]["transit"]] == ["Mae Sot"]
    with pytest.raises(InvalidInput):
        funnel(route)
    with pytest.raises(NotFound):
        funnel(route, compound="case-route-1")
