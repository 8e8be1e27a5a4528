"""The synthetic world generator: determinism, validity, structure, scaling; loads into both stores."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compoundgraph.cli.main import app
from compoundgraph.ids import claim_id
from compoundgraph.loader import load_jsonl, parse_record
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store import GraphStore
from compoundgraph.synth import (
    CSV_COLUMNS,
    SCALES,
    generate,
    iter_records,
    make_world,
    transfer_line,
    transfer_record,
    write_jsonl,
    write_transfers_csv,
)
from compoundgraph.synth.addresses import (
    eth_address,
    eth_addresses,
    is_eip55_address,
    is_tron_address,
    keccak256,
    tron_address,
)
from compoundgraph.synth.money import Wallets, transfers

SEED = 11
ENTITIES, TRANSFERS = 800, 1_500  # a little under "tiny", to keep both-store tests quick


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(iter_records(SEED, ENTITIES, TRANSFERS))


@pytest.fixture(scope="module")
def models(records: list[dict]) -> list[Source | Entity | Claim]:
    return [parse_record(dict(r), f"record {n}") for n, r in enumerate(records)]


def _text(seed: int, entities: int = 600, n_transfers: int = 400) -> str:
    out = io.StringIO()
    write_jsonl(out, seed, entities, n_transfers)
    return out.getvalue()


# -- determinism ---------------------------------------------------------------------------------
def test_same_seed_same_bytes_and_other_seed_differs() -> None:
    first = _text(3)
    assert first == _text(3)
    other = _text(4)
    assert other != first
    # not merely shuffled: the invented names differ too
    names = {json.loads(line).get("name") for line in first.splitlines()}
    assert len(names & {json.loads(line).get("name") for line in other.splitlines()}) < len(names) // 4


def test_csv_is_deterministic_and_matches_the_claims(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert write_transfers_csv(a, 5, 600, 300) == 300
    write_transfers_csv(b, 5, 600, 300)
    assert a.read_bytes() == b.read_bytes()
    rows = list(csv.DictReader(a.open(encoding="utf-8")))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 300
    claims = [r for r in iter_records(5, 600, 300) if r.get("type") == "TRANSFERRED"]
    assert [(r["tx_hash"], int(r["log_index"]), r["amount"], r["timestamp"]) for r in rows] == [
        (
            c["properties"]["tx_hash"],
            c["properties"]["log_index"],
            c["properties"]["amount"],
            c["properties"]["timestamp"],
        )
        for c in claims
    ]
    for row in rows:  # the raw integer and the decimal string agree
        assert Decimal(row["raw_amount"]) / Decimal(10) ** int(row["decimals"]) == Decimal(row["amount"])


# -- validity ------------------------------------------------------------------------------------
def test_every_record_validates_with_the_id_the_models_give(records: list[dict]) -> None:
    for n, rec in enumerate(records):
        model = parse_record(dict(rec), f"record {n}")
        assert model.id == rec["id"]
        # without the id, the model computes the same one (so re-ingesting the same facts merges)
        recomputed = parse_record({k: v for k, v in rec.items() if k != "id"}, f"record {n}")
        assert recomputed.id == rec["id"], rec
        if isinstance(model, Claim) and model.type == "TRANSFERRED":
            assert str(Decimal(rec["properties"]["amount"])) == rec["properties"]["amount"]


def test_fast_transfer_lines_equal_the_dict_records() -> None:
    plan, world = make_world(SEED, 600, 500)
    wallets = Wallets(plan)
    for _ in wallets.build():
        pass
    sources = {"tron": world.src["tron"], "ethereum": world.src["eth"]}
    seen = 0
    for t in transfers(wallets):
        rec = transfer_record(t, wallets, sources)
        assert transfer_line(t, wallets, sources) == json.dumps(rec, ensure_ascii=False)
        key = rec["key"]
        assert rec["id"] == claim_id(rec["subject"], "TRANSFERRED", rec["object"], rec["source"], key)
        seen += 1
    assert seen == 500


def test_generate_yields_models_in_load_order(models: list[Source | Entity | Claim]) -> None:
    kinds = [type(m).__name__ for m in models]
    assert kinds == sorted(kinds, key=["Source", "Entity", "Claim"].index)
    assert list(generate(SEED, ENTITIES, 0))[:3] == models[:3]


def test_no_duplicate_ids_and_every_reference_resolves(records: list[dict]) -> None:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    defined = {r["id"] for r in records if r["record"] != "claim"}
    for r in records:
        if r["record"] == "claim":
            assert {r["subject"], r["object"], r["source"]} <= defined
        elif r["record"] == "entity":
            assert set(r["sources"]) <= defined


# -- structure -----------------------------------------------------------------------------------
def test_counts_are_exact_and_scale(records: list[dict]) -> None:
    labels = Counter(r["label"] for r in records if r["record"] == "entity")
    assert sum(labels.values()) == ENTITIES
    assert sum(r.get("type") == "TRANSFERRED" for r in records) == TRANSFERS
    big = Counter(r["label"] for r in iter_records(SEED, 4 * ENTITIES, 0) if r["record"] == "entity")
    assert sum(big.values()) == 4 * ENTITIES
    for label in ("Compound", "Case", "Wallet", "JobAd", "Person"):
        assert big[label] > 2.5 * labels[label], label
    assert set(labels) == {
        "Compound",
        "Organization",
        "ArmedGroup",
        "Person",
        "Account",
        "JobAd",
        "Platform",
        "Wallet",
        "Location",
        "Case",
        "Event",
    }
    assert SCALES["large"] == {"entities": 1_000_000, "transfers": 10_000_000}


def test_every_compound_is_operated_or_protected(records: list[dict]) -> None:
    compounds = {r["id"] for r in records if r.get("label") == "Compound"}
    covered = {r["object"] for r in records if r.get("type") in ("OPERATES", "PROTECTS")}
    assert compounds and compounds <= covered
    protected = {r["object"] for r in records if r.get("type") == "PROTECTS"}
    assert protected & compounds  # some are also protected by armed groups
    for r in records:
        if r.get("label") == "Compound":
            p = r["properties"]
            assert p["country"] in {"MM", "KH", "LA", "PH", "TH"}
            assert 9 < p["lat"] < 25 and 97 < p["lon"] < 122


def test_cases_are_pseudonymous_and_their_dates_in_order(records: list[dict]) -> None:
    cases = {r["id"]: r for r in records if r.get("label") == "Case"}
    assert cases
    for case in cases.values():
        assert re.fullmatch(r"Case \d{6}", case["name"])
        assert not case.get("aliases")
    held: dict[str, list[dict]] = defaultdict(list)
    sold: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r.get("type") == "HELD_AT":
            held[r["subject"]].append(r)
        elif r.get("type") == "SOLD_TO":
            sold[r["subject"]].append(r)
    assert sold, "some cases are resold between compounds"
    for cid, case in cases.items():
        first = min(h["valid_from"] for h in held[cid])
        assert case["properties"]["recruited_on"] <= first
        for s in sold[cid]:
            assert s["valid_from"] > first
            assert any(h["object"] == s["object"] and h["valid_from"] == s["valid_from"] for h in held[cid])
            # the stay at the seller ends on the day of the sale
            assert any(h.get("valid_to") == s["valid_from"] for h in held[cid])


def test_transfers_respect_time_and_never_overdraw(records: list[dict]) -> None:
    """Replayed in time order, no wallet but a victim's goes below zero: funds arrive before they leave."""
    wallets = {r["id"]: r for r in records if r.get("label") == "Wallet"}
    held = {r["object"] for r in records if r.get("type") == "HOLDS"}
    moves = [r for r in records if r.get("type") == "TRANSFERRED"]
    receivers = {m["object"] for m in moves}
    senders_only = {m["subject"] for m in moves} - receivers  # victims
    balance: Counter[tuple[str, str]] = Counter()
    for m in sorted(moves, key=lambda m: m["properties"]["timestamp"]):
        p = m["properties"]
        amount = Decimal(p["amount"])
        assert amount > 0
        balance[(m["object"], p["asset"])] += amount  # type: ignore[assignment]
        balance[(m["subject"], p["asset"])] -= amount  # type: ignore[assignment]
        if m["subject"] not in senders_only:
            assert balance[(m["subject"], p["asset"])] >= 0, m
        assert wallets[m["subject"]]["properties"]["chain"] == wallets[m["object"]]["properties"]["chain"]
    # funds end at tagged services, which are held by organisations of that type
    tagged = {w for w, r in wallets.items() if r["properties"].get("tags")}
    assert tagged and tagged <= held
    ends = {m["object"] for m in moves} - {m["subject"] for m in moves}
    assert ends & tagged
    orgs = {r["id"]: r for r in records if r.get("label") == "Organization"}
    for r in records:
        if r.get("type") == "HOLDS" and r["object"] in tagged:
            assert orgs[r["subject"]]["properties"]["org_type"] in wallets[r["object"]]["properties"]["tags"]


