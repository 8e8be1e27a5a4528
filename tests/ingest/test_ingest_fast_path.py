"""The chain reader's fast path builds exactly the records the validating models build.

The reader checks every field itself and then constructs Wallets and TRANSFERRED claims without running
the pydantic validators again (``ingest/chain.py``); these tests hold it to the models: the same rows give
the same ids, fields and properties, and the batched checksum validation agrees with the one-at-a-time one.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from compoundgraph.ids import entity_id
from compoundgraph.ingest import Options, ingest
from compoundgraph.ingest.addresses import (
    AddressError,
    checksum_addresses,
    to_checksum_address,
    validate_address,
    validate_addresses,
)
from compoundgraph.ingest.base import Context, Reject
from compoundgraph.ingest.chain import read_chain
from compoundgraph.ingest.fields import wallet_id
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store import GraphStore
from compoundgraph.store.base import ClaimFilter
from compoundgraph.synth import write_transfers_csv
from tests.support.world import INGEST

F = INGEST
ETH = ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"]
TRON = ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TWSnyeUAELBFpL6FFRKuFwWGi8avo13SNL"]
HASHES = [f"{i:064x}" for i in range(1, 9)]

# Edge rows the synthetic exports never have: no log index, lower- and upper-case Ethereum addresses, dust
# amounts that the models write in exponent form, unix timestamps, a token contract, bech32 and base58 BTC.
EDGES = (
    "\n".join(
        [
            "tx_hash,log_index,from,to,amount,asset,timestamp,chain,token_contract",
            f"{HASHES[0]},,{ETH[0].lower()},{ETH[1].upper().replace('0X', '0x')},0.000000000000000001,ETH,1700000000,"
            "ethereum,0xdAC17F958D2ee523a2206206994597C13D831ec7",
            f"0x{HASHES[1]},3,{ETH[1]},{ETH[0]},1e3,USDT,1700000000123,eth,",
            f"{HASHES[2]},0,{TRON[0]},{TRON[1]},12.50,USDT,2024-06-15 08:32:10,tron,",
            f"{HASHES[3]},1,{TRON[1]},{TRON[0]},0.0000001,USDT,2024-06-15T08:32:10+02:00,TRX,",
            f"{HASHES[4]},0,1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2,bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq,0.5,BTC,,bitcoin,",
            f"{HASHES[5]},0,{TRON[0]},{TRON[1]},1,USDT,,dogecoin,",  # unknown chain: a reject naming the column
            f"{HASHES[6]},0,{TRON[0][:-1]}u,{TRON[1]},1,USDT,,tron,",  # broken checksum
        ]
    )
    + "\n"
)


def _validated(record: Source | Entity | Claim) -> Source | Entity | Claim:
    """The same record through the models' validators (claims also recompute their id)."""
    if isinstance(record, Claim):
        return Claim.model_validate(record.model_dump(exclude={"id"}))
    if isinstance(record, Entity):
        data = record.model_dump(exclude={"id"})
        # the model computes the id again: a wallet's is chain + address (the name does not count)
        return Entity.model_validate(data)
    return record


def _records(path: Path) -> tuple[list[Source | Entity | Claim], list[Reject]]:
    records, rejects = [], []
    for item in read_chain(path, Options(source_grade="B2"), Context(None)):
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            records.append(item[0])
    return records, rejects


