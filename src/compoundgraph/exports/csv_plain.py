"""Plain CSV: ``nodes.csv``, ``edges.csv``, ``sources.csv`` (and ``victim_cases.csv`` when aggregated).

For spreadsheets, pandas, R and anything else that reads CSV. Properties are spread into ``p_<name>``
columns; list values are joined with ``"; "``.
"""

from __future__ import annotations

from .common import csv_bytes, edge_attrs, node_attrs
from .selection import ExportView

__all__ = ["render", "aggregates_csv"]

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


def render(view: ExportView) -> dict[str, bytes]:
    # rows are made while they are written; the property columns come from a first look at the records
    props = sorted({f"p_{k}" for e in view.entities.values() for k in e.properties})
    nodes = ({"id": e.id, **node_attrs(e)} for e in view.entities.values())
    contested, corroborated = view.contested(), view.corroborated()
    eprops = sorted({f"p_{k}" for c in view.claims for k in c.properties})
    edges = (
        {"subject": c.subject, "object": c.object, **edge_attrs(c, c.id in contested, c.id in corroborated)}
        for c in view.claims
    )
    out = {
        "nodes.csv": csv_bytes(_NODE_HEAD + props, nodes),
        "edges.csv": csv_bytes(_EDGE_HEAD + eprops, edges),
        "sources.csv": csv_bytes(_SOURCE_HEAD, (s.model_dump() for s in view.sources.values())),
    }
    if view.aggregates:
        out["victim_cases.csv"] = aggregates_csv(view)
    return out


def aggregates_csv(view: ExportView) -> bytes:
    return csv_bytes(
        ["compound_id", "compound_name", "nationality", "period", "cases"], (vars(a) for a in view.aggregates)
    )
