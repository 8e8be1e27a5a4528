"""The export formats by name: what writes them, their media type, and the tool each is meant for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InvalidInput
from . import csv_plain, cytoscape, ftm, gexf, graphml, i2, jsonl, neo4j_admin, stix
from .selection import ExportView, spool_view
from .sink import MemorySink, Sink
from .spool import SpooledView

__all__ = ["Format", "FORMATS", "get_format", "write_format", "render", "DEFAULT_EXPORTER"]

DEFAULT_EXPORTER = "compoundgraph export"


@dataclass(frozen=True)
class Format:
    name: str
    write: Callable[[SpooledView, Sink], None]
    media_type: str  # of the single file (multi-file formats travel as a zip)
    tool: str
    filename: str = ""  # the one file of a single-file format ("" for the multi-file ones)

    @property
    def multi_file(self) -> bool:
        return not self.filename


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "jsonl",
            jsonl.write,
            "application/x-ndjson",
            "compoundgraph load / package import (lossless)",
            jsonl.FILENAME,
        ),
        Format(
            "ftm", ftm.write, "application/x-ndjson", "Aleph, OpenSanctions / nomenklatura, ftm tools", ftm.FILENAME
        ),
        Format(
            "stix",
            stix.write,
            "application/stix+json;version=2.1",
            "MISP, OpenCTI, any STIX 2.1 platform",
            stix.FILENAME,
        ),
        Format("graphml", graphml.write, "application/graphml+xml", "Gephi, Cytoscape desktop, yEd", graphml.FILENAME),
        Format("gexf", gexf.write, "application/gexf+xml", "Gephi (timeline)", gexf.FILENAME),
        Format("i2", i2.write, "text/csv", "i2 Analyst's Notebook (Import Data)"),
        Format(
            "cytoscape",
            cytoscape.write,
            "application/json",
            "Cytoscape.js, Cytoscape desktop (.cyjs)",
            cytoscape.FILENAME,
        ),
        Format("csv", csv_plain.write, "text/csv", "spreadsheets, pandas, R"),
        Format("neo4j-admin", neo4j_admin.write, "text/csv", "neo4j-admin database import full"),
    )
}


def get_format(name: str) -> Format:
    if name not in FORMATS:
        raise InvalidInput(f"unknown export format {name[:30]!r}; known: {', '.join(FORMATS)}")
    return FORMATS[name]


def write_format(view: SpooledView, name: str, sink: Sink, exporter: str = DEFAULT_EXPORTER) -> None:
    """Write one format's files into ``sink``, one file at a time (``exporter`` names who exports, in STIX)."""
    fmt = get_format(name)
    if fmt.name == "stix":
        stix.write(view, sink, exporter)
    else:
        fmt.write(view, sink)


def render(view: ExportView | SpooledView, name: str, exporter: str = DEFAULT_EXPORTER) -> dict[str, bytes]:
    """The files of one format, by file name, in memory (tests and small views; exports stream with
    :func:`write_format`)."""
    sink = MemorySink()
    if isinstance(view, ExportView):
        with spool_view(view) as spooled:
            write_format(spooled, name, sink, exporter)
    else:
        write_format(view, name, sink, exporter)
    return sink.files
