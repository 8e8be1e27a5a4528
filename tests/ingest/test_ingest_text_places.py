"""Reports in, knowledge out, on both stores: places from an offline gazetteer (with country and coordinates),
countries named only through a city or a plural demonym, and the new names a report brings proposed for
review - never facts until an editor accepts them. The field report is fictional and new to the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from compoundgraph.api.redaction import attested, claim_filter
from compoundgraph.api.security import Principal
from compoundgraph.errors import Conflict
from compoundgraph.ingest import Options, ingest
from compoundgraph.ingest.places import find_places, lookup
from compoundgraph.ingest.resolve import DecisionLog
from compoundgraph.ingest.review import accept, candidates, edit, reject
from compoundgraph.loader import load_jsonl
from compoundgraph.store import ClaimFilter, GraphStore
from tests.support.world import INGEST, SAMPLE

F = INGEST
REPORT = F / "field-report-moei-crossing.md"
FIRST = SAMPLE / "public_record.jsonl"
MENTIONS = ClaimFilter.make(rel_types=["MENTIONED_IN"], proposals=True)  # proposals awaiting review too


def _by_role(store: GraphStore) -> dict[str, dict[str, list[object]]]:
    ents = {e.id: e for e in store.iter_entities(proposals=True)}
    out: dict[str, dict[str, list[object]]] = {}
    for c in store.iter_claims(MENTIONS):
        out.setdefault(str(c.properties.get("role")), {}).setdefault(ents[c.subject].name, []).append(c)
    return out


def test_places_countries_and_plural_demonyms(store: GraphStore) -> None:
    ingest(store, [REPORT], Options())
    ents = {e.name: e for e in store.iter_entities()}
    for name, country in (
        ("Mae Sot", "TH"),
        ("Myawaddy", "MM"),
        ("Bangkok", "TH"),
        ("Phnom Penh", "KH"),
        ("Sihanoukville", "KH"),
    ):
        loc = ents[name]
        assert loc.label == "Location" and loc.properties["country"] == country
        assert isinstance(loc.properties["lat"], float) and loc.properties["geo_source"] == "gazetteer"
        assert str(loc.properties["geo_ref"]).startswith("https://")
    roles = _by_role(store)
    assert {"Mae Sot", "Myawaddy", "Bangkok", "Phnom Penh", "Sihanoukville", "Moei River"} <= set(roles["place"])
    # Thailand is found through Mae Sot in a sentence that names no country
    (mae_sot_sentence,) = {c.quote for c in roles["place"]["Mae Sot"] if "minivan" in c.quote}  # type: ignore[attr-defined]
    via = [c for claims in roles.values() for c in claims.get("Thailand", []) if c.quote == mae_sot_sentence]  # type: ignore[attr-defined]
    assert via and via[0].properties["via"] == "place"  # type: ignore[attr-defined]
    nationality = roles["nationality"]
    assert {"Philippines", "Sri Lanka", "Myanmar"} <= set(nationality)
    matched = {str(c.properties["matched"]) for claims in nationality.values() for c in claims}  # type: ignore[attr-defined]
    assert {"Filipinos", "Sri Lankans", "Burmese"} <= matched
    assert ingest(store, [REPORT], Options()).created == 0


def test_gazetteer_curated_scam_geography() -> None:
    found = {
        h.place.name: h
        for h in find_places(
            "From Laukkai to the Golden Triangle SEZ, then O’Smach, Bavet, Shwe Kokko, Tachileik, Bamban and Porac."
        )
    }
    assert {
        "Laukkaing",
        "Golden Triangle Special Economic Zone",
        "O'Smach",
        "Bavet",
        "Shwe Kokko",
        "Tachileik",
        "Bamban",
        "Porac",
    } <= set(found)
    assert all(h.place.source.startswith("https://") for h in found.values())
    shwe = lookup("Shwe Kokko")
    assert shwe is not None and shwe.origin == "curated" and shwe.lat is not None
    assert lookup("Reading") is None or lookup("Reading").country != "MM"  # type: ignore[union-attr]
    assert not list(find_places("The Police and the Army said that Many were held."))


def test_locations_from_any_loader_get_coordinates(store: GraphStore, tmp_path: Path) -> None:
    sheet = tmp_path / "places.yaml"
    sheet.write_text(
        "Entities:\n"
        "- {type: Location, name: Mae Sot, country: TH, kind: town}\n"
        "- {type: Location, name: Poipet, country: KH, kind: border town, lat: 13.6, lon: 102.5}\n"
        "- {type: Location, name: Nowhere Junction, country: KH, kind: village}\n",
        encoding="utf-8",
    )
    ingest(store, [sheet], Options(source_grade="C3"))
    ents = {e.name: e for e in store.iter_entities()}
    assert ents["Mae Sot"].properties["lat"] == pytest.approx(16.71667)
    assert ents["Mae Sot"].properties["geo_source"] == "gazetteer"
    assert ents["Poipet"].properties["lat"] == 13.6 and "geo_source" not in ents["Poipet"].properties
    assert "lat" not in ents["Nowhere Junction"].properties


def test_new_names_are_proposed_and_reviewed(store: GraphStore, tmp_path: Path) -> None:
    load_jsonl(store, [FIRST])  # the graph already knows the DKBA
    ingest(store, [REPORT], Options())
    log = DecisionLog(tmp_path / "review.jsonl")
    pending = {(c.kind, c.label, c.name): c for c in candidates(store)}
    names = {(label, name) for kind, label, name in pending if kind == "entity"}
    assert {
        ("Compound", "Silver Heron Technology Park"),
        ("Compound", "Jade River Compound"),
        ("Organization", "Bright Harbour Holdings Co., Ltd"),
        ("Person", "Brother Kai"),
        ("Person", "Anan Srisuk"),
        ("Person", "Boss Liang"),
    } <= names
    assert not any(name == "DKBA" for _label, name in names)  # known: linked, not proposed
    assert not {"Brother Kai", "Silver Heron Technology Park"} & {e.name for e in store.iter_entities()}
    ents = {e.name: e for e in store.iter_entities(proposals=True)}
    assert ents["Brother Kai"].properties["roles"] == ["recruiter"]
    park = ents["Silver Heron Technology Park"]
    dkba = ents["DKBA"]
    protects = pending[("relation", "PROTECTS", "DKBA -> Silver Heron Technology Park")]
    assert "insignia" in protects.quote or "protects" in protects.quote
    assert ("relation", "OPERATES", "Bright Harbour Holdings Co., Ltd -> Silver Heron Technology Park") in pending
    assert ("relation", "TRANSITED", "Anan Srisuk -> Mae Sot") in pending  # the route, from "drove them to"
    # not facts: no PROTECTS edge yet, and every proposal stays in this agency (H3: never exported)
    assert not [c for c in store.claims_of([park.id], ClaimFilter.make(rel_types=["PROTECTS"]))]
    proposals = [c for c in store.iter_claims(MENTIONS) if str(c.properties.get("role")).startswith("candidate")]
    assert proposals and all(c.handling == "H3" and c.properties["status"] == "pending" for c in proposals)
    # partners never see a proposal: no source they may read attests it, its only claim is H3
    partner = claim_filter(Principal("p", "partner"), store)
    assert park.sources == ["src-compoundgraph-proposals"] and park.id not in attested(store, partner, {park.id: park})
    # a relationship waits for its ends
    with pytest.raises(Conflict):
        accept(store, log, protects.id)
    accept(store, log, park.id, editor="analyst")
    fact = accept(store, log, protects.id, editor="analyst")
    claims = store.claims_of([park.id], ClaimFilter.make(rel_types=["PROTECTS"]))
    assert [(c.subject, c.grade, c.quote) for c in claims] == [(dkba.id, "C3", protects.quote)]
    assert fact.id == claims[0].id and claims[0].handling == "H1"
    accepted_park = store.get_entities([park.id])[park.id]
    assert accepted_park.sources and park.id in attested(store, partner, {park.id: accepted_park})
    # reject and edit
    jade = ents["Jade River Compound"]
    reject(store, log, jade.id)
    liang = edit(store, log, ents["Boss Liang"].id, name="Liang", label="Person")
    after = {(c.kind, c.name): c.status for c in candidates(store, "all")}
    assert after[("entity", "Jade River Compound")] == "rejected" and after[("entity", "Liang")] == "pending"
    assert ("entity", "Boss Liang") not in after and store.get_entities([liang.id])
    # the same report again proposes nothing already decided, and changes no decision
    ingest(store, [REPORT], Options())
    again = {(c.kind, c.name): c.status for c in candidates(store, "all")}
    assert again[("entity", "Jade River Compound")] == "rejected"
    assert again[("entity", "Silver Heron Technology Park")] == "accepted"
    assert again[("relation", "DKBA -> Silver Heron Technology Park")] == "accepted"
    assert [e["action"] for e in log.entries()] == ["accept", "accept", "reject", "edit"]


def test_un_communication_proposes_nothing_it_does_not_name(store: GraphStore) -> None:
    """The UN letter names no compound, company, armed group or recruiter: no proposal is a false one."""
    ingest(store, [F / "un-communication-AL-CHN-4-2025.md"], Options())
    assert candidates(store, "all") == []


def test_the_summary_says_what_a_report_yielded_dry_run_or_not(store: GraphStore) -> None:
    """``summary.found``: the report, its places and countries (with roles), the proposals awaiting review and
    the known entities it names - the same on a dry run (nothing written) as on the load."""
    load_jsonl(store, [FIRST])
    dry = ingest(store, [REPORT], Options(dry_run=True)).found
    assert not store.get_sources([dry["reports"][0]["id"]])  # a dry run writes nothing
    done = ingest(store, [REPORT], Options()).found
    assert dry == done
    (report,) = done["reports"]
    assert report["file"] == REPORT.name and "Moei crossing" in report["title"]
    assert store.get_sources([report["id"]])
    places = {p["name"]: (p["country"], p["kind"]) for p in done["places"]}
    assert places["Mae Sot"] == ("TH", "border town") and places["Sihanoukville"][0] == "KH"
    assert done["totals"]["places"] == len(done["places"]) >= 6
    countries = {c["name"]: c for c in done["countries"]}
    assert countries["Philippines"]["code"] == "PH" and "nationality" in countries["Philippines"]["roles"]
    assert "Thailand" in countries and "Mae Sot" not in countries
    proposed = {(p["label"], p["name"]) for p in done["proposals"]}
    assert ("Compound", "Silver Heron Technology Park") in proposed and ("Person", "Brother Kai") in proposed
    known = store.get_entities([m["id"] for m in done["mentioned"]])
    assert done["mentioned"] and all(known[m["id"]].name == m["name"] for m in done["mentioned"])  # the DKBA
    assert all(e.properties.get("status") != "pending" for e in known.values())
    pending = {c.id for c in candidates(store) if c.kind == "entity" and c.source == report["id"]}
    assert {p["id"] for p in done["proposals"]} == pending
    relations = [c for c in candidates(store) if c.kind == "relation" and c.source == report["id"]]
    assert done["totals"]["proposed_relations"] == len(relations) > 0
    assert done["by_label"]["Location"] >= 6
    assert done["by_label"]["Compound"] == sum(1 for p in done["proposals"] if p["label"] == "Compound")
    # a second load writes nothing new, and finds the same (names of what is already there read from the store)
    again = ingest(store, [REPORT], Options())
    assert again.created == 0 and {p["name"] for p in again.found["places"]} == set(places)