@pytest.mark.parametrize(
    "name", ["edges", "synthetic", "trc20_transfers.csv", "erc20_etherscan.csv", "generic_btc.csv"]
)
def test_fast_path_gives_the_models_records(name: str, tmp_path: Path) -> None:
    path = F / name
    if name == "edges":
        path = tmp_path / "edges.csv"
        path.write_text(EDGES, encoding="utf-8")
    elif name == "synthetic":
        path = tmp_path / "synthetic.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            write_transfers_csv(f, 3, 2_000, 3_000)
    records, rejects = _records(path)
    claims = [r for r in records if isinstance(r, Claim)]
    assert claims and any(isinstance(r, Entity) for r in records)
    for r in records:
        slow = _validated(r)
        assert slow.id == r.id
        assert slow.model_dump() == r.model_dump()
        assert slow == r
    assert len({c.id for c in claims}) == len(claims)  # one claim per transfer
    wallets = [r for r in records if isinstance(r, Entity)]
    assert len({w.id for w in wallets}) == len(wallets)  # each wallet once per file
    if name == "edges":
        by_tx = {c.properties["tx_hash"]: c for c in claims}
        dust = by_tx[HASHES[0]]
        assert dust.properties["amount"] == "1E-18" and dust.key.startswith(f"{HASHES[0]}:0x")  # no log index
        assert dust.properties["timestamp"] == "2023-11-14T22:13:20Z"
        assert dust.subject == wallet_id("ethereum", ETH[0]) and dust.object == wallet_id("ethereum", ETH[1])
        assert by_tx["0x" + HASHES[1]].properties["amount"] == "1000"
        assert by_tx[HASHES[3]].properties["timestamp"] == "2024-06-15T06:32:10Z"
        assert {(r.where, r.field) for r in rejects} == {("line 7", "chain"), ("line 8", "from")}


@pytest.mark.parametrize(
    "address",
    [
        *ETH,
        *TRON,
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    ],
)
def test_wallet_id_is_the_models_id(address: str) -> None:
    """Readers give wallets wallet_id(); a Wallet entity made without an id must get the same one."""
    w = validate_address(address)
    made = Entity(
        label="Wallet", name="any display name", sources=["src-x"], properties={"chain": w.chain, "address": w.address}
    )
    assert wallet_id(w.chain, w.address) == made.id == entity_id("Wallet", "", [w.chain, w.address])
    assert wallet_id("tron", "Tä-1") == entity_id("Wallet", "", ["tron", "Tä-1"])  # the general path


