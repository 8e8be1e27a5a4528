"""Ingest on both stores: each format from a real file, rejects with file/line/field/reason, idempotency."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from compoundgraph.errors import InvalidInput
from compoundgraph.ingest import Options, ingest
from compoundgraph.store import ClaimFilter, GraphStore
from tests.support.world import INGEST

F = INGEST
UN = F / "un-communication-AL-CHN-4-2025.md"


def _mentions(store: GraphStore) -> dict[str, set[str]]:
    names = {e.id: e for e in store.iter_entities()}
    out: dict[str, set[str]] = {}
    for c in store.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"])):
        e = names[c.subject]
        out.setdefault(c.properties["role"], set()).add(str(e.properties.get("country") or e.name))
        assert c.quote and (e.name in c.quote or str(c.properties["matched"]) in c.quote or e.label != "Platform")
    return out


def test_un_communication_yields_origins_compounds_platforms(store: GraphStore) -> None:
    summary = ingest(store, [UN], Options())
    assert summary.rejected == 0
    roles = _mentions(store)
    assert {
        "ID",
        "LA",
        "MY",
        "MM",
        "PH",
        "SG",
        "TH",
        "VN",
        "CN",
        "HK",
        "TW",
        "JP",
        "KR",
        "BD",
        "BT",
        "IN",
        "NP",
        "PK",
        "LK",
    } <= roles["origin"]
    assert roles["compound_location"] == {"KH", "LA", "MY", "MM", "PH"}
    assert roles["perpetrator_nationality"] == {"KH", "CN", "LA", "MM"}
    assert {"Facebook", "Instagram", "Tinder", "Hinge", "WeChat", "TikTok", "LinkedIn", "Jobs.com"} <= roles[
        "recruitment"
    ]
    src = next(store.iter_sources())
    assert src.published == "2025-03-10" and src.publisher.startswith("UN") and len(src.sha256) == 64
    quotes = [
        c.quote
        for c in store.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"]))
        if c.properties["role"] == "compound_location"
    ]
    opening = "The information received indicates that cyber scam compounds are located in"
    assert any(q.startswith(opening) for q in quotes)
    again = ingest(store, [UN], Options())
    assert (again.created, again.updated) == (0, 0)


def test_chain_exports_exact_amounts_and_checksums(store: GraphStore) -> None:
    files = [F / "trc20_transfers.csv", F / "erc20_etherscan.csv", F / "generic_btc.csv"]
    summary = ingest(store, files, Options(source_grade="B2"))
    assert summary.formats == {str(f): "chain" for f in files}
    reasons = {(Path(r.file).name, r.where, r.field) for r in summary.rejects}
    assert ("trc20_transfers.csv", "line 5", "from") in reasons  # broken base58check
    assert ("trc20_transfers.csv", "line 6", "amount") in reasons
    assert ("erc20_etherscan.csv", "line 4", "from") in reasons  # broken EIP-55
    assert ("generic_btc.csv", "line 4", "from") in reasons
    transfers = list(store.iter_claims(ClaimFilter.make(rel_types=["TRANSFERRED"])))
    amounts = sorted(Decimal(str(c.properties["amount"])) for c in transfers)
    assert Decimal("0.000001") in amounts and Decimal("25000.5") in amounts and Decimal("19999.999999") in amounts
    assert Decimal("1234.567891") in amounts and Decimal("0.12345678") in amounts
    keys = {c.key for c in transfers}
    assert len(keys) == len(transfers) == 7
    trc = [c for c in transfers if c.properties.get("chain") == "tron"]
    assert all(c.key.endswith(":" + str(c.properties.get("log_index", ""))) or ":" in c.key for c in trc)
    wallets = {e.properties["address"]: e for e in store.iter_entities() if e.label == "Wallet"}
    erc = [a for a in wallets if a.startswith("0x")]
    assert len(erc) == 2 and all(a != a.lower() for a in erc)  # written in EIP-55 form, one id per address
    assert "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0" in wallets
    again = ingest(store, files, Options(source_grade="B2"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, summary.created)


def test_ftm_mapping_keeps_unmapped_properties(store: GraphStore) -> None:
    summary = ingest(store, [F / "entities.ftm.jsonl"], Options(source_grade="B2"))
    ents = {e.properties.get("ftm_id"): e for e in store.iter_entities()}
    tan = ents["p-tan"]
    assert tan.label == "Person" and tan.properties["nationality"] == "CN" and tan.properties["birth_year"] == 1975
    assert tan.properties["ftm_position"] == ["chairman"]  # not in the ontology: kept, not dropped
    assert ents["c-lotus"].properties["registration_ids"] == ["KH-123"]
    assert ents["c-lotus"].properties["ftm_incorporationdate"] == ["2017-01-01"]
    assert ents["le-front"].label == "Organization" and ents["addr-1"].label == "Location"
    assert ents["ua-1"].label == "Account" and ents["ua-1"].properties["handle"] == "example_recruiter"
    types = {c.type for c in store.iter_claims()}
    assert {"OWNS", "DIRECTS", "MEMBER_OF", "EMPLOYED_BY", "TRANSFERRED", "INVOLVED_IN", "HOLDS", "USES"} <= types
    owns = next(c for c in store.iter_claims(ClaimFilter.make(rel_types=["OWNS"])))
    assert owns.properties["ftm_percentage"] == ["60"] and owns.valid_from == "2018-01-01"
    rejected = {r.where: r for r in summary.rejects}
    assert "Vessel" in rejected["line 17"].reason and rejected["line 18"].field == "asset"
    assert rejected["line 7"].field == "publicKey" and rejected["line 19"].field == "record"
    assert ingest(store, [F / "entities.ftm.jsonl"], Options(source_grade="B2")).created == 0


def test_spreadsheets_validate_and_land(store: GraphStore, tmp_path: Path) -> None:
    files = [F / "partner.xlsx", F / "accounts.yaml", F / "accounts.json"]
    summary = ingest(store, files, Options(source_grade="C3"), report_dir=tmp_path)
    fields = {(Path(r.file).name, r.where): r.field for r in summary.rejects}
    assert fields[("partner.xlsx", "sheet Person row 3")] == "name"  # formula refused
    assert fields[("partner.xlsx", "sheet Person row 4")] == "nationality"
    assert fields[("partner.xlsx", "sheet Compound row 3")] == "lat"
    assert fields[("partner.xlsx", "sheet Claims row 4")] == "grade"
    assert fields[("partner.xlsx", "sheet Claims row 3")] == "relation"  # a Person cannot be HELD_AT
    assert fields[("accounts.yaml", "Entities record 5")] == "date"
    phones = [e for e in store.iter_entities() if e.label == "Account"]
    assert [e.properties["phone"] for e in phones] == ["+85512345678"]
    person = next(e for e in store.iter_entities() if e.label == "Person")
    assert person.properties["nationality"] == "TH"
    claim = next(store.iter_claims(ClaimFilter.make(rel_types=["RECRUITS_FOR"])))
    assert claim.grade == "C2" and claim.quote.startswith("She recruited")
    with open(summary.rejects_path or "", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == summary.rejected and all(r["file"] and r["where"] and r["field"] and r["reason"] for r in rows)
    assert any(r["value"].startswith("'=cmd") for r in rows)  # the report itself is not an injection vector
    assert ingest(store, files, Options(source_grade="C3")).created == 0


def test_hostile_content_is_data_or_refused(store: GraphStore) -> None:
    summary = ingest(store, [F / "hostile.csv"], Options())
    names = {e.name for e in store.iter_entities()}
    assert "Example Hostile Ltd" in names and "Robert'); DROP TABLE entities;--" in names
    hostile = next(e for e in store.iter_entities() if e.name == "Example Hostile Ltd")
    assert hostile.properties["notes"] == "'}) MATCH (n) DETACH DELETE n //"
    why = {r.where: r.reason for r in summary.rejects}
    assert "formula" in why["line 4"] and "formula" in why["line 6"] and "limit" in why["line 5"]
    assert "UTF-8" in why["line 9"] and "not an entity type" in why["line 8"]
    assert store.counts()["labels"] == {"Organization": 3}


def test_reports_html_pdf_identifiers(world: GraphStore) -> None:
    summary = ingest(world, [F / "bulletin.html", F / "note.pdf"], Options())
    assert summary.rejected == 0
    src = {s.title: s for s in world.iter_sources()}
    bulletin = src["Example Watch bulletin 12"]
    assert bulletin.reliability == "C" and bulletin.url == "https://example.org/bulletin-12"
    claims = [c for c in world.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"])) if c.source == bulletin.id]
    assert all(c.grade == "C3" for c in claims)
    ents = {e.id: e for e in world.iter_entities()}
    by_role: dict[str, set[str]] = {}
    for c in claims:
        by_role.setdefault(c.properties["role"], set()).add(ents[c.subject].name)
    assert "+66812345678" in by_role["phone"] and "hr@example-jobs.org" in by_role["email"]
    assert "@example_jobs_bkk" in by_role["telegram"]
    assert by_role["wallet"] == {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"}  # the broken 0x address is not a wallet
    assert "Golden Lotus Park" in by_role["mentioned"]  # an entity already in the graph, by name
    assert "Telegram" in by_role["recruitment"]
    assert any(c.subject == "platform-telegram" for c in claims)  # the graph's own Telegram, not a copy
    assert {"Kenya", "Uganda"} <= by_role["origin"] and "Myanmar" in by_role["compound_location"]
    note = [
        c
        for c in world.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"]))
        if c.source == src["Example field note"].id
    ]
    roles = {(ents[c.subject].name, c.properties["role"]) for c in note}
    assert ("Cambodia", "compound_location") in roles and ("Philippines", "nationality") in roles
    assert ("WhatsApp", "recruitment") in roles


def test_unreadable_file_fails_whole_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    latin = tmp_path / "latin.md"
    latin.write_bytes("Caf\xe9 report about Myanmar.".encode("latin-1"))
    for path in (bad, latin, tmp_path / "missing.csv"):
        with pytest.raises(InvalidInput) as exc:
            ingest(store, [F / "generic_btc.csv", path], Options())
        assert path.name in str(exc.value)
    assert store.counts()["sources"]["Source"] == 0


def test_dry_run_writes_nothing(store: GraphStore) -> None:
    summary = ingest(store, [F / "trc20_transfers.csv"], Options(dry_run=True))
    assert summary.claims == 3 and summary.rejected == 3 and summary.created == 0
    assert store.counts()["relationships"] == {}


def test_partner_package_is_detected_and_verified(store: GraphStore, tmp_path: Path) -> None:
    """A folder with manifest.json goes to the exports module's import_package, which verifies it."""
    from compoundgraph.ingest import detect_format

    pkg = tmp_path / "partner-package"
    pkg.mkdir()
    (pkg / "manifest.json").write_text('{"files": {}}', encoding="utf-8")
    assert detect_format(pkg) == "package"
    with pytest.raises(InvalidInput) as exc:
        ingest(store, [pkg], Options())
    assert "partner-package" in str(exc.value)
    assert store.counts()["sources"]["Source"] == 0
