"""The bulk loader's CSV files, read back cell by cell, hold the graph the writer builds: every node and
relationship with the very properties the Neo4j store gives it (``entity_props``, ``claim_props``,
``source_props``), once per id. No server: the files are read here with the importer's rules (typed
header, quoted values, an empty unquoted field is no property, U+001F between array items) and compared
with the same files loaded by the embedded store's writer. ``test_bulk_load.py`` runs the real importer.

Who owns what: each test writes its bulk folder and embedded store in its own ``tmp_path``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compoundgraph.bulk.csvfiles import ARRAY_DELIMITER
from compoundgraph.bulk.writer import BulkSink, SinkWriter
from compoundgraph.loader import load_jsonl, read_jsonl
from compoundgraph.store import ClaimFilter, EmbeddedStore
from compoundgraph.store.filters import is_proposal
from compoundgraph.store.neo4j import claim_props, entity_props, source_props
from tests.support.world import WORLD, proposal_records

_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,\n"]*)')
_DECODE: dict[str, Any] = {"long": int, "double": float, "boolean": lambda s: s == "true"}


def _records(text: str) -> Iterator[list[str | None]]:
    """The rows of one file: a quoted field is its value ("" included), an empty unquoted one ``None``."""
    pos, row = 0, []
    while pos < len(text):
        m = _FIELD.match(text, pos)
        assert m is not None and m.end() <= len(text)
        row.append(m.group(1).replace('""', '"') if m.group(1) is not None else (m.group(2) or None))
        pos = m.end()
        if text[pos] == "\n":
            yield row
            row = []
        else:
            assert text[pos] == ",", f"unexpected {text[pos]!r} at {pos}"
        pos += 1


def _value(text: str, kind: str) -> Any:
    one = _DECODE.get(kind.removesuffix("[]"), str)
    if kind.endswith("[]"):
        return [one(x) for x in text.split(ARRAY_DELIMITER)] if text else []
    return one(text)


def _read(args: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Nodes by id (with ``:LABELS``) and relationships by claim id (with ``:TYPE``, ``:START_ID``,
    ``:END_ID``) from the importer's ``--nodes`` / ``--relationships`` arguments."""
    nodes: dict[str, dict[str, Any]] = {}
    rels: dict[str, dict[str, Any]] = {}
    for arg in args:
        option, key, files = arg.split("=", 2)
        header_path, body_path = files.split(",")
        header = [c or "" for c in next(_records(Path(header_path).read_text(encoding="utf-8")))]
        for row in _records(Path(body_path).read_text(encoding="utf-8")):
            assert len(row) <= len(header)
            props: dict[str, Any] = {}
            for column, text in zip(header, row, strict=False):
                if text is not None:
                    name, kind = column.rsplit(":", 1)
                    props[name or ":" + kind] = _value(text, kind)
            if option == "--nodes":
                assert props["id"] not in nodes, f"node {props['id']} twice"
                nodes[props["id"]] = {**props, ":LABELS": key}
            else:
                assert props["id"] not in rels, f"claim {props['id']} twice"
                rels[props["id"]] = {**props, ":TYPE": key}
    return nodes, rels


def _bulk_files(tmp: Path, paths: list[Path], batch_size: int) -> tuple[list[str], BulkSink]:
    sink = BulkSink(tmp / "bulk")
    with SinkWriter(sink, batch_size) as writer:
        for path in paths:
            writer.add_all(read_jsonl(path))
    args, _multiline = sink.finish()
    return args, sink


