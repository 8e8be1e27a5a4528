"""What an ingest run did: created / updated / unchanged (from the store's writer) and rejected (from the
readers), with the rejects written to a CSV file beside the JSON summary.

The rejects file is meant to be opened in a spreadsheet by the person who sent the data, so a rejected
value that looks like a formula is written with a leading apostrophe: the report must not become the
formula-injection vector the reader refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .base import Reject, formula_like

__all__ = ["IngestSummary", "write_report"]


@dataclass
class IngestSummary:
    files: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # file -> format
    sources: int = 0
    entities: int = 0
    claims: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    candidates: int = 0  # SAME_AS candidates proposed for review
    merged: int = 0  # entities merged automatically (shared identifier)
    screening: dict[str, Any] = field(default_factory=dict)  # records that are listed or hit a listed actor
    found: dict[str, Any] = field(default_factory=dict)  # which reports, places, countries, proposals (found.py)
    dry_run: bool = False
    rejects: list[Reject] = field(default_factory=list)
    summary_path: str | None = None
    rejects_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rejects"] = [asdict(r) for r in self.rejects[:50]]  # the CSV has them all
        return d

    def line(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        return (
            f"{verb} {self.sources} sources, {self.entities} entities, {self.claims} claims: "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.rejected} rejected"
            + (
                f"; {self.merged} merged by identifier, {self.candidates} merge candidates to review"
                if self.merged or self.candidates
                else ""
            )
        )


def _safe(value: str) -> str:
    return "'" + value if formula_like(value) else value


def write_report(summary: IngestSummary, directory: Path) -> tuple[Path, Path]:
    """``ingest-<time>.json`` (the summary) and ``ingest-<time>-rejects.csv`` beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    rejects = directory / f"ingest-{stamp}-rejects.csv"
    report = directory / f"ingest-{stamp}.json"
    with rejects.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "where", "field", "reason", "value"])
        for r in summary.rejects:
            w.writerow([r.file, r.where, r.field, _safe(r.reason), _safe(r.value)])
    summary.summary_path, summary.rejects_path = str(report), str(rejects)
    report.write_text(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report, rejects
