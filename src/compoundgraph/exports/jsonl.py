"""compoundgraph's own JSON-lines format: the lossless round-trip file in every package.

Sources, then entities, then claims, one record per line (``loader.record_to_json``), so
``compoundgraph load`` and :func:`compoundgraph.exports.package.import_package` read it back as it was.
Written a line at a time from the spooled view.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

from ..loader import record_to_json
from ..models import Claim, Entity, Source
from .sink import Sink
from .spool import SpooledView

__all__ = ["write", "FILENAME"]

FILENAME = "compoundgraph.jsonl"


def write(view: SpooledView, sink: Sink) -> None:
    with sink.open(FILENAME) as fh:
        records: Iterator[Source | Entity | Claim] = itertools.chain(
            view.sources.values(), view.iter_entities(), view.iter_claims()
        )
        for r in records:
            fh.write(json.dumps(record_to_json(r), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
