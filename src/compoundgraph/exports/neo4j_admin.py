"""CSVs for ``neo4j-admin database import full``: load a very large graph into a fresh Neo4j.

One node file per label (``nodes_<Label>.csv``, plus ``nodes_Source.csv``) and one relationship file per
type (``rels_<TYPE>.csv``), with typed headers (``id:ID``, ``:LABEL``, ``lat:double``,
``aliases:string[]``, ``:START_ID``, ``:END_ID``, ``:TYPE``, ``grade_r:int`` ...). The node and
relationship properties are exactly what the Neo4j store writes (its own ``entity_props`` /
``claim_props``), so a database built this way is read by ``compoundgraph`` as if it had loaded the data
itself; run ``compoundgraph init`` afterwards to create the constraints and the full-text index.
``import.sh`` holds the command with the array delimiter chosen for this data.

Rows are not held: each file is made in two passes over the view's records - one to learn the columns,
their types and the characters used inside arrays, one to write - so beside the view itself only the
output bytes take memory (the property dict of a claim, about 4 KB, lives only while its row is written).
"""

from __future__ import annotations

import io
import shlex
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from ..store.neo4j import claim_props, entity_props, source_props
from .selection import ExportView

__all__ = ["render", "ARRAY_DELIMITERS", "column_type", "value_kind"]

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


def _write(header: list[str], rows: Iterable[list[str | None]]) -> bytes:
    buf = io.BytesIO()
    buf.write((",".join(_field(h) for h in header) + "\n").encode("utf-8"))
    for row in rows:
        buf.write((",".join(_field(c) for c in row) + "\n").encode("utf-8"))
    return buf.getvalue()


def _props(make: Callable[[Any], dict[str, Any]], records: list[Any]) -> Iterator[dict[str, Any]]:
    return (make(r) for r in records)


def render(view: ExportView) -> dict[str, bytes]:
    by_label: dict[str, list[Any]] = defaultdict(list)
    for e in view.entities.values():
        by_label[e.label].append(e)
    by_type: dict[str, list[Any]] = defaultdict(list)
    for c in view.claims:
        by_type[c.type].append(c)

    # every group's rows, made afresh on each pass
    nodes: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {
        label: partial(_props, entity_props, es) for label, es in by_label.items()
    }
    if view.sources:
        nodes["Source"] = partial(_props, source_props, list(view.sources.values()))
    rels: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {
        rel: partial(_props, claim_props, cs) for rel, cs in by_type.items()
    }

    used: set[str] = set()
    node_cols = {label: _columns(rows(), used) for label, rows in sorted(nodes.items())}
    rel_cols = {rel: _columns(rows(), used) for rel, rows in sorted(rels.items())}
    sep = next((d for d in ARRAY_DELIMITERS if d not in used), None)
    if sep is None:  # pragma: no cover - five rare characters inside array values at once
        raise ValueError("every candidate array delimiter occurs inside an array value")

    files: dict[str, bytes] = {}
    args: list[str] = []
    for label, cols in node_cols.items():
        cols.pop("id", None)
        labels = "Node;Source" if label == "Source" else f"Node;Entity;{label}"
        header = ["id:ID", ":LABEL", *(f"{k}:{t}" for k, t in cols.items())]
        body = ([r["id"], labels, *(_cell(r.get(k), t, sep) for k, t in cols.items())] for r in nodes[label]())
        name = f"nodes_{label}.csv"
        files[name] = _write(header, body)
        args.append(f"--nodes={name}")
    for rel, cols in rel_cols.items():
        header = [":START_ID", ":END_ID", ":TYPE", *(f"{k}:{t}" for k, t in cols.items())]
        body = (
            [c.subject, c.object, rel, *(_cell(p.get(k), t, sep) for k, t in cols.items())]
            for c, p in zip(by_type[rel], rels[rel](), strict=True)
        )
        name = f"rels_{rel}.csv"
        files[name] = _write(header, body)
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
    files["import.sh"] = (
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
    ).encode("utf-8")
    return files
