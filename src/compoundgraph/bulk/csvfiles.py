"""The importer's CSV files, written row by row: one body file per node label and per relationship type,
and a header file per body written last, when every column and its type is known.

Rows are written as they come; a property first seen late gets a new column at the end, and earlier rows
simply end before it (the importer reads a missing trailing field as "no property"). Cells are written as
the neo4j-admin export writes them (:mod:`compoundgraph.exports.neo4j_admin`: every present value quoted,
so "" and [] survive; an absent property is an empty, unquoted field), with U+001F between array items:
the models refuse control characters in every value, so it can never occur inside one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..exports.neo4j_admin import column_type
from ..exports.neo4j_admin import value_kind as kind_of

__all__ = ["ImportFiles", "ARRAY_DELIMITER"]

ARRAY_DELIMITER = "\x1f"
_SCALAR_KINDS = {bool: "boolean", int: "long", float: "double", str: "string"}


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if '"' in text else '"' + text + '"'


def cell(value: Any) -> str:
    """The CSV text of one present value."""
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is bool:
        return '"true"' if value else '"false"'
    if kind is list:
        return _quote(ARRAY_DELIMITER.join(str(v).lower() if isinstance(v, bool) else str(v) for v in value))
    return _quote(str(value))


@dataclass
class _Group:
    """One body file and what its header will say."""

    path: Path
    handle: IO[bytes]
    first: list[str]  # the id columns (":ID" or ":START_ID", ":END_ID"), written without a property name
    columns: dict[str, int] = field(default_factory=dict)  # property -> position after the id columns
    kinds: dict[str, set[str]] = field(default_factory=dict)  # property -> value kinds seen
    seen: set[tuple[str, type]] = field(default_factory=set)  # (property, scalar type) already noted
    size: int = 0  # bytes written
    multiline: bool = False


class ImportFiles:
    """``add_node(label_spec, props)`` / ``add_rel(type, start, end, props)``; :meth:`close` writes the
    headers and returns the importer's ``--nodes`` / ``--relationships`` arguments."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.nodes: dict[str, _Group] = {}
        self.rels: dict[str, _Group] = {}

    def _group(self, table: dict[str, _Group], key: str, prefix: str, first: list[str]) -> _Group:
        g = table.get(key)
        if g is None:
            path = self.directory / f"{prefix}_{key.replace(':', '_')}.csv"
            g = table[key] = _Group(path, path.open("wb"), first)
        return g

    def add_node(self, labels: str, node_id: str, props: dict[str, Any]) -> None:
        """A node with ``labels`` (``"Node:Entity:Wallet"``); ``props`` include ``id``."""
        g = self._group(self.nodes, labels, "nodes", ["id:ID"])
        self._row(g, [_quote(node_id)], props, skip="id")

    def add_rel(self, rel_type: str, start: str, end: str, props: dict[str, Any]) -> tuple[int, int]:
        """A relationship; returns where its row is in its body file (byte offset, length)."""
        g = self._group(self.rels, rel_type, "rels", [":START_ID", ":END_ID"])
        return self._row(g, [_quote(start), _quote(end)], props)

    def _row(self, g: _Group, cells: list[str], props: dict[str, Any], skip: str = "") -> tuple[int, int]:
        # the hot loop of a bulk load: a value's kind is noted once per (property, Python type), except lists
        columns, kinds, seen = g.columns, g.kinds, g.seen
        out: list[str | None] = [None] * len(columns)
        for k, v in props.items():
            if v is None or k == skip:
                continue
            pos = columns.get(k)
            if pos is None:
                pos = columns[k] = len(columns)
                kinds[k] = set()
                out.append(None)
            t = type(v)
            if t is str:
                out[pos] = '"' + v.replace('"', '""') + '"' if '"' in v else '"' + v + '"'
            else:
                out[pos] = cell(v)
            if t is list:
                if v:  # an empty list says nothing about its items' type
                    kinds[k].add(kind_of(v))
            elif (k, t) not in seen:
                seen.add((k, t))
                kinds[k].add(_SCALAR_KINDS.get(t) or kind_of(v))
        while out and out[-1] is None:
            out.pop()
        cells.extend("" if c is None else c for c in out)
        text = ",".join(cells)
        if not g.multiline and ("\n" in text or "\r" in text):
            g.multiline = True
        line = (text + "\n").encode("utf-8")
        g.handle.write(line)
        at = g.size
        g.size += len(line)
        return at, len(line)

    def close(self) -> tuple[list[str], list[str]]:
        """Write the header files; the importer arguments for the node and relationship groups, and the
        files that hold multi-line values."""
        args: list[str] = []
        multiline: list[str] = []
        for option, table in (("--nodes", self.nodes), ("--relationships", self.rels)):
            for key, g in sorted(table.items()):
                g.handle.close()
                header = g.path.with_name(g.path.stem + "_header.csv")
                cols = [f"{k}:{column_type(g.kinds[k])}" for k in g.columns]
                header.write_text(",".join(_quote(c) for c in [*g.first, *cols]) + "\n", encoding="utf-8")
                args.append(f"{option}={key}={header},{g.path}")
                if g.multiline:
                    multiline.append(str(g.path))
        return args, multiline

    def drop_rows(self, rel_type: str, spans: Iterable[tuple[int, int]]) -> int:
        """Remove rows (``(offset, length)`` in increasing offset order) from a relationship body file,
        copying the rest through; returns how many were removed. Call before :meth:`close`."""
        g = self.rels[rel_type]
        g.handle.close()
        kept = g.path.with_suffix(".kept")
        removed = 0
        with g.path.open("rb") as src, kept.open("wb") as out:
            at = 0
            for offset, length in spans:
                _copy(src, out, offset - at)
                src.seek(offset + length)
                at = offset + length
                removed += 1
            _copy(src, out, None)
        kept.replace(g.path)
        g.handle = g.path.open("ab")
        return removed

    def discard(self) -> None:
        for g in (*self.nodes.values(), *self.rels.values()):
            g.handle.close()


def _copy(src: IO[bytes], out: IO[bytes], n: int | None) -> None:
    """Copy ``n`` bytes (all that is left when ``None``) from ``src`` to ``out``."""
    if n is None:
        shutil.copyfileobj(src, out, 1 << 20)
        return
    while n > 0:
        chunk = src.read(min(n, 1 << 20))
        if not chunk:
            return
        out.write(chunk)
        n -= len(chunk)
