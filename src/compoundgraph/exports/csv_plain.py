"""Plain CSV: ``nodes.csv``, ``edges.csv``, ``sources.csv`` (and ``victim_cases.csv`` when aggregated).

For spreadsheets, pandas, R and anything else that reads CSV. Properties are spread into ``p_<name>``
columns; list values are joined with ``"; "``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .common import csv_bytes, edge_attrs, node_attrs, write_csv
from .selection import CaseAggregate
from .sink import Sink
from .spool import SpooledView

__all__ = ["write", "aggregates_csv"]

_NODE_HEAD = ["id", "label", "name", "aliases", "identifiers", "sources", "first_seen", "last_seen"]
_EDGE_HEAD = [
    "id",
    "type",
    "subject",
    "object",
    "grade",
    "reliability",
    "credibility",
    "source",
    "valid_from",
    "valid_to",
    "first_seen",
    "last_seen",
    "handling",
    "stance",
    "contested",
    "corroborated",
    "quote",
    "claim_key",
]
_SOURCE_HEAD = [
    "id",
    "title",
    "publisher",
    "url",
    "published",
    "kind",
    "reliability",
    "handling",
    "sha256",
    "description",
]


def write(view: SpooledView, sink: Sink) -> None:
    # a first pass learns the property columns; rows are made while they are written
    props = [f"p_{k}" for k in view.entity_property_keys()]
    eprops = [f"p_{k}" for k in view.claim_property_keys()]
    with sink.open("nodes.csv") as fh:
        write_csv(fh, _NODE_HEAD + props, ({"id": e.id, **node_attrs(e)} for e in view.iter_entities()))
    with sink.open("edges.csv") as fh:
        edges = (
            {"subject": x.claim.subject, "object": x.claim.object, **edge_attrs(x.claim, x.contested, x.corroborated)}
            for x in view.iter_edges()
        )
        write_csv(fh, _EDGE_HEAD + eprops, edges)
    with sink.open("sources.csv") as fh:
        write_csv(fh, _SOURCE_HEAD, (s.model_dump() for s in view.sources.values()))
    if view.aggregates:
        with sink.open("victim_cases.csv") as fh:
            fh.write(aggregates_csv(view.aggregates))


def aggregates_csv(aggregates: Sequence[CaseAggregate]) -> bytes:
    """The victim-case counts (small: one row per cell of at least ``min_cell`` cases)."""
    return csv_bytes(["compound_id", "compound_name", "nationality", "period", "cases"], (vars(a) for a in aggregates))
