"""The importer's CSV files, written row by row: one body file per node label and per relationship type,
and a header file per body written last, when every column and its type is known.

A row is its head, already CSV text (the columns every record of the file has, named with their types when
the file is opened: the ids and the fixed fields of :mod:`.rows`), then its other properties. Those are
written as they come; a property first seen late gets a new column at the end, and earlier rows simply
end before it (the importer reads a missing trailing field as "no property"). Cells are written as the
neo4j-admin export writes them (:mod:`compoundgraph.exports.neo4j_admin`: every present value quoted, so
"" and [] survive; an absent property is an empty, unquoted field), with U+001F between array items: the
models refuse control characters in every value, so it can never occur inside one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..exports.neo4j_admin import column_type
from ..exports.neo4j_admin import value_kind as kind_of

__all__ = ["ImportFiles", "ARRAY_DELIMITER", "NODE_ID", "REL_ENDS", "cell", "text_cell"]

ARRAY_DELIMITER = "\x1f"
NODE_ID = ("id:ID",)  # the head of a node file without fixed fields
REL_ENDS = (":START_ID", ":END_ID")  # the head of a relationship file without fixed fields
_SCALAR_KINDS = {bool: "boolean", int: "long", float: "double", str: "string"}
_SHAPES = 1_000  # property layouts remembered per file (a load has a few; past this, each row works its own out)
_PENDING = 2_000  # rows kept per file before they are written (in one go)
_TEMPLATED = (str, int, float)  # value types whose cell is '"' + str(value) + '"' (quotes in strings aside)
_UNSEEN = ""  # not a template: no form noted yet for these value types


def text_cell(text: str) -> str:
    """The CSV text of a present string."""
    return '"' + text.replace('"', '""') + '"' if '"' in text else '"' + text + '"'


def cell(value: Any) -> str:
    """The CSV text of one present value."""
    kind = type(value)
    if kind is str:
        return text_cell(value)
    if kind is bool:
        return '"true"' if value else '"false"'
    if kind is list:
        return text_cell(ARRAY_DELIMITER.join(str(v).lower() if isinstance(v, bool) else str(v) for v in value))
    return text_cell(str(value))


@dataclass
class _Shape:
    """Where the properties of one key order go in a file, and how their cells are written for each
    combination of value types met (whose kinds are then noted in the file's sets)."""

    keys: tuple[str, ...]
    positions: list[int]  # each property's position after the head
    kinds: list[set[str]]  # each property's value kinds (the file's sets, shared)
    width: int  # cells after the head
    forms: dict[tuple[type, ...], str | None] = field(default_factory=dict)  # value types -> template

    def note(self, types: tuple[type, ...], values: Iterable[Any]) -> str | None:
        """Note the kinds of values of these types (lists are noted row by row); the ``%`` template of
        their cells when every value is a string or a number (``None``: cell by cell)."""
        for kinds, t, v in zip(self.kinds, types, values, strict=True):
            if t is not list and v is not None:
                kinds.add(_SCALAR_KINDS.get(t) or kind_of(v))
        form = None
        if all(t in _TEMPLATED for t in types) and all(k.isidentifier() for k in self.keys):
            cells = [""] * self.width
            for k, pos in zip(self.keys, self.positions, strict=True):
                cells[pos] = '"%(' + k + ')s"'
            form = ",".join(cells)
        if len(self.forms) < _SHAPES:
            self.forms[types] = form
        return form

    def cells(self, types: tuple[type, ...], values: Iterable[Any]) -> str:
        """The cells one by one: quotes doubled, booleans and lists as the importer reads them."""
        cells = [
            ('"' + v.replace('"', '""') + '"' if '"' in v else '"' + v + '"')
            if t is str
            else ("" if v is None else cell(v))
            for t, v in zip(types, values, strict=True)
        ]
        placed = [""] * self.width
        for pos, c in zip(self.positions, cells, strict=True):
            placed[pos] = c
        return ",".join(placed)


@dataclass
class _Group:
    """One body file and what its header will say."""

    path: Path
    handle: IO[bytes]
    first: Sequence[str]  # the head's columns, with their types: ids and fixed fields
    columns: dict[str, int] = field(default_factory=dict)  # other property -> position after the head
    kinds: dict[str, set[str]] = field(default_factory=dict)  # property -> value kinds seen
    shapes: dict[tuple[str, ...], _Shape] = field(default_factory=dict)  # property keys in order -> layout
    pending: list[str] = field(default_factory=list)  # rows not written yet
    size: int = 0  # bytes of the rows so far, pending ones included
    multiline: bool = False

    def shape(self, keys: tuple[str, ...]) -> _Shape:
        """The layout of properties with these keys, in this order; new columns are made for new keys."""
        found = self.shapes.get(keys)
        if found is not None:
            return found
        for k in keys:
            if k not in self.columns:
                self.columns[k] = len(self.columns)
                self.kinds[k] = set()
        positions = [self.columns[k] for k in keys]
        shape = _Shape(keys, positions, [self.kinds[k] for k in keys], max(positions) + 1)
        if len(self.shapes) < _SHAPES:
            self.shapes[keys] = shape
        return shape

    def write_pending(self) -> None:
        """Write the pending rows, noting whether any value spans lines (a row holds no line break of its
        own, so more line breaks than rows, or any carriage return, means one does)."""
        if not self.pending:
            return
        text = "\n".join(self.pending) + "\n"
        if not self.multiline and (text.count("\n") != len(self.pending) or "\r" in text):
            self.multiline = True
        self.handle.write(text.encode("utf-8"))
        self.pending.clear()


class ImportFiles:
    """``add_node(labels, head, props)`` / ``add_rel(type, head, props)``; :meth:`close` writes the headers
    and returns the importer's ``--nodes`` / ``--relationships`` arguments."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.nodes: dict[str, _Group] = {}
        self.rels: dict[str, _Group] = {}

    def _group(self, table: dict[str, _Group], key: str, prefix: str, first: Sequence[str]) -> _Group:
        g = table.get(key)
        if g is None:
            path = self.directory / f"{prefix}_{key.replace(':', '_')}.csv"
            g = table[key] = _Group(path, path.open("wb"), first)
        elif g.first is not first and g.first != first:  # a programming error: one head per file
            raise ValueError(f"{g.path.name}: a row with another head than the file's")
        return g

    def add_node(
        self, labels: str, head: str, props: dict[str, Any], first: Sequence[str] = NODE_ID
    ) -> tuple[int, int]:
        """A node with ``labels`` (``"Node:Entity:Wallet"``): ``head`` the CSV text of the ``first`` columns
        (``id:ID`` first), ``props`` its other properties. Where its row is (byte offset, length)."""
        return self._row(self._group(self.nodes, labels, "nodes", first), head, props)

    def add_rel(
        self, rel_type: str, head: str, props: dict[str, Any], first: Sequence[str] = REL_ENDS
    ) -> tuple[int, int]:
        """A relationship: ``head`` the CSV text of the ``first`` columns (start and end id first), ``props``
        its other properties. Where its row is (byte offset, length)."""
        return self._row(self._group(self.rels, rel_type, "rels", first), head, props)

    def _row(self, g: _Group, head: str, props: dict[str, Any]) -> tuple[int, int]:
        # the hot loop of a bulk load. The layout of the properties is worked out once per key order, and
        # for each combination of value types their kinds are noted once and a template made: strings and
        # numbers then go into their cells in one step, unless a string holds a quote (to be doubled)
        text = head
        if props:
            shape = g.shape(tuple(props))
            values = props.values()
            types = tuple(map(type, values))
            form = shape.forms.get(types, _UNSEEN)
            if form is _UNSEEN:
                form = shape.note(types, values)
            if form is None:
                if list in types:
                    for kinds, v in zip(shape.kinds, values, strict=True):
                        if type(v) is list and v:  # an empty list says nothing about its items' type
                            kinds.add(kind_of(v))
                text = head + "," + shape.cells(types, values)
            else:
                cells = form % props
                if cells.count('"') != 2 * len(props):  # a string with a quote
                    cells = shape.cells(types, values)
                text = head + "," + cells
        g.pending.append(text)
        at = g.size
        length = len(text) + 1 if text.isascii() else len(text.encode("utf-8")) + 1
        g.size += length
        if len(g.pending) >= _PENDING:
            g.write_pending()
        return at, length

    def close(self) -> tuple[list[str], list[str]]:
        """Write the header files; the importer arguments for the node and relationship groups, and the
        files that hold multi-line values."""
        args: list[str] = []
        multiline: list[str] = []
        for option, table in (("--nodes", self.nodes), ("--relationships", self.rels)):
            for key, g in sorted(table.items()):
                g.write_pending()
                g.handle.close()
                header = g.path.with_name(g.path.stem + "_header.csv")
                cols = [f"{k}:{column_type(g.kinds[k])}" for k in g.columns]
                header.write_text(",".join(text_cell(c) for c in [*g.first, *cols]) + "\n", encoding="utf-8")
                args.append(f"{option}={key}={header},{g.path}")
                if g.multiline:
                    multiline.append(str(g.path))
        return args, multiline

    def drop_rows(self, kind: str, key: str, spans: Iterable[tuple[int, int]]) -> int:
        """Remove rows (``(offset, length)`` in increasing offset order) from the body file of a node label
        (``kind`` "nodes") or relationship type ("rels"), copying the rest through; returns how many were
        removed. Offsets returned earlier are void afterwards: call last, before :meth:`close`."""
        g = (self.nodes if kind == "nodes" else self.rels)[key]
        g.write_pending()
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
            g.size = out.tell()
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
