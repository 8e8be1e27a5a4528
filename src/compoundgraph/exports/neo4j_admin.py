"""CSVs for ``neo4j-admin database import full``: load a very large graph into a fresh Neo4j.

One node file per label (``nodes_<Label>.csv``, plus ``nodes_Source.csv``) and one relationship file per
type (``rels_<TYPE>.csv``), with typed headers (``id:ID``, ``:LABEL``, ``lat:double``,
``aliases:string[]``, ``:START_ID``, ``:END_ID``, ``:TYPE``, ``grade_r:int`` ...). The node and
relationship properties are exactly what the Neo4j store writes (its own ``entity_props`` /
``claim_props``), so a database built this way is read by ``compoundgraph`` as if it had loaded the data
itself; run ``compoundgraph init`` afterwards to create the constraints and the full-text index.
``import.sh`` holds the command with the array delimiter chosen for this data.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..store.neo4j import claim_props, entity_props, source_props
from .selection import ExportView

__all__ = ["render", "ARRAY_DELIMITERS"]

ARRAY_DELIMITERS = (";", "|", "¦", "§", "¤")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list):
        inner = {_kind(v) for v in value} or {"string"}
        return (inner.pop() if len(inner) == 1 else "string") + "[]"
    return "string"


def _columns(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Property name -> neo4j-admin type; a key seen with two types becomes a string."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for k, v in r.items():
            if v is not None and not (isinstance(v, list) and not v):
                kinds[k].add(_kind(v))
            elif isinstance(v, list):
                kinds[k]
    out = {}
    for k, ks in sorted(kinds.items()):
        if not ks:  # only ever empty lists
            out[k] = "string[]"
        elif len(ks) == 1:
            out[k] = ks.pop()
        elif ks <= {"long", "double"}:
            out[k] = "double"
        elif ks and all(x.endswith("[]") for x in ks):
            out[k] = "string[]"
        else:
            out[k] = "string"
    return out


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
    # string (or an empty array): every present value is quoted so "" and [] survive.
    return "" if text is None else '"' + text.replace('"', '""') + '"'


def _write(header: list[str], rows: Iterable[list[str | None]]) -> bytes:
    out = [",".join(_field(h) for h in header)]
    out.extend(",".join(_field(c) for c in row) for row in rows)
    return ("\n".join(out) + "\n").encode("utf-8")


def _delimiter(values: Iterable[Any]) -> str:
    used: set[str] = set()
    for v in values:
        if isinstance(v, list):
            for item in v:
                used.update(ch for ch in str(item) if ch in ARRAY_DELIMITERS)
    for d in ARRAY_DELIMITERS:
        if d not in used:
            return d
    raise ValueError("every candidate array delimiter occurs inside an array value")  # pragma: no cover


def render(view: ExportView) -> dict[str, bytes]:
    node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in view.entities.values():
        node_rows[e.label].append(entity_props(e))
    node_rows["Source"] = [source_props(s) for s in view.sources.values()]
    rel_rows: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for c in view.claims:
        rel_rows[c.type].append((c.subject, c.object, claim_props(c)))
    sep = _delimiter(v for rows in node_rows.values() for r in rows for v in r.values())
    files: dict[str, bytes] = {}
    args: list[str] = []
    for label, rows in sorted(node_rows.items()):
        if not rows:
            continue
        cols = _columns(rows)
        cols.pop("id", None)
        labels = "Node;Source" if label == "Source" else f"Node;Entity;{label}"
        header = ["id:ID", ":LABEL", *(f"{k}:{t}" for k, t in cols.items())]
        body = ([r["id"], labels, *(_cell(r.get(k), t, sep) for k, t in cols.items())] for r in rows)
        name = f"nodes_{label}.csv"
        files[name] = _write(header, body)
        args.append(f"--nodes={name}")
    for rel, triples in sorted(rel_rows.items()):
        cols = _columns([p for _, _, p in triples])
        header = [":START_ID", ":END_ID", ":TYPE", *(f"{k}:{t}" for k, t in cols.items())]
        body = ([s, o, rel, *(_cell(p.get(k), t, sep) for k, t in cols.items())] for s, o, p in triples)
        name = f"rels_{rel}.csv"
        files[name] = _write(header, body)
        args.append(f"--relationships={name}")
    # The database name goes before the file options: after them, Neo4j 5 reads it as one more file of the
    # last --relationships option ("File 'neo4j' doesn't exist").
    command = [
        "neo4j-admin", "database", "import", "full", '"$DATABASE"', f"--array-delimiter={sep}",
        "--multiline-fields=true", "--id-type=string", "--ignore-empty-strings=false", *args,
    ]
    files["import.sh"] = (
        "#!/bin/sh\n# Load this folder into an EMPTY, STOPPED Neo4j 5 database, then run `compoundgraph init`.\n"
        "# Usage: sh import.sh [DATABASE [neo4j-admin options]] - DATABASE defaults to neo4j; options such as\n"
        "# --overwrite-destination (replace an existing database) or --max-off-heap-memory=2G are passed on.\n"
        "# NEO4J_ADMIN names the neo4j-admin to run (default: the one on PATH).\n"
        "set -e\n"
        'cd "$(dirname "$0")"\n'
        'DATABASE="${1:-neo4j}"\n'
        'if [ $# -gt 0 ]; then shift; fi\n'
        '"${NEO4J_ADMIN:-neo4j-admin}" ' + " ".join(a if a.startswith('"') else shlex.quote(a) for a in command[1:])
        + ' "$@"\n'
    ).encode("utf-8")
    return files
