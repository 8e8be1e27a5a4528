"""CSVs for ``neo4j-admin database import full``: load a very large graph into a fresh Neo4j.

One node file per label (``nodes_<Label>.csv``, plus ``nodes_Source.csv``) and one relationship file per
type (``rels_<TYPE>.csv``), with typed headers (``id:ID``, ``:LABEL``, ``lat:double``,
``aliases:string[]``, ``:START_ID``, ``:END_ID``, ``:TYPE``, ``grade_r:int`` ...). The node and
relationship properties are exactly what the Neo4j store writes (its own ``entity_props`` /
``claim_props``), so a database built this way is read by ``compoundgraph`` as if it had loaded the data
itself; run ``compoundgraph init`` afterwards to create the constraints and the full-text index.
``import.sh`` holds the command with the array delimiter chosen for this data.

Nothing is held: each file is made in two passes over the spooled view's records of its label or type -
one to learn the columns, their types and the characters used inside arrays, one to write - and written
row by row (the property dict of a claim lives only while its row is written).
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from ..store.filters import PROPOSED_LABEL, is_proposal
from ..store.neo4j import claim_props, entity_props, source_props
from .sink import Sink
from .spool import SpooledView

__all__ = ["write", "ARRAY_DELIMITERS", "column_type", "value_kind"]

ARRAY_DELIMITERS = (";", "|", "¦", "§", "¤")


def value_kind(value: Any) -> str:
    """The neo4j-admin type of one value (``long``, ``double``, ``boolean``, ``string``, or an array of one)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list):
        inner = {value_kind(v) for v in value} or {"string"}
        return (inner.pop() if len(inner) == 1 else "string") + "[]"
    return "string"