def _expected(tmp: Path, paths: list[Path]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The same files through the embedded store's writer, as the importer's rows would say them."""
    store = EmbeddedStore(tmp / "reference.sqlite")
    try:
        load_jsonl(store, paths)
        nodes = {s.id: {**source_props(s), ":LABELS": "Node:Source"} for s in store.iter_sources()}
        for e in store.iter_entities(proposals=True):
            labels = f"Node:Entity:{e.label}" + (":Proposed" if is_proposal(e.properties) else "")
            nodes[e.id] = {**entity_props(e), ":LABELS": labels}
        rels = {
            c.id: {**claim_props(c), ":TYPE": c.type, ":START_ID": c.subject, ":END_ID": c.object}
            for c in store.iter_claims(ClaimFilter(proposals=True))
        }
    finally:
        store.close()
    return nodes, rels


def _repeats(tmp: Path) -> Path:
    """Ids of the world again, in later batches: a person three times (new name, alias, a property first
    seen late, an earlier first sighting), a compound twice in a row, a claim three times (a quote with
    quotes and a line break, another grade), a transfer-like claim with every kind of property, and
    proposed entities (labelled ``Proposed`` while pending or rejected; one accepted by a later record)."""
    lines = [json.loads(x) for x in WORLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    person = next(r for r in lines if r["record"] == "entity" and r["label"] == "Person")
    compound = next(r for r in lines if r["record"] == "entity" and r["label"] == "Compound")
    claim = next(r for r in lines if r["record"] == "claim" and r["type"] != "MENTIONED_IN")
    wallets = [r["id"] for r in lines if r["record"] == "entity" and r["label"] == "Wallet"][:2]
    source = next(r["id"] for r in lines if r["record"] == "source")
    records = [
        {**person, "name": person["name"] + " Jr", "aliases": ["Alias One"], "properties": {"note": 'a "nick"'}},
        {**compound, "aliases": ["Compound Two"], "properties": {"status": "closed", "capacity": 12.5}},
        {**compound, "identifiers": [], "properties": {"status": "reopened"}},
        {**claim, "grade": "C3", "quote": 'he said "yes",\r\nthen "no"'},
        {
            "record": "claim",
            "type": "TRANSFERRED",
            "subject": wallets[0],
            "object": wallets[1],
            "source": source,
            "grade": "B2",
            "valid_from": "2024-03-01",
            "properties": {
                "tx_hash": "0xabc",
                "log_index": 7,
                "amount": "12.50",
                "confirmed": True,
                "fees": [1, 2],
                "tags": [],
                "rate": 0.25,
            },
        },
        {**person, "first_seen": "2001-01-01", "properties": {"note": "later", "rank": 3}},
        {**claim, "grade": "A1", "quote": ""},
        *proposal_records(source),
    ]
    path = tmp / "repeats.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("batch_size", [3, 5_000])
def test_the_files_hold_the_graph_the_writer_builds(tmp_path: Path, batch_size: int) -> None:
    paths = [WORLD, _repeats(tmp_path)]
    args, sink = _bulk_files(tmp_path, paths, batch_size)
    nodes, rels = _read(args)
    expected_nodes, expected_rels = _expected(tmp_path, paths)
    assert nodes == expected_nodes
    assert rels == expected_rels
    # the claim seen three times keeps its last row: cut from the file when its records came in other batches
    assert sink.superseded == (2 if batch_size == 3 else 0)


@pytest.mark.parametrize("batch_size", [1, 5_000])
def test_proposals_get_the_label_the_writer_gives_them(tmp_path: Path, batch_size: int) -> None:
    """A proposal's row is in a file labelled ``Proposed`` too; one accepted by a later record (in another
    batch: folded, its first row cut from the other file) is an entity like any other."""
    source = {"record": "source", "id": "src-proposals", "title": "Report"}
    path = tmp_path / "proposals.jsonl"
    records = [source, *proposal_records("src-proposals")]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    nodes, rels = _read(_bulk_files(tmp_path, [path], batch_size)[0])
    assert (nodes, rels) == _expected(tmp_path, [path])
    labels = {n.get("name"): n[":LABELS"] for n in nodes.values()}
    assert labels == {
        None: "Node:Source",
        "Bulk pending Technology Park": "Node:Entity:Compound:Proposed",
        "Bulk accepted Technology Park": "Node:Entity:Compound",
        "Bulk rejected Technology Park": "Node:Entity:Compound:Proposed",
    }


def test_a_repeated_entity_is_folded_in_arrival_order(tmp_path: Path) -> None:
    paths = [WORLD, _repeats(tmp_path)]
    nodes, _rels = _read(_bulk_files(tmp_path, paths, 3)[0])
    renamed = json.loads(paths[1].read_text(encoding="utf-8").splitlines()[0])
    merged = nodes[renamed["id"]]
    original = renamed["name"].removesuffix(" Jr")
    assert merged["name"] == original  # the last record's name; the second record's became an alias
    assert {"Alias One", renamed["name"]} <= set(merged["aliases"])
    assert merged["note"] == "later" and merged["rank"] == 3  # later properties win, new ones are added
    assert merged["first_seen"] == "2001-01-01"


def test_rows_of_one_file_with_late_and_reordered_properties(tmp_path: Path) -> None:
    """A property first seen after thousands of rows, and the same keys in another order, land in their
    own columns with their own types."""
    source = {"record": "source", "id": "src-rows", "title": "Rows"}
    wallets = [
        {"record": "entity", "id": f"wallet-rows-{i}", "label": "Wallet", "name": f"0xrows{i}", "sources": ["src-rows"]}
        for i in range(3)
    ]
    claims = [
        {
            "record": "claim",
            "type": "TRANSFERRED",
            "subject": "wallet-rows-0",
            "object": f"wallet-rows-{1 + i % 2}",
            "source": "src-rows",
            "grade": "B2",
            "key": f"tx{i}:0",
            "properties": (
                {"amount": str(i), "asset": "USDT"}
                if i % 3
                else {"asset": "ETH", "amount": str(i), **({"late": i * 1.5} if i > 2_000 else {})}
            ),
        }
        for i in range(2_500)
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [source, *wallets, *claims]) + "\n", encoding="utf-8")
    args, _sink = _bulk_files(tmp_path, [path], 500)
    nodes, rels = _read(args)
    assert (nodes, rels) == _expected(tmp_path, [path])
    header = next(a for a in args if a.startswith("--relationships=TRANSFERRED=")).split("=", 2)[2].split(",")[0]
    assert '"late:double"' in Path(header).read_text(encoding="utf-8")
