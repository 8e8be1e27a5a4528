"""Synthetic worlds: fictional compounds, networks, cases and laundering-shaped transfers, at any scale.

Deterministic for a seed (same seed and sizes give byte-identical output), streamed (memory holds one
cell and one short string per wallet, never the world), in load order: sources, entities, claims.

>>> from compoundgraph.synth import generate, SCALES
>>> records = list(generate(seed=7, **SCALES["tiny"]))  # Source, Entity and Claim models

``iter_records`` yields the same records as plain JSON-ready dicts (fast, what ``write_jsonl`` writes);
``write_transfers_csv`` writes the transfers as a chain-export style CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from hashlib import sha256
from pathlib import Path
from typing import Any, TextIO

from ..ids import claim_id
from ..loader import parse_record
from ..models import Record
from . import money
from .cells import build_cell
from .money import ASSETS, Transfer, Wallets, fmt_amount, fmt_time
from .plan import Plan, make_plan
from .world import AREAS, Rec, World

__all__ = ["SCALES", "generate", "iter_records", "write_jsonl", "write_transfers_csv", "make_world", "CSV_COLUMNS"]

SCALES: dict[str, dict[str, int]] = {
    "tiny": {"entities": 1_000, "transfers": 2_000},
    "small": {"entities": 10_000, "transfers": 50_000},
    "medium": {"entities": 100_000, "transfers": 1_000_000},
    "large": {"entities": 1_000_000, "transfers": 10_000_000},
}
CSV_COLUMNS = (
    "chain",
    "tx_hash",
    "log_index",
    "timestamp",
    "from_address",
    "to_address",
    "asset",
    "amount",
    "decimals",
    "raw_amount",
)


def make_world(seed: int, entities: int, transfers: int) -> tuple[Plan, World]:
    plan = make_plan(seed, entities, transfers, len(AREAS))
    return plan, World(plan)


def iter_records(seed: int, entities: int, transfers: int, *, with_transfers: bool = True) -> Iterator[Rec]:
    """Every record as a dict in the loader's JSON-lines shape, in load order.

    ``with_transfers=False`` stops before the TRANSFERRED claims (the CSV carries them instead).
    """
    plan, world = make_world(seed, entities, transfers)
    wallets = Wallets(plan)
    yield from _head(world, wallets)
    if with_transfers:
        sources = _chain_sources(world)
        for t in money.transfers(wallets):
            yield transfer_record(t, wallets, sources)


def _chain_sources(world: World) -> dict[str, str]:
    return {"tron": world.src["tron"], "ethereum": world.src["eth"]}


def _head(world: World, wallets: Wallets) -> Iterator[Rec]:
    """Everything but the transfers; builds ``wallets`` on the way."""
    plan = world.plan
    yield from world.sources()
    yield from world.shared_entities()
    for i in range(plan.cells):
        yield from build_cell(world, i)[0]
    yield from _wallet_entities(world, wallets)
    yield from world.shared_claims()
    collection = wallets.ids[plan.service_wallets : plan.service_wallets + plan.collection_wallets]
    for i in range(plan.cells):
        yield from build_cell(world, i, collection)[1]
    fiu = world.src["fiu"]
    for index in range(plan.service_wallets):
        yield world.claim(None, "HOLDS", world.service[wallets.holder(index)][0], wallets.ids[index], fiu, grade="A2")


def _wallet_entities(world: World, wallets: Wallets) -> Iterator[Rec]:
    sources = {"tron": [world.src["tron"]], "ethereum": [world.src["eth"]]}
    fiu = world.src["fiu"]
    for _i, wid, address, chain, kind in wallets.build():
        props: dict[str, Any] = {"chain": chain, "address": address, "asset": "USDT"}
        if kind:
            props["tags"] = [kind]
        yield {
            "record": "entity",
            "id": wid,
            "label": "Wallet",
            "name": address,
            "properties": props,
            "sources": [fiu] if kind else sources[chain],
        }


def transfer_record(t: Transfer, wallets: Wallets, sources: dict[str, str]) -> Rec:
    key = f"{t.tx_hash}:{t.log_index}"
    subject, obj, source = wallets.ids[t.sender], wallets.ids[t.receiver], sources[t.chain]
    ts = fmt_time(t.timestamp)
    return {
        "record": "claim",
        "id": claim_id(subject, "TRANSFERRED", obj, source, key),
        "type": "TRANSFERRED",
        "subject": subject,
        "object": obj,
        "source": source,
        "grade": "A1",
        "valid_from": ts[:10],
        "handling": "H1",
        "key": key,
        "properties": {
            "tx_hash": t.tx_hash,
            "log_index": t.log_index,
            "amount": fmt_amount(t.units, ASSETS[t.asset]),
            "asset": t.asset,
            "timestamp": ts,
        },
    }


def generate(seed: int, entities: int, transfers: int) -> Iterator[Record]:
    """The same records as validated models (slower: one pydantic model per record)."""
    for n, rec in enumerate(iter_records(seed, entities, transfers)):
        yield parse_record(rec, f"synth seed {seed}, record {n + 1}")


def transfer_line(t: Transfer, wallets: Wallets, sources: dict[str, str]) -> str:
    """``json.dumps(transfer_record(...))``, formatted directly (every value is plain ASCII); tests check
    that the two agree."""
    key = f"{t.tx_hash}:{t.log_index}"
    subject, obj, source = wallets.ids[t.sender], wallets.ids[t.receiver], sources[t.chain]
    ts = fmt_time(t.timestamp)
    # ids.claim_id inlined (same bytes hashed; tests compare): it is a third of the time per line
    cid = sha256(f"{subject}\x1fTRANSFERRED\x1f{obj}\x1f{source}\x1f{key}".encode()).hexdigest()[:20]
    return (
        f'{{"record": "claim", "id": "clm-{cid}", '
        f'"type": "TRANSFERRED", "subject": "{subject}", "object": "{obj}", "source": "{source}", '
        f'"grade": "A1", "valid_from": "{ts[:10]}", "handling": "H1", "key": "{key}", '
        f'"properties": {{"tx_hash": "{t.tx_hash}", "log_index": {t.log_index}, '
        f'"amount": "{fmt_amount(t.units, ASSETS[t.asset])}", "asset": "{t.asset}", "timestamp": "{ts}"}}}}'
    )


def write_jsonl(out: TextIO | Path, seed: int, entities: int, transfers: int, *, with_transfers: bool = True) -> int:
    """Write the world as JSON lines (the fast path: no models); returns the number of records."""
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="\n") as handle:
            return write_jsonl(handle, seed, entities, transfers, with_transfers=with_transfers)
    dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    plan, world = make_world(seed, entities, transfers)
    wallets = Wallets(plan)
    lines = (dumps(rec) for rec in _head(world, wallets))
    n = _write_lines(out, lines)
    if with_transfers:
        sources = _chain_sources(world)
        n += _write_lines(out, (transfer_line(t, wallets, sources) for t in money.transfers(wallets)))
    return n


def _write_lines(out: TextIO, lines: Iterator[str]) -> int:
    n = 0
    buffer: list[str] = []
    for line in lines:
        buffer.append(line)
        if len(buffer) >= 10_000:
            out.write("\n".join(buffer) + "\n")
            n += len(buffer)
            buffer.clear()
    if buffer:
        out.write("\n".join(buffer) + "\n")
        n += len(buffer)
    return n


def write_transfers_csv(out: TextIO | Path, seed: int, entities: int, transfers_: int) -> int:
    """The transfers as a block-explorer style export: one row per token transfer (see ``CSV_COLUMNS``)."""
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="") as handle:
            return write_transfers_csv(handle, seed, entities, transfers_)
    plan, _world = make_world(seed, entities, transfers_)
    wallets = Wallets(plan)
    for _ in wallets.build():  # addresses only: the entity records are not needed here
        pass
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    addr = wallets.addresses
    for t in money.transfers(wallets):
        decimals = ASSETS[t.asset]
        writer.writerow(
            (
                t.chain,
                t.tx_hash,
                t.log_index,
                fmt_time(t.timestamp),
                addr[t.sender],
                addr[t.receiver],
                t.asset,
                fmt_amount(t.units, decimals),
                decimals,
                t.units,
            )
        )
        n += 1
    return n
