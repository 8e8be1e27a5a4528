"""The export formats by name: what renders them, their media type, and the tool each is meant for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InvalidInput
from . import csv_plain, cytoscape, ftm, gexf, graphml, i2, jsonl, neo4j_admin, stix
from .selection import ExportView

__all__ = ["Format", "FORMATS", "get_format", "render"]


@dataclass(frozen=True)
class Format:
    name: str
    render: Callable[[ExportView], dict[str, bytes]]
    media_type: str  # of the single file (multi-file formats travel as a zip)
    tool: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("jsonl", jsonl.render, "application/x-ndjson", "compoundgraph load / package import (lossless)"),
        Format("ftm", ftm.render, "application/x-ndjson", "Aleph, OpenSanctions / nomenklatura, ftm tools"),
        Format("stix", stix.render, "application/stix+json;version=2.1", "MISP, OpenCTI, any STIX 2.1 platform"),
        Format("graphml", graphml.render, "application/graphml+xml", "Gephi, Cytoscape desktop, yEd"),
        Format("gexf", gexf.render, "application/gexf+xml", "Gephi (timeline)"),
        Format("i2", i2.render, "text/csv", "i2 Analyst's Notebook (Import Data)"),
        Format("cytoscape", cytoscape.render, "application/json", "Cytoscape.js, Cytoscape desktop (.cyjs)"),
        Format("csv", csv_plain.render, "text/csv", "spreadsheets, pandas, R"),
        Format("neo4j-admin", neo4j_admin.render, "text/csv", "neo4j-admin database import full"),
    )
}


def get_format(name: str) -> Format:
    if name not in FORMATS:
        raise InvalidInput(f"unknown export format {name[:30]!r}; known: {', '.join(FORMATS)}")
    return FORMATS[name]


def render(view: ExportView, name: str) -> dict[str, bytes]:
    """The files of one format, by file name."""
    return dict(get_format(name).render(view))
