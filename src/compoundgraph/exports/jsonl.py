"""compoundgraph's own JSON-lines format: the lossless round-trip file in every package.

Sources, then entities, then claims, one record per line (``loader.record_to_json``), so
``compoundgraph load`` and :func:`compoundgraph.exports.package.import_package` read it back as it was.
"""

from __future__ import annotations

import io
import json

from ..loader import record_to_json
from .selection import ExportView

__all__ = ["render", "FILENAME"]

FILENAME = "compoundgraph.jsonl"


def render(view: ExportView) -> dict[str, bytes]:
    buf = io.BytesIO()  # one line at a time: only the file's bytes are held
    for group in (view.sources.values(), view.entities.values(), view.claims):
        for r in group:
            buf.write(json.dumps(record_to_json(r), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
    return {FILENAME: buf.getvalue()}
