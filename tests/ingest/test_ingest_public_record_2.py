"""The second public-record batch (the OFAC SDN network and its sources) loads beside the first on both stores,
every fact with the source and grade the research notes give it, wallets checksum-valid, no personal document
numbers, and the first batch's entities enriched rather than duplicated."""

from __future__ import annotations

import json
import re

from compoundgraph.ingest.addresses import validate_address
from compoundgraph.ingest.fields import wallet_id
from compoundgraph.loader import load_jsonl
from compoundgraph.store import GraphStore
from tests.support.world import SAMPLE

FIRST, SECOND = SAMPLE / "public_record.jsonl", SAMPLE / "public_record_2.jsonl"


def _rows() -> list[dict[str, object]]:
    with SECOND.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_second_batch_loads_with_the_first_and_enriches_it(store: GraphStore) -> None:
    first = load_jsonl(store, [FIRST])
    chen_before = next(e for e in store.iter_entities() if e.name == "Chen Zhi")
    second = load_jsonl(store, [SECOND])
    assert second.created > 1000 and second.updated > 0  # new entities and claims; enriched first-batch entities
    entities = list(store.iter_entities())
    by_name = {e.name: e for e in entities}
    # the first batch's Chen Zhi is the SDN's Chen Zhi: same id, OFAC UID and the listed addresses on it
    chen = by_name["Chen Zhi"]
    assert chen.id == chen_before.id and chen.properties["ofac_uid"] == "55505"
    held = [c for c in store.entity(chen.id).claims if c.type == "HOLDS"]
    assert len({c.object for c in held}) == 29
    # every Prince Group designation: the 146 SDN entries of the group take part in the designation event
    designation = next(
        e for e in entities if e.label == "Event" and e.name == "OFAC designation of the Prince Group TCO"
    )
    designated = {c.subject for c in store.entity(designation.id).claims if c.type == "INVOLVED_IN"}
    assert len(designated) >= 146
    assert sum(1 for e in entities if e.properties.get("ofac_uid")) >= 197
    # armed groups and their protection of compounds, with both batches' sources
    dkba = by_name["DKBA"]
    dkba_claims = store.entity(dkba.id).claims
    tai_chang = by_name["Tai Chang compound"].id
    assert {c.source for c in dkba_claims if c.object == tai_chang and c.type in ("PROTECTS", "OPERATES")} >= {
        s.id for s in store.iter_sources() if "Export Compliance Daily" in s.publisher or "E29C6041" in s.url
    }
    # compounds with real coordinates from the curated gazetteer
    for name in ("Shwe Kokko", "KK Park"):
        props = by_name[name].properties
        assert isinstance(props.get("lat"), float) and props.get("geo_source") == "gazetteer"
    assert load_jsonl(store, [FIRST, SECOND]).created == 0  # re-loading changes nothing
    assert first.created > 0


def test_every_fact_keeps_the_research_files_source_and_grade(store: GraphStore) -> None:
    load_jsonl(store, [FIRST, SECOND])
    sources = {s.id: s for s in store.iter_sources()}
    research = {
        s.description.rsplit("[public-record-2.md ", 1)[1].rstrip("]"): s
        for s in sources.values()
        if "[public-record-2.md " in s.description
    }
    assert len(research) == 73 and all(s.url.startswith("http") for s in research.values())
    claims = {c.id: c for c in store.iter_claims()}
    by_key: dict[str, list[object]] = {}
    for c in claims.values():
        key = c.properties.get("research_key")
        if key:
            by_key.setdefault(str(key), []).append(c)
    # R001: Chen Zhi directs Prince Holding Group, from the SDN file, graded A2
    (r001,) = by_key["R001"]
    assert r001.type == "DIRECTS" and r001.grade == "A2" and r001.source == research["P2-01"].id  # type: ignore[attr-defined]
    # H028: the junta's accusation against the KNU, denied: C4 from both sources that carry it
    h028 = by_key["H028"]
    assert {c.grade for c in h028} == {"C4"} and {c.source for c in h028} == {  # type: ignore[attr-defined]
        research["P2-16"].id,
        research["P2-72"].id,
    }
    # an analyst's identity inference is a pending merge candidate, not a fact
    (h021,) = by_key["H021"]
    assert h021.type == "SAME_AS" and h021.properties["status"] == "pending"  # type: ignore[attr-defined]
    assert all(c.source in sources for c in claims.values())


def test_wallets_are_checksum_valid_and_no_document_numbers_are_copied() -> None:
    rows = _rows()
    wallets = [r for r in rows if r["record"] == "entity" and r["label"] == "Wallet"]
    assert len(wallets) >= 31
    for w in wallets:
        props = w["properties"]
        assert isinstance(props, dict)
        canonical = validate_address(str(props["address"]), str(props["chain"]))
        assert canonical.address == props["address"] and w["id"] == wallet_id(canonical.chain, canonical.address)
    text = SECOND.read_text(encoding="utf-8")
    assert not re.search(r"passport|national id", text, re.I)
    funnull_eth = next(w for w in wallets if str(w["name"]).startswith("0x"))
    assert funnull_eth["name"] == "0xd5ED34b52AC4ab84d8FA8A231a3218bbF01Ed510"  # EIP-55 case kept


def test_denial_is_contest_and_agreement_is_corroboration(store: GraphStore) -> None:
    from compoundgraph.views import contested_ids, corroborated_ids

    load_jsonl(store, [FIRST, SECOND])
    by_name = {e.name: e for e in store.iter_entities()}
    knu, kk_park = by_name["Karen National Union"], by_name["KK Park"]
    link = [c for c in store.entity(knu.id).claims if c.object == kk_park.id and c.type == "COLLUDES_WITH"]
    assert sorted(str(c.properties.get("stance", "asserts")) for c in link) == ["asserts", "denies"]
    assert {c.id for c in link} <= contested_ids(link) and not corroborated_ids(link)
    # three sources listing one of Chen Zhi's addresses: corroborated, not contested
    holds = [c for c in store.entity(by_name["Chen Zhi"].id).claims if c.type == "HOLDS"]
    one_wallet = [c for c in holds if c.object == holds[0].object]
    assert len({c.source for c in one_wallet}) == 3
    assert not contested_ids(one_wallet) and {c.id for c in one_wallet} == corroborated_ids(one_wallet)
