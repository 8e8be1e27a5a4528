"""Flat attribute rows for the tabular and graph formats (CSV, i2, GraphML, GEXF, Cytoscape).

Every format shows the same fields under the same names: node ``label`` (type), ``name``, ``aliases``,
``sources``, ``first_seen``/``last_seen`` and the ontology properties as ``p_<name>``; edge ``id``
(claim id), ``type``, ``grade`` and its two halves, ``source``, ``valid_from``/``valid_to``,
``handling``, ``quote``, ``stance`` (asserts / denies), ``contested``, ``corroborated``,
``claim_key`` (a transfer's tx hash:log index) and the claim's own properties (transfers) as ``p_<name>``.
Lists are joined with ``"; "``; absent values are left out (GraphML has no null).

CSV files meant for spreadsheets and i2 go through :func:`csv_bytes`, which neutralises formula injection
as OWASP recommends: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written with a leading single quote (``'=HYPERLINK(...)``), so Excel, LibreOffice, Google Sheets and i2
show it as text instead of running it. Numbers (a negative longitude) are left as they are. The JSON-based
formats and the ``neo4j-admin`` files (read by programs, not spreadsheets) carry values unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ..grades import Grade
from ..models import Claim, Entity, Source
from ..ontology import ontology
from ..spreadsheet import FORMULA_PREFIXES, spreadsheet_cell
from ..store.filters import stance_of

__all__ = [
    "flat",
    "node_attrs",
    "source_attrs",
    "edge_attrs",
    "csv_bytes",
    "write_csv",
    "spreadsheet_cell",
    "LIST_SEP",
    "typed_property",
    "FORMULA_PREFIXES",
]

LIST_SEP = "; "


def flat(value: Any) -> str | int | float | bool:
    if isinstance(value, list):
        return LIST_SEP.join(str(v) for v in value)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def typed_property(label: str, key: str, value: Any) -> str | int | float | bool:
    """A property as the ontology types it, so one attribute has one type in a whole file."""
    kind = ontology().labels[label].properties.get(key, "string") if label in ontology().labels else "string"
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    return str(flat(value))


def node_attrs(e: Entity) -> dict[str, Any]:
    d = ontology().display(e.label)
    out: dict[str, Any] = {"label": e.label, "name": e.name, "colour": d.colour}
    if e.aliases:
        out["aliases"] = LIST_SEP.join(e.aliases)
    if e.identifiers:
        out["identifiers"] = LIST_SEP.join(e.identifiers)
    out["sources"] = LIST_SEP.join(e.sources)
    for f in ("first_seen", "last_seen"):
        if getattr(e, f):
            out[f] = getattr(e, f)
    for k, v in sorted(e.properties.items()):
        out[f"p_{k}"] = typed_property(e.label, k, v)
    return out


def source_attrs(s: Source) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": "Source",
        "name": s.title,
        "colour": ontology().source.colour,
        "reliability": s.reliability,
        "handling": s.handling,
    }
    for f in ("publisher", "url", "published", "kind"):
        if getattr(s, f):
            out[f"p_{f}"] = getattr(s, f)
    return out


def edge_attrs(c: Claim, contested: bool, corroborated: bool = False) -> dict[str, Any]:
    g = Grade.parse(c.grade)
    out: dict[str, Any] = {
        "id": c.id,
        "type": c.type,
        "grade": c.grade,
        "reliability": g.reliability,
        "credibility": g.credibility,
        "source": c.source,
        "handling": c.handling,
        "stance": stance_of(c),
        "contested": contested,
        "corroborated": corroborated,
    }
    for f in ("valid_from", "valid_to", "first_seen", "last_seen", "quote"):
        if getattr(c, f):
            out[f] = getattr(c, f)
    if c.key:
        out["claim_key"] = c.key
    for k, v in sorted(c.properties.items()):
        out[f"p_{k}"] = str(flat(v)) if k != "log_index" else v
    return out


def write_csv(fh: IO[bytes], header: Sequence[str], rows: Iterable[dict[str, Any]], bom: bool = True) -> None:
    """RFC 4180 CSV (quoted where needed, CRLF line ends), UTF-8 with a BOM (so Excel reads Burmese, Thai
    and Chinese names as UTF-8; ``bom=False`` leaves it out), every cell through :func:`spreadsheet_cell`;
    rows are encoded into ``fh`` as they come."""
    text = io.TextIOWrapper(fh, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=True)
    w = csv.DictWriter(text, fieldnames=list(header), extrasaction="ignore", lineterminator="\r\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    text.flush()
    text.detach()


def csv_bytes(header: Sequence[str], rows: Iterable[dict[str, Any]], bom: bool = True) -> bytes:
    """:func:`write_csv` into bytes (small tables)."""
    buf = io.BytesIO()
    write_csv(buf, header, rows, bom)
    return buf.getvalue()
