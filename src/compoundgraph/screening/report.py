"""A screening's answer as JSON, CSV (one line per hit, or per row without one) and a terminal table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from rich.table import Table

from ..spreadsheet import spreadsheet_cell
from .engine import Distance, EventLink, Hit, RowResult, Screening
from .names import FEATURES

__all__ = ["as_json", "as_csv", "as_table", "hit_json", "row_json", "CSV_COLUMNS"]

CSV_COLUMNS = (
    "row",
    "where",
    "key",
    "input",
    "errors",
    "entity",
    "label",
    "name",
    "how",
    "query",
    "matched",
    "score",
    "features",
    "listed",
    "sanctions",
    "events",
    "hops",
    "nearest",
    "nearest_label",
    "path_grade",
)


def _event(e: EventLink) -> dict[str, Any]:
    return {
        "id": e.event,
        "name": e.name,
        "kind": e.kind,
        "date": e.date,
        "authority": e.authority,
        "grade": e.grade,
        "via": e.via,
        "sanction": e.is_sanction,
    }


def _distance(d: Distance | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "hops": d.hops,
        "target": d.target,
        "target_name": d.target_name,
        "target_label": d.target_label,
        "grade": d.grade,
    }


def hit_json(h: Hit) -> dict[str, Any]:
    return {
        "entity": h.entity,
        "label": h.label,
        "name": h.name,
        "how": h.how,
        "query": h.query,
        "matched": h.matched,
        "score": h.score,
        "features": h.features,
        "listed": h.listed,
        "sanctions": [_event(e) for e in h.sanctions],
        "events": [_event(e) for e in h.events],
        "distance": _distance(h.distance),
    }


def row_json(r: RowResult) -> dict[str, Any]:
    return {
        "row": r.row.n,
        "where": r.row.where,
        "key": r.row.key or None,
        "input": r.row.input(),
        "errors": r.row.errors,
        "listed": r.listed,
        "hits": [hit_json(h) for h in r.hits],
    }


def as_json(s: Screening) -> dict[str, Any]:
    o = s.options
    return {
        "summary": s.summary(),
        "unknown_columns": s.unknown_columns,
        "options": {
            "threshold": o.threshold,
            "limit": o.limit,
            "max_hops": o.max_hops,
            "min_grade": o.min_grade,
            "as_of": o.as_of,
        },
        "features": FEATURES,
        "rows": [row_json(r) for r in s.rows],
    }


def _input_text(r: RowResult) -> str:
    return "; ".join(f"{k}={'|'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in r.row.input().items())


class _SafeWriter:
    """A csv writer whose cells go through the spreadsheet rule (the input rows echo what users typed)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: Sequence[Any]) -> None:
        self.writer.writerow([spreadsheet_cell(c) for c in row])


def as_csv(s: Screening) -> str:
    buf = io.StringIO()
    w = _SafeWriter(csv.writer(buf, lineterminator="\n"))
    w.writerow(CSV_COLUMNS)
    for r in s.rows:
        base = [r.row.n, r.row.where, r.row.key, _input_text(r), " | ".join(r.row.errors)]
        if not r.hits:
            w.writerow([*base, *[""] * (len(CSV_COLUMNS) - len(base))])
        for h in r.hits:
            d = h.distance
            w.writerow(
                [
                    *base,
                    h.entity,
                    h.label,
                    h.name,
                    h.how,
                    h.query,
                    h.matched,
                    f"{h.score:.4g}",
                    " ".join(f"{k}={v:g}" for k, v in h.features.items()),
                    "yes" if h.listed else "no",
                    " | ".join(f"{e.name} ({e.date or 'undated'})" for e in h.sanctions),
                    " | ".join(f"{e.kind}: {e.name}" for e in h.events if not e.is_sanction),
                    "" if d is None else d.hops,
                    "" if d is None else d.target_name,
                    "" if d is None else d.target_label,
                    "" if d is None or d.grade is None else d.grade,
                ]
            )
    return buf.getvalue()


def as_table(s: Screening, only_hits: bool = False) -> Table:
    summary = s.summary()
    t = Table(
        title=f"screened {summary['rows']:,} rows: {summary['rows_with_hits']:,} with hits, "
        f"{summary['rows_listed']:,} listed, {summary['rows_with_errors']:,} with errors"
    )
    for col in ("row", "input", "hit", "how", "score", "listed", "nearest compound / armed group", "errors"):
        t.add_column(col)
    for r in s.rows:
        if only_hits and not r.hits and not r.row.errors:
            continue
        first = True
        shown: list[Hit | None] = list(r.hits) or [None]
        for h in shown:
            cells = [str(r.row.n) if first else "", _input_text(r) if first else ""]
            if h is None:
                cells += ["", "", "", "", ""]
            else:
                d = h.distance
                near = "" if d is None else ("itself" if d.hops == 0 else f"{d.target_name} ({d.hops} hops, {d.grade})")
                listed = "; ".join(e.name for e in h.sanctions) if h.listed else ""
                cells += [
                    f"{h.name} ({h.label})",
                    h.how,
                    f"{h.score:.2f}",
                    f"[bold red]{listed}[/]" if listed else "",
                    near,
                ]
            cells.append("; ".join(r.row.errors) if first else "")
            t.add_row(*cells)
            first = False
    return t
