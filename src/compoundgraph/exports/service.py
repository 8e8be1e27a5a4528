"""The export service: from a store to a format's files, streamed (for the API and the CLI).

:func:`open_view` selects and redacts into a spooled view (constant memory, see ``spool.py``);
:func:`export_to_file` writes a format into one file (a zip of its files for the multi-file formats
i2, csv and neo4j-admin), which the API sends back without reading it into memory.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO, Any

from ..store.base import ClaimFilter, GraphStore
from .csv_plain import aggregates_csv
from .formats import DEFAULT_EXPORTER, get_format, write_format
from .redaction import get_profile, redact_spooled
from .selection import ExportView, materialize, open_selection
from .sink import Sink, ZipSink
from .spool import SpooledView

__all__ = [
    "export_bytes",
    "export_to_file",
    "build_view",
    "open_view",
    "write_export",
    "OneFileSink",
]


def open_view(
    store: GraphStore,
    profile: str = "internal",
    ids: Sequence[str] | None = None,
    query: dict[str, Any] | None = None,
    flt: ClaimFilter | None = None,
) -> SpooledView:
    """Select (ids, an ego / paths query, or everything) and redact for ``profile``, spooled; close it.

    ``query`` is ``{"ego": id, "hops": n}`` or ``{"path": [a, b]}``, optionally with ``min_grade``,
    ``as_of``, ``rel_types``, ``entity_types``.
    """
    prof = get_profile(profile)
    q = dict(query or {})
    if flt is None:
        flt = ClaimFilter.make(q.get("rel_types"), q.get("entity_types"), q.get("min_grade"), q.get("as_of"))
    path = tuple(q["path"]) if q.get("path") else None
    view = open_selection(
        store,
        ids=list(ids) if ids else None,
        ego=q.get("ego"),
        hops=int(q.get("hops", 1)),
        path=path if path and len(path) == 2 else None,
        flt=flt,
    )
    try:
        return redact_spooled(view, prof)
    except BaseException:
        view.close()
        raise


def build_view(
    store: GraphStore,
    profile: str = "internal",
    ids: Sequence[str] | None = None,
    query: dict[str, Any] | None = None,
    flt: ClaimFilter | None = None,
) -> ExportView:
    """:func:`open_view`, in memory (tests and small selections: it holds every record)."""
    with open_view(store, profile, ids, query, flt) as view:
        return materialize(view)


def write_export(view: SpooledView, fmt: str, sink: Sink, exporter: str = DEFAULT_EXPORTER) -> None:
    """A format's files, plus ``victim_cases.csv`` beside a multi-file format when the view has aggregates
    (the csv format writes its own)."""
    write_format(view, fmt, sink, exporter)
    if view.aggregates and get_format(fmt).multi_file and fmt != "csv":
        with sink.open("victim_cases.csv") as fh:
            fh.write(aggregates_csv(view.aggregates))


def export_to_file(
    store: GraphStore,
    fmt: str,
    profile: str = "internal",
    ids: Sequence[str] | None = None,
    query: dict[str, Any] | None = None,
    directory: Path | None = None,
) -> tuple[Path, str, str]:
    """(temporary file, media type, filename) of one export; the caller deletes the file. Unknown format or
    profile: ``InvalidInput`` (422)."""
    spec = get_format(fmt)
    fd, name = tempfile.mkstemp(prefix="compoundgraph-export-", dir=directory)
    path = Path(name)
    try:
        with open(fd, "wb") as fh, open_view(store, profile, ids, query) as view:
            if spec.multi_file:
                with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as z:
                    write_export(view, fmt, ZipSink(z))
            else:
                write_format(view, fmt, OneFileSink(fh))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if spec.multi_file:
        return path, "application/zip", f"compoundgraph-{fmt}.zip"
    return path, spec.media_type, spec.filename


class OneFileSink:
    """A sink for a single-file format: its one file is ``fh`` (left open)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh

    def open(self, name: str) -> AbstractContextManager[IO[bytes]]:
        return nullcontext(self.fh)


def export_bytes(
    store: GraphStore,
    fmt: str,
    profile: str = "internal",
    ids: Sequence[str] | None = None,
    query: dict[str, Any] | None = None,
) -> tuple[bytes, str, str]:
    """(content, media type, filename) of one export, in memory (tests; the API streams a file)."""
    path, media_type, filename = export_to_file(store, fmt, profile, ids, query)
    try:
        return path.read_bytes(), media_type, filename
    finally:
        path.unlink(missing_ok=True)
