"""The export service: one call from a store to the bytes of a format (for the API and the CLI).

``GET /exports/{fmt}`` maps onto :func:`export_bytes`; a multi-file format (i2, csv, neo4j-admin) comes
back as a zip of its files.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from ..store.base import ClaimFilter, GraphStore
from .formats import get_format, render
from .redaction import get_profile, redact
from .selection import ExportView, select

__all__ = ["export_bytes", "build_view", "zip_files"]


def build_view(
    store: GraphStore,
    profile: str = "internal",
    ids: Sequence[str] | None = None,
    query: dict[str, Any] | None = None,
    flt: ClaimFilter | None = None,
) -> ExportView:
    """Select (ids, an ego / paths query, or everything) and redact for ``profile``.

    ``query`` is ``{"ego": id, "hops": n}`` or ``{"path": [a, b]}``, optionally with ``min_grade``,
    ``as_of``, ``rel_types``, ``entity_types``.
    """
    prof = get_profile(profile)
    q = dict(query or {})
    if flt is None:
        flt = ClaimFilter.make(q.get("rel_types"), q.get("entity_types"), q.get("min_grade"), q.get("as_of"))
    path = tuple(q["path"]) if q.get("path") else None
    view = select(
        store,
        ids=list(ids) if ids else None,
        ego=q.get("ego"),
        hops=int(q.get("hops", 1)),
        path=path if path and len(path) == 2 else None,
        flt=flt,
    )
    return redact(view, prof)


def zip_files(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            z.writestr(
                zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), files[name], compress_type=zipfile.ZIP_DEFLATED
            )
    return buf.getvalue()


def export_bytes(
    store: GraphStore,
    fmt: str,
    profile: str = "internal",
    ids: Sequence[str] | None = None,
    query: dict[str, Any] | None = None,
) -> tuple[bytes, str, str]:
    """(content, media type, filename) of one export. Unknown format or profile: ``InvalidInput`` (422)."""
    spec = get_format(fmt)
    files = render(build_view(store, profile, ids, query), fmt)
    if len(files) == 1:
        name, data = next(iter(files.items()))
        return data, spec.media_type, name
    return zip_files(files), "application/zip", f"compoundgraph-{fmt}.zip"
