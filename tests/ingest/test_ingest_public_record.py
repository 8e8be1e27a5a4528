"""The curated public-record dataset: loads on both stores, every fact with its source and a fitting grade."""

from __future__ import annotations

from compoundgraph.grades import Grade
from compoundgraph.loader import load_jsonl
from compoundgraph.store import GraphStore
from tests.support.world import SAMPLE

DATA = SAMPLE / "public_record.jsonl"


def test_public_record_loads_with_provenance(store: GraphStore) -> None:
    first = load_jsonl(store, [DATA])
    assert first.created == first.sources + first.entities + first.claims
    sources = {s.id: s for s in store.iter_sources()}
    assert all(s.url.startswith("http") and s.publisher for s in sources.values())
    by_url = {s.url: s for s in sources.values()}
    fr = next(s for u, s in by_url.items() if "govinfo.gov" in u)
    copy = next(s for u, s in by_url.items() if "nationaldossier.com" in u)
    assert fr.reliability == "A" and copy.reliability == "C"  # an official notice above a copy of one
    claims = list(store.iter_claims())
    assert claims and all(c.source in sources for c in claims)
    assert all(Grade.parse(c.grade).reliability == sources[c.source].reliability for c in claims)
    names = {e.name: e for e in store.iter_entities()}
    # the "(unverified)" lines are left out
    assert "Crouching Tiger Villa compound" not in names and "Huanya International" not in names
    kna = names["KNA"]
    protects = {c.object for c in store.entity(kna.id).claims if c.type == "PROTECTS"}
    assert {names["Shwe Kokko"].id, names["KK Park"].id} <= protects
    events = [e for e in names.values() if e.label == "Event" and e.properties.get("kind") == "sanction designation"]
    assert len(events) >= 10
    assert all(store.entity(e.id).claims for e in events)
    assert load_jsonl(store, [DATA]).created == 0