def _columns(rows: Iterable[dict[str, Any]], used: set[str] | None = None) -> dict[str, str]:
    """Property name -> neo4j-admin type; a key seen with two types becomes a string. Delimiter candidates
    found inside array values are added to ``used``."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for k, v in r.items():
            if v is not None and not (isinstance(v, list) and not v):
                kinds[k].add(value_kind(v))
            elif isinstance(v, list):
                kinds[k]
            if used is not None and isinstance(v, list):
                for item in v:
                    used.update(ch for ch in str(item) if ch in ARRAY_DELIMITERS)
    return {k: column_type(ks) for k, ks in sorted(kinds.items())}


def column_type(kinds: set[str]) -> str:
    """The column type for the kinds of value seen in a column: one kind is itself, longs and doubles make a
    double, arrays of different kinds a string array, anything else a string; none (only ever empty lists)
    a string array. (The bulk loader's CSVs follow the same rule.)"""
    if not kinds:
        return "string[]"
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds <= {"long", "double"}:
        return "double"
    if all(x.endswith("[]") for x in kinds):
        return "string[]"
    return "string"


def _cell(value: Any, kind: str, sep: str) -> str | None:
    """The CSV text of one value; ``None`` for an absent property (an empty, unquoted field)."""
    if value is None:
        return None
    if isinstance(value, list):
        return sep.join(str(v).lower() if isinstance(v, bool) else str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _field(text: str | None) -> str:
    # The importer reads an unquoted empty field as "no property" and a quoted one ("") as an empty
    # string: every present value is quoted so "" survives. (An empty array has no form it reads back.)
    return "" if text is None else '"' + text.replace('"', '""') + '"'


def _write(fh: IO[bytes], header: list[str], rows: Iterable[list[str | None]]) -> None:
    fh.write((",".join(_field(h) for h in header) + "\n").encode("utf-8"))
    for row in rows:
        fh.write((",".join(_field(c) for c in row) + "\n").encode("utf-8"))


def _labels(label: str, props: dict[str, Any]) -> str:
    """The ``:LABEL`` cell of a node: the labels the Neo4j store gives it, ``Proposed`` on a proposal
    (:func:`~compoundgraph.store.filters.is_proposal`, which the store's reads test as that label)."""
    if label == "Source":
        return "Node;Source"
    return f"Node;Entity;{label};{PROPOSED_LABEL}" if is_proposal(props) else f"Node;Entity;{label}"


def write(view: SpooledView, sink: Sink) -> None:
    db = view.db
    labels = [r[0] for r in db.execute("SELECT DISTINCT label FROM entities ORDER BY label")]
    types = [r[0] for r in db.execute("SELECT DISTINCT type FROM claims ORDER BY type")]

    # every group's rows, made afresh on each pass
    def entity_rows(label: str) -> Callable[[], Iterator[dict[str, Any]]]:
        return lambda: (entity_props(e) for e in view.iter_entities(label))

    nodes: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {label: entity_rows(label) for label in labels}
    if view.sources:
        nodes["Source"] = lambda: (source_props(s) for s in view.sources.values())

    def claim_rows(rel: str) -> Callable[[], Iterator[dict[str, Any]]]:
        return lambda: (claim_props(c) for c in view.iter_claims(rel))

    used: set[str] = set()
    node_cols = {label: _columns(rows(), used) for label, rows in sorted(nodes.items())}
    rel_cols = {rel: _columns(claim_rows(rel)(), used) for rel in types}
    sep = next((d for d in ARRAY_DELIMITERS if d not in used), None)
    if sep is None:  # pragma: no cover - five rare characters inside array values at once
        raise ValueError("every candidate array delimiter occurs inside an array value")

    args: list[str] = []
    for label, cols in node_cols.items():
        cols.pop("id", None)
        header = ["id:ID", ":LABEL", *(f"{k}:{t}" for k, t in cols.items())]
        body = (
            [r["id"], _labels(label, r), *(_cell(r.get(k), t, sep) for k, t in cols.items())] for r in nodes[label]()
        )
        name = f"nodes_{label}.csv"
        with sink.open(name) as fh:
            _write(fh, header, body)
        args.append(f"--nodes={name}")
    for rel, cols in rel_cols.items():
        header = [":START_ID", ":END_ID", ":TYPE", *(f"{k}:{t}" for k, t in cols.items())]
        rows = (
            [c.subject, c.object, rel, *(_cell(p.get(k), t, sep) for k, t in cols.items())]
            for c in view.iter_claims(rel)
            for p in (claim_props(c),)
        )
        name = f"rels_{rel}.csv"
        with sink.open(name) as fh:
            _write(fh, header, rows)
        args.append(f"--relationships={name}")
    # The database name goes before the file options: after them, Neo4j 5 reads it as one more file of the
    # last --relationships option ("File 'neo4j' doesn't exist").
    command = [
        "neo4j-admin",
        "database",
        "import",
        "full",
        '"$DATABASE"',
        f"--array-delimiter={sep}",
        "--multiline-fields=true",
        "--id-type=string",
        "--ignore-empty-strings=false",
        *args,
    ]
    script = (
        "#!/bin/sh\n# Load this folder into an EMPTY, STOPPED Neo4j 5 database, then run `compoundgraph init`.\n"
        "# Usage: sh import.sh [DATABASE [neo4j-admin options]] - DATABASE defaults to neo4j; options such as\n"
        "# --overwrite-destination (replace an existing database) or --max-off-heap-memory=2G are passed on.\n"
        "# NEO4J_ADMIN names the neo4j-admin to run (default: the one on PATH).\n"
        "set -e\n"
        'cd "$(dirname "$0")"\n'
        'DATABASE="${1:-neo4j}"\n'
        "if [ $# -gt 0 ]; then shift; fi\n"
        '"${NEO4J_ADMIN:-neo4j-admin}" '
        + " ".join(a if a.startswith('"') else shlex.quote(a) for a in command[1:])
        + ' "$@"\n'
    )
    with sink.open("import.sh") as fh:
        fh.write(script.encode("utf-8"))