def test_batched_checksums_agree_with_one_at_a_time() -> None:
    rng = random.Random(5)
    bodies = ["0x" + "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(40)) for _ in range(300)]
    assert checksum_addresses(bodies) == [to_checksum_address(a) for a in bodies]
    assert checksum_addresses([]) == []
    cases: list[tuple[str, str | None]] = [
        (ETH[0], None),
        (ETH[0].lower(), "ethereum"),
        (ETH[0][:-1] + "D", None),  # last one: bad EIP-55
        (" " + TRON[0], "tron"),
        (TRON[0][:-1] + "u", "tron"),
        ("0x1234", "ethereum"),
        (ETH[1], "trx"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "btc"),
        ("nonsense", None),
        (ETH[1], "dogecoin"),
    ]
    batched = validate_addresses(cases)
    for address, chain in cases:
        try:
            expected: object = validate_address(address, chain)
        except AddressError as exc:
            expected = str(exc)
        got = batched[(address, chain)]
        assert (str(got) if isinstance(got, AddressError) else got) == expected


def test_chain_export_loads_once_and_reloads_unchanged(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "transfers.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        rows = write_transfers_csv(f, 11, 1_000, 1_500)
    first = ingest(store, [path], Options(source_grade="B2"))
    assert first.claims == rows and first.rejected == 0
    assert first.created == first.sources + first.entities + first.claims
    stored = {c.id: c for c in store.iter_claims(ClaimFilter.make(rel_types=["TRANSFERRED"]))}
    records, _ = _records(path)
    assert stored == {r.id: r for r in records if isinstance(r, Claim)}
    again = ingest(store, [path], Options(source_grade="B2"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)


def test_large_load_defers_claim_indexes_invisibly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite mechanics (embedded store only): a load larger than the store drops the claims' secondary
    indexes inside its transaction and rebuilds them before committing; a load that fails rolls back whole."""
    import sqlite3

    from compoundgraph.store import EmbeddedStore
    from compoundgraph.store.embedded_writer import _CLAIM_INDEXES, EmbeddedWriter

    monkeypatch.setattr(EmbeddedWriter, "_DEFER_AFTER", 200)
    db = tmp_path / "store.sqlite"
    store = EmbeddedStore(db, batch_size=250)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for seed, path in ((1, first), (2, second)):
        with path.open("w", newline="", encoding="utf-8") as f:
            write_transfers_csv(f, seed, 500, 3_000)  # progress reports every 2,000 items

    def indexes(conn: sqlite3.Connection) -> set[str]:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}

    seen: list[tuple[set[str], int]] = []

    def look(_file: str, done: int, _total: int | None) -> None:  # another connection, mid-load
        with sqlite3.connect(db) as other:
            seen.append((indexes(other), other.execute("SELECT count(*) FROM claims").fetchone()[0]))

    loaded = ingest(store, [first], Options(source_grade="B2"), progress=look)
    assert loaded.claims == 3_000 and loaded.created == loaded.sources + loaded.entities + loaded.claims
    assert len(seen) == 2 and set(_CLAIM_INDEXES) <= seen[0][0] and seen[0][1] == 0  # mid-load: nothing yet
    assert set(_CLAIM_INDEXES) <= indexes(store.db)
    plan = " ".join(str(r) for r in store.db.execute("EXPLAIN QUERY PLAN SELECT id FROM claims WHERE subject = 'x'"))
    assert "claims_subject_object" in plan
    before = store.counts()

    def fail(_file: str, done: int, _total: int | None) -> None:
        raise RuntimeError("disk full, say")  # at item 2,000 of about 3,400

    with pytest.raises(RuntimeError):
        ingest(store, [second], Options(source_grade="B2"), progress=fail)
    assert store.counts() == before and set(_CLAIM_INDEXES) <= indexes(store.db)
    again = ingest(store, [first], Options(source_grade="B2"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, loaded.created)
    store.close()
    empty = EmbeddedStore(tmp_path / "empty.sqlite", batch_size=250)  # fails after its indexes were dropped
    with pytest.raises(RuntimeError):
        ingest(empty, [second], Options(source_grade="B2"), progress=fail)
    assert sum(empty.counts()["relationships"].values()) == 0 and set(_CLAIM_INDEXES) <= indexes(empty.db)
    empty.close()


def test_amount_text_is_the_decimal_one() -> None:
    from decimal import Decimal

    from compoundgraph.ingest.chain import _amount

    rng = random.Random(9)
    cases = [
        "0",
        "0.000",
        "007",
        "5.",
        "100",
        "100.0",
        "2051.70",
        "0.0081",
        "1,234.50",
        "1_000",
        "0.5",
        "9" * 28,
        "1" * 20 + "." + "0" * 8,
    ]
    cases += [f"{rng.randrange(10 ** rng.randrange(1, 12))}.{rng.randrange(10**6):06d}" for _ in range(300)]
    for t in cases:
        value = Decimal(t.replace(",", "").replace("_", ""))
        assert _amount(t, False, 0) == (format(value.normalize(), "f") if value else "0"), t


def test_normalize_ascii_shortcut_is_the_general_fold() -> None:
    """normalize() folds plain ASCII letters and digits (wallet addresses: the search text and the wallet
    ids of every load) by lower() alone; that is what the general Unicode fold gives them."""
    import re
    import unicodedata

    from compoundgraph.ids import _DROP, normalize

    def general(text: str) -> str:
        folded = unicodedata.normalize("NFKC", text).casefold()
        return re.sub(
            r"\s+", " ", "".join(" " if unicodedata.category(ch)[0] in _DROP else ch for ch in folded)
        ).strip()

    for text in [*TRON, *ETH, "bc1qXYZ09", "ABCdef123", "tron", "ß", "Ñguyễn Văn  A.", "a-b", ""]:
        assert normalize(text) == general(text), text