def test_multisend_and_peel_chain_shapes(records: list[dict]) -> None:
    moves = [r for r in records if r.get("type") == "TRANSFERRED"]
    by_tx = Counter(m["properties"]["tx_hash"] for m in moves)
    multi = [tx for tx, n in by_tx.items() if n > 1]
    assert multi, "fan-out sends several log entries in one transaction"
    for tx in multi[:5]:
        logs = sorted(m["properties"]["log_index"] for m in moves if m["properties"]["tx_hash"] == tx)
        assert logs == list(range(len(logs)))
    # a peel chain: a wallet that receives one amount and passes on less, peeling the rest to an exchange
    out: dict[str, list[dict]] = defaultdict(list)
    for m in moves:
        out[m["subject"]].append(m)
    peels = [w for w, ms in out.items() if len(ms) == 2 and len({x["object"] for x in ms}) == 2]
    assert peels


def test_addresses_pass_their_checksums(records: list[dict]) -> None:
    chains: Counter[str] = Counter()
    for r in records:
        if r.get("label") == "Wallet":
            p = r["properties"]
            chains[p["chain"]] += 1
            assert r["name"] == p["address"]
            if p["chain"] == "tron":
                assert is_tron_address(p["address"]), p
            else:
                assert p["chain"] == "ethereum" and is_eip55_address(p["address"]), p
                assert p["address"] != p["address"].lower()
    assert chains["tron"] > chains["ethereum"] > 0


def test_keccak_and_address_helpers_against_known_vectors() -> None:
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"abc").hex() == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    for good in (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ):
        assert eth_address(bytes.fromhex(good[2:])) == good and is_eip55_address(good)
        assert not is_eip55_address(good[:2] + good[2:].swapcase())
    bodies = [bytes([i]) * 20 for i in range(40)]
    assert eth_addresses(bodies) == [eth_address(b) for b in bodies]
    assert is_tron_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")  # a well-known TRC-20 contract address
    assert not is_tron_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")
    assert is_tron_address(tron_address(b"\x00" * 20)) and is_tron_address(tron_address(b"\xff" * 20))


def test_sources_are_labelled_synthetic_and_grades_vary(records: list[dict]) -> None:
    sources = [r for r in records if r["record"] == "source"]
    assert len(sources) >= 6
    assert all("(synthetic)" in s["title"] and ".example/" in s["url"] for s in sources)
    assert len({s["reliability"] for s in sources}) >= 4
    claims = [r for r in records if r["record"] == "claim"]
    assert len({c["grade"] for c in claims}) >= 8
    assert any(c.get("valid_to") for c in claims) and any(c.get("valid_from") for c in claims)
    assert {c["handling"] for c in claims} >= {"H0", "H1", "H2"}
    # every URL and e-mail points at a reserved example domain
    for r in records:
        for v in (r.get("properties") or {}).values():
            if isinstance(v, str) and ("://" in v or "@" in v[1:]):
                assert ".example" in v, v


def test_some_claims_are_contested() -> None:
    recs = list(iter_records(SEED, 4_000, 0))
    sources_per_link: dict[tuple[str, str], set[str]] = defaultdict(set)
    operators: dict[str, set[str]] = defaultdict(set)
    for r in recs:
        if r.get("type") == "OPERATES":
            sources_per_link[(r["subject"], r["object"])].add(r["source"])
            operators[r["object"]].add(r["subject"])
    assert any(len(s) > 1 for s in sources_per_link.values())  # parallel edges from two sources
    assert any(len(o) > 1 for o in operators.values())  # sources disagree about who runs it


def test_too_small_a_world_is_refused() -> None:
    from compoundgraph.errors import InvalidInput

    with pytest.raises(InvalidInput, match="at least"):
        list(iter_records(1, 100, 10))


# -- CLI -----------------------------------------------------------------------------------------
def test_cli_writes_json_lines_and_csv(tmp_path: Path) -> None:
    out, csv_out = tmp_path / "w.jsonl", tmp_path / "t.csv"
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--seed",
            "2",
            "--entities",
            "600",
            "--transfers",
            "50",
            "-o",
            str(out),
            "--transfers-csv",
            str(csv_out),
            "--no-transfer-claims",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert not any('"TRANSFERRED"' in line for line in lines)
    assert sum(1 for _ in csv_out.open()) == 51
    bad = CliRunner().invoke(app, ["synth", "--scale", "enormous", "-o", str(out)])
    assert bad.exit_code == 2


# -- both stores ---------------------------------------------------------------------------------
def test_loads_into_the_store(store: GraphStore, tmp_path: Path, records: list[dict]) -> None:
    path = tmp_path / "world.jsonl"
    write_jsonl(path, SEED, ENTITIES, TRANSFERS)
    assert path.read_text(encoding="utf-8").count("\n") == len(records)
    summary = load_jsonl(store, [path])
    assert summary.entities == ENTITIES and summary.created == len(records)
    counts = store.counts()
    assert counts["labels"] == dict(Counter(r["label"] for r in records if r["record"] == "entity"))
    assert counts["relationships"] == dict(Counter(r["type"] for r in records if r["record"] == "claim"))
    # one compound, read back whole, with its claims and their sources
    compound = next(r for r in records if r.get("label") == "Compound")
    detail = store.entity(compound["id"])
    assert detail.entity.properties["lat"] == compound["properties"]["lat"]
    assert {"OPERATES"} <= {c.type for c in detail.claims}
    # a wallet is found by its address
    wallet = next(r for r in records if r.get("label") == "Wallet")
    assert store.search(wallet["properties"]["address"])[0].id == wallet["id"]
